"""Carrier formats, the EMS S10 check digit, courier names and range arithmetic."""

from __future__ import annotations

import pytest

from packstation.domain.tracking import (
    carrier_for_marketplace_name,
    format_ok,
    in_range,
    number_at,
    s10_check_digit,
    s10_valid,
    same_range,
    shape,
)


def test_s10_check_digit_of_the_upu_example() -> None:
    assert s10_check_digit("47312482") == 9
    assert s10_valid("RA473124829GB")
    assert not s10_valid("RA473124828GB")


@pytest.mark.parametrize(
    ("carrier", "number", "ok"),
    [
        ("YTO", "YT7000000000001", True),
        ("YTO", "YT70000", False),
        ("SF", "SF1234567890123", True),
        ("SF", "SF12345", False),
        ("ZTO", "73100000000001", True),
        ("YUNDA", "4312345678901", True),
        ("YUNDA", "43123456789012", False),
        ("JD", "JDX000123456789", True),
        ("JD", "JDVA12345678901", True),
        ("EMS", "RA473124829GB", True),
        ("EMS", "RA473124828GB", False),  # wrong check digit
        ("EMS", "1234567890123", True),
        ("JT", "JT0001234567890", True),
        ("STO", "773012345678901", True),
        ("YTO", " yt7000000000001 ", True),  # blanks and case from a scanner
    ],
)
def test_formats(carrier: str, number: str, ok: bool) -> None:
    assert format_ok(carrier, number) is ok


def test_a_configured_pattern_wins() -> None:
    assert format_ok("YTO", "ABC123", pattern=r"ABC\d{3}")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("圆通速递", "YTO"),
        ("中通快递", "ZTO"),
        ("申通快递", "STO"),
        ("韵达快递", "YUNDA"),
        ("顺丰速运", "SF"),
        ("京东快递", "JD"),
        ("邮政EMS", "EMS"),
        ("EMS", "EMS"),
        ("极兔速递", "JT"),
        ("yto", "YTO"),
        ("不知道快递", None),
        ("", None),
    ],
)
def test_courier_names(name: str, code: str | None) -> None:
    assert carrier_for_marketplace_name(name) == code


def test_range_arithmetic_keeps_prefix_and_width() -> None:
    assert number_at("YT7000000000000", 7000000000042) == "YT7000000000042"
    assert number_at("SF0000000000000", 42) == "SF0000000000042"
    assert shape("731000000123").value == 731000000123
    assert same_range("YT7000000000000", "YT7000000999999")
    assert not same_range("YT7000000999999", "YT7000000000000")
    assert not same_range("YT7000000000000", "SF7000000999999")
    assert in_range("YT7000000000005", "YT7000000000000", "YT7000000000009")
    assert not in_range("YT7000000000010", "YT7000000000000", "YT7000000000009")


def test_an_s10_range_recomputes_the_check_digit() -> None:
    first = number_at("EA000000000CN", 1)
    assert first == f"EA00000001{s10_check_digit('00000001')}CN"
    assert s10_valid(first)
    assert s10_valid(number_at(first, 47312482))
