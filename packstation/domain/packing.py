"""Packing rules at the bench (DESIGN §5), pure: no I/O, no session.

Called by ``packstation.services.packing`` (and its tests): which line a scanned barcode ticks and
by how much, the expected weight of a parcel, the weighing tolerance, and the carton to suggest.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from packstation.domain.status import ParcelStatus


@dataclass(frozen=True)
class LineState:
    """One order line as the bench sees it."""

    line_id: int
    sku: str
    quantity: int
    packed: int

    @property
    def remaining(self) -> int:
        return self.quantity - self.packed


class ScanOutcome(StrEnum):
    TICKED = "ticked"
    UNKNOWN = "unknown"  # no product has this barcode
    WRONG_ITEM = "wrong_item"  # a product, but not on this order
    OVER_SCAN = "over_scan"  # the line is already complete, or the case holds more than is left


@dataclass(frozen=True)
class ScanMatch:
    outcome: ScanOutcome
    line_id: int | None = None
    units: int = 0  # units this scan ticks (a case barcode: its multiplier)
    remaining: int = 0  # units still wanted on the matched line before this scan


# more than any parcel a courier takes: a weight above it is a typing or reading mistake (and
# would not fit the store's column)
MAX_WEIGHT_G = 1_000_000

# a weight typed by hand: grams bare, or with the unit a packer may write (斤 is half a kilo)
GRAMS_PER_TYPED_UNIT = {
    "": Decimal(1),
    "g": Decimal(1),
    "克": Decimal(1),
    "kg": Decimal(1000),
    "公斤": Decimal(1000),
    "千克": Decimal(1000),
    "斤": Decimal(500),
}
_TYPED_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(g|kg|克|公斤|千克|斤)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d.,])")


def typed_grams(text: str) -> int | None:
    """Whole grams from a weight typed by hand ("1250", "1.25 kg", "850克", "2斤"), rounded
    to the gram; a comma groups thousands ("2,130") or, alone before other than three digits,
    is the decimal point ("1,5 kg"); full-width characters count as their ASCII ones.  None
    when it is no weight or not between 1 g and ``MAX_WEIGHT_G``."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().replace("，", ",")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")  # 2,130 g
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")  # 1,5 kg, as many keyboards write a decimal
    found = _TYPED_WEIGHT.fullmatch(cleaned)
    if found is None:
        return None
    grams_per = GRAMS_PER_TYPED_UNIT[found.group(2) or ""]
    grams = int((Decimal(found.group(1)) * grams_per).to_integral_value(ROUND_HALF_UP))
    return grams if 0 < grams <= MAX_WEIGHT_G else None


def match_scan(lines: Sequence[LineState], sku: str | None, multiplier: int = 1) -> ScanMatch:
    """What a scan of a product (``sku``, ``multiplier`` units) does to the order's lines.

    ``sku`` None means the barcode is unknown.  A scan never ticks part of a case: a case of 6
    when 4 are wanted is an over-scan and ticks nothing.  When the same SKU is on several lines
    (e.g. a paid line and a gift line) the first line with room takes the scan.
    """
    if sku is None:
        return ScanMatch(ScanOutcome.UNKNOWN)
    if multiplier < 1:
        raise ValueError("a barcode's multiplier is at least 1")
    same = [line for line in lines if line.sku == sku]
    if not same:
        return ScanMatch(ScanOutcome.WRONG_ITEM)
    for line in same:
        if line.remaining >= multiplier:
            return ScanMatch(
                ScanOutcome.TICKED, line_id=line.line_id, units=multiplier, remaining=line.remaining
            )
    left = sum(max(line.remaining, 0) for line in same)
    return ScanMatch(ScanOutcome.OVER_SCAN, line_id=same[0].line_id, remaining=left)


def progress(lines: Sequence[LineState]) -> tuple[int, int]:
    """Units ticked and units wanted over all lines."""
    return sum(line.packed for line in lines), sum(line.quantity for line in lines)


def all_ticked(lines: Sequence[LineState]) -> bool:
    return all(line.remaining <= 0 for line in lines)


def courier_places(parcels: Iterable[tuple[int, str]]) -> dict[int, int]:
    """Each parcel's place as the courier counts it (件 n/m), by its number (``seq``): void
    boxes are left out, so an order whose first box was undone ships its next as 1/1.
    ``parcels``: (seq, status) of the order's parcels, in any order."""
    going = sorted(seq for seq, status in parcels if status != ParcelStatus.VOID)
    return {seq: place for place, seq in enumerate(going, start=1)}


def expected_weight(items: Sequence[tuple[int, int]], tare_g: int) -> int:
    """Grams a parcel should weigh: the sum of unit weight × quantity, plus the carton tare."""
    return sum(unit_g * qty for unit_g, qty in items) + tare_g


def tolerance(expected_g: int, tolerance_g: int, tolerance_pct: float) -> int:
    """The allowed deviation: the larger of the fixed grams and the percentage of the expected."""
    return max(tolerance_g, math.ceil(expected_g * tolerance_pct / 100))


def within_tolerance(
    measured_g: int, expected_g: int, tolerance_g: int, tolerance_pct: float
) -> bool:
    return abs(measured_g - expected_g) <= tolerance(expected_g, tolerance_g, tolerance_pct)


@dataclass(frozen=True)
class Carton:
    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int
    max_weight_g: int = 0  # 0: no limit

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


@dataclass(frozen=True)
class Item:
    """Units of one product going into a parcel; unknown dimensions count as nothing."""

    quantity: int
    unit_weight_g: int = 0
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None

    @property
    def volume_mm3(self) -> int:
        if not (self.length_mm and self.width_mm and self.height_mm):
            return 0
        return self.length_mm * self.width_mm * self.height_mm * self.quantity

    @property
    def longest_mm(self) -> int:
        return max(self.length_mm or 0, self.width_mm or 0, self.height_mm or 0)


# Goods never fill a box: padding and awkward shapes.  75 % is the usual packing density.
FILL_FACTOR = 0.75


def suggest_carton(cartons: Sequence[Carton], items: Sequence[Item]) -> Carton | None:
    """The smallest carton whose volume (at the fill factor) holds the items, whose longest side
    takes the longest item and whose weight limit (if any) is not exceeded; the largest carton when
    none fits; None without cartons."""
    if not cartons:
        return None
    volume = sum(item.volume_mm3 for item in items)
    longest = max((item.longest_mm for item in items), default=0)
    weight = sum(item.unit_weight_g * item.quantity for item in items)
    by_size = sorted(cartons, key=lambda c: (c.volume_mm3, c.tare_g, c.code))
    for carton in by_size:
        fits_volume = volume <= carton.volume_mm3 * FILL_FACTOR
        fits_side = longest <= max(carton.length_mm, carton.width_mm, carton.height_mm)
        fits_weight = not carton.max_weight_g or weight + carton.tare_g <= carton.max_weight_g
        if fits_volume and fits_side and fits_weight:
            return carton
    return by_size[-1]


# Command barcodes (printed on the sheet by ``packstation sheet``): a packer never needs the
# keyboard.  Plain ASCII so every scanner and keyboard layout sends them unchanged.
COMMAND_BARCODES: dict[str, str] = {
    "CMD-NEXT": "next",
    "CMD-NEWBOX": "new_box",
    "CMD-SHORT": "short",
    "CMD-REPRINT": "reprint",
    "CMD-CANCEL": "cancel",
    "CMD-SIGNOUT": "sign_out",
}


def command_of(code: str) -> str | None:
    """The bench command a scanned code stands for, or None for any other code."""
    return COMMAND_BARCODES.get(code.strip().upper())
