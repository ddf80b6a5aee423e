"""The marketplace's new items for an order a bench had begun: the import holds it with the
file's lines beside its exception (``exception_raised``, ``new_lines``), and the lead's release
puts them in place, so the refunded goods are not packed.

Called by ``lead.release``.  The order's open boxes are undone first (their units back on the
shelves' figures, as a void does); a box already weighed or labelled must be voided by the lead
first (F3, F8): its label carries the old items' weight.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from packstation.domain.status import ExceptionKind, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import N_, _, for_store, said_later
from packstation.services.packing.voiding import void_box
from packstation.store.models import (
    Event,
    Order,
    OrderException,
    OrderLine,
    Parcel,
    ParcelItem,
)
from packstation.store.uow import UnitOfWork


def waiting_lines(uow: UnitOfWork, order_id: int) -> list[dict[str, Any]] | None:
    """The lines the marketplace has for the order now, when an open exception of kind
    ``changed`` came with them (None otherwise)."""
    open_change = uow.session.exec(
        select(OrderException.id).where(
            OrderException.order_id == order_id,
            OrderException.kind == ExceptionKind.CHANGED,
            col(OrderException.resolved_at).is_(None),
        )
    ).first()
    if open_change is None:
        return None
    payloads = uow.session.exec(
        select(Event.payload)
        .where(Event.order_id == order_id, Event.kind == "exception_raised")
        .order_by(col(Event.id).desc())
    )
    for payload in payloads:
        lines = json.loads(payload).get("new_lines")
        if lines is not None:
            return list(lines)
    return None


def put_in_place(uow: UnitOfWork, order: Order, lines: list[dict[str, Any]]) -> None:
    """The order's lines become ``lines`` (in transaction; the order's row is locked)."""
    assert order.id is not None
    boxes = uow.session.exec(
        select(Parcel).where(Parcel.order_id == order.id, Parcel.status != ParcelStatus.VOID)
    ).all()
    if any(box.status != ParcelStatus.OPEN for box in boxes):
        raise UserError(
            _(
                "Order {order}'s items changed and a box of it is weighed or labelled: void its "
                "label first (F3, F8), then release it with the marketplace's items."
            ).format(order=order.order_no)
        )
    for box in boxes:  # the goods ticked so far go back: the bench ticks the new items
        void_box(
            uow,
            order,
            box,
            for_store(said_later(N_("the marketplace changed the items"))),
            pack_again=True,
        )
    stored = list(
        uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(col(OrderLine.line_no))
        )
    )
    before = [{"sku": row.sku, "quantity": row.quantity} for row in stored]
    # a row keeps its id where the SKU stays (the undone boxes' items name it); a SKU no longer
    # wanted keeps its row at 0 units if a box ever held it, and goes otherwise
    free = {(row.sku, row.is_gift): row for row in stored}
    last = max((row.line_no for row in stored), default=0)
    for new in lines:
        row = free.pop((str(new["sku"]), bool(new["is_gift"])), None)
        if row is None:
            last += 1
            row = OrderLine(order_id=order.id, line_no=last, sku=str(new["sku"]), quantity=0)
        row.title = str(new["title"])[:400]
        row.spec = str(new["spec"])[:200]
        row.quantity = int(new["quantity"])
        row.unit_price_fen = int(new["unit_price_fen"])
        row.is_gift = bool(new["is_gift"])
        row.quantity_packed = 0  # every box of it is undone
        uow.session.add(row)
    for row in free.values():
        held_once = uow.session.exec(
            select(ParcelItem.id).where(ParcelItem.line_id == row.id)
        ).first()
        if held_once is None:
            uow.session.delete(row)
        else:
            row.quantity = 0
            uow.session.add(row)
    uow.flush()
    uow.record(
        "order_updated",
        order_id=order.id,
        source="lead",
        changes={"lines": [before, [{"sku": x["sku"], "quantity": x["quantity"]} for x in lines]]},
    )
