"""Reasons the program keeps in the store are kept in no language and read in the reader's."""

from __future__ import annotations

from packstation.i18n import (
    N_,
    as_read,
    for_store,
    said_later,
    said_together,
    set_language,
)


def test_a_kept_reason_is_read_in_each_readers_language() -> None:
    kept = for_store(said_later(N_("Label voided: {reason}"), reason="撕坏了 torn"))
    assert kept.strip() == kept  # the services strip what they are given
    assert as_read(kept) == "Label voided: 撕坏了 torn"
    set_language("zh_CN")
    assert as_read(kept) == "面单已作废：撕坏了 torn"  # the lead's words as typed


def test_text_typed_or_kept_before_is_read_as_it_is() -> None:
    for text in ("", "缺货 SKU-1", "Label voided: torn", '["looks like JSON"]'):
        assert as_read(text) == text
        set_language("zh_CN")
        assert as_read(text) == text
        set_language("en")


def test_a_long_reason_is_cut_in_its_values_never_in_its_message() -> None:
    message = N_(
        "The marketplace changed {changes} after packing began; the order waits on hold: "
        "correct the address or release it."
    )
    fields = said_together(
        said_together([said_later(N_("street address")), "上海市浦东新区某某路123弄" * 5], " → ")
        for _n in range(12)
    )
    kept = for_store(said_later(message, changes=fields))
    assert 0 < len(kept) <= 400
    read = as_read(kept)
    assert read.startswith("The marketplace changed street address → 上海市浦东新区")
    assert read.endswith(
        "…; … after packing began; the order waits on hold: correct the address or release it."
    )
    set_language("zh_CN")
    assert as_read(kept).startswith("开始打包后平台修改了 详细地址 → 上海市浦东新区")
    assert as_read(kept).endswith("…；…；订单已挂起：请修改地址或放行。")


def test_a_message_kept_by_another_version_is_still_read() -> None:
    """Values that no longer fit its message (a placeholder renamed since): the English, or the
    message as it was kept; broken text is shown without its mark."""
    assert as_read('\ue000["Label voided: {why}",{"reason":"torn"}]') == "Label voided: {why}"
    assert as_read('\ue000["Label voided: {reason}",{"reason":"torn"}]') == "Label voided: torn"
    assert as_read("\ue000[broken") == "[broken"
