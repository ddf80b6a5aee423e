"""Orders the seller shipped part of (部分发货) before they were packed here, on SQLite and
PostgreSQL: the items that went are not packed a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, OrderStatus
from packstation.i18n import as_read
from packstation.services import lead
from packstation.services.intake import import_orders
from packstation.services.orders import order_details
from tests.integration.intake.exports import (
    PAID,
    SHIPPED,
    Item,
    TOrder,
    write_generic,
    write_taobao,
)
from tests.integration.intake.packed import pack
from tests.integration.intake.store_view import (
    Factory,
    events,
    lines,
    order,
    set_order,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("catalogue")

PARTLY = "卖家部分发货"
UNKNOWN = (
    "The marketplace shipped part of the order and the export does not say which items are left"
)


def _partly(no: str, *statuses: str) -> TOrder:
    """An order of a mug and two T-shirts (and a sticker), its item rows' statuses given."""
    skus = [("MUG-01", 1), ("TS-WHT-L", 2), ("GIFT-STK", 1)]
    return TOrder(
        no,
        [Item(sku, qty, status=status) for (sku, qty), status in zip(skus, statuses, strict=True)],
        status=PARTLY,
    )


def test_the_items_that_went_are_not_queued_and_an_order_that_does_not_say_waits(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """部分发货 was read as paid: every line was queued, and the items that had left from
    another warehouse (or by hand) were packed and shipped a second time."""
    said = _partly("9601", SHIPPED, PAID, "交易成功")  # the mug and the sticker went
    blank = _partly("9602", SHIPPED, " ", PAID)  # the T-shirts' row says nothing
    unsaid = _partly("9603", "", "", "")  # each row repeats the order's 部分发货
    paid = TOrder("9604", [Item("MUG-01")])
    files = list(write_taobao(tmp_path / "a", [said, blank, unsaid, paid], encoding="gbk"))
    before = snapshot(uow_factory)
    dry = import_orders(uow_factory(), files, settings=settings, dry_run=True)
    assert dry.ok and not dry.stored and snapshot(uow_factory) == before
    report = import_orders(uow_factory(), files, settings=settings)
    assert report.ok and report.reconciled, report.errors
    for counted in (dry, report):
        assert (counted.orders_imported, counted.orders_partly_shipped) == (4, 3)
        assert (counted.lines_shipped_elsewhere, counted.exceptions_raised) == (3, 2)
        assert counted.lines_imported == 1 + 2 + 3 + 1
        assert [n.value for n in counted.notices] == [said.no, blank.no, unsaid.no]
    assert report.notices[0].problem == (
        "Order 9601: the marketplace shipped part of it already (MUG-01 ×1, GIFT-STK ×1); "
        "only the items still to ship are queued (TS-WHT-L ×2)."
    )
    assert report.as_dict()["lines_shipped_elsewhere"] == 3
    queued = order(uow_factory, said.no)
    assert queued.status == OrderStatus.READY
    assert [(x.sku, x.quantity) for x in lines(uow_factory, said.no)] == [("TS-WHT-L", 2)]
    # the rows do not say which items went: the lead checks on the marketplace
    for no in (blank.no, unsaid.no):
        held = order(uow_factory, no)
        assert held.status == OrderStatus.ON_HOLD
        assert as_read(held.hold_reason).startswith(UNKNOWN)
        assert held.marketplace_status == PARTLY
    assert [(x.sku, x.quantity) for x in lines(uow_factory, blank.no)] == [
        ("TS-WHT-L", 2),
        ("GIFT-STK", 1),
    ]
    raised = events(uow_factory, "exception_raised")
    assert [e["exception_kind"] for _id, e in raised] == [ExceptionKind.CHANGED] * 2
    assert {order_id for order_id, _e in raised} == {
        order(uow_factory, blank.no).id,
        order(uow_factory, unsaid.no).id,
    }
    assert order(uow_factory, paid.no).status == OrderStatus.READY
    # the same export again: nothing raised twice, nothing changes
    after = snapshot(uow_factory)
    again = import_orders(uow_factory(), files, settings=settings)
    assert (again.orders_known, again.exceptions_raised, again.orders_updated) == (4, 0, 0)
    assert snapshot(uow_factory)["exceptions"] == after["exceptions"]
    # order show: the lines left to pack, and why
    details = order_details(uow_factory(), queued.id or 0)
    assert details["marketplace_status"] == PARTLY
    assert [line["sku"] for line in details["lines"]] == ["TS-WHT-L"]


def test_every_item_gone_is_shipped_and_an_item_report_without_statuses_holds(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    went = _partly("9611", SHIPPED, "交易成功", SHIPPED)
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "a", [went])), settings=settings
    )
    assert report.ok and (report.orders_skipped_shipped, report.orders_imported) == (1, 0)
    # an item report exported without its 订单状态 column says nothing of the items
    rest = _partly("9612", SHIPPED, PAID, PAID)
    orders_csv, items_csv = write_taobao(tmp_path / "b", [rest], encoding="gb18030")
    rows = [line.split(",") for line in items_csv.read_bytes().decode("gb18030").split("\r\n")]
    items_csv.write_bytes(
        "\r\n".join(",".join(r[:8] + r[9:]) for r in rows).encode("gb18030")  # 订单状态 gone
    )
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings)
    assert report.ok and report.exceptions_raised == 1, report.errors
    held = order(uow_factory, rest.no)
    assert held.status == OrderStatus.ON_HOLD and as_read(held.hold_reason).startswith(UNKNOWN)
    assert len(lines(uow_factory, rest.no)) == 3


def test_a_generic_file_says_no_item_s_status_and_a_partly_shipped_order_waits(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    header = ["order_no", "paid_at", "recipient", "phone", "address", "sku", "qty", "status"]
    row = ["W-1", "2026-03-02 10:15:00", "李四", "13900001111", "广东省深圳市南山区科技园路1号"]
    path = write_generic(
        tmp_path / "orders.csv",
        [[*row, "MUG-01", "1", "partly shipped"], [*row, "TS-WHT-L", "2", "partly shipped"]],
        header=header,
    )
    report = import_orders(uow_factory(), [path], settings=settings)
    assert report.ok and (report.orders_imported, report.exceptions_raised) == (1, 1)
    assert as_read(order(uow_factory, "W-1").hold_reason).startswith(UNKNOWN)


def test_a_known_order_shipped_in_part_later_ships_the_rest_alone(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A later export with the order 部分发货 was "known, left as they were": a bench packed
    every item, and those that had gone shipped twice."""
    ready = _partly("9621", PAID, PAID, PAID)
    packing = _partly("9622", PAID, PAID, PAID)
    packed = _partly("9623", PAID, PAID, PAID)
    unsaid = _partly("9624", PAID, PAID, PAID)
    gone = _partly("9625", PAID, PAID, PAID)
    live = [ready, packing, packed, unsaid, gone]
    for o in live:
        o.status = PAID
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    set_order(uow_factory, packing.no, status=OrderStatus.PACKING, claimed_bench="bench-7")
    pack(uow_factory, packed.no, tracking=["YT7000000000001"], label=True)
    pack(uow_factory, gone.no, tracking=["YT7000000000002"], status=OrderStatus.HANDED_OVER)
    for o in live:  # the mug left from another warehouse
        o.status, o.items[0].status = PARTLY, SHIPPED
    unsaid.items[0].status = ""  # its rows all say 部分发货
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.ok and report.reconciled, [(n.value, n.problem) for n in report.notices]
    assert (report.orders_updated, report.orders_known, report.exceptions_raised) == (1, 4, 3)
    assert report.orders_partly_shipped == 5
    # not begun: its lines are what is left, and the import says so
    assert [(x.sku, x.quantity) for x in lines(uow_factory, ready.no)] == [
        ("TS-WHT-L", 2),
        ("GIFT-STK", 1),
    ]
    assert order(uow_factory, ready.no).status == OrderStatus.READY
    assert order(uow_factory, ready.no).marketplace_status == PARTLY
    said = {n.value: n.problem for n in report.notices}
    assert said[ready.no].startswith("Order 9621: the marketplace shipped part of it already")
    # begun or packed here: held for the lead, whose release takes the mug off
    for no in (packing.no, packed.no):
        held = order(uow_factory, no)
        assert held.status == OrderStatus.ON_HOLD
        assert as_read(held.hold_reason).startswith(
            "The marketplace shipped part of the order already (MUG-01 ×1) after packing began"
        )
        assert len(lines(uow_factory, no)) == 3
    assert as_read(order(uow_factory, unsaid.no).hold_reason).startswith(UNKNOWN)
    # with the courier already: said, nothing held
    assert order(uow_factory, gone.no).status == OrderStatus.HANDED_OVER
    assert "check that no item shipped twice" in said[gone.no]
    held = order(uow_factory, packing.no)
    assert lead.release(uow_factory(), order_id=held.id or 0).status == OrderStatus.READY
    assert [x.sku for x in lines(uow_factory, packing.no) if x.quantity] == ["TS-WHT-L", "GIFT-STK"]
    # the next export: nothing raised again, nor for the order the lead released whole
    lead.release(uow_factory(), order_id=order(uow_factory, unsaid.no).id or 0, note="all here")
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert again.exceptions_raised == 0 and again.reconciled
    assert order(uow_factory, unsaid.no).status == OrderStatus.READY
