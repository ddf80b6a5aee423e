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
