"""Code 128 planning: the bars decode back to the text, and subset C packs digit runs."""

from __future__ import annotations

import pytest
from barcode.charsets import code128 as table

from packstation.labels import code128

PATTERNS = {pattern: value for value, pattern in enumerate(table.CODES)}


def read_bars(bits: list[int]) -> tuple[int, ...]:
    """A scanner's view: split the modules into 11-module symbols and look them up."""
    text = "".join(map(str, bits))
    assert text.endswith(code128.STOP_PATTERN)
    body = text[: -len(code128.STOP_PATTERN)]
    return tuple(PATTERNS[body[i : i + 11]] for i in range(0, len(body), 11))


@pytest.mark.parametrize(
    "text",
    [
        "YT7000000000001",
        "SF1234567890123",
        "3364111318168545451",
        "JDVA12345678901",
        "A",
        "12",
        "AB-12345678-CD",
        "RA473124829GB",
        "X>1",
    ],
)
def test_bars_decode_to_the_text(text: str) -> None:
    symbols = code128.plan(text)
    assert read_bars(code128.modules(symbols)) == symbols
    assert code128.decode(symbols) == text


def test_digit_runs_use_subset_c() -> None:
    symbols = code128.plan("YT7000000000001")
    # start B, Y, T, 7, code C, six digit pairs, check
    assert symbols[0] == code128.START_B
    assert code128.CODE_C in symbols
    assert len(symbols) == 12
    assert code128.plan("3364111318168545451")[0] in (code128.START_B, code128.START_C)


def test_a_bad_check_symbol_is_caught() -> None:
    symbols = list(code128.plan("YT7000000000001"))
    symbols[-1] = (symbols[-1] + 1) % 103
    with pytest.raises(ValueError):
        code128.decode(tuple(symbols))
