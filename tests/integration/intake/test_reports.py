"""The day report, the shortages, order look-up and the ship-confirm export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.errors import UserError
from packstation.services.intake import import_orders
from packstation.services.orders import find_order, order_details
from packstation.services.printing import reprint
from packstation.services.reports import day_report, shortages
from packstation.services.reprints import Voided, void_label, voided_sentence
from packstation.services.shipments import confirm_file, export_shipments
from packstation.store.models import Order, Parcel, PrintJob, Product
from tests.integration.intake.exports import CLOSED, Item, TOrder, write_taobao
from tests.integration.intake.packed import pack
from tests.integration.intake.store_view import Factory, events, order, set_order

pytestmark = pytest.mark.usefixtures("catalogue")
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def day_orders(catalogue: None, uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    orders = [
        TOrder(
            "D-1", [Item("MUG-01", 2), Item("TS-WHT-L")], paid="2026-03-01 18:00:00"
        ),  # due 03-02
        TOrder("D-2", [Item("MUG-01", 3)], paid="2026-03-02 09:00:00"),
        TOrder("D-3", [Item("TS-BLK-M", 4)], paid="2026-03-02 10:00:00"),
        TOrder("D-4", [Item("TS-BLK-M", 2)], paid="2026-03-02 11:00:00", courier="顺丰速运"),
        TOrder("D-5", [Item("MUG-01")], paid="2026-03-02 17:00:00"),  # due tomorrow
        TOrder("D-6", [Item("MUG-01", 5)], paid="2026-02-27 10:00:00"),  # overdue
        TOrder("D-7", [Item("MUG-01")], paid="2026-03-02 12:00:00"),
    ]
    report = import_orders(uow_factory(), list(write_taobao(tmp_path, orders)), settings=settings)
    assert report.ok, report.errors
    pack(uow_factory, "D-3", packer="小王", tracking=["YT7000000000001"], label=True)
    pack(uow_factory, "D-4", packer="小李", tracking=["SF1000000000001", "SF1000000000002"])
    set_order(uow_factory, "D-2", status=OrderStatus.ON_HOLD, hold_reason="缺货 short")
    set_order(uow_factory, "D-7", status=OrderStatus.CANCELLED)


@pytest.mark.usefixtures("day_orders")
def test_day_report(uow_factory: Factory, settings: Settings) -> None:
    report = day_report(uow_factory(readonly=True), day=DAY, settings=settings)
    assert report["date"] == "2026-03-02"
    assert report["counts"] == {
        "ready": 1,
        "packing": 0,
        "packed": 2,
        "handed_over": 0,
        "part_recalled": 0,
        "confirmed": 0,
        "cancelled": 1,
        "on_hold": 1,
    }
    # D-1 due today and D-6 overdue; D-2 has a reason, D-5 is due tomorrow
    assert report["unshipped_without_reason"] == ["D-6", "D-1"]
    assert report["by_packer"] == [
        {"user": "小李", "orders": 1, "units": 2},
        {"user": "小王", "orders": 1, "units": 4},
    ]
    set_order(uow_factory, "D-6", not_shipping_reason="买家要求延迟发货", not_shipping_day=DAY)
    again = day_report(uow_factory(readonly=True), day=DAY, settings=settings)
    assert again["unshipped_without_reason"] == ["D-1"]


@pytest.mark.usefixtures("day_orders")
def test_shortages(uow_factory: Factory, settings: Settings) -> None:
    rows = shortages(uow_factory(readonly=True), settings=settings, today=DAY)
    # MUG-01: D-1 2 + D-2 3 + D-6 5 = 10 needed, 2 on hand; D-5 is not due, D-7 cancelled
    assert rows == [
        {
            "sku": "MUG-01",
            "name": "陶瓷马克杯",
            "spec": "350ml",
            "location": "B-02-01",
            "needed": 10,
            "on_hand": 2,
            "reported_short": 0,
            "to_buy": 8,
            "orders": ["D-6", "D-1", "D-2"],
        }
    ]


@pytest.mark.usefixtures("day_orders")
def test_find_order_by_number_or_tracking(uow_factory: Factory) -> None:
    assert (found := find_order(uow_factory(readonly=True), "D-4")) and found.order_no == "D-4"
    by_parcel = find_order(uow_factory(readonly=True), "SF1000000000002")
    assert by_parcel is not None and by_parcel.order_no == "D-4"
    assert find_order(uow_factory(readonly=True), "nothing") is None
    with uow_factory(readonly=True) as uow:  # inside an open unit of work too
        inside = find_order(uow, '="D-1"')
        assert inside is not None and inside.order_no == "D-1"


@pytest.mark.usefixtures("day_orders")
def test_order_details_shape(uow_factory: Factory) -> None:
    found = find_order(uow_factory(readonly=True), "YT7000000000001")
    assert found is not None and found.id is not None
    d = order_details(uow_factory(readonly=True), found.id)
    assert {"order_no", "platform", "status", "due_date", "paid_at", "carrier", "recipient"} <= set(
        d
    )
    assert {"lines", "parcels", "events"} <= set(d)
    assert (d["order_no"], d["status"], d["due_date"]) == ("D-3", "packed", "2026-03-02")
    assert d["paid_at"] == "2026-03-02T10:00:00+08:00"
    assert set(d["recipient"]) == {
        "name",
        "phone",
        "province",
        "city",
        "district",
        "address",
        "postcode",
    }
    assert d["lines"] == [
        {
            "sku": "TS-BLK-M",
            "title": "纯棉T恤 男款",
            "spec": "颜色分类：白色;尺码：L",
            "qty": 4,
            "packed": 4,
            "gift": False,
        }
    ]
    (parcel,) = d["parcels"]
    assert {k: parcel[k] for k in ("seq", "tracking_no", "weight_g", "expected_g", "carton")} == {
        "seq": 1,
        "tracking_no": "YT7000000000001",
        "weight_g": 501,
        "expected_g": 510,
        "carton": "M2",
    }
    (label,) = parcel["labels"]
    assert set(label) == {"job_id", "status", "reprint_of", "reason"}
    assert d["events"] == []  # the import is one event for the whole file
    assert (d["source_file"], d["source_row"]) == ("ExportOrderList.csv", 4)


@pytest.mark.usefixtures("day_orders")
def test_ship_confirm_export_taobao(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "ship.csv"
    result = export_shipments(uow_factory(), out, settings=settings)
    assert (result.orders, result.parcels, result.confirmed) == (2, 3, 0)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("gbk"))))
    assert rows == [
        ["订单编号", "物流公司", "运单号"],
        ["D-3", "圆通速递", "YT7000000000001"],
        ["D-4", "顺丰速运", "SF1000000000001,SF1000000000002"],
    ]
    # nothing moved without --mark-confirmed
    assert order(uow_factory, "D-3").status == OrderStatus.PACKED
    confirmed = export_shipments(uow_factory(), out, settings=settings, mark_confirmed=True)
    assert confirmed.confirmed == 2
    assert order(uow_factory, "D-4").status == OrderStatus.CONFIRMED
    assert order(uow_factory, "D-4").confirmed_at is not None
    assert len(events(uow_factory, "shipment_confirmed")) == 2
    empty = export_shipments(uow_factory(), out, settings=settings)
    assert empty.orders == 0


@pytest.mark.usefixtures("day_orders")
def test_ship_confirm_export_generic_and_dates(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "ship.csv"
    other_day = export_shipments(
        uow_factory(), out, settings=settings, day=DAY + dt.timedelta(days=1)
    )
    assert other_day.orders == 0
    result = export_shipments(uow_factory(), out, settings=settings, day=DAY, fmt="generic")
    assert result.encoding == "utf-8-sig"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["order_no"], r["carrier"], r["tracking_no"], r["parcel_seq"]) for r in rows] == [
        ("D-3", "YTO", "YT7000000000001", "1"),
        ("D-4", "SF", "SF1000000000001", "1"),
        ("D-4", "SF", "SF1000000000002", "2"),
    ]
    assert rows[0]["packed_at"] == "2026-03-02T14:00:00+08:00"


@pytest.mark.usefixtures("day_orders")
@pytest.mark.parametrize("fmt", ["taobao", "generic"])
def test_confirming_an_uploaded_file_confirms_its_orders_alone(
    uow_factory: Factory, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    uploaded = tmp_path / "ship.csv"
    export_shipments(uow_factory(), uploaded, settings=settings, fmt=fmt)
    # packed after the file was written: not in the upload, so not confirmed with it
    pack(uow_factory, "D-1", tracking=["YT7000000000002"])
    set_order(uow_factory, "D-4", status=OrderStatus.CANCELLED)  # cancelled since
    done = confirm_file(uow_factory(), uploaded)
    assert (done.listed, done.confirmed, done.already) == (2, 1, 0)
    assert done.skipped == [
        {"order_no": "D-4", "reason": "not_packed", "message": "it is cancelled, not packed"}
    ]
    assert order(uow_factory, "D-3").status == OrderStatus.CONFIRMED
    assert order(uow_factory, "D-1").status == OrderStatus.PACKED  # waits for the next file
    [(order_id, payload)] = events(uow_factory, "shipment_confirmed")
    assert order_id == order(uow_factory, "D-3").id and payload["file"] == "ship.csv"
    again = confirm_file(uow_factory(), uploaded)  # the same file twice: nothing moves
    assert (again.confirmed, again.already) == (0, 1)
    assert len(events(uow_factory, "shipment_confirmed")) == 1
    following = export_shipments(uow_factory(), tmp_path / "next.csv", settings=settings)
    assert following.orders == 1  # D-1, not yet confirmed: it goes in the next upload


def test_confirming_a_file_that_is_no_ship_confirm_file_says_so(
    uow_factory: Factory, tmp_path: Path
) -> None:
    other = tmp_path / "orders.csv"
    other.write_text("订单编号,买家会员名\nD-1,小明\n", encoding="utf-8")
    with pytest.raises(UserError, match="is not a ship-confirm file"):
        confirm_file(uow_factory(), other)
    with pytest.raises(UserError, match="cannot be read"):
        confirm_file(uow_factory(), tmp_path / "missing.csv")


def test_export_neutralises_formulas(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    files = write_taobao(tmp_path, [TOrder("=HYPERLINK(1)", [Item("MUG-01")])], armour=False)
    assert import_orders(uow_factory(), list(files), settings=settings).ok
    pack(uow_factory, "=HYPERLINK(1)", tracking=["YT7000000000009"])
    out = tmp_path / "ship.csv"
    export_shipments(uow_factory(), out, settings=settings, encoding="utf-8")
    assert "'=HYPERLINK(1),圆通速递,YT7000000000009" in out.read_text(encoding="utf-8")


def test_cancelling_a_labelled_order_leaves_voiding_to_the_bench(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A printed label is left to the bench or the lead to void; one still queued never goes
    out."""
    printed, waiting = TOrder("L-1", [Item("MUG-01")]), TOrder("L-2", [Item("MUG-01")])
    import_orders(
        uow_factory(), list(write_taobao(tmp_path / "a", [printed, waiting])), settings=settings
    )
    pack(uow_factory, "L-1", tracking=["YT7000000000002"], label=True)
    pack(uow_factory, "L-2", tracking=["YT7000000000004"], label=True)
    with uow_factory() as uow:
        job = uow.session.exec(select(PrintJob).order_by(col(PrintJob.id))).first()
        assert job is not None
        job.status = PrintStatus.SENT
        uow.session.add(job)
        uow.commit()
    printed.status = waiting.status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [printed, waiting])), settings=settings
    )
    assert report.orders_cancelled == 2
    (_id1, sent), (_id2, queued) = events(uow_factory, "order_cancelled")
    assert sent["was"] == "packed"
    assert len(sent["labels_to_void"]) == 1 and sent["jobs_voided"] == []
    assert sent["tracking_numbers"] == ["YT7000000000002"]
    assert queued["labels_to_void"] == [] and len(queued["jobs_voided"]) == 1
    assert order(uow_factory, "L-1").status == OrderStatus.CANCELLED
    with uow_factory() as uow:
        statuses = uow.session.exec(select(PrintJob.status).order_by(col(PrintJob.id))).all()
    assert statuses == [PrintStatus.SENT, PrintStatus.VOID]
    # the printed label is the lead's to void: never to reprint, and its goods, which the
    # cancel counted back, are not counted back twice (the void gave them back again)
    with uow_factory() as uow:
        parcel = uow.session.exec(select(Parcel).where(Parcel.tracking_no == "YT7000000000002"))
        parcel_id = parcel.one().id or 0
        shelf = uow.session.exec(select(Product.on_hand).where(Product.sku == "MUG-01")).one()
    with pytest.raises(UserError, match="Order L-1 is cancelled: its label must not go out"):
        reprint(uow_factory(), parcel_id=parcel_id, reason="smudged")
    voided = void_label(uow_factory(), parcel_id=parcel_id, reason="order cancelled")
    assert voided == Voided(1, cancelled=True)
    with uow_factory() as uow:
        after = uow.session.exec(select(Product.on_hand).where(Product.sku == "MUG-01")).one()
    assert after == shelf
    assert voided_sentence("YT7000000000002", voided).startswith(
        "Label YT7000000000002 voided; the order is cancelled: put the parcel's goods back"
    )


def test_a_handed_over_order_closed_later_is_an_exception(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    o = TOrder("H-1", [Item("MUG-01")])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [o])), settings=settings)
    pack(uow_factory, "H-1", tracking=["YT7000000000003"], status=OrderStatus.HANDED_OVER)
    o.status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [o])), settings=settings
    )
    assert (report.orders_cancelled, report.orders_known, report.exceptions_raised) == (0, 1, 1)
    assert order(uow_factory, "H-1").status == OrderStatus.HANDED_OVER
    ((_id, payload),) = events(uow_factory, "exception_raised")
    assert payload["exception_kind"] == "cancelled"
    # the ship-confirm file leaves it out, and says why: it went into the file, recalled or
    # not, and the marketplace was told it shipped
    assert order(uow_factory, "H-1").marketplace_status == CLOSED
    done = export_shipments(uow_factory(), tmp_path / "ship.csv", settings=settings)
    assert done.orders == 0 and not done.written
    assert [s["order_no"] for s in done.skipped] == ["H-1"]
    assert done.skipped[0]["reason"] == "closed_by_marketplace"
    assert done.skipped[0]["message"].startswith("the marketplace closed it after the handover")


def test_a_change_after_the_parcel_left_is_a_notice_and_holds_nothing(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """An export imported after the handover with another address said the order "waits on
    hold" (it did not: it had left) and raised an exception for every shipped order of an
    older export imported again."""
    o = TOrder("G-1", [Item("MUG-01")])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [o])), settings=settings)
    pack(uow_factory, "G-1", tracking=["YT7000000000005"], status=OrderStatus.CONFIRMED)
    o.address = "江苏省 南京市 鼓楼区 中山路1号 (210000)"
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [o])), settings=settings
    )
    assert report.ok and report.exceptions_raised == 0 and report.orders_known == 1
    [notice] = report.notices
    assert "after its parcels left with the courier; nothing changes here" in notice.problem
    assert order(uow_factory, "G-1").status == OrderStatus.CONFIRMED
    assert events(uow_factory, "exception_raised") == []


def test_a_changed_address_on_a_labelled_order_being_packed_is_an_exception(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    o = TOrder("P-1", [Item("MUG-01", 2)])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [o])), settings=settings)
    # the first box of two is labelled while the bench still packs the order
    pack(uow_factory, "P-1", tracking=["YT7000000000004"], status=OrderStatus.PACKING, label=True)
    o.address = "上海 上海市 浦东新区 世纪大道1号 (200120)"
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [o])), settings=settings
    )
    assert (report.orders_updated, report.exceptions_raised) == (0, 1)
    assert order(uow_factory, "P-1").address == "文三路123号"


def test_an_order_closed_with_a_box_gone_is_not_cancelled(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Two boxes, the first with the courier: the import raises the recall, holds the order and
    puts no stock back (the units of the box that left are not on the shelf)."""
    o = TOrder("G-1", [Item("MUG-01", 2)])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [o])), settings=settings)
    pack(uow_factory, "G-1", tracking=["YT7000000000005"], status=OrderStatus.PACKING)
    with uow_factory() as uow:
        parcel = uow.session.exec(select(Parcel)).one()
        parcel.status = ParcelStatus.HANDED_OVER
        uow.session.add(parcel)
        uow.commit()
    o.status = CLOSED
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [o])), settings=settings
    )
    assert (report.orders_cancelled, report.exceptions_raised) == (0, 1)
    assert order(uow_factory, "G-1").status == OrderStatus.ON_HOLD
    assert events(uow_factory, "order_cancelled") == []


def test_a_changed_address_after_a_waybill_printed_first_is_an_exception(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    o = TOrder("F-1", [Item("MUG-01")])
    import_orders(uow_factory(), list(write_taobao(tmp_path / "a", [o])), settings=settings)
    with uow_factory() as uow:  # a batch printed its waybill: no parcel yet
        found = uow.session.exec(select(Order).where(Order.order_no == "F-1")).one()
        found.tracking_no = "YT7000000000006"
        uow.session.add(found)
        uow.session.add(
            PrintJob(
                order_id=found.id,
                kind=PrintKind.LABEL,
                printer="sim://",
                language="zpl",
                content=b"^XA^XZ",
                sha256="0" * 64,
                batch="B1",
            )
        )
        uow.commit()
    o.address = "上海 上海市 浦东新区 世纪大道1号 (200120)"
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [o])), settings=settings
    )
    assert (report.orders_updated, report.exceptions_raised) == (0, 1)
    changed = order(uow_factory, "F-1")
    assert changed.address == "文三路123号" and changed.status == OrderStatus.ON_HOLD


@pytest.mark.usefixtures("day_orders")
def test_the_seller_centre_s_file_holds_its_own_orders_alone(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """An order of a shop of one's own (a generic file's) went into the Taobao upload, and
    --mark-confirmed confirmed it though no marketplace had been told."""
    set_order(uow_factory, "D-4", platform="generic")
    set_order(uow_factory, "D-3", platform="tmall")  # Tmall's orders come through Taobao's
    out = tmp_path / "ship.csv"
    result = export_shipments(uow_factory(), out, settings=settings, mark_confirmed=True)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("gbk"))))
    assert [r[0] for r in rows[1:]] == ["D-3"]
    assert result.skipped == [
        {
            "order_no": "D-4",
            "reason": "not_taobao_or_tmall",
            "message": "not a Taobao or Tmall order (other shop); export it with --format generic",
        }
    ]
    assert order(uow_factory, "D-4").status == OrderStatus.PACKED  # not confirmed
    own = export_shipments(
        uow_factory(), tmp_path / "own.csv", settings=settings, fmt="generic", mark_confirmed=True
    )
    assert own.orders == 1 and not own.skipped
    assert order(uow_factory, "D-4").status == OrderStatus.CONFIRMED
