"""How each packer and each bench is doing today, from the event log and the print jobs.

Called by the lead application's people screen.  Rates are per active hour: from the person's
(or bench's) first to last event of the day, counted as at least one hour so a packer who has
just started is not shown at an absurd pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, WeightSource
from packstation.store.models import Event, OrderException, OrderLine, Parcel, PrintJob
from packstation.store.uow import UnitOfWork

PACKED = "order_packed"
WRONG_SCAN = ("scan_refused",)
WEIGHT_EVENTS = ("weight_override", "weight_refused")


@dataclass(frozen=True)
class Figures:
    name: str
    orders: int
    units: int
    wrong_scans: int
    weight_exceptions: int
    reprints: int
    hours: float

    @property
    def orders_per_hour(self) -> float:
        return self.orders / self.hours

    @property
    def units_per_hour(self) -> float:
        return self.units / self.hours


@dataclass(frozen=True)
class PeopleReport:
    day: dt.date
    packers: list[Figures]
    benches: list[Figures]
    hourly: list[tuple[int, int]]  # (local hour 0–23, orders packed)


def day_bounds(settings: Settings, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = settings.shipping.calendar().zone
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _grouped(
    uow: UnitOfWork,
    key: ColumnElement[str],
    kinds: tuple[str, ...],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[str, int]:
    rows = uow.session.execute(
        select(key, func.count())
        .where(col(Event.kind).in_(kinds), col(Event.at) >= start, col(Event.at) < end)
        .group_by(key)
    ).all()
    return {name or "": count for name, count in rows}


def _figures(uow: UnitOfWork, by: str, start: dt.datetime, end: dt.datetime) -> list[Figures]:
    key = cast("ColumnElement[str]", col(Event.user) if by == "user" else col(Event.bench))
    window = (col(Event.at) >= start, col(Event.at) < end)
    # each order once: one packed again after its label was voided counted twice, against
    # the day's report
    packed = (
        select(key.label("who"), col(Event.order_id).label("order_id"))
        .where(Event.kind == PACKED, *window)
        .distinct()
        .subquery()
    )
    orders = {
        name or "": count
        for name, count in uow.session.execute(
            select(packed.c.who, func.count()).group_by(packed.c.who)
        ).all()
    }
    wrong = _grouped(uow, key, WRONG_SCAN, start, end)
    weight = _grouped(uow, key, WEIGHT_EVENTS, start, end)
    # a lead's override is a weight accepted outside the tolerance
    for name, count in uow.session.execute(
        select(key, func.count())
        .where(
            Event.kind == "weight_accepted",
            col(Event.payload).like(f'%"source": "{WeightSource.OVERRIDE}"%'),
            *window,
        )
        .group_by(key)
    ).all():
        weight[name or ""] = weight.get(name or "", 0) + count
    units = {
        name or "": int(total or 0)
        for name, total in uow.session.execute(
            select(packed.c.who, func.sum(OrderLine.quantity))
            .select_from(packed)
            .join(OrderLine, col(OrderLine.order_id) == packed.c.order_id)
            .group_by(packed.c.who)
        ).all()
    }
    spans = {
        name or "": (first, last)
        for name, first, last in uow.session.execute(
            select(key, func.min(Event.at), func.max(Event.at)).where(*window).group_by(key)
        ).all()
    }
    if by == "user":
        exception_key = cast("ColumnElement[str]", col(OrderException.raised_by))
        for name, count in uow.session.execute(
            select(exception_key, func.count())
            .where(
                OrderException.kind == ExceptionKind.WEIGHT,
                col(OrderException.raised_at) >= start,
                col(OrderException.raised_at) < end,
            )
            .group_by(exception_key)
        ).all():
            weight[name or ""] = weight.get(name or "", 0) + count
        reprint_key = cast("ColumnElement[str]", col(PrintJob.created_by))
        reprint_rows = uow.session.execute(
            select(reprint_key, func.count())
            .where(
                col(PrintJob.reprint_of).is_not(None),
                col(PrintJob.created_at) >= start,
                col(PrintJob.created_at) < end,
            )
            .group_by(reprint_key)
        ).all()
    else:
        bench_key = cast("ColumnElement[str]", col(Parcel.bench))
        reprint_rows = uow.session.execute(
            select(bench_key, func.count())
            .select_from(PrintJob)
            .join(Parcel, col(Parcel.id) == col(PrintJob.parcel_id))
            .where(
                col(PrintJob.reprint_of).is_not(None),
                col(PrintJob.created_at) >= start,
                col(PrintJob.created_at) < end,
            )
            .group_by(bench_key)
        ).all()
    reprints = {name or "": count for name, count in reprint_rows}
    names = sorted({*orders, *wrong, *weight, *reprints} - {""})
    figures = []
    for name in names:
        first, last = spans.get(name, (None, None))
        hours = 1.0
        if first is not None and last is not None:
            hours = max(1.0, (last - first).total_seconds() / 3600)
        figures.append(
            Figures(
                name=name,
                orders=orders.get(name, 0),
                units=units.get(name, 0),
                wrong_scans=wrong.get(name, 0),
                weight_exceptions=weight.get(name, 0),
                reprints=reprints.get(name, 0),
                hours=hours,
            )
        )
    return sorted(figures, key=lambda f: (-f.orders, f.name))


def people_report(uow: UnitOfWork, *, day: dt.date, settings: Settings) -> PeopleReport:
    """Per packer and per bench today, and orders packed in each hour of the day."""
    start, end = day_bounds(settings, day)
    zone = settings.shipping.calendar().zone
    with uow:
        packers = _figures(uow, "user", start, end)
        benches = _figures(uow, "bench", start, end)
        hours = [0] * 24
        # each order once, in the hour it was last packed (packed again after a void)
        last = uow.session.execute(
            select(Event.order_id, func.max(Event.at))
            .where(Event.kind == PACKED, col(Event.at) >= start, col(Event.at) < end)
            .group_by(col(Event.order_id))
        ).all()
        for _order_id, at in last:
            hours[at.astimezone(zone).hour] += 1
    return PeopleReport(day=day, packers=packers, benches=benches, hourly=list(enumerate(hours)))
