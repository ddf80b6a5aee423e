"""What the lead types when opening a handover: the kinds and carriers as the prompt shows them."""

from __future__ import annotations

from packstation.config import CarrierSettings, Settings
from packstation.i18n import set_language
from packstation.screens.lead.handover import _kind_word
from packstation.services.carriers import carrier_code_of


def test_the_prompt_s_own_words_are_taken() -> None:
    """The Chinese prompt offered （袋, 笼, 上门揽收）, then refused "SF 笼"; 圆通速递 was no
    carrier."""
    settings = Settings().model_copy(
        update={"carriers": {"YTO": CarrierSettings(name="圆通速递"), "SF": CarrierSettings()}}
    )
    set_language("zh_CN")
    assert [_kind_word(w) for w in ("笼", "袋", "上门揽收", "Cage", "crate")] == [
        "cage",
        "bag",
        "pickup",
        "cage",
        "crate",  # refused by the handover, with the kinds named
    ]
    # the names people say (圆通 笼 was refused), and a code in any case
    typed = ("圆通速递", "SF", "yto", "圆通", " 顺丰 ", "中通", "DHL", "快递")
    assert [carrier_code_of(settings, w) for w in typed] == [
        "YTO",
        "SF",
        "YTO",
        "YTO",
        "SF",
        "ZTO",
        "DHL",  # refused by whoever asked, with the codes named
        "快递",
    ]


def test_the_chinese_words_are_taken_in_english_too() -> None:
    """圆通 笼 was refused on an English screen: "not '笼'"."""
    set_language("en")
    assert [_kind_word(w) for w in ("笼", "袋", "揽收", "cage")] == [
        "cage",
        "bag",
        "pickup",
        "cage",
    ]
