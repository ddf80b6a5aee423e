"""The generic order file: one row per order line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from packstation.config import Settings
from packstation.services.intake import import_orders
from tests.integration.intake.exports import GENERIC_HEADER, generic_row, write_generic
from tests.integration.intake.store_view import Factory, lines, order, snapshot

pytestmark = pytest.mark.usefixtures("catalogue")


def test_a_generic_file_imports(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    path = write_generic(
        tmp_path / "orders.csv",
        [
            generic_row("A-1", "TS-WHT-L", 2),
            generic_row("A-2", "MUG-01", carrier="SF", paid="2026-03-02T17:00:00+08:00"),
            generic_row("A-1", "GIFT-STK", 1, price="0", gift="1"),
            generic_row("A-1", "TS-WHT-L", 2),  # a repeated row counts once
        ],
        encoding="utf-8-sig",
    )
    report = import_orders(uow_factory(), [path], settings=settings)
    assert report.ok, report.errors
    assert report.format == "generic"
    assert (report.orders_imported, report.lines_imported, report.duplicates_in_file) == (2, 3, 1)
    assert report.reconciled
    a1 = order(uow_factory, "A-1")
    assert (a1.platform, a1.carrier, a1.city, a1.postcode) == ("generic", "YTO", "深圳市", "518000")
    assert a1.due_date == dt.date(2026, 3, 2)
    assert [(x.sku, x.quantity, x.is_gift, x.title) for x in lines(uow_factory, "A-1")] == [
        ("TS-WHT-L", 2, False, "纯棉T恤"),  # the title comes from the catalogue
        ("GIFT-STK", 1, True, "贴纸赠品"),
    ]
    a2 = order(uow_factory, "A-2")
    assert (a2.carrier, a2.due_date) == ("SF", dt.date(2026, 3, 3))
    again = import_orders(uow_factory(), [path], settings=settings)
    assert (again.orders_imported, again.orders_known) == (0, 2)


def test_generic_problems_are_all_reported(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    rows = [
        generic_row("B-1", "TS-WHT-L", 1),
        generic_row("B-1", "MUG-01", 1, paid="2026-03-03 10:00:00"),  # disagrees on paid_at
        generic_row("B-2", "NOPE", 1),
        generic_row("B-3", "MUG-01", 1, gift="maybe"),
        generic_row("B-4", "MUG-01", 1, paid="soon"),
    ]
    rows[4][3] = ""  # no phone
    path = write_generic(tmp_path / "orders.csv", rows)
    before = snapshot(uow_factory)
    report = import_orders(uow_factory(), [path], settings=settings, fmt="generic")
    assert not report.ok
    found = {(p.row, p.column) for p in report.errors}
    assert {(3, "paid_at"), (4, "sku"), (5, "gift"), (6, "paid_at"), (6, "phone")} <= found
    assert snapshot(uow_factory) == before


def test_a_taobao_file_is_refused_as_generic(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("订单编号,收货地址\r\n1,x\r\n", encoding="utf-8")
    report = import_orders(uow_factory(), [path], settings=settings, fmt="generic")
    assert not report.ok
    assert "generic order file" in report.errors[0].problem


def test_a_payment_in_the_future_and_a_phone_too_short_are_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """paid_at 2099-11-28 and phone '1' passed: an order due in 2099, a courier with no number."""
    rows = [generic_row("F-1", "MUG-01", paid="2099-11-28 10:00:00"), generic_row("F-2", "MUG-01")]
    rows[1][3] = "1"
    path = write_generic(tmp_path / "orders.csv", rows)
    report = import_orders(uow_factory(), [path], settings=settings, fmt="generic")
    assert [(p.row, p.column, p.problem[:33]) for p in report.errors] == [
        (2, "paid_at", "The payment time is in the future"),
        (3, "phone", "The phone number is too short for"),
    ]
    # a masked number has its seven digits
    rows = [generic_row("F-3", "MUG-01")]
    rows[0][3] = "138****5678"
    path = write_generic(tmp_path / "masked.csv", rows)
    assert import_orders(uow_factory(), [path], settings=settings, fmt="generic").stored


def test_a_column_the_file_lacks_keeps_what_is_stored(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A second file without the note columns (a shop's own sheet) erased every stored buyer
    note: "不要放发票" became "" as a change from the marketplace."""
    first = write_generic(tmp_path / "first.csv", [generic_row("N-1", "MUG-01", note="不要放发票")])
    assert import_orders(uow_factory(), [first], settings=settings).ok
    header = [h for h in GENERIC_HEADER if h not in ("buyer_note", "seller_note")]
    row = generic_row("N-1", "MUG-01")[: len(header)]
    again = import_orders(
        uow_factory(),
        [write_generic(tmp_path / "again.csv", [row], header=header)],
        settings=settings,
    )
    assert again.ok, again.errors
    assert (again.orders_updated, again.orders_known) == (0, 1)
    assert order(uow_factory, "N-1").buyer_note == "不要放发票"
    # a column that is there and empty does say the note was taken away
    emptied = write_generic(tmp_path / "emptied.csv", [generic_row("N-1", "MUG-01", note="")])
    assert import_orders(uow_factory(), [emptied], settings=settings).orders_updated == 1
    assert order(uow_factory, "N-1").buyer_note == ""


def test_a_whole_address_in_one_cell_is_split_and_one_with_no_city_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A shop's sheet with the whole address in its address column, the province and city
    columns empty, was kept whole: the label's destination (province, city) printed empty.
    An address with no province or city at all is refused: the courier cannot sort it."""
    whole = generic_row("W-1", "MUG-01")
    whole[4:9] = ["", "", "", "浙江省杭州市西湖区文三路1号", ""]
    report = import_orders(
        uow_factory(), [write_generic(tmp_path / "whole.csv", [whole])], settings=settings
    )
    assert report.ok, report.errors
    stored = order(uow_factory, "W-1")
    assert (stored.province, stored.city, stored.district, stored.address) == (
        "浙江省",
        "杭州市",
        "西湖区",
        "文三路1号",
    )
    street = generic_row("W-2", "MUG-01")
    street[4:9] = ["", "", "", "文三路123号", ""]
    before = snapshot(uow_factory)
    refused = import_orders(
        uow_factory(), [write_generic(tmp_path / "street.csv", [street])], settings=settings
    )
    assert not refused.ok
    assert "The address has no province or city" in refused.errors[0].problem
    assert snapshot(uow_factory) == before


def test_a_line_without_a_price_is_no_gift(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A file with only the required columns made every line a gift (no price read as 0): the
    label said 赠品 after each item."""
    required = ["order_no", "paid_at", "recipient", "phone", "address", "sku", "qty"]
    path = tmp_path / "plain.csv"
    path.write_text(
        ",".join(required)
        + "\nP-1,2026-03-02 08:00:00,张三,13812345678,浙江省杭州市西湖区文三路1号,MUG-01,1"
        + "\nP-1,2026-03-02 08:00:00,张三,13812345678,浙江省杭州市西湖区文三路1号,GIFT-STK,1\n",
        encoding="utf-8",
    )
    report = import_orders(uow_factory(), [path], settings=settings)
    assert report.ok, report.errors
    # the sticker's title (贴纸赠品) still says it is a gift; a price of 0 in the column too
    assert [(x.sku, x.is_gift) for x in lines(uow_factory, "P-1")] == [
        ("MUG-01", False),
        ("GIFT-STK", True),
    ]
    priced = write_generic(
        tmp_path / "priced.csv", [generic_row("P-2", "MUG-01", price="0", gift="")]
    )
    assert import_orders(uow_factory(), [priced], settings=settings).ok
    assert [x.is_gift for x in lines(uow_factory, "P-2")] == [True]


def test_a_row_with_more_cells_than_the_header_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """``1,000`` unquoted in the last column was read as a quantity of 1."""
    path = tmp_path / "orders.csv"
    ok = ",".join(generic_row("WEB-1", "MUG-01", 2)) + ",,\n"  # Excel's empty trailing cells
    path.write_text(
        ",".join(GENERIC_HEADER) + "\n" + ok + ",".join(generic_row("WEB-2", "MUG-01")) + ",000\n",
        encoding="utf-8",
    )
    report = import_orders(uow_factory(), [path], settings=settings, dry_run=True)
    assert [(p.row, p.problem) for p in report.errors] == [
        (
            3,
            "The row has 17 cells, the header has 16: a comma inside a value? Quote the value "
            "or remove the comma.",
        )
    ]
    path.write_text(",".join(GENERIC_HEADER) + "\n" + ok, encoding="utf-8")
    assert import_orders(uow_factory(), [path], settings=settings).orders_imported == 1


def test_a_payment_time_hours_ahead_is_refused_and_minutes_of_clock_skew_pass(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A payment 23 hours in the future passed (a day's grace): it is refused now, saying
    which clock and time zone to check; a few minutes ahead is two clocks that differ."""
    zone = settings.shipping.calendar().zone
    now = dt.datetime.now(zone)
    ahead = (now + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    skewed = (now + dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    rows = [generic_row("F-1", "MUG-01", paid=ahead), generic_row("F-2", "MUG-01", paid=skewed)]
    report = import_orders(
        uow_factory(), [write_generic(tmp_path / "o.csv", rows)], settings=settings
    )
    [problem] = report.errors
    assert (problem.row, problem.column, problem.value) == (2, "paid_at", ahead)
    assert problem.problem.startswith(
        f"The payment time is in the future (this computer's clock says {now.strftime('%Y-%m-%d')}"
    )
    assert problem.problem.endswith(
        f"check the computer's clock and the shop's time zone ({zone.key})."
    )
    rows = [generic_row("F-2", "MUG-01", paid=skewed)]
    report = import_orders(
        uow_factory(), [write_generic(tmp_path / "p.csv", rows)], settings=settings
    )
    assert report.ok and report.orders_imported == 1


def test_an_order_in_two_files_with_other_items_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The second file's rows of an order the first file listed were dropped with "it counts
    once" when its address agreed: the order was queued without the items of the second file,
    and the parcel would have gone out short."""
    first = write_generic(tmp_path / "part1.csv", [generic_row("C-1", "TS-WHT-L", 2)])
    second = write_generic(
        tmp_path / "part2.csv",
        [generic_row("C-1", "MUG-01", 1), generic_row("C-2", "MUG-01", 1)],
    )
    before = snapshot(uow_factory)
    report = import_orders(uow_factory(), [first, second], settings=settings)
    assert [(p.file, p.row, p.value, p.problem) for p in report.errors] == [
        (
            "part2.csv",
            2,
            "MUG-01 ×1",
            "Order C-1 is listed again (first at part1.csv row 2) with another list of items: "
            "'TS-WHT-L ×2' there; correct the file or export it again.",
        )
    ]
    assert snapshot(uow_factory) == before
    # listed again with the same items, it counts once
    again = write_generic(tmp_path / "part3.csv", [generic_row("C-1", "TS-WHT-L", 2)])
    report = import_orders(uow_factory(), [first, again], settings=settings)
    assert report.ok, report.errors
    assert (report.orders_imported, report.duplicates_in_file) == (1, 1)
