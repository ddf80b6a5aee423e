"""CJK text rasterised with a real font; masking; the missing-font sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageChops

from packstation.config import PrintingSettings, Settings
from packstation.errors import UserError
from packstation.labels import fonts
from packstation.labels.canvas import text_bitmap, wrap
from packstation.labels.content import mask_name, mask_phone


def ink(image) -> int:  # type: ignore[no-untyped-def]
    return int(image.convert("L").histogram()[0])


def test_chinese_characters_are_drawn_as_distinct_glyphs(font_path: str) -> None:
    a = text_bitmap("张三", font_path=font_path, size=40, width=200, height=50)
    b = text_bitmap("李四", font_path=font_path, size=40, width=200, height=50)
    assert ink(a) > 100 and ink(b) > 100
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is not None
    # a font without the glyphs draws the same empty box for every character; a real one does not
    c = text_bitmap("张", font_path=font_path, size=40, width=60, height=50)
    d = text_bitmap("李", font_path=font_path, size=40, width=60, height=50)
    assert c.tobytes() != d.tobytes()


def test_long_text_wraps_then_shrinks_then_ellipsises(font_path: str) -> None:
    font = fonts.load_font(font_path, 30)
    lines = wrap("浙江省 杭州市 西湖区 文三路 123号 华星科技大厦 8楼", font, 200)
    assert len(lines) > 1
    assert all(font.getlength(line) <= 200 for line in lines)
    assert not any(line.startswith("）") for line in wrap("杯刷 ×1（赠品）" * 5, font, 120))


def test_bold_adds_ink(font_path: str) -> None:
    plain = text_bitmap("圆通速递", font_path=font_path, size=40, width=300, height=50)
    bold = text_bitmap("圆通速递", font_path=font_path, size=40, width=300, height=50, bold=True)
    assert ink(bold) > ink(plain)


def test_masking() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("Li Lei") == "L* L**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"


def test_no_font_is_one_sentence_saying_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts._search.cache_clear()
    monkeypatch.setattr(fonts, "_fontconfig_candidates", lambda: [])
    monkeypatch.setattr(fonts, "_folder_candidates", lambda: [])
    try:
        with pytest.raises(UserError) as caught:
            fonts.find_cjk_font(Settings())
        message = str(caught.value)
        assert "fonts-wqy-microhei" in message and "printing.cjk_font" in message
        assert "\n" not in message
        ok, detail = fonts.font_check(Settings())
        assert not ok and detail == message
    finally:
        fonts._search.cache_clear()


def test_a_configured_font_that_is_not_cjk_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "x.ttf"
    bogus.write_bytes(b"not a font")
    settings = Settings(printing=PrintingSettings(cjk_font=str(bogus)))
    with pytest.raises(UserError, match=r"printing\.cjk_font"):
        fonts.find_cjk_font(settings)


def test_a_configured_font_is_used(font_path: str) -> None:
    settings = Settings(printing=PrintingSettings(cjk_font=font_path))
    assert str(fonts.find_cjk_font(settings)) == font_path
