"""A box that leaves its order for good: its labels void, out of the open handover it waits
in, and, when its goods are to be packed again, its units back on the order's lines.

Used by putting an order back or on hold (the box being filled), by the lead's decisions (a
voided label, a new courier: the goods go into a new box with a new waybill at a bench) and by
cancelling (the goods go back to the shelves, counted by the cancel itself).  Every caller holds
the order's row lock (``claims.lock_order``) and commits.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, select

from packstation.domain.status import ParcelStatus
from packstation.i18n import N_, for_store, said_later
from packstation.services import printing, stock
from packstation.services.packing.boxes import box_units, empty_boxes, order_lines
from packstation.store.models import Order, Parcel
from packstation.store.uow import UnitOfWork

# the reason of what a cancel voids, read in each reader's language
ORDER_CANCELLED = for_store(said_later(N_("order cancelled")))


def void_box(uow: UnitOfWork, order: Order, box: Parcel, reason: str, *, pack_again: bool) -> int:
    """Void ``box`` of ``order`` (in transaction).  ``pack_again``: its units go back to the
    order's lines and to the stock, so the bench ticks them into a new box (a ``box_voided``
    event says how many).  Returns how many label jobs were voided."""
    assert box.id is not None and order.id is not None
    # the courier has it: what it carries is settled (a recall is the lead's business)
    assert box.status != ParcelStatus.HANDED_OVER, "a handed-over box is never voided"
    # a box still being filled has no label yet
    opened = box.status == ParcelStatus.OPEN
    voided = 0 if opened else printing.void_parcel_labels(uow, parcel_id=box.id, reason=reason)
    # the courier must not take a box without a valid label
    leave_open_handover(uow, box, reason)
    box.status = ParcelStatus.VOID
    uow.session.add(box)
    if pack_again:
        units = box_units(uow, box.id)
        returned: dict[str, int] = defaultdict(int)
        for line in order_lines(uow, order.id):
            back = units.get(line.id or 0, 0)
            if back:
                before = line.quantity_packed
                line.quantity_packed = max(before - back, 0)
                uow.session.add(line)
                returned[line.sku] += before - line.quantity_packed
        stock.give_back(uow.connection(), returned)
        uow.record(
            "box_voided",
            order_id=order.id,
            parcel_id=box.id,
            reason=reason,
            units=sum(units.values()),
            to_stock=dict(returned),
        )
    return voided


def void_to_pack_again(uow: UnitOfWork, order: Order, boxes: list[Parcel], reason: str) -> int:
    """Void ``boxes`` of ``order`` (in transaction), their goods to be ticked again into new
    boxes: an order planned in several boxes (a lead's split) keeps as many, an empty box
    opened, last, for each one voided.  Voided alone, box 1 of a split into three sent its
    goods into boxes 2 and 3, and the order left in two parcels.  One that nothing goes into
    is dropped when the last unit is ticked (``drop_empty_boxes``).  Returns how many label
    jobs were voided."""
    assert order.id is not None
    parcels = uow.session.exec(
        select(Parcel).where(Parcel.order_id == order.id).order_by(col(Parcel.seq))
    ).all()
    planned = sum(1 for p in parcels if p.status != ParcelStatus.VOID)
    voided = sum(void_box(uow, order, box, reason, pack_again=True) for box in boxes)
    if planned > 1:
        last = max((p.seq for p in parcels), default=0)
        for seq in range(last + 1, last + 1 + len(boxes)):
            box = Parcel(order_id=order.id, seq=seq, carrier=order.carrier)
            uow.insert(box)
            uow.record("box_opened", order_id=order.id, parcel_id=box.id, seq=seq, reason=reason)
    return voided


def leave_open_handover(uow: UnitOfWork, box: Parcel, reason: str) -> None:
    """Take ``box`` out of the open handover it waits in, if any (in transaction): its label is
    void or about to be printed again, and it goes in again once the right label is on.  A
    sealed handover's boxes are handed over, and never come here."""
    if box.handover_id is None:
        return
    uow.record(
        "handover_removed",
        order_id=box.order_id,
        parcel_id=box.id,
        handover_id=box.handover_id,
        reason=reason,
    )
    box.handover_id = None
    uow.session.add(box)


def drop_empty_boxes(uow: UnitOfWork, order_id: int) -> None:
    """Every unit of the order is ticked: the boxes a lead's split opened that nothing went
    into do not ship.  Voided when the last unit is ticked, before the last box's label counts
    the order's parcels (it said 件 1/7 for an order that went in one box), and before the
    order is packed (the audit would count the void as unpacking it)."""
    empties = empty_boxes(uow, order_id)
    order = uow.session.get(Order, order_id) if empties else None
    for empty in empties:
        assert order is not None
        void_box(
            uow, order, empty, for_store(said_later(N_("nothing left to pack"))), pack_again=True
        )
