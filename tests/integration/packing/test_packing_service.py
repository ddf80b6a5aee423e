"""The packing services on both stores: claims, ticks, weighing, boxes, exceptions, cancels."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from packstation.config import Settings
from packstation.domain.packing import ScanOutcome
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus, WeightSource
from packstation.errors import UserError
from packstation.labels.content import LabelData
from packstation.services import claims, documents, lead, packing
from packstation.services.documents import label_data
from packstation.services.packing_view import Phase, read_order
from packstation.store.models import (
    Event,
    Order,
    OrderException,
    Parcel,
    PrintJob,
    Product,
    ProductBarcode,
)
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import CASE_BARCODE, PAID, TODAY, add_order

TEA, CUP, SOAP = "6901234567892", "6901234567908", "6901234567922"


def uow(engine: Engine, bench: str = "bench-1", user: str = "王芳") -> UnitOfWork:
    return UnitOfWork(engine, bench=bench, user=user)


def kinds(engine: Engine, order_id: int) -> list[str]:
    with UnitOfWork(engine) as u:
        return list(
            u.session.exec(select(Event.kind).where(Event.order_id == order_id).order_by(Event.id))
        )


def test_open_scan_weigh_pack(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "T1", [("TEA-001", 2), ("CUP-002", 1)])
    claim = packing.open_order(uow(shop), code="T1", settings=settings)
    assert claim is not None and claim.order_id == oid
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).ok
    wrong = packing.scan_item(uow(shop), order_id=oid, code="6901234567915", settings=settings)
    assert wrong.outcome is ScanOutcome.WRONG_ITEM and "PAN-003" in wrong.message
    assert "TEA-001" in wrong.message  # says what is wanted
    unknown = packing.scan_item(uow(shop), order_id=oid, code="123", settings=settings)
    assert unknown.outcome is ScanOutcome.UNKNOWN
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).ok
    over = packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    assert over.outcome is ScanOutcome.OVER_SCAN
    # it said "×1 scanned, only 0 still wanted"
    assert (
        over.message.startswith("Too many: TEA-001 ") and "ticked in full already" in over.message
    )
    last = packing.scan_item(uow(shop), order_id=oid, code=CUP, settings=settings)
    assert last.ok and last.box_closed
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.phase == Phase.WEIGHING and view.ticked == 3
    expected = view.current.expected_g if view.current else 0
    # 2 × 300 + 400 + carton tare
    assert expected is not None and expected > 1000
    refused = packing.weigh(
        uow(shop), order_id=oid, grams=expected + 500, source=WeightSource.SCALE, settings=settings
    )
    assert not refused.accepted
    ok = packing.weigh(
        uow(shop), order_id=oid, grams=expected + 20, source=WeightSource.SCALE, settings=settings
    )
    assert ok.accepted and ok.order_packed
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.status == OrderStatus.PACKED and view.claimed_bench == ""
    events = kinds(shop, oid)
    for kind in (
        "order_claimed",
        "item_scanned",
        "scan_refused",
        "weight_refused",
        "weight_accepted",
        "order_packed",
    ):
        assert kind in events


def test_case_barcode_and_over_scan_of_a_case(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "T2", [("SOAP-04", 8)])
    packing.open_order(uow(shop), code="T2", settings=settings)
    assert (
        packing.scan_item(uow(shop), order_id=oid, code=CASE_BARCODE, settings=settings).units == 6
    )
    over = packing.scan_item(uow(shop), order_id=oid, code=CASE_BARCODE, settings=settings)
    assert over.outcome is ScanOutcome.OVER_SCAN
    assert "×6 scanned, only 2 still wanted" in over.message
    assert packing.scan_item(uow(shop), order_id=oid, code=SOAP, settings=settings).ok
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.ticked == 7


def test_a_case_over_a_paid_and_a_gift_line_says_to_scan_the_units(
    shop: Engine, settings: Settings
) -> None:
    oid = add_order(shop, "T3", [("SOAP-04", 4), ("SOAP-04", 2)], gift=["SOAP-04"])
    packing.open_order(uow(shop), code="T3", settings=settings)
    refused = packing.scan_item(uow(shop), order_id=oid, code=CASE_BARCODE, settings=settings)
    assert refused.outcome is ScanOutcome.OVER_SCAN
    assert "does not fit one line" in refused.message and "one by one" in refused.message
    for _ in range(6):
        assert packing.scan_item(uow(shop), order_id=oid, code=SOAP, settings=settings).ok


def test_refusals_name_the_reason(shop: Engine, settings: Settings) -> None:
    add_order(shop, "C1", [("TEA-001", 1)], status=OrderStatus.CANCELLED)
    add_order(shop, "H1", [("TEA-001", 1)], status=OrderStatus.ON_HOLD)
    add_order(shop, "P1", [("TEA-001", 1)], status=OrderStatus.PACKED)
    add_order(shop, "B1", [("TEA-001", 1)])
    for code, word in (("C1", "cancelled"), ("H1", "on hold"), ("P1", "already packed")):
        with pytest.raises(UserError, match=word):
            packing.open_order(uow(shop), code=code, settings=settings)
    assert packing.open_order(uow(shop), code="nope", settings=settings) is None
    packing.open_order(uow(shop), code="B1", settings=settings)
    with pytest.raises(UserError, match="bench-1 by 王芳"):
        packing.open_order(uow(shop, "bench-2", "Li Lei"), code="B1", settings=settings)


def test_a_wrong_size_is_named_with_its_spec_where_the_names_are_alike(
    shop: Engine, settings: Settings
) -> None:
    with UnitOfWork(shop) as unit:  # one T-shirt in two sizes: one name, two SKUs
        for sku, spec, code in (
            ("TS-M", "尺码：M", "6900000000017"),
            ("TS-L", "尺码：L", "6900000000024"),
        ):
            unit.session.add(Product(sku=sku, name="纯棉T恤", spec=spec, unit_weight_g=200))
            unit.flush()
            unit.session.add(ProductBarcode(code=code, sku=sku))
        unit.commit()
    oid = add_order(shop, "T1", [("TS-L", 1), ("PAN-003", 1)])
    packing.open_order(uow(shop), code="T1", settings=settings)
    wrong = packing.scan_item(uow(shop), order_id=oid, code="6900000000017", settings=settings)
    assert wrong.outcome is ScanOutcome.WRONG_ITEM
    assert wrong.message.startswith("Wrong item: TS-M 纯棉T恤 尺码：M is not on this order.")
    assert "TS-L 纯棉T恤 尺码：L ×1" in wrong.message
    # a name no other product of the message has is said alone
    assert "PAN-003 不粘炒锅 ×1" in wrong.message


def test_waybill_opens_the_order(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "W1", [("TEA-001", 1)], tracking_no="YT7000000000123")
    claim = packing.open_order(uow(shop), code="YT7000000000123", settings=settings)
    assert claim is not None and claim.order_id == oid


def test_next_due_overdue_first_then_paid_time(shop: Engine, settings: Settings) -> None:
    late = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)
    early = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
    a = add_order(shop, "N-today-late", [("TEA-001", 1)], paid_at=late)
    b = add_order(shop, "N-today-early", [("TEA-001", 1)], paid_at=early)
    c = add_order(
        shop, "N-overdue", [("TEA-001", 1)], due=TODAY - dt.timedelta(days=1), paid_at=late
    )
    got = [claims.claim_next_due(uow(shop), lease_seconds=60) for _ in range(4)]
    assert [g.order_id if g else None for g in got] == [c, b, a, None]


def test_taking_the_next_order_claims_it_and_opens_its_first_box(
    shop: Engine, settings: Settings
) -> None:
    oid = add_order(shop, "N1", [("TEA-001", 2)])
    claim = packing.take_next(uow(shop), settings=settings)
    assert claim is not None and claim.order_id == oid
    view = read_order(UnitOfWork(shop, readonly=True), oid, settings)
    assert view is not None and view.status == OrderStatus.PACKING
    assert view.claimed_bench == "bench-1" and view.phase == Phase.PICKING
    assert [(p.seq, p.status) for p in view.parcels] == [(1, ParcelStatus.OPEN)]
    assert kinds(shop, oid) == ["order_claimed", "box_opened"]
    assert packing.take_next(uow(shop, "bench-2"), settings=settings) is None  # queue empty


def test_expired_lease_is_taken_over_and_the_old_bench_stops(
    shop: Engine, settings: Settings
) -> None:
    oid = add_order(shop, "L1", [("TEA-001", 2)])
    t0 = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)
    packing.open_order(uow(shop), code="L1", settings=settings, now=t0)
    # bench-1 dies; after the lease, bench-2's next-due takes the order over
    later = t0 + dt.timedelta(seconds=settings.store.lease_seconds + 1)
    claim = claims.claim_next_due(uow(shop, "bench-2", "Li Lei"), lease_seconds=60, now=later)
    assert claim is not None and claim.order_id == oid and claim.taken_over_from == "bench-1"
    assert claim.left_in_box == 0  # bench-1 had ticked nothing
    assert not claims.renew_lease(uow(shop), order_id=oid, lease_seconds=60)
    with pytest.raises(claims.ClaimLost):
        packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)


def test_manual_tick_and_several_boxes(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "M1", [("PAN-003", 2), ("TEA-001", 1)])
    packing.open_order(uow(shop), code="M1", settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None
    pan = view.lines[0].line_id
    with pytest.raises(UserError):
        packing.tick_manually(uow(shop), order_id=oid, line_id=pan, reason=" ", settings=settings)
    packing.tick_manually(
        uow(shop), order_id=oid, line_id=pan, reason="条码破损", settings=settings
    )
    assert packing.close_box(uow(shop), order_id=oid, settings=settings) == 1
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None
    first = view.current.expected_g or 0
    res = packing.weigh(
        uow(shop), order_id=oid, grams=first, source=WeightSource.MANUAL, settings=settings
    )
    assert res.accepted and not res.order_packed
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None and view.current.seq == 2
    packing.scan_item(uow(shop), order_id=oid, code="6901234567915", settings=settings)
    done = packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    assert done.box_closed
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None
    # a weight beyond any parcel is refused, not overridden (it overflowed the store's column)
    with pytest.raises(UserError, match="more than any parcel weighs"):
        packing.weigh(
            uow(shop),
            order_id=oid,
            grams=10**20,
            source=WeightSource.OVERRIDE,
            settings=settings,
            lead="陈主管",
            reason="key held down",
        )
    res = packing.weigh(
        uow(shop),
        order_id=oid,
        grams=(view.current.expected_g or 0) * 3,
        source=WeightSource.OVERRIDE,
        settings=settings,
        lead="陈主管",
        reason="加了泡沫",
    )
    assert res.accepted and res.order_packed
    view = read_order(uow(shop), oid, settings)
    assert view is not None
    assert [p.status for p in view.parcels] == [ParcelStatus.PACKED, ParcelStatus.PACKED]
    assert "item_ticked_by_hand" in kinds(shop, oid)


def test_short_puts_on_hold_and_lists_the_sku(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "S1", [("TEA-001", 3)])
    packing.open_order(uow(shop), code="S1", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None
    packing.raise_exception(
        uow(shop), order_id=oid, kind=ExceptionKind.SHORT, line_id=view.lines[0].line_id, quantity=2
    )
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, oid)
        assert (
            order is not None
            and order.status == OrderStatus.ON_HOLD
            and order.claimed_bench is None
        )
        exc = u.session.exec(select(OrderException)).one()
        assert (exc.kind, exc.sku, exc.quantity_short) == ("short", "TEA-001", 2)
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.ticked == 0


def test_cancelled_during_packing_is_stopped(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "X1", [("TEA-001", 2)])
    packing.open_order(uow(shop), code="X1", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    with UnitOfWork(shop, bench="import", user="importer") as u:
        order = u.session.get(Order, oid)
        assert order is not None
        order.status = OrderStatus.CANCELLED
        u.session.add(order)
        u.record("order_cancelled", order_id=oid)
        u.commit()
    with pytest.raises(claims.ClaimLost):
        packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    packing.stop_cancelled(uow(shop), order_id=oid)
    view = read_order(uow(shop), oid, settings)
    assert view is not None and all(p.status == ParcelStatus.VOID for p in view.parcels)
    assert "cancelled_at_bench" in kinds(shop, oid)


def test_a_waybill_printed_first_and_voided_by_the_cancel_is_counted_to_tear_up(
    shop: Engine, settings: Settings
) -> None:
    """The bench's STOP said "none was printed" while the packer held the waybill a batch had
    printed, voided by the lead's cancel."""
    oid = add_order(shop, "X2", [("TEA-001", 2)])
    with UnitOfWork(shop, bench="lead", user="lead") as u:
        order = u.session.get(Order, oid)
        assert order is not None
        order.status = OrderStatus.CANCELLED
        u.session.add(order)
        u.session.add(
            PrintJob(
                order_id=oid,
                kind="label",
                printer="sim://",
                language="zpl",
                content=b"^XA^XZ",
                sha256="x",
                status="void",
                sent_at=utcnow(),
            )
        )
        u.commit()
    assert packing.stop_cancelled(uow(shop), order_id=oid) == 1


def test_release_gives_the_units_back(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "R1", [("TEA-001", 2)])
    packing.open_order(uow(shop), code="R1", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    packing.release_order(uow(shop), order_id=oid, reason="sign out")
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.status == OrderStatus.READY and view.ticked == 0
    with UnitOfWork(shop) as u:
        payloads = [
            json.loads(e.payload)
            for e in u.session.exec(select(Event).where(Event.kind == "order_released"))
        ]
    assert payloads == [{"reason": "sign out"}]


def test_a_box_handed_over_while_the_order_is_packed_is_not_the_live_box(
    shop: Engine, settings: Settings
) -> None:
    """The first box of a two-box order went to the courier while the second was filled; the
    packer then puts the order back.  The order is opened again with a new box, not with the
    handed-over one."""
    oid = add_order(shop, "HB1", [("PAN-003", 1), ("TEA-001", 1)])
    packing.open_order(uow(shop), code="HB1", settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None
    packing.tick_manually(
        uow(shop), order_id=oid, line_id=view.lines[0].line_id, reason="条码破损", settings=settings
    )
    packing.close_box(uow(shop), order_id=oid, settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None
    grams = view.current.expected_g or 0
    packing.weigh(
        uow(shop), order_id=oid, grams=grams, source=WeightSource.MANUAL, settings=settings
    )
    with UnitOfWork(shop) as tx:  # the lead's seal took box 1
        first = tx.session.exec(select(Parcel).where(Parcel.order_id == oid, Parcel.seq == 1)).one()
        first.status = ParcelStatus.HANDED_OVER
        tx.session.add(first)
        tx.commit()
    packing.release_order(uow(shop), order_id=oid, reason="put back")
    packing.open_order(uow(shop), code="HB1", settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None
    assert (view.current.seq, view.current.status) == (3, ParcelStatus.OPEN)
    done = packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    assert done.ok and done.box_closed


def _piece(engine: Engine, settings: Settings, order_id: int, seq: int) -> tuple[int, int]:
    """(place, count) as parcel ``seq``'s label says it now."""
    with UnitOfWork(engine) as u:
        box = u.session.exec(
            select(Parcel).where(Parcel.order_id == order_id, Parcel.seq == seq)
        ).one()
        data = label_data(u, settings, box, box.tracking_no or "YT-DRAFT")
        return data.parcel_seq, data.parcel_count


def printed_labels(monkeypatch: pytest.MonkeyPatch) -> list[LabelData]:
    """The data of every label drawn from now on."""
    drawn: list[LabelData] = []
    render = documents.render_parcel_label

    def keep(settings: Settings, data: LabelData) -> documents.Rendered:
        drawn.append(data)
        return render(settings, data)

    monkeypatch.setattr(documents, "render_parcel_label", keep)
    return drawn


def _weigh_current(engine: Engine, settings: Settings, order_id: int) -> bool:
    """Weigh the box being packed at its expected weight; True when the order is packed."""
    view = read_order(uow(engine), order_id, settings)
    assert view is not None and view.current is not None
    grams = view.current.expected_g or 0
    res = packing.weigh(
        uow(engine), order_id=order_id, grams=grams, source=WeightSource.SCALE, settings=settings
    )
    assert res.accepted
    return res.order_packed


def test_a_box_closed_with_units_left_does_not_claim_to_be_the_only_one(
    shop: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Box 1 closed while the cup still waits: its label cannot know how many boxes go, so it
    says 件 1 rather than 1/1; the last box knows (2/2), and so does box 1 once it does."""
    printed = printed_labels(monkeypatch)
    oid = add_order(shop, "B2", [("TEA-001", 1), ("CUP-002", 1)])
    packing.open_order(uow(shop), code="B2", settings=settings)
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).ok
    assert packing.close_box(uow(shop), order_id=oid, settings=settings) == 1
    assert not _weigh_current(shop, settings, oid)
    assert {(d.parcel_seq, d.parcel_count) for d in printed} == {(1, 0)}
    assert packing.scan_item(uow(shop), order_id=oid, code=CUP, settings=settings).box_closed
    assert _weigh_current(shop, settings, oid)
    assert (printed[-1].parcel_seq, printed[-1].parcel_count) == (2, 2)
    assert _piece(shop, settings, oid, 1) == (1, 2)


def test_a_lead_split_counts_its_boxes_from_the_first(shop: Engine, settings: Settings) -> None:
    """A split opens its boxes before packing: box 1's label already knows there are two."""
    oid = add_order(shop, "S2", [("TEA-001", 1), ("CUP-002", 1)])
    lead.split_order(uow(shop), order_id=oid, parcels=2)
    packing.open_order(uow(shop), code="S2", settings=settings)
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).ok
    assert packing.close_box(uow(shop), order_id=oid, settings=settings) == 1
    assert _piece(shop, settings, oid, 1) == (1, 2)


def test_a_split_box_that_took_everything_is_1_of_1(
    shop: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead split the order in two; both units went into box 1.  Its label said 件 1/2:
    the empty box 2 was voided only after the label was drawn."""
    printed = printed_labels(monkeypatch)
    oid = add_order(shop, "S3", [("TEA-001", 2)])
    lead.split_order(uow(shop), order_id=oid, parcels=2)
    packing.open_order(uow(shop), code="S3", settings=settings)
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).ok
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).box_closed
    assert _weigh_current(shop, settings, oid)
    assert [(d.parcel_seq, d.parcel_count) for d in printed] == [(1, 1)]
    with pytest.raises(UserError, match="has 2 units to pack: it cannot go in 3 parcels"):
        lead.split_order(uow(shop), order_id=add_order(shop, "S4", [("TEA-001", 2)]), parcels=3)


def test_a_label_printed_before_packing_is_for_the_whole_order(
    shop: Engine, settings: Settings
) -> None:
    """Nothing ticked yet (a batch printing its waybills first): one box, 件 1/1."""
    oid = add_order(shop, "P1", [("TEA-001", 2)])
    packing.open_order(uow(shop), code="P1", settings=settings)
    assert _piece(shop, settings, oid, 1) == (1, 1)


def test_f2_passes_over_an_order_that_does_not_ship_today(shop: Engine, settings: Settings) -> None:
    """The lead wrote why the oldest order does not ship today (waiting for stock); every bench
    that pressed F2 was still given it first."""
    now = dt.datetime(2026, 11, 26, 4, 0, tzinfo=dt.UTC)  # 12:00 in Hangzhou
    day = settings.shipping.calendar().today(now)
    waiting = add_order(shop, "N1", [("TEA-001", 1)], paid_at=PAID)
    add_order(shop, "N2", [("TEA-001", 1)], paid_at=PAID + dt.timedelta(minutes=5))
    lead.not_shipping_today(uow(shop), order_id=waiting, reason="缺货 明天发", day=day)
    claim = packing.take_next(uow(shop), settings=settings, now=now)
    assert claim is not None and claim.order_no == "N2"
    packing.release_order(uow(shop), order_id=claim.order_id, reason="put back")
    # the next day it is due again, first
    tomorrow = now + dt.timedelta(days=1)
    claim = packing.take_next(uow(shop), settings=settings, now=tomorrow)
    assert claim is not None and claim.order_no == "N1"


def test_a_line_all_in_finished_boxes_is_not_short(shop: Engine, settings: Settings) -> None:
    """The tea was in box 1, weighed and labelled; F6 short on its line recorded "TEA-001 ×1
    short", and purchasing was told to buy what was in the parcel."""
    from tests.integration.packing.steps import weigh_the_box

    oid = add_order(shop, "S2", [("TEA-001", 1), ("CUP-002", 1)])
    packing.open_order(uow(shop), code="S2", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    packing.close_box(uow(shop), order_id=oid, settings=settings)
    assert weigh_the_box(shop, oid, settings).accepted
    view = read_order(uow(shop), oid, settings)
    tea, cup = (next(x.line_id for x in view.lines if x.sku == s) for s in ("TEA-001", "CUP-002"))
    with pytest.raises(UserError) as refused:
        packing.raise_exception(uow(shop), order_id=oid, kind=ExceptionKind.SHORT, line_id=tea)
    assert str(refused.value) == (
        "Every unit of TEA-001 is in a finished box: none of it is short. Choose the line that "
        "is missing."
    )
    assert read_order(uow(shop), oid, settings).status == OrderStatus.PACKING  # nothing undone
    packing.raise_exception(uow(shop), order_id=oid, kind=ExceptionKind.SHORT, line_id=cup)
    with UnitOfWork(shop) as u:
        exc = u.session.exec(select(OrderException)).one()
        assert (exc.sku, exc.quantity_short) == ("CUP-002", 1)


def test_a_refused_scan_names_three_lines_still_wanted_and_counts_the_rest(
    shop: Engine, settings: Settings
) -> None:
    """A long order's "Wanted:" list ran past the message line and was cut mid-item on an
    80×24 terminal."""
    skus = [("TEA-001", 1), ("CUP-002", 1), ("SOAP-04", 1), ("PAN-003", 1), ("TEA-001", 1)]
    oid = add_order(shop, "W1", skus)
    packing.open_order(uow(shop), code="W1", settings=settings)
    refused = packing.scan_item(uow(shop), order_id=oid, code="0000000000000", settings=settings)
    wanted = refused.message.split("Wanted: ", 1)[1]
    assert wanted.count("×") == 3 and wanted.endswith(" and 2 more (see the list).")
