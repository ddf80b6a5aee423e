"""Tracking (waybill) numbers: the carriers' formats, the EMS S10 check digit, number ranges.

Pure rules, called by ``services.tracking`` (allocation and binding), by the bench (a scanned
pre-printed waybill) and by intake (the courier names the marketplace writes).  The formats are
format checks only (reference/marketplace.md): domestic carriers publish no check digits, so the
real check is that a scanned number equals the one issued for the parcel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packstation.domain.carriers import CARRIERS as CARRIER_TABLE
from packstation.domain.carriers import CarrierName, code_for_name

# The formats come from the one carrier table; case is folded before matching.
CARRIERS: dict[str, CarrierName] = {c.code: c for c in CARRIER_TABLE}

_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalise(number: str) -> str:
    """A number as scanned or typed, without blanks and in upper case."""
    return re.sub(r"\s+", "", number).upper()


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial (weights 8 6 4 2 3 5 9 7, mod 11)."""
    if not re.fullmatch(r"\d{8}", serial):
        raise ValueError("an S10 serial is 8 digits")
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def s10_valid(number: str) -> bool:
    match = _S10.fullmatch(normalise(number))
    return bool(match) and s10_check_digit(match.group(2)) == int(match.group(3))  # type: ignore[union-attr]


def format_ok(carrier: str, number: str, pattern: str = "") -> bool:
    """Does ``number`` have the form of one of ``carrier``'s tracking numbers?

    ``pattern`` (from the carrier table) overrides the built-in one; an unknown carrier without
    a pattern accepts 8 to 40 letters and digits.
    """
    number = normalise(number)
    code = carrier.upper()
    regex = pattern or (CARRIERS[code].pattern if code in CARRIERS else r"[A-Z0-9]{8,40}")
    if not re.fullmatch(regex, number, flags=re.IGNORECASE):
        return False
    # An S10 number carries a check digit; the 13-digit domestic EMS form does not.
    return not (code == "EMS" and _S10.fullmatch(number)) or s10_valid(number)


def carrier_for_marketplace_name(name: str) -> str | None:
    """The carrier code for a courier name as an export writes it (圆通速递 → YTO), or None."""
    return code_for_name(name)


@dataclass(frozen=True)
class NumberShape:
    """A number split around its serial, the part a range counts through."""

    prefix: str
    serial: str
    suffix: str  # for S10: check digit + country code, recomputed on each step

    @property
    def value(self) -> int:
        return int(self.serial)


def shape(number: str) -> NumberShape:
    """Split a range bound: S10 numbers count their 8-digit serial, others their last digits."""
    number = normalise(number)
    s10 = _S10.fullmatch(number)
    if s10:
        return NumberShape(s10.group(1), s10.group(2), s10.group(3) + s10.group(4))
    match = re.fullmatch(r"(.*?)(\d+)([A-Z]*)", number)
    if not match:
        raise ValueError(f"{number!r} has no digits to count through")
    return NumberShape(match.group(1), match.group(2), match.group(3))


def same_range(first: str, last: str) -> bool:
    """Do two bounds belong to one range (same prefix, serial width and suffix form)?"""
    try:
        a, b = shape(first), shape(last)
    except ValueError:
        return False
    s10 = _S10.fullmatch(normalise(first)) is not None
    suffix_ok = a.suffix[-2:] == b.suffix[-2:] if s10 else a.suffix == b.suffix
    return (
        a.prefix == b.prefix and len(a.serial) == len(b.serial) and suffix_ok and a.value <= b.value
    )


def number_at(template: str, value: int) -> str:
    """The number of the range of ``template`` whose serial is ``value``."""
    form = shape(template)
    serial = str(value).zfill(len(form.serial))
    if len(serial) > len(form.serial):
        raise ValueError("past the width of the range")
    if _S10.fullmatch(normalise(template)):
        return f"{form.prefix}{serial}{s10_check_digit(serial)}{form.suffix[-2:]}"
    return f"{form.prefix}{serial}{form.suffix}"


def in_range(number: str, first: str, last: str) -> bool:
    try:
        form = shape(number)
    except ValueError:
        return False
    lo, hi = shape(first), shape(last)
    return form.prefix == lo.prefix and lo.value <= form.value <= hi.value
