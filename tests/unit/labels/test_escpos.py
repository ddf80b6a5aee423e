"""ESC/POS packing slips, parsed back from the bytes python-escpos produced."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from packstation.labels.canvas import paint
from packstation.labels.escpos import parse
from packstation.labels.render import render_slip
from tests.unit.labels.conftest import slip


@pytest.mark.parametrize(("size", "width"), [("80mm", 576), ("58mm", 384)])
def test_slip_bytes_parse_back_to_the_preview(size: str, width: int, font_path: str) -> None:
    rendered = render_slip(slip(), language="escpos", size=size, dpi=203, font_path=font_path)
    data = rendered.content
    assert data.startswith(b"\x1b@")  # initialise
    assert b"\x1dv0" in data  # raster image
    assert b"\x1dV" in data[-8:]  # cut at the end
    (page,) = parse(data)
    assert page.width == width
    expected = paint(rendered.drawings[0])
    assert page.height == expected.height
    assert ImageChops.difference(page.convert("L"), expected.convert("L")).getbbox() is None


def test_many_lines_make_a_longer_receipt(font_path: str) -> None:
    from dataclasses import replace

    from packstation.labels.content import SlipLine

    short = render_slip(slip(), language="escpos", size="80mm", dpi=203, font_path=font_path)
    many = replace(slip(), lines=tuple(SlipLine(f"SKU-{i}", f"商品 {i}", "", 1) for i in range(30)))
    long = render_slip(many, language="escpos", size="80mm", dpi=203, font_path=font_path)
    assert parse(long.content)[0].height > parse(short.content)[0].height * 2
