"""A&D / CAS continuous output: ``ST,GS,+0001.234kg`` about ten times a second (pure parser).

Header 1: ``ST`` stable, ``US`` unstable, ``OL`` overload (a minus sign: underload), ``LO`` under;
``QT`` is a piece count, not a weight.  An optional header 2 says gross, net or tare (a tare
frame is not a weighing: skipped).  Out of range, the digits are spaces.
"""

from __future__ import annotations

import re
from decimal import Decimal

from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.devices.protocols.base import (
    FrameError,
    UnitError,
    ascii_text,
    from_grams,
    to_grams,
)

_HEADERS = {
    "ST": ScaleStatus.STABLE,
    "US": ScaleStatus.MOTION,
    "OL": ScaleStatus.OVERLOAD,
    "LO": ScaleStatus.UNDERLOAD,
}
_SECOND = ("GS", "NT", "G", "N")  # gross, net: what is on the scale
_TARE = ("TR", "T")
_DATA = re.compile(r"\s*([+-]?)([0-9. ]*?)\s*([A-Za-z]{0,3})\s*")


def parse(frame: bytes) -> ScaleReading | None:
    fields = ascii_text(frame).strip().split(",")
    header = fields[0].strip()
    if header == "QT":
        raise UnitError("PCS")  # counting mode: pieces, not a weight
    status = _HEADERS.get(header)
    if status is None:
        raise FrameError("not an A&D header")
    rest = fields[1:]
    if rest and rest[0].strip() in _TARE:
        return None  # the tare the scale holds, sent on request: not what is on it
    if rest and rest[0].strip() in _SECOND:
        rest = rest[1:]
    if len(rest) != 1:
        raise FrameError("wrong number of fields")
    match = _DATA.fullmatch(rest[0])
    if match is None:
        raise FrameError("not an A&D data field")
    sign, digits, unit = match.groups()
    if status is ScaleStatus.OVERLOAD and sign == "-":
        status = ScaleStatus.UNDERLOAD
    if not digits.strip(" ."):
        if status in (ScaleStatus.STABLE, ScaleStatus.MOTION):
            raise FrameError("a weight frame without digits")
        return ScaleReading(grams=None, status=status, raw=frame, unit=unit or "g")
    if not unit:
        raise FrameError("no unit")
    if digits.strip().count(" "):
        raise FrameError("spaces inside the number")
    grams = to_grams(sign + digits, unit)
    if status in (ScaleStatus.OVERLOAD, ScaleStatus.UNDERLOAD):
        return ScaleReading(grams=None, status=status, raw=frame, unit=unit)
    return ScaleReading(grams=grams, status=status, raw=frame, unit=unit)


def format_reading(grams: Decimal | None, status: ScaleStatus, unit: str = "g") -> bytes:
    """One line of the continuous stream."""
    if status is ScaleStatus.ERROR:
        return b"ER,GS,         \r\n"  # not a header the parser knows: the bench counts garbage
    if status in (ScaleStatus.OVERLOAD, ScaleStatus.UNDERLOAD):
        sign = "+" if status is ScaleStatus.OVERLOAD else "-"
        return f"OL,GS,{sign}        {unit:>2}\r\n".encode("ascii")
    header = "ST" if status is ScaleStatus.STABLE else "US"
    value = grams or Decimal(0)
    sign = "-" if value < 0 else "+"
    number = from_grams(abs(value), unit)
    return f"{header},GS,{sign}{number:0>9}{unit:>2}\r\n".encode("ascii")
