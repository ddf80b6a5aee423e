"""Leaving an order: put back, on hold with an exception, or stopped because it was cancelled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from packstation.domain.lifecycle import check_move
from packstation.domain.status import (
    ExceptionKind,
    OrderStatus,
    ParcelStatus,
    PrintKind,
    PrintStatus,
)
from packstation.errors import UserError
from packstation.i18n import N_, _, as_read, for_store, said_later, said_together
from packstation.services.claims import clear_claim, held_order, lock_order
from packstation.services.packing.boxes import live_box, order_lines
from packstation.services.packing.voiding import ORDER_CANCELLED, void_box, void_to_pack_again
from packstation.store.models import Order, OrderException, Parcel, PrintJob
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork


def _undo_live_box(uow: UnitOfWork, order: Order, reason: str) -> int:
    """Void the box the bench was working on and give its units back to the lines and the
    stock (they go back to the tote): one being filled, or one weighed and labelled whose label
    was not scanned back yet (left as it was, the next bench would be asked to scan the label
    of a box at this one).  A box labelled before anything was weighed (a batch printed first)
    keeps its label.  An order planned in several boxes keeps as many (``void_to_pack_again``).
    Returns how many label jobs were voided: the label must be torn off."""
    box = live_box(uow, order.id or 0)
    if box is None or (box.status != ParcelStatus.OPEN and box.weighed_at is None):
        return 0
    return void_to_pack_again(uow, order, [box], reason)


@dataclass(frozen=True)
class OnHold:
    reason: str  # the hold reason the lead reads
    labels_voided: int  # label jobs of the box undone (``_undo_live_box``)


def release_order(uow: UnitOfWork, *, order_id: int, reason: str) -> int:
    """Put the order back in the queue (the packer gives it up); the box being worked on is
    undone.  Returns how many label jobs were voided with it."""
    with uow:
        order = held_order(uow, order_id)
        voided = _undo_live_box(uow, order, reason)
        check_move(order.status, OrderStatus.READY)
        order.status = OrderStatus.READY
        clear_claim(order)
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.record("order_released", order_id=order_id, reason=reason)
        uow.commit()
        return voided


# the packer gave the order up (the reason of its release, read in each reader's language)
PUT_BACK = for_store(said_later(N_("put back")))

EXCEPTION_KINDS = (ExceptionKind.SHORT, ExceptionKind.DAMAGED, ExceptionKind.WRONG_ITEM)
_EXCEPTION_LABELS = {
    ExceptionKind.SHORT: N_("short"),
    ExceptionKind.DAMAGED: N_("damaged"),
    ExceptionKind.WRONG_ITEM: N_("wrong item in the tote"),
}


def raise_exception(
    uow: UnitOfWork,
    *,
    order_id: int,
    kind: ExceptionKind,
    note: str = "",
    line_id: int | None = None,
    quantity: int = 0,
) -> OnHold:
    """Short, damaged or wrong item in the tote: the order goes on hold with the reason and the
    claim is released; a short line is what purchasing must buy (``exception`` rows of kind
    short with the SKU and the quantity missing).  The box being worked on is undone."""
    with uow:
        order = held_order(uow, order_id)
        sku = ""
        if line_id is not None:
            line = next((x for x in order_lines(uow, order_id) if x.id == line_id), None)
            if line is None:
                raise UserError(_("That line is not on this order."))
            sku = line.sku
            if kind is ExceptionKind.SHORT and quantity <= 0:
                quantity = line.quantity - line.quantity_packed
        voided = _undo_live_box(
            uow, order, for_store(said_later(_EXCEPTION_LABELS.get(kind, kind)))
        )
        if kind is ExceptionKind.SHORT and sku and quantity <= 0:
            # every unit was ticked before the open box was undone: what is missing is what
            # went back from it (the units in finished boxes are there)
            line = next(x for x in order_lines(uow, order_id) if x.id == line_id)
            quantity = line.quantity - line.quantity_packed
            if quantity <= 0:  # every unit is in a box weighed or labelled: none is missing
                raise UserError(
                    _(
                        "Every unit of {sku} is in a finished box: none of it is short. Choose "
                        "the line that is missing."
                    ).format(sku=sku)
                )
        check_move(order.status, OrderStatus.ON_HOLD)
        order.status = OrderStatus.ON_HOLD
        # the kind in the reader's language, then the SKU and the packer's note as written
        what = [said_later(_EXCEPTION_LABELS.get(kind, str(kind))), sku, note.strip()]
        order.hold_reason = for_store(said_together([x for x in what if x], " "))
        clear_claim(order)
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.session.add(
            OrderException(
                order_id=order_id,
                kind=str(kind),
                note=note.strip()[:400],
                sku=sku,
                quantity_short=quantity if kind is ExceptionKind.SHORT else 0,
                raised_by=uow.user,
            )
        )
        uow.record(
            "order_on_hold",
            order_id=order_id,
            exception=str(kind),
            sku=sku,
            quantity=quantity,
            note=note,
        )
        uow.commit()
        return OnHold(as_read(order.hold_reason), voided)


def stop_cancelled(uow: UnitOfWork, *, order_id: int) -> int:
    """The order was cancelled while on this bench: void its boxes and their labels, drop the
    claim.  Idempotent; returns the number of labels voided."""
    voided = 0
    with uow:
        order = lock_order(uow, order_id)
        if order is None or order.status != OrderStatus.CANCELLED:
            return 0
        boxes = list(
            uow.session.exec(
                select(Parcel).where(
                    Parcel.order_id == order_id,
                    # a box the courier has is recalled by the lead, not voided here
                    col(Parcel.status).not_in([ParcelStatus.VOID, ParcelStatus.HANDED_OVER]),
                )
            )
        )
        for box in boxes:
            voided += void_box(uow, order, box, ORDER_CANCELLED, pack_again=False)
        # a waybill printed first (the packer may hold it), voided by the lead's cancel: "none
        # was printed", the screen said
        voided += len(
            uow.session.exec(
                select(PrintJob.id).where(
                    PrintJob.order_id == order_id,
                    col(PrintJob.parcel_id).is_(None),
                    PrintJob.kind == PrintKind.LABEL,
                    PrintJob.status == PrintStatus.VOID,
                    col(PrintJob.sent_at).is_not(None),
                )
            ).all()
        )
        if boxes or order.claimed_bench:
            clear_claim(order)
            uow.session.add(order)
            uow.record(
                "cancelled_at_bench", order_id=order_id, boxes=len(boxes), labels_voided=voided
            )
            uow.commit()
    return voided
