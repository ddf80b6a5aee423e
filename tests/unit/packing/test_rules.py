"""Scan matching, expected weight, tolerance and carton choice (pure rules)."""

from __future__ import annotations

import pytest

from packstation.domain.packing import (
    Carton,
    Item,
    LineState,
    ScanOutcome,
    command_of,
    courier_places,
    expected_weight,
    match_scan,
    progress,
    suggest_carton,
    tolerance,
    within_tolerance,
)

LINES = [LineState(1, "TEA", 2, 0), LineState(2, "SOAP", 8, 6), LineState(3, "TEA", 1, 0)]


def test_a_scan_ticks_one_unit_of_the_first_line_with_room() -> None:
    match = match_scan(LINES, "TEA")
    assert (match.outcome, match.line_id, match.units) == (ScanOutcome.TICKED, 1, 1)
    full = [LineState(1, "TEA", 2, 2), LineState(3, "TEA", 1, 0)]
    assert match_scan(full, "TEA").line_id == 3  # the gift line of the same SKU


def test_unknown_wrong_and_over_scan_tick_nothing() -> None:
    assert match_scan(LINES, None).outcome is ScanOutcome.UNKNOWN
    assert match_scan(LINES, "PAN").outcome is ScanOutcome.WRONG_ITEM
    over = match_scan([LineState(1, "TEA", 1, 1)], "TEA")
    assert over.outcome is ScanOutcome.OVER_SCAN and over.units == 0


def test_a_case_ticks_its_multiplier_but_never_part_of_a_case() -> None:
    assert match_scan([LineState(2, "SOAP", 8, 0)], "SOAP", 6).units == 6
    over = match_scan([LineState(2, "SOAP", 8, 6)], "SOAP", 6)
    assert over.outcome is ScanOutcome.OVER_SCAN and over.remaining == 2
    with pytest.raises(ValueError):
        match_scan(LINES, "SOAP", 0)


def test_progress_counts_units() -> None:
    assert progress(LINES) == (6, 11)


def test_expected_weight_is_units_plus_tare() -> None:
    assert expected_weight([(300, 2), (110, 6)], 150) == 600 + 660 + 150


@pytest.mark.parametrize(
    ("expected", "grams", "pct", "allowed"),
    [(400, 50, 5.0, 50), (2000, 50, 5.0, 100), (1001, 0, 5.0, 51), (500, 0, 0.0, 0)],
)
def test_tolerance_is_the_larger_of_grams_and_percent(
    expected: int, grams: int, pct: float, allowed: int
) -> None:
    assert tolerance(expected, grams, pct) == allowed
    assert within_tolerance(expected + allowed, expected, grams, pct)
    assert within_tolerance(expected - allowed, expected, grams, pct)
    assert not within_tolerance(expected + allowed + 1, expected, grams, pct)


CARTONS = [
    Carton("L3", 400, 300, 250, 280),
    Carton("S1", 200, 150, 100, 80, max_weight_g=2000),
    Carton("M2", 300, 200, 150, 150),
]


def test_smallest_carton_that_holds_the_items() -> None:
    small = [Item(1, 300, 100, 100, 120)]  # 1.2 l of the 3 l box: fits at 75 % fill
    assert (suggest_carton(CARTONS, small) or CARTONS[0]).code == "S1"
    long_pan = [Item(1, 1500, 330, 330, 100)]
    assert (suggest_carton(CARTONS, long_pan) or CARTONS[0]).code == "L3"


def test_weight_limit_moves_up_a_size_and_nothing_fits_gives_the_largest() -> None:
    heavy = [Item(4, 600, 50, 50, 50)]
    assert (suggest_carton(CARTONS, heavy) or CARTONS[0]).code == "M2"
    huge = [Item(10, 100, 300, 300, 300)]
    assert (suggest_carton(CARTONS, huge) or CARTONS[1]).code == "L3"
    assert suggest_carton([], heavy) is None
    assert (suggest_carton(CARTONS, [Item(1, 100)]) or CARTONS[0]).code == "S1"  # no size known


def test_command_barcodes() -> None:
    assert command_of("cmd-next ") == "next"
    assert command_of("6901234567892") is None


def test_the_courier_counts_the_parcels_that_go() -> None:
    assert courier_places([(3, "packed"), (1, "void"), (2, "open")]) == {2: 1, 3: 2}
    assert courier_places([(1, "void")]) == {}
    assert courier_places([]) == {}
