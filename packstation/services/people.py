"""How each packer and each bench is doing today, from the boxes packed and the event log.

Called by the lead application's people screen; ``packed_by`` by ``packstation report day`` too,
so both say the same of each packer.  What a packer (or bench) packed is the boxes they packed
that were not voided: the units in those boxes, and their orders (an order packed at two benches
is an order of both, with the units of each one's box).  A reprint counts where it was asked:
for the person who asked and at the bench they asked at (a pick list's too; the lead's
application asks under its own name, ``lead@<machine>``).  Rates are per active hour: from the person's (or
bench's) first to last event of the day, counted as at least one hour so a packer who has just
started is not shown at an absurd pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, cast

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, ParcelStatus, WeightSource
from packstation.services.audit import REPRINT_KIND
from packstation.store.models import Event, OrderException, Parcel, ParcelItem
from packstation.store.uow import UnitOfWork

WRONG_SCAN = ("scan_refused",)
WEIGHT_EVENTS = ("weight_override", "weight_refused")


@dataclass(frozen=True)
class Packed:
    """What one packer (or bench) packed: the units in the boxes not voided, and their orders."""

    orders: int = 0
    units: int = 0


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


# a box packed and not voided since (a voided one's goods were packed again, or went back to
# the shelves with a cancel)
PACKED_BOXES = (ParcelStatus.PACKED, ParcelStatus.HANDED_OVER)


def _packed_boxes(start: dt.datetime, end: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    """The boxes packed from ``start`` to ``end`` that still ship."""
    return (
        col(Parcel.packed_at) >= start,
        col(Parcel.packed_at) < end,
        col(Parcel.status).in_(PACKED_BOXES),
    )


def packed_by(
    uow: UnitOfWork, *, by: Literal["packer", "bench"], start: dt.datetime, end: dt.datetime
) -> dict[str, Packed]:
    """Each packer's (or bench's) boxes packed from ``start`` to ``end``, void ones left out:
    their orders and the units in them (in transaction).  A box belongs to whoever
    weighed it, at the bench it was weighed at; an order packed in two boxes by two packers is
    an order of each, with the units of their own box."""
    key = col(Parcel.packer) if by == "packer" else col(Parcel.bench)
    rows = uow.session.execute(
        select(
            key,
            func.count(func.distinct(Parcel.order_id)),
            func.coalesce(func.sum(ParcelItem.quantity), 0),
        )
        .select_from(Parcel)
        .outerjoin(ParcelItem, col(ParcelItem.parcel_id) == col(Parcel.id))
        .where(*_packed_boxes(start, end))
        .group_by(key)
    ).all()
    return {
        name or "": Packed(orders=int(orders), units=int(units)) for name, orders, units in rows
    }


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


def _figures(
    uow: UnitOfWork, by: Literal["packer", "bench"], start: dt.datetime, end: dt.datetime
) -> list[Figures]:
    key = cast("ColumnElement[str]", col(Event.user) if by == "packer" else col(Event.bench))
    window = (col(Event.at) >= start, col(Event.at) < end)
    packed = packed_by(uow, by=by, start=start, end=end)
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
    spans = {
        name or "": (first, last)
        for name, first, last in uow.session.execute(
            select(key, func.min(Event.at), func.max(Event.at)).where(*window).group_by(key)
        ).all()
    }
    if by == "packer":
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
    # every reprint is on record where it was asked, by whom: a label's, a batch's pick list's
    # (it was counted at the bench that packed the box, and a pick list at none)
    reprints = _grouped(uow, key, (REPRINT_KIND,), start, end)
    names = sorted({*packed, *wrong, *weight, *reprints} - {""})
    figures = []
    for name in names:
        first, last = spans.get(name, (None, None))
        hours = 1.0
        if first is not None and last is not None:
            hours = max(1.0, (last - first).total_seconds() / 3600)
        done = packed.get(name, Packed())
        figures.append(
            Figures(
                name=name,
                orders=done.orders,
                units=done.units,
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
        packers = _figures(uow, "packer", start, end)
        benches = _figures(uow, "bench", start, end)
        hours = [0] * 24
        # each order once, in the hour its last box was packed (as the figures count it: a
        # voided box and a cancelled order's are not packed)
        last = uow.session.execute(
            select(Parcel.order_id, func.max(Parcel.packed_at))
            .where(*_packed_boxes(start, end))
            .group_by(col(Parcel.order_id))
        ).all()
        for _order_id, at in last:
            hours[at.astimezone(zone).hour] += 1
    return PeopleReport(day=day, packers=packers, benches=benches, hourly=list(enumerate(hours)))
