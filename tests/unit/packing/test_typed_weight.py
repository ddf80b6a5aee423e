"""A weight typed by hand at the bench (F5): grams, or the units a packer writes."""

from __future__ import annotations

import pytest

from packstation.domain.packing import typed_grams


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("1250", 1250),
        (" 1250 g ", 1250),
        ("850克", 850),
        ("2kg", 2000),  # the letters were dropped as typed: 2 g was weighed
        ("1.25 KG", 1250),
        ("0.3公斤", 300),
        ("1.5千克", 1500),
        ("2斤", 1000),  # half a kilo each, as markets weigh
        ("2,130", 2130),  # a comma groups thousands
        ("12,500 g", 12500),
        ("1,5 kg", 1500),  # or is the decimal point: it was read as 15 kg
        ("1,25公斤", 1250),
        ("０.５ｋｇ", 500),  # full-width, as a Chinese input method types
        ("1,2,3", None),
        ("1250.6", 1251),  # to the gram
        ("0.0004kg", None),  # under a gram
        ("0", None),
        ("-5", None),
        ("", None),
        ("two kilos", None),
        ("2 lb", None),
        ("1.2.3", None),
        ("1000001", None),  # more than any parcel: a key held down
        ("1000 kg", 1_000_000),
    ],
)
def test_typed_grams(typed: str, grams: int | None) -> None:
    assert typed_grams(typed) == grams
