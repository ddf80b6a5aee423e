"""Claims: which bench holds which order (DESIGN §4, §8).

Called by ``packstation.services.packing`` and the bench application.  An order is claimed by at
most one bench: the claim sets ``claimed_bench/claimed_user/claimed_at/lease_until`` and status
``packing``; a bench renews its lease on a timer while the order is open; an expired lease may be
taken over by another bench.  Each function is one short transaction that re-reads the row it
changes under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already
serialises writers), so many bench processes can call them at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Select, Update, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.domain.status import FINISHED_BOXES, OrderStatus
from packstation.errors import UserError
from packstation.i18n import _, as_read
from packstation.store.clock import store_now
from packstation.store.models import Order, Parcel, ParcelItem
from packstation.store.types import UTCDateTime
from packstation.store.uow import UnitOfWork


class ClaimLost(UserError):
    """This bench no longer holds the order (another bench took over an expired lease, or the
    order was released, put on hold or cancelled elsewhere)."""


@dataclass(frozen=True)
class Claim:
    order_id: int
    order_no: str
    taken_over_from: str = ""  # the bench whose expired lease this claim replaced
    resumed: bool = False  # this bench already held it
    carrier: str = ""  # the order's carrier, which its boxes go with
    left_in_box: int = 0  # taken over: units that bench ticked into the box still at it
    # print first: the printer another machine sent the order's waybill to, not this bench's
    label_printer: str = ""


def _is_postgres(uow: UnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "postgresql"


def lock_order(uow: UnitOfWork, order_id: int) -> Order | None:
    """The order, re-read and locked for the rest of the transaction."""
    return uow.session.exec(_LOCK_ORDER, params={"order_id": order_id}).first()


# built once: every bench action locks its order
_LOCK_ORDER = select(Order).where(col(Order.id) == bindparam("order_id")).with_for_update()


def lock_parcel(uow: UnitOfWork, parcel_id: int) -> Parcel:
    """The parcel, locked and read again as the last transaction that held it left it.  Take
    its order's lock first (``lock_order``): everything that changes both takes the order's."""
    locked = select(Parcel).where(col(Parcel.id) == parcel_id).with_for_update()
    return uow.session.exec(locked.execution_options(populate_existing=True)).one()


def refusal(order: Order, *, bench: str, now: dt.datetime) -> str:
    """Why ``bench`` cannot take ``order`` now, or '' when it can."""
    status = order.status
    if status == OrderStatus.CANCELLED:
        return _("Order {no} was cancelled: do not pack it; put the goods back.").format(
            no=order.order_no
        )
    if status == OrderStatus.ON_HOLD:
        return _("Order {no} is on hold ({reason}); give it to the lead.").format(
            no=order.order_no, reason=as_read(order.hold_reason) or _("no reason given")
        )
    if status == OrderStatus.PACKED:
        return _("Order {no} is already packed; check the tote for a duplicate.").format(
            no=order.order_no
        )
    if status in (OrderStatus.HANDED_OVER, OrderStatus.PART_RECALLED, OrderStatus.CONFIRMED):
        return _("Order {no} has already shipped; check the tote for a duplicate.").format(
            no=order.order_no
        )
    if status == OrderStatus.IMPORTED:
        return _("Order {no} is not released for packing yet; ask the lead.").format(
            no=order.order_no
        )
    if (
        status == OrderStatus.PACKING
        and order.claimed_bench
        and order.claimed_bench != bench
        and order.lease_until is not None
        and order.lease_until > now
    ):
        return _(
            "Order {no} is being packed at {bench} by {user}; leave it to them or ask the lead."
        ).format(no=order.order_no, bench=order.claimed_bench, user=order.claimed_user or "?")
    return ""


def take_claim(order: Order, uow: UnitOfWork, *, now: dt.datetime, lease_seconds: int) -> Claim:
    """Claim ``order``, read and locked in this transaction, for ``uow.bench``/``uow.user``."""
    assert order.id is not None
    claim = _claim(
        uow,
        order.id,
        order.order_no,
        order.status,
        order.claimed_bench,
        order.carrier,
        now=now,
        lease_seconds=lease_seconds,
    )
    uow.session.expire(order)  # the claim was written past the session: read it again if asked
    return claim


def _claim(
    uow: UnitOfWork,
    order_id: int,
    order_no: str,
    status: str,
    claimed_bench: str | None,
    carrier: str,
    *,
    now: dt.datetime,
    lease_seconds: int,
) -> Claim:
    """The claim of an order in the state given (its row locked), with its events.  The bench
    resumes its own claim; a claim of another bench's packing order takes its lease over."""
    previous = claimed_bench or ""
    resumed = status == OrderStatus.PACKING and previous == uow.bench
    taken_over = previous if status == OrderStatus.PACKING and not resumed else ""
    values = {
        "order_id": order_id,
        "bench": uow.bench,
        "user": uow.user,
        "lease": now + dt.timedelta(seconds=lease_seconds),
        "now": now,
    }
    uow.connection().execute(_RESUME if resumed else _CLAIM, values)
    left = _units_in_live_box(uow, order_id) if taken_over else 0
    if taken_over:
        uow.record("claim_taken_over", order_id=order_id, previous_bench=taken_over)
    uow.record("order_claimed", order_id=order_id, resumed=resumed)
    return Claim(order_id, order_no, taken_over, resumed, carrier, left)


def _units_in_live_box(uow: UnitOfWork, order_id: int) -> int:
    """Units ticked into the order's box that is not packed yet: after a takeover, the goods
    that sit in that box at the bench whose lease ran out."""
    units = (
        sa_select(func.coalesce(func.sum(ParcelItem.quantity), 0))
        .join(Parcel, col(Parcel.id) == col(ParcelItem.parcel_id))
        .where(col(Parcel.order_id) == order_id, col(Parcel.status).not_in(FINISHED_BOXES))
    )
    return int(uow.connection().execute(units).scalar_one())


def claim_order(
    uow: UnitOfWork, *, order_id: int, lease_seconds: int, now: dt.datetime | None = None
) -> Claim:
    """Claim one order for ``uow.bench``/``uow.user``; a UserError saying why when it cannot be."""
    now = now or store_now(uow.engine)
    with uow:
        order = lock_order(uow, order_id)
        if order is None:
            raise UserError(_("That order no longer exists; scan another."))
        reason = refusal(order, bench=uow.bench, now=now)
        if reason:
            raise UserError(reason)
        claim = take_claim(order, uow, now=now, lease_seconds=lease_seconds)
        uow.commit()
        return claim


def _next_due_query(status: OrderStatus, *, postgres: bool) -> Select[*tuple[Any, ...]]:
    """The oldest claimable order of ``status`` at ``now`` (a bound parameter): overdue first,
    then today's by paid time.

    Claimable is ``ready``, or ``packing`` under an expired lease (a bench that died).  Each is
    asked on its own, in the order of the index ``ix_order_next_due``, so the store reads the
    first row of it rather than sorting every order of the queue.  On PostgreSQL ``SKIP
    LOCKED`` lets sixteen benches ask at once without queueing on one row.
    """
    query = (
        sa_select(
            col(Order.id),
            col(Order.order_no),
            col(Order.status),
            col(Order.claimed_bench),
            col(Order.carrier),
        )
        .where(col(Order.status) == status)
        .order_by(*_QUEUE_ORDER)
        .limit(1)
    )
    if status == OrderStatus.PACKING:
        query = query.where(col(Order.lease_until) < bindparam("now", type_=UTCDateTime()))
    else:  # not one a lead said does not ship today (waiting for stock…): F2 skips it
        query = query.where(
            or_(
                col(Order.not_shipping_day).is_(None),
                col(Order.not_shipping_day) != bindparam("day", type_=Date()),
            )
        )
    if postgres:
        query = query.with_for_update(skip_locked=True)
    return query.add_columns(*_QUEUE_ORDER)


# the queue's order, as the index ``ix_order_next_due`` has it
_QUEUE_ORDER = (
    col(Order.due_date).is_(None),
    col(Order.due_date),
    col(Order.paid_at).is_(None),
    col(Order.paid_at),
    col(Order.id),
)
# built once per store kind: every bench asks for its next order (a dead bench's order whose
# lease ran out, and the first ready one: ``claim_due`` takes the earlier of the two in the queue)
_NEXT_DUE = {
    postgres: [
        _next_due_query(OrderStatus.PACKING, postgres=postgres),
        _next_due_query(OrderStatus.READY, postgres=postgres),
    ]
    for postgres in (False, True)
}


def claim_next_due(
    uow: UnitOfWork,
    *,
    lease_seconds: int,
    now: dt.datetime | None = None,
    day: dt.date | None = None,
) -> Claim | None:
    """Claim the next due order for this bench, or None when the queue is empty."""
    with uow:
        now = now or store_now(uow.engine)
        claim = claim_due(uow, lease_seconds=lease_seconds, now=now, day=day)
        if claim is None:
            return None
        uow.commit()
        return claim


def claim_due(
    uow: UnitOfWork, *, lease_seconds: int, now: dt.datetime, day: dt.date | None = None
) -> Claim | None:
    """In transaction: the next due order claimed for this bench, or None.  Plain statements:
    every order begins with this claim.  ``day``: the shop's today, whose orders a lead said
    do not ship are passed over."""
    connection = uow.connection()
    given = {"now": now, "day": day or dt.date.min}
    rows = [
        row
        for query in _NEXT_DUE[_is_postgres(uow)]
        if (row := connection.execute(query, given).first()) is not None
    ]
    if not rows:
        return None
    first = min(rows, key=lambda row: tuple(_sortable(v) for v in row[5:]))
    return _claim(uow, *first[:5], now=now, lease_seconds=lease_seconds)


def _sortable(value: Any) -> tuple[bool, Any]:
    """A queue-order value that compares with its like (a None is never compared: its
    ``IS NULL`` term before it has already told)."""
    return (value is None, value)


def _claim_statement(*, resumed: bool) -> Update:
    """The claim of the order bound as ``order_id`` (a resumed claim keeps its start)."""
    values: dict[str, Any] = {
        "status": OrderStatus.PACKING,
        "claimed_bench": bindparam("bench"),
        "claimed_user": bindparam("user"),
        "lease_until": bindparam("lease", type_=UTCDateTime()),
        "updated_at": bindparam("now", type_=UTCDateTime()),
    }
    if not resumed:
        values["claimed_at"] = bindparam("now", type_=UTCDateTime())
    return update(Order).where(col(Order.id) == bindparam("order_id")).values(values)


_CLAIM = _claim_statement(resumed=False)
_RESUME = _claim_statement(resumed=True)


def held_order(uow: UnitOfWork, order_id: int, *, now: dt.datetime | None = None) -> Order:
    """Inside a transaction: the order, locked, if this bench still holds it; ClaimLost if not."""
    order = lock_order(uow, order_id)
    if order is None or order.status != OrderStatus.PACKING or order.claimed_bench != uow.bench:
        raise ClaimLost(_("This bench no longer holds the order; scan it again or take the next."))
    return order


def renew_lease(
    uow: UnitOfWork, *, order_id: int, lease_seconds: int, now: dt.datetime | None = None
) -> bool:
    """Extend this bench's lease; False when the claim is gone (the bench must stop)."""
    now = now or store_now(uow.engine)
    with uow:
        order = lock_order(uow, order_id)
        if order is None or order.status != OrderStatus.PACKING or order.claimed_bench != uow.bench:
            return False
        order.lease_until = now + dt.timedelta(seconds=lease_seconds)
        uow.session.add(order)
        uow.commit()
        return True


# an order no bench holds: its claim's columns, as a plain UPDATE sets them
UNCLAIMED: dict[str, None] = {
    "claimed_bench": None,
    "claimed_user": None,
    "claimed_at": None,
    "lease_until": None,
}


def clear_claim(order: Order) -> None:
    for column, value in UNCLAIMED.items():
        setattr(order, column, value)


def claimed_here(uow: UnitOfWork) -> int | None:
    """The order this bench held when it stopped (to resume after a crash), if any."""
    with uow:
        return uow.session.exec(
            select(Order.id)
            .where(Order.status == OrderStatus.PACKING, Order.claimed_bench == uow.bench)
            .order_by(col(Order.claimed_at).desc())
            .limit(1)
        ).first()
