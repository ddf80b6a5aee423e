"""Per packer and per bench figures, and the end-of-day reconciliation of a scripted day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus as P
from packstation.services.batch import reprint_batch
from packstation.services.closing import reconciliation
from packstation.services.lead import cancel_order, not_shipping_today, release
from packstation.services.people import people_report
from packstation.services.printing import reprint
from packstation.services.reports import day_report, today
from packstation.services.reprints import void_label
from packstation.store.models import Order, OrderException, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, event, hold, label, local, order, parcel

Factory = Callable[..., UnitOfWork]


def test_people_figures(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    with Session(engine) as s:
        a = order(s, "A", status=S.PACKED, qty=3)
        b = order(s, "B", status=S.PACKED, qty=2)
        c = order(s, "C", status=S.PACKED, qty=1)
        y = order(s, "Y", status=S.PACKED, qty=4)
        pa = parcel(s, a, "YT-A", packed_at=local(9, 10))
        # B's label was voided and li packed it again: one order of 2 units, not two of 4
        parcel(s, b, "YT-B1", status=P.VOID, packed_at=local(10, 0))
        parcel(s, b, "YT-B2", seq=2, packed_at=local(11, 0))
        parcel(s, c, "YT-C", bench="bench-2", packer="wang", packed_at=local(10, 30))
        parcel(s, y, "YT-Y", packed_at=local(17, 0, DAY.replace(day=25)))  # yesterday
        event(s, "item_scanned", at=local(9, 0), user="li", order_id=a.id)
        event(s, "order_packed", at=local(9, 10), user="li", order_id=a.id)
        event(s, "scan_refused", at=local(9, 20), user="li", order_id=b.id)
        event(s, "order_packed", at=local(10, 0), user="li", order_id=b.id)
        event(s, "order_packed", at=local(11, 0), user="li", order_id=b.id)
        event(s, "order_packed", at=local(10, 30), user="wang", bench="bench-2", order_id=c.id)
        event(s, "weight_override", at=local(10, 20), user="wang", bench="bench-2", order_id=c.id)
        event(
            s, "order_packed", at=local(17, 0, DAY.replace(day=25)), user="li", order_id=y.id
        )  # yesterday
        s.add(
            OrderException(
                order_id=c.id or 0, kind="weight", raised_by="wang", raised_at=local(10, 25)
            )
        )
        s.add(
            PrintJob(
                parcel_id=pa.id,
                kind="label",
                printer="sim://",
                language="zpl",
                content=b"x",
                sha256="x",
                created_by="li",
                created_at=local(9, 11),
            )
        )
        s.flush()
        s.add(
            PrintJob(
                parcel_id=pa.id,
                kind="label",
                printer="sim://",
                language="zpl",
                content=b"x",
                sha256="x",
                created_by="li",
                reprint_of=1,
                reason="smudged",
                created_at=local(9, 30),
            )
        )
        event(s, "label_reprinted", at=local(9, 30), user="li", order_id=a.id, reprint_of=1)
        s.commit()
    report = people_report(uow_factory(), day=DAY, settings=settings)
    li, wang = report.packers
    assert (li.name, li.orders, li.units, li.wrong_scans, li.reprints) == ("li", 2, 5, 1, 1)
    assert li.hours == 2.0 and li.orders_per_hour == 1.0 and li.units_per_hour == 2.5
    assert (wang.name, wang.orders, wang.units, wang.weight_exceptions) == ("wang", 1, 1, 2)
    assert [(f.name, f.orders, f.reprints) for f in report.benches] == [
        ("bench-1", 2, 1),
        ("bench-2", 1, 0),
    ]
    assert (
        dict(report.hourly)[9] == 1
        and dict(report.hourly)[10] == 1
        and dict(report.hourly)[11] == 1
    )
    assert sum(n for _, n in report.hourly) == 3


def _same_in_both(uow_factory: Factory, settings: Settings) -> dict[str, tuple[int, int]]:
    """Each packer's (orders, units) on F4, checked against ``packstation report day``'s."""
    people = people_report(uow_factory(), day=DAY, settings=settings)
    on_screen = {f.name: (f.orders, f.units) for f in people.packers if f.orders or f.units}
    reported = day_report(uow_factory(), day=DAY, settings=settings)["by_packer"]
    assert {p["user"]: (p["orders"], p["units"]) for p in reported} == on_screen
    return on_screen


def test_a_packer_s_figures_are_the_boxes_they_packed_on_f4_and_in_the_day_report(
    engine: Engine, uow_factory: Factory, settings: Settings
) -> None:
    """F4 counted an order from its packing events (a cancelled one's, a voided box's too) and
    its units as the order's quantities; the day's report counted boxes and the units packed on
    the order's lines: 21 orders and 64 units against 23 and 69, and an order packed at two
    benches was 8 units for its 4."""
    with Session(engine) as s:
        kept = order(s, "KEPT", status=S.PACKED, qty=3)
        parcel(s, kept, "YT-K", packed_at=local(9, 0))
        event(s, "order_packed", at=local(9, 0), user="li", order_id=kept.id)
        # voided after packing, packed again by wang at bench-2
        voided = order(s, "VOIDED", status=S.PACKED, qty=2)
        first = parcel(s, voided, "YT-V1", packed_at=local(9, 30))
        event(s, "order_packed", at=local(9, 30), user="li", order_id=voided.id)
        # packed, then cancelled: its box never leaves
        cancelled = order(s, "CANCELLED", status=S.PACKED, qty=5)
        parcel(s, cancelled, "YT-C", bench="bench-2", packer="wang", packed_at=local(10, 0))
        event(
            s, "order_packed", at=local(10, 0), user="wang", bench="bench-2", order_id=cancelled.id
        )
        # taken over: li packed box 1 at bench-1, wang box 2 at bench-2
        taken = order(s, "TAKEN", status=S.PACKED, qty=4)
        parcel(s, taken, "YT-T1", units=1, packed_at=local(10, 30))
        parcel(s, taken, "YT-T2", seq=2, bench="bench-2", packer="wang", packed_at=local(11, 0))
        event(s, "order_packed", at=local(11, 0), user="wang", bench="bench-2", order_id=taken.id)
        ids = {o.order_no: o.id or 0 for o in (voided, cancelled)}
        first_id = first.id or 0
        s.commit()
    assert _same_in_both(uow_factory, settings) == {"li": (3, 6), "wang": (2, 8)}

    void_label(uow_factory(), parcel_id=first_id, reason="torn")
    release(uow_factory(), order_id=ids["VOIDED"])
    cancel_order(uow_factory(), order_id=ids["CANCELLED"], reason="buyer cancelled")
    with Session(engine) as s:
        again = s.get(Order, ids["VOIDED"])
        assert again is not None
        again.status = S.PACKED
        parcel(s, again, "YT-V2", seq=2, bench="bench-2", packer="wang", packed_at=local(11, 30))
        event(s, "order_packed", at=local(11, 30), user="wang", bench="bench-2", order_id=again.id)
        s.commit()
    # li: KEPT (3) and box 1 of TAKEN (1); wang: VOIDED again (2) and box 2 of TAKEN (3)
    assert _same_in_both(uow_factory, settings) == {"li": (2, 4), "wang": (2, 5)}
    benches = people_report(uow_factory(), day=DAY, settings=settings).benches
    assert [(f.name, f.orders, f.units) for f in benches] == [("bench-1", 2, 4), ("bench-2", 2, 5)]
    hourly = people_report(uow_factory(), day=DAY, settings=settings).hourly
    # each order once, when its last box was packed: KEPT at 9, TAKEN and VOIDED at 11
    assert {hour: n for hour, n in hourly if n} == {9: 1, 11: 2}


def test_a_reprint_counts_at_the_bench_it_was_asked_at(
    engine: Engine, uow_factory: Factory, settings: Settings
) -> None:
    """A label reprinted at another bench counted at the bench that packed the box, and a
    batch's pick list printed again at no bench."""
    with Session(engine) as s:
        packed = order(s, "A", status=S.PACKED)
        box = parcel(s, packed, "YT-A", packed_at=local(9, 0))
        label(s, box)
        for kind in ("pick_list", "label"):
            s.add(
                PrintJob(
                    order_id=None if kind == "pick_list" else packed.id,
                    kind=kind,
                    printer="sim://",
                    language="zpl",
                    content=b"^XA^XZ",
                    sha256="x",
                    status="sent",
                    batch="B1",
                )
            )
        box_id = box.id or 0
        s.commit()
    reprint(uow_factory(bench="bench-2", user="wang"), parcel_id=box_id, reason="smudged")
    reprint_batch(uow_factory(bench="bench-3", user="zhou"), batch="B1", reason="jammed")
    report = people_report(uow_factory(), day=today(settings), settings=settings)
    assert {f.name: f.reprints for f in report.benches} == {"bench-2": 1, "bench-3": 2}
    assert {f.name: f.reprints for f in report.packers} == {"wang": 1, "zhou": 2}


def test_reconciliation_of_a_scripted_day(
    engine: Engine, uow_factory: Factory, settings: Settings
) -> None:
    # imports: eight orders due today
    with Session(engine) as s:
        made = {n: order(s, n) for n in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8")}
        # due yesterday: one still waiting (missing), one packed and not handed over, one on hold
        late = DAY - dt.timedelta(days=1)
        order(s, "Y1", due=late)
        order(s, "Y2", due=late, status=S.PACKED)
        hold(s, order(s, "Y3", due=late), "short", "short")
        # confirmed online from a file written before the handover: Y4's parcel is still here,
        # Y5's went with the courier
        parcel(s, order(s, "Y4", due=late, status=S.CONFIRMED), "YT-Y4")
        parcel(s, order(s, "Y5", due=late, status=S.CONFIRMED), "YT-Y5", status=P.HANDED_OVER)
        # packs: three packed, one of them handed over and one confirmed
        for n in ("D1", "D2", "D3"):
            made[n].status = S.PACKED
            parcel(s, made[n], f"YT-{n}")
        made["D2"].status = S.HANDED_OVER
        made["D3"].status = S.CONFIRMED
        # holds: two
        hold(s, made["D4"], "short", "short")
        hold(s, made["D5"], "damaged", "broken mug")
        ids = {n: o.id or 0 for n, o in made.items()}
        s.commit()
    # cancels, a release and a reason
    cancel_order(uow_factory(), order_id=ids["D6"], reason="buyer cancelled")
    release(uow_factory(), order_id=ids["D5"], note="replaced")
    not_shipping_today(uow_factory(), order_id=ids["D4"], reason="waiting for stock", day=DAY)
    result = reconciliation(uow_factory(), day=DAY, settings=settings)
    figures = dict(result.figures())
    assert figures == {
        "due": 8,
        "ready": 3,  # D5 released, D7, D8
        "packing": 0,
        "packed": 1,
        "handed_over": 1,
        "confirmed": 1,
        "cancelled": 1,
        "on_hold": 1,  # D4, with its reasons
        # Y1, Y2, Y3 and Y4, due yesterday and not out yet: the parcels of Y2 (packed) and Y4
        # (confirmed online) are still here (they were left out, and a parcel left on the shelf
        # at closing was in no figure)
        "carried_over": 4,
        "missing": 4,  # D5, D7, D8 and Y1: due, not packed, no reason
    }
    assert sorted(m.order_no for m in result.missing) == ["D5", "D7", "D8", "Y1"]
    # the same figures as `packstation report day`
    report = day_report(uow_factory(), day=DAY, settings=settings)
    assert report["counts"] == result.counts
    assert sorted(report["unshipped_without_reason"]) == ["D5", "D7", "D8", "Y1"]
    assert report["carried_over"] == 4
