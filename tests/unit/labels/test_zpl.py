"""ZPL labels, asserted by parsing the bytes back: fields, barcode content, sizes, and that the
preview painted from the parsed bytes is the drawing the label was made from."""

from __future__ import annotations

import re

import pytest
from PIL import ImageChops

from packstation.labels import zpl
from packstation.labels.canvas import Bars, Bitmap, Rect, paint
from packstation.labels.render import pages_of, render_label, render_slip
from tests.unit.labels.conftest import chinese_label, english_label, slip

SIZES = {"100x150": (800, 1200), "76x130": (608, 1040), "4x6": (812, 1218)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("make", [chinese_label, english_label])
def test_label_structure(size: str, make: object, font_path: str) -> None:
    data = make()  # type: ignore[operator]
    rendered = render_label(data, language="zpl", size=size, dpi=203, font_path=font_path)
    text = rendered.content.decode("utf-8")
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    assert "^CI28" in text
    (fmt,) = zpl.parse(rendered.content)
    width, length = SIZES[size]
    assert (fmt.width, fmt.length) == (width, length)
    # the tracking number is the content of both Code 128 fields (main part and stub)
    assert fmt.barcode_data == [data.tracking_no, data.tracking_no]
    main = fmt.drawing.barcodes()[0]
    assert main.module >= 2, "bars of one dot do not scan from a thermal print"
    assert main.height >= 120
    for item in fmt.drawing.items:
        if isinstance(item, Bars):
            w, h = item.width, item.height
        elif isinstance(item, Bitmap):
            w, h = item.image.size
            # ^GFA rows are padded to bytes; the ink is what must fit
            box = ImageChops.invert(item.image.convert("L")).getbbox()
            w = box[2] if box else 0
        else:
            assert isinstance(item, Rect)
            w, h = item.w, item.h
        assert item.x >= 0 and item.x + w <= width, item
        assert item.y >= 0 and item.y + h <= length, item
    assert len(re.findall(r"\^GFA", text)) >= 10  # text goes as graphics (CJK is never in ^FD)


@pytest.mark.parametrize("size", list(SIZES))
def test_preview_is_the_label(size: str, font_path: str) -> None:
    rendered = render_label(
        chinese_label(), language="zpl", size=size, dpi=203, font_path=font_path
    )
    (page,) = pages_of("zpl", rendered.content)
    expected = paint(rendered.drawings[0])
    assert page.size == expected.size
    assert ImageChops.difference(page.convert("L"), expected.convert("L")).getbbox() is None


def test_barcode_quiet_zones_stay_inside_the_label(font_path: str) -> None:
    rendered = render_label(
        chinese_label(), language="zpl", size="76x130", dpi=203, font_path=font_path
    )
    (fmt,) = zpl.parse(rendered.content)
    for bars in fmt.drawing.barcodes():
        quiet = 10 * bars.module
        assert bars.x - quiet >= 0 and bars.x + bars.width + quiet <= fmt.width


def test_slip_as_a_zpl_label(font_path: str) -> None:
    rendered = render_slip(slip(), language="zpl", size="100x150", dpi=203, font_path=font_path)
    (fmt,) = zpl.parse(rendered.content)
    assert fmt.barcode_data == ["3364111318168545451"]
    assert (fmt.width, fmt.length) == (800, 1200)


def test_graphic_fields_round_trip() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("1", (37, 11), 1)
    ImageDraw.Draw(image).rectangle((3, 2, 30, 8), fill=0)
    field = zpl.graphic_field(image)
    (fmt,) = zpl.parse(f"^XA^PW40^LL20^FO1,2{field}^FS^XZ".encode())
    (bitmap,) = fmt.drawing.items
    assert isinstance(bitmap, Bitmap)
    assert bitmap.image.crop((0, 0, 37, 11)).tobytes() == image.tobytes()


def test_a_damaged_graphic_is_refused() -> None:
    from PIL import Image

    field = zpl.graphic_field(Image.new("1", (16, 4), 0))
    damaged = field[:-1] + ("0" if field[-1] != "0" else "1")
    with pytest.raises(ValueError):
        zpl.parse(f"^XA^PW40^LL20^FO0,0{damaged}^FS^XZ".encode())


def test_foreign_zpl_text_fields_are_previewed() -> None:
    from packstation.labels.render import pages_of

    (page,) = pages_of("zpl", b"^XA^PW400^LL200^FO50,50^A0N,40,40^FDYT7000000000001^FS^XZ")
    assert page.size == (400, 200)
    box = ImageChops.invert(page.convert("L")).getbbox()
    assert box is not None and box[0] >= 50 and box[1] >= 50
    assert pages_of("zpl", b"not zpl at all") == []
