"""The Taobao/Tmall two-file export, with every quirk, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from packstation.config import Settings, ShippingSettings
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import as_read, set_language
from packstation.services import lead
from packstation.services.intake import import_orders
from packstation.services.lead import release
from packstation.services.reprints import void_label
from packstation.store.models import OrderException, OrderLine, Parcel, Product
from tests.integration.intake.exports import (
    CLOSED,
    EXCEL_UNICODE_TEXT,
    SHIPPED,
    UNPAID,
    Item,
    TOrder,
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


def _orders() -> list[TOrder]:
    return [
        TOrder(
            "3364111318168545451",
            [Item("TS-WHT-L", 2), Item("GIFT-STK", 1, "0.00", "贴纸")],
            buyer_message='请尽快发货, 谢谢\n"急用"',
            seller_note="送贴纸",
        ),
        TOrder(
            "3364111318168545452",
            [
                Item("MUG-01", 1, "59.00", "陶瓷马克杯", "容量：350ml"),
                Item("TS-BLK-M", 1, "9.90", "赠品 T恤"),
            ],
            courier="中通快递",
            paid="2026-03-02 16:30:00",
            address="北京 北京市 朝阳区 建国路88号, SOHO 1号楼 (100022)",
        ),
        TOrder("3364111318168545453", [Item("MUG-01")], status=UNPAID, paid=""),
        TOrder("3364111318168545454", [Item("MUG-01")], status=CLOSED),
        TOrder("3364111318168545455", [Item("MUG-01")], status=SHIPPED),
    ]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig", EXCEL_UNICODE_TEXT])
def test_a_taobao_export_imports_with_its_quirks(
    uow_factory: Factory, settings: Settings, tmp_path: Path, encoding: str
) -> None:
    orders_csv, items_csv = write_taobao(tmp_path, _orders(), encoding=encoding)
    report = import_orders(uow_factory(), [items_csv, orders_csv], settings=settings)

    assert report.ok, report.errors
    assert report.stored
    assert (report.orders_imported, report.orders_skipped_unpaid) == (2, 1)
    assert (report.orders_skipped_closed, report.orders_skipped_shipped) == (1, 1)
    assert report.lines_imported == 4
    assert report.reconciled
    first = order(uow_factory, "3364111318168545451")
    assert first.status == OrderStatus.READY
    assert first.platform == "taobao"
    assert first.phone == "13812345678"  # the apostrophe is gone
    assert (first.province, first.city, first.district) == ("浙江省", "杭州市", "西湖区")
    assert (first.address, first.postcode) == ("文三路123号", "310000")
    assert first.buyer_note == '请尽快发货, 谢谢\n"急用"'
    assert first.seller_note == "送贴纸"
    assert first.carrier == "YTO"  # the default courier
    assert first.paid_at == dt.datetime(2026, 3, 2, 2, 15, tzinfo=dt.UTC)
    assert first.due_date == dt.date(2026, 3, 2)  # paid before 16:00
    assert [(x.sku, x.quantity, x.is_gift) for x in lines(uow_factory, first.order_no)] == [
        ("TS-WHT-L", 2, False),
        ("GIFT-STK", 1, True),  # price 0
    ]
    second = order(uow_factory, "3364111318168545452")
    assert second.carrier == "ZTO"
    assert second.due_date == dt.date(2026, 3, 3)  # paid after the cut-off
    assert (second.city, second.address) == ("北京市", "建国路88号, SOHO 1号楼")
    mug, shirt = lines(uow_factory, second.order_no)
    assert (mug.spec, mug.unit_price_fen, mug.is_gift) == ("容量：350ml", 5900, False)
    assert shirt.is_gift  # titled 赠品
    assert (first.source_file, first.source_row) == (orders_csv.name, 2)
    ((_none, summary),) = events(uow_factory, "orders_imported")
    assert (summary["imported"], summary["lines"]) == (2, 4)


def test_reimport_and_overlapping_exports_store_each_order_once(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    day1 = _orders()[:2]
    day2 = [*_orders()[1:2], TOrder("3364111318168545460", [Item("TS-WHT-L")])]
    files1 = write_taobao(tmp_path / "d1", day1)
    files2 = write_taobao(tmp_path / "d2", day2, encoding="utf-8-sig")
    assert import_orders(uow_factory(), list(files1), settings=settings).orders_imported == 2
    before = snapshot(uow_factory)

    again = import_orders(uow_factory(), list(files1), settings=settings)
    assert (again.orders_imported, again.orders_known, again.lines_imported) == (0, 2, 0)
    assert again.reconciled
    after_again = snapshot(uow_factory)
    assert after_again["orders"] == before["orders"]
    assert after_again["lines"] == before["lines"]

    overlap = import_orders(uow_factory(), list(files2), settings=settings)
    assert (overlap.orders_imported, overlap.orders_known) == (1, 1)
    assert len(snapshot(uow_factory)["orders"]) == 3


def test_an_order_listed_twice_counts_once(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    twice = TOrder("3364111318168545470", [Item("TS-WHT-L", 3)])
    files = write_taobao(tmp_path, [twice, _orders()[0], twice])
    report = import_orders(uow_factory(), list(files), settings=settings)
    assert report.ok, report.errors
    assert (report.orders_imported, report.duplicates_in_file, report.order_rows) == (2, 1, 3)
    assert report.reconciled
    assert any("listed again" in n.problem for n in report.notices)
    assert [x.quantity for x in lines(uow_factory, twice.no)] == [3]  # its item rows count once


def test_a_closed_order_is_cancelled_and_the_packing_bench_is_told(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    live = _orders()[:2]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    set_order(uow_factory, live[0].no, status=OrderStatus.PACKING, claimed_bench="bench-7")
    live[0].status = CLOSED
    live[1].status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.orders_cancelled == 2
    assert report.reconciled
    packing = order(uow_factory, live[0].no)
    assert packing.status == OrderStatus.CANCELLED
    assert packing.claimed_bench == "bench-7"  # the bench finds the cancellation on its order
    cancelled = events(uow_factory, "order_cancelled")
    assert {payload["was"] for _id, payload in cancelled} == {"packing", "ready"}
    assert any(payload["bench_claimed"] == "bench-7" for _id, payload in cancelled)
    assert all(order_id is not None for order_id, _p in cancelled)
    # once cancelled, the next export finds it known
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert (again.orders_cancelled, again.orders_known) == (0, 2)


def test_a_closed_order_returns_its_packed_units_to_stock(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    live = _orders()[:1]  # TS-WHT-L ×2 and a gift sticker
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    set_order(uow_factory, live[0].no, status=OrderStatus.PACKING, claimed_bench="bench-7")
    with uow_factory() as uow:
        shirt = lines(uow_factory, live[0].no)[0]
        uow.session.execute(
            update(OrderLine).where(col(OrderLine.id) == shirt.id).values(quantity_packed=1)
        )
        uow.session.execute(update(Product).where(col(Product.sku) == "TS-WHT-L").values(on_hand=7))
        uow.commit()
    live[0].status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.orders_cancelled == 1
    with uow_factory(readonly=True) as uow:
        shirts = uow.session.exec(select(Product).where(Product.sku == "TS-WHT-L")).one()
    assert shirts.on_hand == 8  # the unit in the box goes back on the shelf
    [(_id, cancelled)] = events(uow_factory, "order_cancelled")
    assert cancelled["to_stock"] == {"TS-WHT-L": 1}


def test_a_changed_address_updates_an_unpacked_order_and_flags_a_packed_one(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    live = _orders()[:2]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    pack(uow_factory, live[1].no, tracking=["YT7000000000001"], label=True)
    for o in live:
        o.address = "江苏省 南京市 鼓楼区 中山路1号 (210000)"
        o.seller_note = "改地址"
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.ok
    assert (report.orders_updated, report.orders_known, report.exceptions_raised) == (1, 1, 1)
    updated = order(uow_factory, live[0].no)
    assert (updated.province, updated.address, updated.seller_note) == (
        "江苏省",
        "中山路1号",
        "改地址",
    )
    ((_order_id, payload),) = events(uow_factory, "order_updated")
    assert payload["changes"]["address"] == ["文三路123号", "中山路1号"]
    packed = order(uow_factory, live[1].no)
    assert packed.address == "建国路88号, SOHO 1号楼"  # packed data is not touched
    # it waits on hold for the lead, so that its parcel is not handed over as it is
    assert packed.status == OrderStatus.ON_HOLD and "中山路1号" in as_read(packed.hold_reason)
    ((_id, raised),) = events(uow_factory, "exception_raised")
    assert raised["exception_kind"] == ExceptionKind.CHANGED
    # the lead's address form offers the marketplace's new address, the fields that changed
    # (it showed the stored one: the new address had to be typed again from the note)
    form = lead.address_of(uow_factory(readonly=True), order_id=packed.id or 0)
    assert form.current["address"] == "建国路88号, SOHO 1号楼"
    assert form.proposed == {
        "province": "江苏省",
        "city": "南京市",
        "district": "鼓楼区",
        "address": "中山路1号",
        "postcode": "210000",
    }
    # importing the same change again does not raise it twice
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert again.exceptions_raised == 0
    assert again.notices == []  # said once, by the import that raised it
    assert again.orders_known == 2
    # nor in the other language (the note is in the words of the import that raised it)
    set_language("zh_CN")
    try:
        chinese = import_orders(
            uow_factory(), list(write_taobao(tmp_path / "d", live)), settings=settings
        )
    finally:
        set_language("en")
    assert (chinese.exceptions_raised, chinese.notices) == (0, [])
    # the lead checked the parcel: released, it is packed again, and the next import of the
    # same change leaves it so
    lead.release(uow_factory(), order_id=packed.id or 0, note="parcel relabelled by hand")
    assert order(uow_factory, live[1].no).status == OrderStatus.PACKED
    # settled, the change is no longer offered
    assert lead.address_of(uow_factory(readonly=True), order_id=packed.id or 0).proposed == {}
    import_orders(uow_factory(), list(write_taobao(tmp_path / "d", live)), settings=settings)
    assert order(uow_factory, live[1].no).status == OrderStatus.PACKED


def test_due_dates_skip_the_shops_non_shipping_days(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    shop = settings.model_copy(
        update={
            "shipping": ShippingSettings(
                non_shipping_weekdays=[7], holidays=[dt.date(2026, 3, 9)], cutoff="15:00"
            )
        }
    )
    orders = [
        TOrder("9001", [Item("MUG-01")], paid="2026-03-07 15:30:00"),  # Saturday after cut-off
        TOrder("9002", [Item("MUG-01")], paid="2026-03-08 09:00:00"),  # Sunday
        TOrder("9003", [Item("MUG-01")], paid="2026-03-06 14:59:59"),  # Friday before cut-off
    ]
    import_orders(uow_factory(), list(write_taobao(tmp_path, orders)), settings=shop)
    assert order(uow_factory, "9001").due_date == dt.date(2026, 3, 10)  # not Sunday, not the 9th
    assert order(uow_factory, "9002").due_date == dt.date(2026, 3, 10)
    assert order(uow_factory, "9003").due_date == dt.date(2026, 3, 6)


def test_a_refunded_line_of_a_live_order_is_not_packed(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    o = TOrder("9100", [Item("MUG-01"), Item("TS-WHT-L", status=CLOSED)])
    report = import_orders(uow_factory(), list(write_taobao(tmp_path, [o])), settings=settings)
    assert report.ok
    assert report.lines_skipped_refunded == 1
    assert [x.sku for x in lines(uow_factory, "9100")] == ["MUG-01"]
    (notice,) = report.notices  # the line is named by its SKU, in the SKU's column
    assert (notice.row, notice.column, notice.value) == (3, "商家编码", "TS-WHT-L")


def test_dry_run_counts_and_stores_nothing(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    before = snapshot(uow_factory)
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path, _orders())), settings=settings, dry_run=True
    )
    assert report.ok and not report.stored
    assert report.orders_imported == 2
    assert snapshot(uow_factory) == before


def test_every_problem_is_reported_and_nothing_is_stored(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders = [
        TOrder("9201", [Item("NO-SUCH-SKU")]),
        TOrder("9202", [Item("MUG-01", price="abc")]),
        TOrder("9203", [Item("MUG-01")], paid="yesterday"),
        TOrder("9204", []),  # an order without items
        TOrder("9205", [Item("MUG-01")], courier="德邦物流"),
        TOrder("9206", [Item("MUG-01")]),  # fine, but not stored either
    ]
    orders_csv, items_csv = write_taobao(tmp_path, orders)
    with items_csv.open("ab") as f:  # an item row without its order, and a bad quantity
        f.write('="9999",T恤,39.90,1,,,,,买家已付款，等待卖家发货,MUG-01\r\n'.encode("gb18030"))
        f.write('="9206",T恤,39.90,0,,,,,买家已付款，等待卖家发货,MUG-01\r\n'.encode("gb18030"))
    before = snapshot(uow_factory)
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings)
    assert not report.ok and not report.stored
    found = {(p.file, p.row, p.column, p.value) for p in report.errors}
    assert (items_csv.name, 2, "商家编码", "NO-SUCH-SKU") in found
    assert (items_csv.name, 3, "价格", "abc") in found
    assert (orders_csv.name, 4, "订单付款时间", "yesterday") in found
    assert (orders_csv.name, 5, "订单编号", "9204") in found
    assert (orders_csv.name, 6, "物流公司", "德邦物流") in found
    assert any(p.value == "9999" and "not in the order report" in p.problem for p in report.errors)
    assert any(p.column == "购买数量" and p.value == "0" for p in report.errors)
    assert all(p.problem for p in report.errors)
    assert snapshot(uow_factory) == before


def test_a_missing_column_is_reported(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, items_csv = write_taobao(tmp_path, _orders())
    text = orders_csv.read_bytes().decode("gb18030").replace("订单付款时间 ", "付款", 1)
    orders_csv.write_bytes(text.encode("gb18030"))
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings)
    assert [(p.row, p.column) for p in report.errors] == [(1, "订单付款时间")]


def test_changed_lines_replace_an_untouched_order_s_and_hold_a_begun_one(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A line refunded (or a quantity raised) in the next day's export was reported as
    'unchanged': the bench packed the refunded goods."""
    waiting = TOrder("9200", [Item("MUG-01"), Item("TS-WHT-L", 2)])
    begun = TOrder("9201", [Item("MUG-01"), Item("TS-WHT-L", 2)])
    import_orders(
        uow_factory(), list(write_taobao(tmp_path / "a", [waiting, begun])), settings=settings
    )
    pack(uow_factory, begun.no, tracking=["YT7000000000001"], label=True)
    for o in (waiting, begun):
        o.items[1].status = CLOSED  # the T-shirts refunded
        o.items[0].qty = 3  # and two more mugs bought
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [waiting, begun])), settings=settings
    )
    assert report.ok
    assert (report.orders_updated, report.orders_known, report.exceptions_raised) == (1, 1, 1)
    assert [(x.sku, x.quantity) for x in lines(uow_factory, waiting.no)] == [("MUG-01", 3)]
    assert (report.lines_imported, report.lines_removed) == (1, 2)
    ((_order_id, payload),) = events(uow_factory, "order_updated")
    assert payload["changes"]["lines"] == ["", "MUG-01 ×1 → ×3; TS-WHT-L ×2 → ×0"]
    # packed already: the lines stay as packed, and the order waits for the lead
    assert [(x.sku, x.quantity) for x in lines(uow_factory, begun.no)] == [
        ("MUG-01", 1),
        ("TS-WHT-L", 2),
    ]
    held = order(uow_factory, begun.no)
    assert held.status == OrderStatus.ON_HOLD
    assert "changed the items (MUG-01 ×1 → ×3; TS-WHT-L ×2 → ×0)" in as_read(held.hold_reason)
    # the same export again: nothing more changes, nothing is raised twice
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", [waiting, begun])), settings=settings
    )
    assert (again.orders_updated, again.orders_known, again.exceptions_raised) == (0, 2, 0)
    # the lead's release puts the marketplace's items in place (it released the order with the
    # refunded T-shirts on it, to be packed), once the labelled box is voided
    with pytest.raises(UserError, match="void its label first"):
        release(uow_factory(), order_id=held.id or 0)
    with uow_factory() as uow:
        box = uow.session.exec(select(Parcel).where(Parcel.order_id == held.id)).one()
    void_label(uow_factory(), parcel_id=box.id or 0, reason="the marketplace changed the items")
    assert release(uow_factory(), order_id=held.id or 0).status == OrderStatus.READY
    # the T-shirts' line stays, at 0: the voided box held them
    assert [(x.sku, x.quantity, x.quantity_packed) for x in lines(uow_factory, begun.no)] == [
        ("MUG-01", 3, 0),
        ("TS-WHT-L", 0, 0),
    ]
    ((_id, updated),) = [
        e for e in events(uow_factory, "order_updated") if e[1]["source"] == "lead"
    ]
    assert updated["changes"]["lines"][1] == [{"sku": "MUG-01", "quantity": 3}]


def test_a_change_at_a_bench_with_no_label_yet_is_not_said_to_be_printed(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Items and a note changed while a bench packs the order, no label printed: the note's
    change was called one "after the label was printed"."""
    begun = TOrder("9301", [Item("MUG-01"), Item("TS-WHT-L", 2)])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [begun])), settings=settings)
    pack(uow_factory, begun.no, status=OrderStatus.PACKING)  # ticking, no box weighed
    begun.items[0].qty = 2
    begun.seller_note = "加急"
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [begun])), settings=settings
    )
    assert report.ok and report.orders_known == 1
    held = order(uow_factory, begun.no)
    assert "seller note → 加急 after packing began" in as_read(held.hold_reason)
    assert "printed" not in as_read(held.hold_reason)


def test_a_waybill_number_its_courier_never_gives_is_said_and_the_order_comes_in(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """``abc`` in 物流单号 was stored without a word, and refused only at the scale."""
    orders = [
        TOrder("9301", [Item("MUG-01")], courier="圆通速递", tracking="abc"),
        TOrder("9302", [Item("MUG-01")], courier="中通快递", tracking="YT7000000000001"),
        TOrder("9303", [Item("MUG-01")], courier="圆通速递", tracking="yt 7000000000002"),
    ]
    report = import_orders(uow_factory(), list(write_taobao(tmp_path, orders)), settings=settings)
    assert report.ok and report.orders_imported == 3
    said = {(p.row, p.column, p.value): p.problem for p in report.notices}
    assert said == {
        (2, "物流单号", "abc"): "Order 9301: abc is not a YTO tracking number; the bench will "
        "ask for the parcel's waybill to be scanned. Correct the courier or the number and "
        "import again to keep it.",
        (3, "物流单号", "YT7000000000001"): said[(3, "物流单号", "YT7000000000001")],
    }
    assert "is not a ZTO tracking number" in said[(3, "物流单号", "YT7000000000001")]
    assert order(uow_factory, "9301").tracking_no == "abc"  # as the file has it


def test_a_cancelled_order_with_a_printed_label_is_said(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Its waybill was live at the courier, and the import said only "known, now cancelled"."""
    live = [*_orders()[:2], TOrder("9401", [Item("MUG-01")])]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    pack(uow_factory, live[0].no, tracking=["YT7000000000001"], label=True, label_status="sent")
    # a label still waiting for its printer is voided by the cancel: nothing to tear off (it
    # was said to be printed)
    pack(uow_factory, "9401", tracking=["YT7000000000002"], label=True)
    for o in live:
        o.status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.orders_cancelled == 3
    assert [(p.value, p.problem) for p in report.notices] == [
        (
            live[0].no,
            f"Order {live[0].no} is cancelled, and a label of it was printed: void it (F8 on "
            f"the lead's reprint screen, or packstation label {live[0].no} --void) and tear off "
            "every copy.",
        )
    ]


def test_an_older_export_imported_after_a_newer_one_is_said(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Yesterday's file imported after today's put the old address back without a word."""
    live = _orders()[:1]
    older = list(write_taobao(tmp_path / "a", live, stem="-a"))
    import_orders(uow_factory(), older, settings=settings)
    live[0].address = "江苏省 南京市 鼓楼区 中山路1号 (210000)"
    newer = list(write_taobao(tmp_path / "b", live, stem="-b"))
    assert import_orders(uow_factory(), newer, settings=settings).notices == []
    again = import_orders(uow_factory(), older, settings=settings)
    assert again.orders_updated == 1
    [said] = [p.problem for p in again.notices]
    assert said == (
        f"Order {live[0].no}: province; city; district; street address; postcode go back to "
        "what they were before ExportOrderList-b.csv was imported. If this file is older than "
        "ExportOrderList-b.csv, import ExportOrderList-b.csv again."
    )
    # the newer file again: forward, and nothing to say
    assert import_orders(uow_factory(), newer, settings=settings).notices == []


def test_an_order_shipped_on_the_marketplace_before_it_was_packed_waits_for_the_lead(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """卖家已发货 with a waybill, for an order still ready here, was "already known, left as
    they were": it stayed in the queue and a bench would have shipped it a second time."""
    ready = TOrder("9401", [Item("MUG-01")])
    packing = TOrder("9402", [Item("TS-WHT-L")])
    packed = TOrder("9403", [Item("MUG-01")])
    confirmed = TOrder("9404", [Item("MUG-01")])
    live = [ready, packing, packed, confirmed]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    set_order(uow_factory, packing.no, status=OrderStatus.PACKING, claimed_bench="bench-7")
    pack(uow_factory, packed.no, tracking=["YT7000000000001"], label=True)
    pack(uow_factory, confirmed.no, tracking=["YT7000000000002"], status=OrderStatus.CONFIRMED)
    ready.status, ready.courier, ready.tracking = SHIPPED, "中通快递", "75312345678901"
    packing.status = "交易成功"
    packed.status, packed.tracking = SHIPPED, "YT7000000555555"
    confirmed.status, confirmed.tracking = "交易成功", "YT7000000000002"  # our ship-confirm
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.ok and report.reconciled
    assert (report.orders_known, report.exceptions_raised) == (4, 2)
    held = order(uow_factory, ready.no)
    assert held.status == OrderStatus.ON_HOLD
    assert as_read(held.hold_reason).startswith(
        "The marketplace says the order was shipped (waybill ZTO 75312345678901) but it was "
        "not packed here"
    )
    stopped = order(uow_factory, packing.no)
    assert (stopped.status, stopped.claimed_bench) == (OrderStatus.ON_HOLD, None)
    raised = events(uow_factory, "exception_raised")
    assert {e["exception_kind"] for _id, e in raised} == {ExceptionKind.CHANGED}
    # packed here with another waybill: said, nothing undone; our own waybill back: nothing
    assert order(uow_factory, packed.no).status == OrderStatus.PACKED
    assert order(uow_factory, confirmed.no).status == OrderStatus.CONFIRMED
    said = [p for p in report.notices if p.value == packed.no]
    assert len(said) == 1 and "YT7000000555555" in said[0].problem
    assert not [p for p in report.notices if p.value == confirmed.no]
    # the next export (交易成功 now) raises nothing again, nor after the lead's release
    lead.release(uow_factory(), order_id=held.id or 0, note="the marketplace was wrong")
    ready.status = "交易成功"
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert again.exceptions_raised == 0
    assert order(uow_factory, ready.no).status == OrderStatus.READY


def test_an_item_row_repeated_cell_for_cell_counts_once(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The same item row twice in the item report (the order once in the order report) made
    two lines: the bench packed twice the quantity bought."""
    o = TOrder(
        "9501",
        [
            Item("TS-WHT-L", 2),
            Item("TS-WHT-L", 2),  # written twice
            Item("TS-WHT-L", 2, attrs="颜色分类：白色;尺码：XL"),  # another size: its own line
            Item("GIFT-STK", 1, "0.00", "贴纸"),
        ],
    )
    report = import_orders(uow_factory(), list(write_taobao(tmp_path, [o])), settings=settings)
    assert report.ok, report.errors
    assert report.reconciled
    assert (report.duplicate_item_rows, report.duplicates_in_file, report.lines_imported) == (
        1,
        0,
        3,
    )
    assert [(p.row, p.value, p.problem) for p in report.notices] == [
        (3, o.no, f"The row repeats an earlier row of order {o.no}; it counts once.")
    ]
    assert report.as_dict()["duplicate_item_rows"] == 1
    assert [(x.sku, x.spec, x.quantity) for x in lines(uow_factory, o.no)] == [
        ("TS-WHT-L", "颜色分类：白色;尺码：L", 2),
        ("TS-WHT-L", "颜色分类：白色;尺码：XL", 2),
        ("GIFT-STK", "颜色分类：白色;尺码：L", 1),
    ]


def test_a_courier_changed_in_the_export_is_taken_before_the_label_and_held_after(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The next export's 物流公司 changed to 中通快递 / 顺丰速运 and the order kept its old
    courier: its label would have been YTO's."""
    waiting = TOrder("9601", [Item("MUG-01")], courier="圆通速递", tracking="YT7000000000009")
    begun = TOrder("9602", [Item("TS-WHT-L")])  # the default courier
    labelled = TOrder("9603", [Item("MUG-01")])
    plain = TOrder("9604", [Item("MUG-01")], courier="中通快递")
    live = [waiting, begun, labelled, plain]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    pack(uow_factory, begun.no, status=OrderStatus.PACKING, tracking=["YT7000000000011"])
    pack(uow_factory, labelled.no, tracking=["YT7000000000012"], label=True)
    waiting.courier, waiting.tracking = "中通快递", ""
    begun.courier = "顺丰速运"
    labelled.courier = "中通快递"
    plain.courier = ""  # names no courier: what is stored stays
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", live)), settings=settings
    )
    assert report.ok, report.errors
    assert (report.orders_updated, report.orders_known, report.exceptions_raised) == (2, 2, 1)
    moved = order(uow_factory, waiting.no)
    assert (moved.carrier, moved.tracking_no) == ("ZTO", "")  # YTO's waybill went with YTO
    assert order(uow_factory, begun.no).carrier == "SF"
    with uow_factory(readonly=True) as uow:
        box = uow.session.exec(
            select(Parcel).where(Parcel.order_id == order(uow_factory, begun.no).id)
        ).one()
    assert box.carrier == "SF"  # the open box's label will be SF's
    assert order(uow_factory, plain.no).carrier == "ZTO"
    updated = {p["row"]: p["changes"] for _id, p in events(uow_factory, "order_updated")}
    assert updated[2] == {"carrier": ["YTO", "ZTO"], "tracking_no": ["YT7000000000009", ""]}
    held = order(uow_factory, labelled.no)
    assert (held.status, held.carrier) == (OrderStatus.ON_HOLD, "YTO")  # the label is YTO's
    assert as_read(held.hold_reason).startswith(
        "The marketplace changed courier → ZTO after the label was printed; the order waits on "
        "hold: change its courier"
    )
    # a lead moved an order away from the export's courier: the export does not move it back
    lead.change_courier(uow_factory(), order_id=moved.id or 0, carrier="YTO", settings=settings)
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert (again.orders_updated, again.exceptions_raised) == (0, 0)
    assert order(uow_factory, waiting.no).carrier == "YTO"


def test_an_order_closed_after_handover_is_raised_once_the_lead_has_settled_it(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The export that closed an order after its parcels left, imported again after the lead
    had dealt with it (the rest recalled, or a return agreed for an order handed over whole),
    raised "closed after handover" a second time, and held nothing: the lead settled it again.
    A closure the store has not seen (the marketplace's status says more) is still raised."""
    whole = TOrder("9501", [Item("MUG-01")])
    part = TOrder("9502", [Item("MUG-01"), Item("TS-WHT-L")])
    live = [whole, part]
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", live)), settings=settings)
    pack(uow_factory, whole.no, tracking=["YT7000000000001"], status=OrderStatus.HANDED_OVER)
    pack(uow_factory, part.no, tracking=["YT7000000000002", "YT7000000000003"], label=True)
    with uow_factory() as uow:  # the mug's box went with the courier
        uow.session.execute(
            update(Parcel)
            .where(col(Parcel.tracking_no) == "YT7000000000002")
            .values(status=ParcelStatus.HANDED_OVER)
        )
        uow.commit()
    whole.status = part.status = CLOSED
    closed = list(write_taobao(tmp_path / "b", live))
    first = import_orders(uow_factory(), closed, settings=settings)
    assert first.ok and first.exceptions_raised == 2
    assert order(uow_factory, part.no).status == OrderStatus.ON_HOLD
    # the lead: the rest of one recalled, a return agreed with the buyer of the other
    lead.cancel_order(uow_factory(), order_id=order(uow_factory, part.no).id or 0, reason="退款")
    lead.settle(
        uow_factory(), order_id=order(uow_factory, whole.no).id or 0, resolution="return agreed"
    )
    for _again in range(2):
        again = import_orders(uow_factory(), closed, settings=settings)
        assert again.ok and again.exceptions_raised == 0
        assert again.notices == []
        assert again.orders_known == 2
    with uow_factory(readonly=True) as uow:
        exceptions = uow.session.exec(select(OrderException)).all()
    assert len(exceptions) == 2 and all(e.resolved_at is not None for e in exceptions)
    assert order(uow_factory, part.no).status == OrderStatus.PART_RECALLED
    # the marketplace says more now: that is new, and raised
    whole.status = part.status = "交易关闭（退款成功）"
    refunded = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", live)), settings=settings
    )
    assert refunded.exceptions_raised == 2
