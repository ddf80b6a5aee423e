"""What the label says is in the parcel, and its place among the order's parcels, from the rows
read for it (``services.documents.Contents``)."""

from __future__ import annotations

import pytest

from packstation.domain.status import ParcelStatus
from packstation.labels.compose import weight_text
from packstation.services.documents import Contents, DocumentLine

CUP = DocumentLine("CUP-002", "青瓷茶杯", "2只装", 2, False)
BRUSH = DocumentLine("BRS-001", "杯刷", "", 1, True)
TEA_BAGS = DocumentLine("GFT-BAG-TEA", "茶包试饮装（赠品）", "3袋", 1, True)


def test_a_gift_is_marked_once() -> None:
    contents = Contents([(CUP, 2, True), (BRUSH, 1, False), (TEA_BAGS, 1, False)], [])
    goods, fragile = contents.goods()
    assert goods == "青瓷茶杯 2只装 ×2；杯刷 ×1（赠品）；茶包试饮装（赠品） 3袋 ×1"
    assert fragile


def test_nothing_ticked_yet_is_the_whole_order() -> None:
    contents = Contents([(CUP, 0, True), (BRUSH, 0, False)], [(1, ParcelStatus.OPEN)], 3)
    assert contents.goods()[0] == "青瓷茶杯 2只装 ×2；杯刷 ×1（赠品）"
    assert contents.piece(1) == (1, 1)


def test_the_count_waits_for_the_box_that_takes_the_rest() -> None:
    parcels = [(1, ParcelStatus.VOID), (2, ParcelStatus.WEIGHED)]
    assert Contents([(CUP, 2, True), (BRUSH, 0, False)], parcels, 1).piece(2) == (1, 0)
    assert Contents([(CUP, 2, True), (BRUSH, 1, False)], parcels, 0).piece(2) == (1, 1)
    split = [*parcels, (3, ParcelStatus.OPEN)]
    assert Contents([(CUP, 2, True), (BRUSH, 0, False)], split, 1).piece(2) == (1, 2)


def test_each_box_declares_its_share_of_the_insured_value() -> None:
    """Each box of an order of two printed 保价 for the whole order (¥1536 declared for ¥768),
    and a box of the free gift alone did too."""
    prices = [38400, 0]  # two cups at ¥384, the brush free

    def box(cups: int, brushes: int) -> int:
        lines = [(CUP, cups, True), (BRUSH, brushes, False)]
        return Contents(lines, [], 0, prices).insured(76800)

    assert box(2, 1) == 76800  # the whole order in one box
    assert (box(1, 0), box(1, 1)) == (38400, 38400)
    assert box(0, 1) == 0  # the gift alone: nothing declared
    assert box(0, 0) == 76800  # printed before anything is ticked: the whole order
    assert Contents([(CUP, 1, True)], [], 0, [0]).insured(5000) == 5000  # no prices known
    assert Contents([(CUP, 1, True)], [], 0, [38400]).insured(0) == 0  # not insured


@pytest.mark.parametrize(
    ("grams", "printed"),
    [
        (None, ""),
        (2, "0.002 kg"),
        (4, "0.004 kg"),
        (5, "0.01 kg"),
        (1234, "1.23 kg"),
        (1000, "1.00 kg"),
    ],
)
def test_a_few_grams_are_not_printed_as_nothing(grams: int | None, printed: str) -> None:
    """A 2 g parcel's label said 0.00 kg."""
    assert weight_text(grams) == printed


def test_a_gift_named_so_by_the_shop_is_said_once_on_the_slip(
    monkeypatch: pytest.MonkeyPatch, font_path: str
) -> None:
    """A gift named 熊猫钥匙扣（赠品） with the spec 赠品 was printed on the buyer's slip as
    【赠品 Gift】熊猫钥匙扣（赠品）（赠品）, and so on the pick list."""
    from dataclasses import replace

    from packstation.labels import compose
    from packstation.labels.content import SlipLine
    from packstation.labels.templates import SLIPS
    from tests.unit.labels.conftest import slip

    drawn: list[str] = []
    real = compose.text_ink

    def recorded(text: str, **box: object) -> object:
        drawn.append(text)
        return real(text, **box)

    monkeypatch.setattr(compose, "text_ink", recorded)
    gift = SlipLine("GFT-PANDA", "熊猫钥匙扣（赠品）", "赠品", 1, gift=True)
    kept = SlipLine("CUP-500-BK", "保温杯", "黑色", 1)
    data = replace(slip(), lines=(gift, kept))
    compose.compose_slip(data, SLIPS["80mm"], font_path=font_path, dpi=203)
    assert "【赠品 Gift】熊猫钥匙扣（赠品）" in drawn and "保温杯（黑色）" in drawn
    assert compose.named("熊猫钥匙扣（赠品）", "赠品") == "熊猫钥匙扣（赠品）"
