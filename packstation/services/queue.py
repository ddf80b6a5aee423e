"""The shift lead's view of the day: a paged, filtered queue of orders and the day's deadlines.

Called by the lead application's queue screen (on every refresh and every filter keystroke) and
by the queue benchmark.  The day can hold tens of thousands of orders, so filtering, counting and
ordering happen in SQL and only one page of rows ever leaves the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import col

from packstation.config import Settings
from packstation.domain.carriers import code_named
from packstation.domain.due import parse_clock
from packstation.domain.lifecycle import lease_ran_out
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus
from packstation.i18n import _, as_read
from packstation.services.status_names import carrier_label
from packstation.store.clock import store_now
from packstation.store.models import Order, Parcel
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

Clock = Callable[[], dt.datetime]

#: still to leave the warehouse
OPEN = (S.IMPORTED, S.READY, S.PACKING, S.ON_HOLD, S.PACKED)
#: not yet packed: the bench still has work on them
UNPACKED = (S.IMPORTED, S.READY, S.PACKING, S.ON_HOLD)
# out with the courier, not confirmed online yet
WITH_THE_COURIER = (S.HANDED_OVER, S.PART_RECALLED)
#: how near a deadline (minutes) an order that is not there yet starts to stand out
RISK_MINUTES = 60
# A void box's bench and packer are no longer the order's: it went back to the queue (put back,
# a claim lost) or its label was voided, and its goods go into a new box.
_NOT_VOID = col(Parcel.status) != ParcelStatus.VOID

# Most urgent first: unpacked work, then what waits for the courier, then the done and the dead.
_RANK = {
    S.ON_HOLD: 0,
    S.IMPORTED: 1,
    S.READY: 1,
    S.PACKING: 2,
    S.PACKED: 3,
    S.HANDED_OVER: 4,
    S.PART_RECALLED: 4,
    S.CONFIRMED: 5,
    S.CANCELLED: 6,
}

#: the couriers' codes (DESIGN §3); a typed code filters by carrier even if not configured
CARRIER_CODES = frozenset({"YTO", "ZTO", "STO", "YUNDA", "SF", "JD", "EMS", "JT"})

#: words a lead may type to filter by status, in both languages
STATUS_WORDS: dict[str, str] = {
    "imported": S.IMPORTED,
    "ready": S.READY,
    "packing": S.PACKING,
    "hold": S.ON_HOLD,
    "on_hold": S.ON_HOLD,
    "held": S.ON_HOLD,
    "packed": S.PACKED,
    "handed": S.HANDED_OVER,
    "handed_over": S.HANDED_OVER,
    "confirmed": S.CONFIRMED,
    "cancelled": S.CANCELLED,
    "canceled": S.CANCELLED,
    "recalled": S.PART_RECALLED,
    "已导入": S.IMPORTED,
    "待打包": S.READY,
    "打包中": S.PACKING,
    "挂起": S.ON_HOLD,
    "已打包": S.PACKED,
    "已交接": S.HANDED_OVER,
    "已确认": S.CONFIRMED,
    "已取消": S.CANCELLED,
    "已撤回": S.PART_RECALLED,
}


#: the statuses the queue shows in more than one word, typed as the screen shows them ("on
#: hold" found nothing: "on" was looked for in the names)
STATUS_PHRASES: dict[str, str] = {
    "ready to pack": "ready",
    "on hold": "on_hold",
    "handed over": "handed_over",
}

#: words a lead may type for the packing orders whose bench let its lease run out
LEASE_WORDS = frozenset({"lease", "过期"})


@dataclass(frozen=True)
class Deadline:
    key: str  # "cutoff", "confirm" or "pickup:YTO"
    label: str
    at: dt.datetime
    remaining: dt.timedelta

    @property
    def passed(self) -> bool:
        return self.remaining <= dt.timedelta(0)

    @property
    def near(self) -> bool:
        return dt.timedelta(0) < self.remaining <= dt.timedelta(minutes=RISK_MINUTES)


@dataclass(frozen=True)
class QueueRow:
    order_id: int
    order_no: str
    status: str
    due_date: dt.date | None
    paid_at: dt.datetime | None
    carrier: str
    bench: str
    packer: str
    recipient: str
    reason: str
    at_risk: bool
    # a packing order whose bench let its lease run out (a bench that died, or lost the store):
    # when it ran out; the next bench that asks for an order takes this one over
    lease_ran_out: dt.datetime | None = None


@dataclass(frozen=True)
class QueuePage:
    total: int | None  # None: not counted yet (see ``queue_total``)
    offset: int
    limit: int
    rows: list[QueueRow] = field(default_factory=list)


def no_reason_for(day: dt.date) -> ColumnElement[bool]:
    """An order with no reason for not shipping on ``day``: a reason written for another day
    (yesterday's "waiting for stock") excuses nothing today."""
    return or_(
        func.trim(Order.not_shipping_reason) == "",
        col(Order.not_shipping_day).is_(None),
        col(Order.not_shipping_day) != day,
    )


def today(settings: Settings, now: dt.datetime | None = None) -> dt.date:
    """The shop's calendar date now."""
    return settings.shipping.calendar().today(now or utcnow())


def deadlines(
    settings: Settings, *, day: dt.date, now: dt.datetime, carriers: Sequence[str] = ()
) -> list[Deadline]:
    """The day's instants: the cut-off, each carrier's pickup and the confirmation deadline."""
    calendar = settings.shipping.calendar()
    found = [
        Deadline(
            "cutoff",
            _("cut-off"),
            calendar.at(day, parse_clock(settings.shipping.cutoff)),
            dt.timedelta(0),
        )
    ]
    codes = list(dict.fromkeys([*(c.upper() for c in carriers), *settings.carriers]))
    for code in codes:
        pickup = settings.carrier(code).pickup
        found.append(
            Deadline(
                f"pickup:{code}",
                _("{carrier} pickup").format(carrier=carrier_label(code)),
                calendar.at(day, parse_clock(pickup)),
                dt.timedelta(0),
            )
        )
    found.append(
        Deadline(
            "confirm",
            _("confirm"),
            calendar.at(day, parse_clock(settings.shipping.confirm_by)),
            dt.timedelta(0),
        )
    )
    return [Deadline(d.key, d.label, d.at, d.at - now) for d in sorted(found, key=lambda d: d.at)]


def is_at_risk(
    *,
    status: str,
    due_date: dt.date | None,
    day: dt.date,
    now: dt.datetime,
    settings: Settings,
    carrier: str,
) -> bool:
    """An order stands out when it is overdue, or a deadline it has not met is near or past."""
    if status not in OPEN and status not in WITH_THE_COURIER:
        return False
    if due_date is not None and due_date < day:
        return True
    if due_date is not None and due_date > day:
        return False
    calendar = settings.shipping.calendar()
    margin = dt.timedelta(minutes=RISK_MINUTES)
    if status in WITH_THE_COURIER:
        confirm = calendar.at(day, parse_clock(settings.shipping.confirm_by))
        return now >= confirm - margin
    pickup = calendar.at(day, parse_clock(settings.carrier(carrier).pickup))
    if status == S.PACKED:
        return now >= pickup
    return now >= pickup - margin


def _window(day: dt.date, include_tomorrow: bool, settings: Settings) -> ColumnElement[bool]:
    """Due today (any status), tomorrow's on request, and anything overdue still open."""
    last = day
    if include_tomorrow:
        last = settings.shipping.calendar().next_shipping_day(day + dt.timedelta(days=1))
    due = col(Order.due_date)
    # Two index ranges: the day (ix_order_due_date, rows of a day lie together since they are
    # imported together) and the few overdue orders still open (ix_order_status_due).  Going
    # through (status, due_date) for the whole day would fetch its rows in random order.
    return or_(
        and_(due >= day, due <= last),
        and_(col(Order.status).in_(OPEN), due < day),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: Any, pattern: str, dialect: str) -> ColumnElement[bool]:
    # SQLite's LIKE already ignores ASCII case, and lower() on every row would double the cost
    # of a keystroke; PostgreSQL needs ILIKE for the same meaning.
    if dialect == "postgresql":
        return cast("ColumnElement[bool]", column.ilike(pattern, escape="\\"))
    return cast("ColumnElement[bool]", column.like(pattern, escape="\\"))


def token_condition(
    token: str,
    settings: Settings,
    dialect: str = "sqlite",
    leases_now: dt.datetime | None = None,
) -> ColumnElement[bool]:
    """What one typed word matches: a status, a carrier, a bench, or part of a number or name;
    ``lease`` (or 过期) the packing orders whose bench let its lease run out (by ``leases_now``,
    the store's clock).

    Digits are looked for in numbers only (order, tracking, the phone's last digits); a word with
    Chinese characters in names only; anything else in numbers, benches and names.
    """
    word = token.strip()
    if word.lower() in LEASE_WORDS:
        return _lease_ran_out(leases_now or utcnow())
    status = STATUS_WORDS.get(word.lower())
    if status is not None:
        return col(Order.status) == status
    if (
        word.upper() in CARRIER_CODES
        or word.upper() in settings.carriers
        or word.upper() == settings.shipping.default_carrier
    ):
        return col(Order.carrier) == word.upper()
    named = code_named(word) if not word.isascii() else None
    if named is not None:  # 圆通 found nothing, YTO every YTO order
        return col(Order.carrier) == named
    pattern = _like(word)

    def has(column: Any) -> ColumnElement[bool]:
        return _contains(column, pattern, dialect)

    if word.isdigit():
        parcels = select(col(Parcel.order_id)).where(has(col(Parcel.tracking_no)))
        return or_(
            has(col(Order.order_no)),
            has(col(Order.tracking_no)),
            col(Order.phone).like(f"%{word}"),
            col(Order.id).in_(parcels),
        )
    names = [
        has(col(Order.recipient_name)),
        has(col(Order.buyer)),
        has(col(Order.claimed_user)),
    ]
    if not word.isascii():
        parcels = select(col(Parcel.order_id)).where(_NOT_VOID, has(col(Parcel.packer)))
        return or_(*names, col(Order.id).in_(parcels))
    # a packed order's bench, packer and tracking numbers are on its parcels (a void label's
    # number still finds its order)
    packed_by = or_(col(Parcel.bench) == word, has(col(Parcel.packer)))
    parcels = select(col(Parcel.order_id)).where(
        or_(has(col(Parcel.tracking_no)), and_(_NOT_VOID, packed_by))
    )
    return or_(
        col(Order.claimed_bench) == word,
        has(col(Order.order_no)),
        has(col(Order.tracking_no)),
        *names,
        col(Order.id).in_(parcels),
    )


def _lease_ran_out(now: dt.datetime) -> ColumnElement[bool]:
    """``domain.lifecycle.lease_ran_out`` as a condition on the order table."""
    return and_(col(Order.status) == S.PACKING, col(Order.lease_until) <= now)


def _conditions(
    uow: UnitOfWork, day: dt.date, settings: Settings, filter_text: str, include_tomorrow: bool
) -> list[ColumnElement[bool]]:
    dialect = uow.session.get_bind().dialect.name
    typed = " ".join(filter_text.split())
    for phrase, word in STATUS_PHRASES.items():
        typed = re.sub(rf"\b{phrase}\b", word, typed, flags=re.IGNORECASE)
    words = [t for t in typed.split() if t.strip()]
    # leases are judged by the store's clock (asked only when a word needs it)
    leases_now = store_now(uow.engine) if any(w.lower() in LEASE_WORDS for w in words) else None
    conditions = [_window(day, include_tomorrow, settings)]
    conditions.extend(token_condition(t, settings, dialect, leases_now) for t in words)
    return conditions


def _urgency() -> ColumnElement[int]:
    return case(*((col(Order.status) == status, rank) for status, rank in _RANK.items()), else_=9)


def queue_page(
    uow: UnitOfWork,
    *,
    day: dt.date,
    settings: Settings,
    filter_text: str = "",
    include_tomorrow: bool = False,
    offset: int = 0,
    limit: int = 50,
    now: dt.datetime | None = None,
    count: bool = True,
) -> QueuePage:
    """One page of the day's queue, most urgent first, with the count of all rows that match.

    With ``count=False`` the second scan is left out unless the page holds the whole answer,
    and ``total`` is None: the screen shows the page at once and asks ``queue_total`` after.
    """
    now = now or utcnow()
    offset = max(0, offset)
    with uow:
        conditions = _conditions(uow, day, settings, filter_text, include_tomorrow)
        statement = (
            select(
                col(Order.id),
                col(Order.order_no),
                col(Order.status),
                col(Order.due_date),
                col(Order.paid_at),
                col(Order.carrier),
                col(Order.claimed_bench),
                col(Order.claimed_user),
                col(Order.recipient_name),
                col(Order.hold_reason),
                col(Order.not_shipping_reason),
                col(Order.lease_until),
            )
            .where(*conditions)
            .order_by(
                col(Order.due_date).asc(),
                _urgency(),
                col(Order.paid_at).asc(),
                col(Order.id).asc(),
            )
            .offset(offset)
            .limit(limit)
        )
        found = uow.session.execute(statement).all()
        leases_now = store_now(uow.engine)  # leases are judged by the store's clock
        total: int | None = None
        if offset == 0 and len(found) < limit:
            total = len(found)  # the whole answer is on this page: no second scan
        elif count:
            total = _count(uow, conditions)
        # A packed order's claim is released; who packed it is on its parcels.
        packed_by: dict[int, tuple[str, str]] = {}
        ids = [r.id for r in found if not r.claimed_bench]
        if ids:
            # the box packed last names who finished the order (a takeover packs the second box
            # at another bench; the first box's bench was named)
            parcels = (
                select(col(Parcel.order_id), col(Parcel.bench), col(Parcel.packer))
                .where(col(Parcel.order_id).in_(ids), col(Parcel.bench) != "", _NOT_VOID)
                .order_by(col(Parcel.seq).desc())
            )
            for order_id, bench, packer in uow.session.execute(parcels).all():
                packed_by.setdefault(order_id, (bench, packer))
        rows = []
        for r in found:
            bench, packer = packed_by.get(r.id, ("", ""))
            rows.append(
                QueueRow(
                    order_id=r.id,
                    order_no=r.order_no,
                    status=r.status,
                    due_date=r.due_date,
                    paid_at=r.paid_at,
                    carrier=r.carrier,
                    bench=r.claimed_bench or bench,
                    packer=r.claimed_user or packer,
                    recipient=r.recipient_name,
                    reason=as_read(r.hold_reason) or r.not_shipping_reason,
                    at_risk=is_at_risk(
                        status=r.status,
                        due_date=r.due_date,
                        day=day,
                        now=now,
                        settings=settings,
                        carrier=r.carrier,
                    ),
                    lease_ran_out=(
                        r.lease_until
                        if lease_ran_out(r.status, r.lease_until, leases_now)
                        else None
                    ),
                )
            )
    return QueuePage(total=total, offset=offset, limit=limit, rows=rows)


def _count(uow: UnitOfWork, conditions: list[ColumnElement[bool]]) -> int:
    return int(
        uow.session.execute(select(func.count()).select_from(Order).where(*conditions)).scalar_one()
    )


def queue_total(
    uow: UnitOfWork,
    *,
    day: dt.date,
    settings: Settings,
    filter_text: str = "",
    include_tomorrow: bool = False,
) -> int:
    """How many orders of the queue match the filter."""
    with uow:
        return _count(uow, _conditions(uow, day, settings, filter_text, include_tomorrow))


def queue_counts(
    uow: UnitOfWork, *, day: dt.date, settings: Settings, include_tomorrow: bool = False
) -> dict[str, int]:
    """How many orders of the queue are in each status (for the header line), and under
    ``LEASE_RAN_OUT`` how many of those being packed have a bench whose lease ran out."""
    counts = {str(s): 0 for s in S}
    with uow:
        window = _window(day, include_tomorrow, settings)
        statement = (
            select(col(Order.status), func.count()).where(window).group_by(col(Order.status))
        )
        for status, count in uow.session.execute(statement).all():
            counts[status] = count
        counts[LEASE_RAN_OUT] = 0
        if counts[S.PACKING]:
            lapsed = select(func.count()).where(window, _lease_ran_out(store_now(uow.engine)))
            counts[LEASE_RAN_OUT] = int(uow.session.execute(lapsed).scalar_one())
    return counts


#: the key of ``queue_counts`` for packing orders whose bench's lease ran out
LEASE_RAN_OUT = "lease_ran_out"
