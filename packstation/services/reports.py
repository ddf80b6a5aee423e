"""The day's reconciliation and the list for purchasing.

Called by ``packstation report day|shortages`` and by the shift lead's screen (which reuses
``day_report`` for its reconciliation).  "Missing" orders are the ones the procedure forbids: paid,
due, not shipped and without a written reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col, func, select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, ParcelStatus
from packstation.domain.status import OrderStatus as S
from packstation.services.orders import opened
from packstation.services.people import day_bounds, packed_by
from packstation.services.queue import UNPACKED, no_reason_for
from packstation.store.models import Order, OrderException, OrderLine, Parcel, Product
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

NOT_OUT = [s.value for s in UNPACKED]
COUNTED = (
    "ready",
    "packing",
    "packed",
    "handed_over",
    "confirmed",
    "cancelled",
    "on_hold",
    "part_recalled",  # part of it handed over, the rest called back: what went is out
)


def today(settings: Settings) -> dt.date:
    return settings.shipping.calendar().today(utcnow())


def day_report(uow: UnitOfWork, *, day: dt.date, settings: Settings) -> dict[str, Any]:
    """The counts of the orders due on ``day`` by status, the orders due by then that are not
    shipped and have no reason, and each packer's orders and units packed that day (as the
    lead's people screen counts them: ``people.packed_by``)."""
    start, end = day_bounds(settings, day)
    with opened(uow) as u:
        session = u.session
        counts = dict.fromkeys(COUNTED, 0)
        for status, number in session.exec(
            select(Order.status, func.count())
            .where(Order.due_date == day)
            .group_by(col(Order.status))
        ):
            key = S.READY.value if status == S.IMPORTED else status
            if key in counts:
                counts[key] += number
        # due on an earlier day and still not out: the day's figures leave them out, but the
        # unpacked ones count among the missing, so the lead sees where the difference comes
        # from; a packed one still here is not out either (its parcels wait for a courier), nor
        # is one confirmed online from a ship-confirm file written before its handover
        on_the_shelf = (
            select(Parcel.id)
            .where(col(Parcel.order_id) == col(Order.id), col(Parcel.status) == ParcelStatus.PACKED)
            .exists()
        )
        carried_over = session.exec(
            select(func.count()).where(
                col(Order.due_date) < day,
                or_(
                    col(Order.status).in_([*NOT_OUT, S.PACKED.value]),
                    and_(col(Order.status) == S.CONFIRMED.value, on_the_shelf),
                ),
            )
        ).one()
        missing = session.exec(
            select(Order.order_no)
            .where(
                col(Order.paid_at).is_not(None),
                col(Order.due_date) <= day,
                col(Order.status).in_([s.value for s in UNPACKED]),
                func.trim(Order.hold_reason) == "",
                no_reason_for(day),
            )
            .order_by(col(Order.due_date), col(Order.paid_at), col(Order.order_no))
        ).all()
        packed = packed_by(u, by="packer", start=start, end=end)
        due_total = sum(counts.values())
    return {
        "date": day.isoformat(),
        "counts": counts,
        "unshipped_without_reason": list(missing),
        "by_packer": [
            {"user": packer, "orders": done.orders, "units": done.units}
            for packer, done in sorted(packed.items())
        ],
        "due": due_total,
        "carried_over": int(carried_over),
    }


def shortages(
    uow: UnitOfWork, *, settings: Settings, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """For the orders due today and overdue, not yet packed: the SKUs whose on-hand quantity
    does not cover them, and how many to buy.  A SKU a packer found short at a bench (an open
    exception of kind short) is listed too, whatever its stock figure says: the shelf is
    short of at least that many."""
    day = today or _today(settings)
    with opened(uow) as u:
        session = u.session
        rows = session.exec(
            select(OrderLine.sku, OrderLine.quantity, OrderLine.quantity_packed, Order.order_no)
            .join(Order, col(Order.id) == OrderLine.order_id)
            .where(
                col(Order.due_date) <= day,
                col(Order.status).in_([s.value for s in UNPACKED]),
            )
            .order_by(col(Order.due_date), col(Order.order_no))
        ).all()
        needed: dict[str, int] = defaultdict(int)
        orders: dict[str, dict[str, None]] = defaultdict(dict)
        for sku, quantity, packed, order_no in rows:
            left = quantity - packed
            if left <= 0:
                continue
            needed[sku] += left
            orders[sku][order_no] = None
        reported = _reported_short(u)
        wanted = sorted(set(needed) | set(reported))
        products = (
            {p.sku: p for p in session.exec(select(Product).where(col(Product.sku).in_(wanted)))}
            if wanted
            else {}
        )
    out: list[dict[str, Any]] = []
    for sku in wanted:
        count, short = needed.get(sku, 0), reported.get(sku, 0)
        product = products.get(sku)
        on_hand = product.on_hand if product else 0
        if count <= on_hand and not short:
            continue
        out.append(
            {
                "sku": sku,
                "name": product.name if product else "",
                "spec": product.spec if product else "",
                "location": product.location if product else "",
                "needed": count,
                "on_hand": on_hand,
                "reported_short": short,
                "to_buy": max(count - max(on_hand, 0), short),
                "orders": list(orders[sku]),
            }
        )
    out.sort(key=lambda r: (r["location"], r["sku"]))
    return out


def _reported_short(uow: UnitOfWork) -> dict[str, int]:
    """The units packers found missing, by SKU: the open short exceptions of live orders."""
    rows = uow.session.exec(
        select(OrderException.sku, func.sum(OrderException.quantity_short))
        .join(Order, col(Order.id) == OrderException.order_id)
        .where(
            OrderException.kind == ExceptionKind.SHORT,
            col(OrderException.resolved_at).is_(None),
            OrderException.sku != "",
            col(Order.status) != S.CANCELLED,
        )
        .group_by(col(OrderException.sku))
    ).all()
    return {sku: int(units or 0) for sku, units in rows if units}


_today = today
