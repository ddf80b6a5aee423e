"""The labels package's front door: data → printer bytes, and printer bytes → preview PNG.

Called by ``services.printing`` (which gathers the data from the store) and by the benchmark.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from packstation.labels import escpos, zpl
from packstation.labels.canvas import Drawing, paint
from packstation.labels.compose import compose_label, compose_pick_list, compose_slip
from packstation.labels.content import HandoverListData, LabelData, PickListData, SlipData
from packstation.labels.handover_list import compose_handover_list
from packstation.labels.templates import LABELS, SLIPS

LANGUAGES = ("zpl", "escpos")


@dataclass(frozen=True)
class Rendered:
    language: str
    content: bytes
    drawings: tuple[Drawing, ...]


def encode(language: str, drawings: list[Drawing]) -> bytes:
    """Drawings as the bytes a printer takes: ZPL, or ESC/POS for a receipt printer."""
    if language == "zpl":
        return zpl.write(drawings)
    if language == "escpos":
        return escpos.write(drawings)
    raise ValueError(f"unknown printer language {language!r}")


def render_label(
    data: LabelData, *, language: str, size: str, dpi: int, font_path: str
) -> Rendered:
    drawing = compose_label(data, LABELS[size], font_path=font_path, dpi=dpi)
    return Rendered(language, encode(language, [drawing]), (drawing,))


def render_slip(data: SlipData, *, language: str, size: str, dpi: int, font_path: str) -> Rendered:
    """``size`` is 80mm or 58mm (receipt) or a label size (the slip on the label printer)."""
    drawing = compose_slip(data, SLIPS[size], font_path=font_path, dpi=dpi)
    return Rendered(language, encode(language, [drawing]), (drawing,))


def render_pick_list(
    data: PickListData, *, language: str, size: str, dpi: int, font_path: str
) -> Rendered:
    drawings = compose_pick_list(data, SLIPS[size], font_path=font_path, dpi=dpi)
    return Rendered(language, encode(language, drawings), tuple(drawings))


def render_handover_list(
    data: HandoverListData, *, language: str, size: str, dpi: int, font_path: str
) -> Rendered:
    drawings = compose_handover_list(data, SLIPS[size], font_path=font_path, dpi=dpi)
    return Rendered(language, encode(language, drawings), tuple(drawings))


def pages_of(language: str, content: bytes) -> list[Image.Image]:
    """What the printer prints for these bytes, page by page, parsed back from the bytes."""
    if language == "zpl":
        return [paint(f.drawing) for f in zpl.parse(content)]
    if language == "escpos":
        return escpos.parse(content)
    raise ValueError(f"unknown printer language {language!r}")


def png(pages: list[Image.Image], *, gap: int = 24) -> bytes:
    """Pages side by side on grey, as PNG bytes; a single page is returned as it is."""
    if not pages:
        pages = [Image.new("1", (8, 8), 1)]  # bytes with nothing printable: an empty page
    if len(pages) == 1:
        sheet = pages[0].convert("L")
    else:
        width = sum(p.width for p in pages) + gap * (len(pages) + 1)
        height = max(p.height for p in pages) + 2 * gap
        sheet = Image.new("L", (width, height), 200)
        x = gap
        for page in pages:
            sheet.paste(page.convert("L"), (x, gap))
            x += page.width + gap
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=False)
    return out.getvalue()


def preview_png(language: str, content: bytes) -> bytes:
    return png(pages_of(language, content))
