"""The bench's key bar wraps between keys, never between a key and what it does."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from packstation.i18n import _, set_language
from packstation.screens.bench.packing import BenchScreen
from packstation.widgets.key_bar import KeyBar

SHOWN = [b for b in BenchScreen.BINDINGS if b.show]


def _key(binding: object) -> str:
    key = getattr(binding, "key_display", None) or getattr(binding, "key", "")
    return str(key).upper().replace("CTRL+", "^")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("width", [50, 70, 100, 130])
def test_each_key_stays_with_its_description_and_every_row_fits(language: str, width: int) -> None:
    set_language(language)
    try:
        lines = [line.plain for line in KeyBar(BenchScreen.BINDINGS)._rows(width)]
        assert len(lines) > 1  # none of these widths holds every key of the bench
        for binding in SHOWN:
            entry = f" {_key(binding)}  {_(binding.description)}"
            assert sum(entry in line for line in lines) == 1, (entry, lines)
        for line in lines:
            assert line.startswith(" F") or line.startswith(" ^")
        assert max(cell_len(line) for line in lines) <= width
    finally:
        set_language("en")


def test_a_wide_bar_is_one_row() -> None:
    assert len(KeyBar(BenchScreen.BINDINGS)._rows(400)) == 1
