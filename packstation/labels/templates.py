"""Label layouts as data: one template per size, every position in millimetres.

``compose`` reads these; nothing else in the code knows where a field sits.  To move a field or
add a size, change the tables here.  A region is a box; text is fitted into it (wrapped, shrunk
down to ``min_size``, then cut with an ellipsis).  ``size`` is the text height in mm.

The courier label has two parts (二联) on 100×150 mm: the main part the courier scans and sorts
by, and a stub below the tear line that the shop keeps (or the recipient signs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Region:
    x: float
    y: float
    w: float
    h: float
    size: float = 3.0
    bold: bool = False
    align: Align = "left"
    lines: int = 1
    min_size: float = 0.0


@dataclass(frozen=True)
class Rule:
    """A line or box, in mm; ``t`` is its thickness."""

    x: float
    y: float
    w: float
    h: float
    t: float = 0.3


@dataclass(frozen=True)
class Template:
    name: str
    width_mm: float
    height_mm: float
    inches: tuple[float, float] | None  # a size given in inches keeps its inch width in dots
    regions: dict[str, Region]
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def size_dots(self, dpi: int) -> tuple[int, int]:
        if self.inches:
            return round(self.inches[0] * dpi), round(self.inches[1] * dpi)
        per_mm = dots_per_mm(dpi)
        return round(self.width_mm * per_mm), round(self.height_mm * per_mm)


def dots_per_mm(dpi: int) -> int:
    """Thermal heads have whole dots per mm: 8 at 203 dpi, 12 at 300, 24 at 600."""
    return round(dpi / 25.4)


def _courier_100x150(name: str, inches: tuple[float, float] | None) -> Template:
    R = Region
    return Template(
        name=name,
        width_mm=100,
        height_mm=150,
        inches=inches,
        regions={
            "carrier": R(3, 2, 58, 8, size=6.5, bold=True),
            "service": R(62, 2, 35, 5, size=3.6, bold=True, align="right"),
            "printed": R(62, 7.2, 35, 3.4, size=2.6, align="right"),
            "sort": R(3, 12.5, 70, 11, size=9.5, bold=True, min_size=6),
            "hub": R(74, 12.5, 23, 11, size=3.0, lines=3, align="right"),
            "barcode": R(3, 26.5, 94, 20),
            "tracking": R(3, 47.5, 94, 5.6, size=4.8, bold=True, align="center"),
            "to_mark": R(3, 56, 8, 7, size=6.0, bold=True, align="center"),
            "to_person": R(12, 55, 85, 6, size=4.6, bold=True),
            "to_address": R(12, 61.5, 85, 16, size=4.2, bold=True, lines=3, min_size=3.2),
            "from_mark": R(3, 81, 8, 7, size=6.0, bold=True, align="center"),
            "from_person": R(12, 80, 85, 4.2, size=3.2),
            "from_address": R(12, 84.5, 85, 7, size=2.9, lines=2),
            "goods": R(3, 94.5, 64, 10.5, size=3.0, lines=3, min_size=2.4),
            "marks": R(68, 94.5, 29, 10.5, size=3.6, bold=True, lines=2, align="right"),
            "order": R(3, 106.5, 58, 4, size=3.0),
            "weight": R(62, 106.5, 35, 4, size=3.0, align="right"),
            "stub_title": R(3, 115, 60, 4.5, size=3.2, bold=True),
            "stub_parcel": R(64, 115, 33, 4.5, size=3.2, bold=True, align="right"),
            "stub_barcode": R(3, 120.5, 94, 11),
            "stub_tracking": R(3, 132, 94, 4, size=3.2, bold=True, align="center"),
            "stub_to": R(3, 137, 94, 4, size=2.9),
            "stub_order": R(3, 141.5, 94, 4, size=2.9),
        },
        rules=(
            Rule(1, 1, 98, 148, t=0.4),
            Rule(1, 11.5, 98, 0.3),
            Rule(1, 25, 98, 0.3),
            Rule(1, 54, 98, 0.5),
            Rule(1, 79, 98, 0.3),
            Rule(1, 93, 98, 0.3),
            Rule(1, 111.5, 98, 0.5),
            # the tear line between the main part and the stub
            Rule(1, 113, 98, 0.6),
        ),
    )


def _courier_76x130() -> Template:
    R = Region
    return Template(
        name="76x130",
        width_mm=76,
        height_mm=130,
        inches=None,
        regions={
            "carrier": R(2.5, 2, 44, 7, size=5.4, bold=True),
            "service": R(47, 2, 26.5, 4.2, size=3.0, bold=True, align="right"),
            "printed": R(47, 6.4, 26.5, 3, size=2.3, align="right"),
            "sort": R(2.5, 11.5, 52, 10, size=8.5, bold=True, min_size=5),
            "hub": R(55, 11.5, 18.5, 10, size=2.6, lines=3, align="right"),
            "barcode": R(2.5, 24.5, 71, 19),
            "tracking": R(2.5, 44.5, 71, 5, size=4.2, bold=True, align="center"),
            "to_mark": R(2.5, 52.5, 7, 6, size=5.0, bold=True, align="center"),
            "to_person": R(10.5, 51.5, 63, 5.5, size=4.2, bold=True),
            "to_address": R(10.5, 57.5, 63, 16, size=3.8, bold=True, lines=3, min_size=3.0),
            "from_mark": R(2.5, 77, 7, 6, size=5.0, bold=True, align="center"),
            "from_person": R(10.5, 76, 63, 4, size=2.9),
            "from_address": R(10.5, 80.2, 63, 6.6, size=2.6, lines=2),
            "goods": R(2.5, 89.5, 48, 12, size=2.8, lines=3, min_size=2.2),
            "marks": R(51, 89.5, 22.5, 12, size=3.2, bold=True, lines=2, align="right"),
            "order": R(2.5, 103, 44, 4, size=2.8),
            "weight": R(47, 103, 26.5, 4, size=2.8, align="right"),
            "stub_title": R(2.5, 111, 44, 4, size=2.9, bold=True),
            "stub_parcel": R(47, 111, 26.5, 4, size=2.9, bold=True, align="right"),
            "stub_barcode": R(2.5, 115.5, 71, 8),
            "stub_tracking": R(2.5, 124, 71, 3.8, size=2.9, bold=True, align="center"),
        },
        rules=(
            Rule(1, 1, 74, 128, t=0.4),
            Rule(1, 10.5, 74, 0.3),
            Rule(1, 23, 74, 0.3),
            Rule(1, 50.5, 74, 0.5),
            Rule(1, 75, 74, 0.3),
            Rule(1, 88, 74, 0.3),
            Rule(1, 107.5, 74, 0.5),
            Rule(1, 109.5, 74, 0.6),
        ),
    )


LABELS: dict[str, Template] = {
    "100x150": _courier_100x150("100x150", None),
    "4x6": _courier_100x150("4x6", (4.0, 6.0)),
    "76x130": _courier_76x130(),
}


@dataclass(frozen=True)
class SlipTemplate:
    """A packing slip or pick list: a column of blocks, each as wide as the paper's print width."""

    name: str
    width_mm: float  # what the head prints, not the paper
    height_mm: float | None  # None: as long as the content (receipt roll)
    title: float = 5.0  # text heights in mm
    body: float = 3.2
    small: float = 2.6
    barcode_h: float = 10.0
    margin: float = 2.0


SLIPS: dict[str, SlipTemplate] = {
    "80mm": SlipTemplate("80mm", 72, None),
    "58mm": SlipTemplate("58mm", 48, None, title=4.2, body=2.8, small=2.4, barcode_h=9, margin=1),
    # on the label printer: the label's own size, content that does not fit is summarised
    "100x150": SlipTemplate("100x150", 100, 150, margin=3),
    "4x6": SlipTemplate("4x6", 101.6, 152.4, margin=3),
    "76x130": SlipTemplate("76x130", 76, 130, title=4.4, body=2.9, small=2.4, margin=2.5),
}
