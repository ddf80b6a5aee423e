"""Opening an order at the bench: by order number, packing slip or waybill."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlmodel import col, or_, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus
from packstation.errors import UserError
from packstation.services import documents, printing
from packstation.services.claims import (
    Claim,
    claim_due,
    held_order,
    lock_order,
    refusal,
    take_claim,
)
from packstation.services.packing.boxes import ensure_box
from packstation.services.tracking import find_order_id_by_tracking
from packstation.store.clock import store_now
from packstation.store.models import Order
from packstation.store.uow import UnitOfWork


def find_order_id(uow: UnitOfWork, code: str) -> int | None:
    """Inside a transaction: the order an order number, a slip barcode or a waybill names."""
    code = code.strip()
    if not code:
        return None
    orders = list(
        uow.session.exec(
            select(Order.id, Order.status)
            .where(or_(Order.order_no == code, Order.tracking_no == code))
            .order_by(col(Order.id))
        )
    )
    if orders:
        # the same number on two platforms: prefer the one still to be packed
        open_ = [oid for oid, status in orders if status in (OrderStatus.READY, "packing")]
        return (open_ or [orders[0][0]])[0]
    # a waybill as the scanner reads it (spaces, lower case): the printing service's rule
    return find_order_id_by_tracking(uow, code)


def open_order(
    uow: UnitOfWork, *, code: str, settings: Settings, now: dt.datetime | None = None
) -> Claim | None:
    """Claim the order ``code`` names; None when no order has that code; a UserError saying
    why (cancelled, on hold, packed, at another bench) when it cannot be packed here."""
    now = now or store_now(uow.engine)
    with uow:
        order_id = find_order_id(uow, code)
        if order_id is None:
            return None
        order = lock_order(uow, order_id)
        assert order is not None
        reason = refusal(order, bench=uow.bench, now=now)
        if reason:
            uow.record("open_refused", order_id=order_id, code=code, status=order.status)
            uow.commit()
            raise UserError(reason)
        claim = take_claim(order, uow, now=now, lease_seconds=settings.store.lease_seconds)
        ensure_box(uow, order_id, claim.carrier, settings)
        elsewhere = printing.batch_label_elsewhere(uow, order, documents.label_printer(settings))
        uow.commit()
        return replace(claim, label_printer=elsewhere) if elsewhere else claim


def take_next(
    uow: UnitOfWork, *, settings: Settings, now: dt.datetime | None = None
) -> Claim | None:
    """The bench's next order: the next due one claimed and its first box opened, in one
    transaction; None when the queue is empty."""
    with uow:
        now = now or store_now(uow.engine)
        day = settings.shipping.calendar().today(now)
        claim = claim_due(uow, lease_seconds=settings.store.lease_seconds, now=now, day=day)
        if claim is None:
            return None
        ensure_box(uow, claim.order_id, claim.carrier, settings)
        uow.commit()
        return claim


def prepare(uow: UnitOfWork, *, order_id: int, settings: Settings) -> None:
    """After a claim (of the next due order, or a resume): make sure a box is open."""
    with uow:
        order = held_order(uow, order_id)
        if order.claimed_user != uow.user:  # another packer signed in where it was left
            order.claimed_user = uow.user
            uow.session.add(order)
        ensure_box(uow, order_id, order.carrier, settings)
        uow.commit()
