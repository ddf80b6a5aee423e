"""Every status a person can meet has a name of its own, in English and in Chinese."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

import pytest

from packstation.domain.carriers import CARRIERS, code_named
from packstation.domain.status import OrderStatus, ParcelStatus, PrintStatus
from packstation.i18n import get_language, set_language
from packstation.services.status_names import (
    carrier_label,
    parcel_status_label,
    print_status_label,
    status_label,
)

NAMERS: list[tuple[type[StrEnum], Callable[[str], str]]] = [
    (OrderStatus, status_label),
    (ParcelStatus, parcel_status_label),
    (PrintStatus, print_status_label),
]


@pytest.fixture
def chinese() -> Iterator[None]:
    before = get_language()
    set_language("zh_CN")
    yield
    set_language(before)


@pytest.mark.parametrize(("statuses", "name"), NAMERS)
def test_every_status_is_named_in_chinese(
    chinese: None, statuses: type[StrEnum], name: Callable[[str], str]
) -> None:
    names = {status: name(status) for status in statuses}
    assert all(text != status.value and not text.isascii() for status, text in names.items())
    assert len(set(names.values())) == len(names)  # no two look alike


@pytest.mark.parametrize(("statuses", "name"), NAMERS)
def test_a_status_this_version_does_not_know_is_shown_as_stored(
    statuses: type[StrEnum], name: Callable[[str], str]
) -> None:
    assert name("lost_in_transit") == "lost_in_transit"
    english = {name(status) for status in statuses}
    assert len(english) == len(statuses) and "" not in english


def test_a_courier_is_named_as_people_say_it_in_chinese(chinese: None) -> None:
    assert [carrier_label(c) for c in ("YTO", "ZTO", "SF", "yunda")] == [
        "圆通",
        "中通",
        "顺丰",
        "韵达",
    ]
    names = [carrier_label(c.code) for c in CARRIERS]
    assert len(set(names)) == len(names) and not any(n.isascii() for n in names)
    # the name shown is one the screens take back when typed (a filter, a courier change)
    assert all(code_named(carrier_label(c.code)) == c.code for c in CARRIERS)


def test_a_courier_goes_by_its_code_in_english_and_when_the_table_does_not_know_it(
    chinese: None,
) -> None:
    assert carrier_label("DEPPON") == "DEPPON"  # a carrier of the configuration's own
    set_language("en")
    assert carrier_label("YTO") == "YTO"
