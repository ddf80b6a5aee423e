"""Per packer and per bench figures, and the end-of-day reconciliation of a scripted day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.services.closing import reconciliation
from packstation.services.lead import cancel_order, not_shipping_today, release
from packstation.services.people import people_report
from packstation.services.reports import day_report
from packstation.store.models import OrderException, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, event, hold, local, order, parcel

Factory = Callable[..., UnitOfWork]


def test_people_figures(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    with Session(engine) as s:
        a = order(s, "A", status=S.PACKED, qty=3)
        b = order(s, "B", status=S.PACKED, qty=2)
        c = order(s, "C", status=S.PACKED, qty=1)
        pa = parcel(s, a, "YT-A")
        event(s, "item_scanned", at=local(9, 0), user="li", order_id=a.id)
        event(s, "order_packed", at=local(9, 10), user="li", order_id=a.id)
        event(s, "scan_refused", at=local(9, 20), user="li", order_id=b.id)
        event(s, "order_packed", at=local(11, 0), user="li", order_id=b.id)
        # B's label was voided and li packed it again: one order of 2 units, not two of 4
        event(s, "order_packed", at=local(11, 0), user="li", order_id=b.id)
        event(s, "order_packed", at=local(10, 30), user="wang", bench="bench-2", order_id=c.id)
        event(s, "weight_override", at=local(10, 20), user="wang", bench="bench-2", order_id=c.id)
        event(
            s, "order_packed", at=local(9, 0, DAY.replace(day=25)), user="li", order_id=c.id
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
        # Y1, Y2 and Y3, due yesterday and not out yet: Y2's parcel is packed and still here
        # (it was left out, and a parcel left on the shelf at closing was in no figure)
        "carried_over": 3,
        "missing": 4,  # D5, D7, D8 and Y1: due, not packed, no reason
    }
    assert sorted(m.order_no for m in result.missing) == ["D5", "D7", "D8", "Y1"]
    # the same figures as `packstation report day`
    report = day_report(uow_factory(), day=DAY, settings=settings)
    assert report["counts"] == result.counts
    assert sorted(report["unshipped_without_reason"]) == ["D5", "D7", "D8", "Y1"]
    assert report["carried_over"] == 3
