"""The memo of finished texts and their ZPL encodings: same pixels and bytes, bounded size."""

from __future__ import annotations

from packstation.labels import zpl
from packstation.labels.canvas import (
    TEXT_CACHE_SIZE,
    Ink,
    cut_to_ink,
    text_bitmap,
    text_ink,
    wrap,
)
from packstation.labels.content import LabelData
from packstation.labels.render import render_label, render_slip
from tests.unit.labels.conftest import chinese_label, slip


def _clear() -> None:
    text_ink.cache_clear()
    wrap.cache_clear()
    zpl.ink_field.cache_clear()


def test_a_text_drawn_twice_is_the_same_ink_with_the_pixels_of_a_fresh_drawing(
    font_path: str,
) -> None:
    def cached(text: str) -> Ink | None:
        return text_ink(text, font_path=font_path, size=34, width=400, height=80, bold=True)

    def fresh(text: str) -> Ink | None:
        drawn = text_bitmap(text, font_path=font_path, size=34, width=400, height=80, bold=True)
        return cut_to_ink(drawn)

    _clear()
    first = cached("圆通速递 YTO Express")
    assert first is not None and cached("圆通速递 YTO Express") is first
    assert text_ink.cache_info().hits == 1

    drawn = fresh("圆通速递 YTO Express")
    assert drawn is not None
    assert (first.dx, first.dy, first.image.size) == (drawn.dx, drawn.dy, drawn.image.size)
    assert first.image.tobytes() == drawn.image.tobytes()

    other = cached("顺丰速运 SF Express")
    assert other is not None and other is not first
    assert other.image.tobytes() != first.image.tobytes()
    assert cached("  ") is None  # no ink, nothing to place


def test_the_caches_stay_within_their_bound(font_path: str) -> None:
    _clear()
    assert text_ink.cache_info().maxsize == TEXT_CACHE_SIZE
    for n in range(TEXT_CACHE_SIZE + 50):
        text_ink(f"{n}", font_path=font_path, size=12, width=60, height=14)
    info = text_ink.cache_info()
    assert info.misses == TEXT_CACHE_SIZE + 50
    assert info.currsize == TEXT_CACHE_SIZE
    assert wrap.cache_info().currsize <= TEXT_CACHE_SIZE
    # the oldest text was pushed out: drawing it again is a miss, and still the same pixels
    again = text_ink("0", font_path=font_path, size=12, width=60, height=14)
    assert text_ink.cache_info().misses == TEXT_CACHE_SIZE + 51
    fresh = cut_to_ink(text_bitmap("0", font_path=font_path, size=12, width=60, height=14))
    assert again is not None and fresh is not None
    assert again.image.tobytes() == fresh.image.tobytes()


def test_cached_labels_and_slips_print_the_same_bytes_as_fresh_ones(font_path: str) -> None:
    def label(data: LabelData) -> bytes:
        return render_label(
            data, language="zpl", size="100x150", dpi=203, font_path=font_path
        ).content

    def packing_slip() -> bytes:
        return render_slip(
            slip(), language="zpl", size="100x150", dpi=203, font_path=font_path
        ).content

    _clear()
    fresh_label, fresh_slip = label(chinese_label()), packing_slip()
    misses = text_ink.cache_info().misses
    other = label(chinese_label(tracking_no="YT7000000000002", order_no="3364111318168545452"))
    # only the texts with the new numbers were drawn: tracking and order, on label and stub
    assert other != fresh_label
    assert text_ink.cache_info().misses - misses == 4

    hits = text_ink.cache_info().hits
    field_hits = zpl.ink_field.cache_info().hits
    assert label(chinese_label()) == fresh_label
    assert packing_slip() == fresh_slip
    assert text_ink.cache_info().hits > hits
    assert zpl.ink_field.cache_info().hits > field_hits

    _clear()
    assert label(chinese_label()) == fresh_label
    assert packing_slip() == fresh_slip


def test_a_cached_text_encodes_as_its_image_does(font_path: str) -> None:
    ink = text_ink("易碎 FRAGILE", font_path=font_path, size=29, width=220, height=80, bold=True)
    assert ink is not None
    assert zpl.ink_field(ink) == zpl.graphic_field(ink.image)
    assert zpl.ink_field(ink) is zpl.ink_field(ink)
