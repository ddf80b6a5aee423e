"""The bench draws a sample label and slip when it starts, so the first weighing of the shift
finds the font loaded and the common glyphs set."""

from __future__ import annotations

from dataclasses import replace

import pytest

from packstation.config import PrintingSettings, Settings, ShopSettings
from packstation.errors import UserError
from packstation.labels import canvas, fonts, zpl
from packstation.services import documents
from packstation.services.warm_up import sample_documents, warm_up


def test_the_sample_documents_carry_the_benchs_carrier_and_shop() -> None:
    settings = Settings(shop=ShopSettings(sender_name="东仓发货", name="小店"))
    label, slip = sample_documents(settings)
    assert (label.carrier_code, label.carrier_name) == ("YTO", "圆通速递")
    assert label.sender.name == "东仓发货" and slip.shop == "小店"
    assert slip.note == settings.shop.slip_note


def test_warming_up_sets_the_glyphs_the_first_label_needs(font_path: str) -> None:
    settings = Settings(printing=PrintingSettings(cjk_font=font_path))
    # a process that has drawn nothing yet
    for cached in (fonts.load_font, canvas._glyph, canvas.text_ink, canvas.wrap, zpl.ink_field):
        cached.cache_clear()
    warm_up(settings)
    loaded = fonts.load_font.cache_info().currsize
    glyphs = canvas._glyph.cache_info().currsize
    assert loaded >= 3 and glyphs > 200  # every size of the label and slip, their characters
    # the first real parcel: other numbers, weight and buyer, the same shop and carrier
    label, slip = sample_documents(settings)
    label = replace(
        label,
        tracking_no="YT7000000000931",
        order_no="3364111318168547919",
        weight_g=2345,
        recipient=replace(label.recipient, name="李*", phone="139****1234"),
    )
    slip = replace(slip, order_no=label.order_no, tracking_no=label.tracking_no)
    documents.render_parcel_label(settings, label)
    documents.render_order_slip(settings, slip)
    assert fonts.load_font.cache_info().currsize == loaded  # nothing left to load
    drawn = canvas._glyph.cache_info().currsize - glyphs
    assert 1 <= drawn <= glyphs // 20  # 李 and a few digits at another size, of hundreds


def test_without_a_font_the_warm_up_leaves_it_to_the_weighing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(_settings: Settings) -> str:
        raise UserError("no CJK font")

    monkeypatch.setattr(documents, "font_path", missing)
    warm_up(Settings())  # no exception: the first weighing reports the missing font
