"""What the lead types when opening a handover: the kinds and carriers as the prompt shows them."""

from __future__ import annotations

from packstation.config import CarrierSettings, Settings
from packstation.i18n import set_language
from packstation.screens.lead.handover import _carrier_code, _kind_word


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
    assert [_carrier_code(w, settings) for w in ("圆通速递", "SF", "yto")] == ["YTO", "SF", "yto"]
