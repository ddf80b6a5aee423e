"""The parcel's place on its label: 件 n/m when the order's count of boxes is known, 件 n alone
while more boxes are still to be packed."""

from __future__ import annotations

import pytest

from packstation.labels import compose
from packstation.labels.templates import LABELS
from tests.unit.labels.conftest import chinese_label


def texts(monkeypatch: pytest.MonkeyPatch, font_path: str, count: int) -> list[str]:
    """The texts the label's regions receive for parcel 1 of ``count``."""
    seen: list[str] = []
    region = compose.Pen.region

    def record(pen: compose.Pen, where: compose.Region, text: str) -> None:
        seen.append(text)
        region(pen, where, text)

    monkeypatch.setattr(compose.Pen, "region", record)
    compose.compose_label(
        chinese_label(parcel_seq=1, parcel_count=count),
        LABELS["100x150"],
        font_path=font_path,
        dpi=203,
    )
    return seen


def test_a_known_count_reads_n_of_m(monkeypatch: pytest.MonkeyPatch, font_path: str) -> None:
    seen = texts(monkeypatch, font_path, 2)
    assert "1.23 kg  件 1/2" in seen
    assert "第 1/2 件" in seen


def test_a_count_not_known_yet_names_the_parcel_alone(
    monkeypatch: pytest.MonkeyPatch, font_path: str
) -> None:
    seen = texts(monkeypatch, font_path, 0)
    assert "1.23 kg  件 1" in seen
    assert "第 1 件" in seen
    assert not any("/0" in text for text in seen)
