"""The lead's split (``lead.split_order``: the order goes in N boxes) against the boxes the
bench packs it in.  A packer may know better (the goods fit in fewer, or need one more), and
may pack otherwise; the bench then says the lead's plan in one line, and a ``split_changed``
event tells the lead (``order show``, the order's log).  Called by ticking (the last unit
ticked: fewer boxes) and weighing (a box opened beyond the plan: more), in transaction."""

from __future__ import annotations

import json

from sqlalchemy import func
from sqlmodel import col, select

from packstation.domain.status import ParcelStatus
from packstation.i18n import ngettext
from packstation.services.packing.boxes import all_ticked
from packstation.store.models import Event, Parcel
from packstation.store.uow import UnitOfWork

SPLIT_KIND = "order_split"
CHANGED_KIND = "split_changed"


def _plan(uow: UnitOfWork, order_id: int) -> tuple[int, int]:
    """The lead's latest split of the order: (its event's id, how many boxes); (0, 0) if none."""
    row = uow.session.exec(
        select(Event.id, Event.payload)
        .where(Event.order_id == order_id, Event.kind == SPLIT_KIND)
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, 0
    event_id, payload = row
    return event_id or 0, int(json.loads(payload or "{}").get("parcels", 0))


def _said_before(uow: UnitOfWork, order_id: int, since: int, boxes: int) -> bool:
    payloads = uow.session.exec(
        select(Event.payload).where(
            Event.order_id == order_id, Event.kind == CHANGED_KIND, col(Event.id) > since
        )
    )
    return any(json.loads(p or "{}").get("boxes") == boxes for p in payloads)


def plan_changed(uow: UnitOfWork, order_id: int) -> str:
    """One line for the packer when the order goes in more boxes than the lead planned, or
    (every unit ticked) in fewer; the change recorded for the lead.  "" when the order has no
    split, keeps to it, or this count was said already."""
    since, planned = _plan(uow, order_id)
    if not planned:
        return ""
    uow.session.flush()  # a box opened or voided in this transaction counts
    boxes = uow.session.exec(
        select(func.count())
        .select_from(Parcel)
        .where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
    ).one()
    fewer = boxes < planned and all_ticked(uow, order_id)
    if not (boxes > planned or fewer) or _said_before(uow, order_id, since, boxes):
        return ""
    uow.record(CHANGED_KIND, order_id=order_id, planned=planned, boxes=boxes)
    return ngettext(
        "The lead planned {planned} box for this order; it goes in {boxes}: the lead is told.",
        "The lead planned {planned} boxes for this order; it goes in {boxes}: the lead is told.",
        planned,
    ).format(planned=planned, boxes=boxes)
