"""What a shift lead decides about an order the benches cannot finish.

Called by the lead application's exceptions screen (and tests).  Each decision is one unit of
work that commits, writes an audit event and says in one sentence why it was refused.  Labels
that a decision makes wrong (a new address, a new courier, a cancelled order) are voided through
the printing service, and for a new address the label is printed again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.lifecycle import can_move
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import N_, _, as_read, for_store, listed, ngettext, said_later, sentences
from packstation.services import stock
from packstation.services.carriers import carrier_code_of, courier_refused
from packstation.services.claims import clear_claim, lock_order
from packstation.services.handover import parcel_gone
from packstation.services.intake.parsed import KEPT
from packstation.services.intake.validation import too_short_to_call
from packstation.services.new_lines import put_in_place, waiting_lines
from packstation.services.packing.boxes import all_ticked, box_units
from packstation.services.packing.voiding import (
    ORDER_CANCELLED,
    leave_open_handover,
    void_box,
    void_to_pack_again,
)
from packstation.services.printing import (
    add_parcel_documents,
    void_order_documents,
    void_parcel_labels,
)
from packstation.services.queue import OPEN, UNPACKED, no_reason_for
from packstation.services.status_names import status_label
from packstation.store.models import Event, Order, OrderException, OrderLine, Parcel
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

WITH_THE_COURIER = (OrderStatus.HANDED_OVER, OrderStatus.PART_RECALLED, OrderStatus.CONFIRMED)
ADDRESS_FIELDS = ("recipient_name", "phone", "province", "city", "district", "address", "postcode")
MAX_PARCELS = 20
ADDRESS_CORRECTED = for_store(said_later(N_("address corrected")))  # why its labels were voided
# why the boxes still here of an order cancelled after a box of it left were voided
PART_GONE = for_store(said_later(N_("order cancelled, part gone")))


@dataclass(frozen=True)
class OpenException:
    id: int
    kind: str
    note: str
    raised_by: str
    raised_at: dt.datetime


@dataclass(frozen=True)
class HeldOrder:
    order_id: int
    order_no: str
    carrier: str
    due_date: dt.date | None
    reason: str
    exceptions: list[OpenException] = field(default_factory=list)
    # on_hold, or where an order with an open exception stands that is not held (one the
    # marketplace closed after the courier took it: the lead recalls it)
    status: str = OrderStatus.ON_HOLD
    # held with no exception (a lead's void or courier change): the newest event of the order,
    # what it was and who did it when (the list showed those columns empty)
    held_kind: str = ""
    held_by: str = ""
    held_at: dt.datetime | None = None


@dataclass(frozen=True)
class UnshippedOrder:
    order_id: int
    order_no: str
    status: str
    carrier: str
    due_date: dt.date | None


def _order(uow: UnitOfWork, order_id: int) -> Order:
    """The order a decision is about, locked (PostgreSQL) until it commits: a bench's action on
    it ends first, and the decision sees the order as that action left it."""
    order = lock_order(uow, order_id)
    if order is None:
        raise UserError(_("Order {id} does not exist.").format(id=order_id))
    return order


def _refuse_move(order: Order, wanted: str) -> None:
    if not can_move(order.status, wanted):
        raise UserError(
            _("Order {order} is {status} and cannot become {wanted}.").format(
                order=order.order_no,
                status=status_label(order.status),
                wanted=status_label(wanted),
            )
        )


def _all_packed(uow: UnitOfWork, order_id: int) -> bool:
    """Every unit ticked, and every box that goes packed (or already handed over)."""
    if not all_ticked(uow, order_id):
        return False
    going = uow.session.exec(
        select(Parcel.status).where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
    ).all()
    return bool(going) and all(s in (ParcelStatus.PACKED, ParcelStatus.HANDED_OVER) for s in going)


def _refuse_if_handed_over(uow: UnitOfWork, order: Order, why: str) -> None:
    """A box of the order has left with the courier (a multi-box order still being packed)."""
    gone = parcel_gone(uow, order.id or 0)
    if gone is not None:
        raise UserError(
            _("Parcel {code} of order {order} has left with the courier: {why}.").format(
                code=gone, order=order.order_no, why=why
            )
        )


def void_labels(uow: UnitOfWork, parcel: Parcel, reason: str) -> int:
    assert parcel.id is not None
    return void_parcel_labels(uow, parcel_id=parcel.id, reason=reason)


def labelled_parcels(uow: UnitOfWork, order_id: int) -> list[Parcel]:
    """The order's parcels whose labels are live (labelled or packed, not gone or void)."""
    return list(
        uow.session.exec(
            select(Parcel).where(
                Parcel.order_id == order_id,
                col(Parcel.tracking_no).is_not(None),
                col(Parcel.status).in_([ParcelStatus.LABELLED, ParcelStatus.PACKED]),
            )
        ).all()
    )


def _resolve_all(uow: UnitOfWork, order_id: int, resolution: str) -> int:
    open_rows = uow.session.exec(
        select(OrderException).where(
            OrderException.order_id == order_id, col(OrderException.resolved_at).is_(None)
        )
    ).all()
    now = utcnow()
    for row in open_rows:
        row.resolved_at = now
        row.resolved_by = uow.user
        row.resolution = resolution
        uow.session.add(row)
    return len(open_rows)


def held_orders(uow: UnitOfWork, *, limit: int = 500) -> list[HeldOrder]:
    """Orders on hold with their open exceptions, the longest held first, and orders the courier
    has with an exception still open (closed on the marketplace after the handover)."""
    with uow:
        still_open = select(OrderException.order_id).where(
            col(OrderException.resolved_at).is_(None)
        )
        orders = uow.session.exec(
            select(Order)
            .where(
                or_(
                    col(Order.status) == OrderStatus.ON_HOLD,
                    col(Order.status).in_(WITH_THE_COURIER) & col(Order.id).in_(still_open),
                )
            )
            .order_by(col(Order.due_date), col(Order.updated_at))
            .limit(limit)
        ).all()
        ids = [o.id for o in orders]
        by_order: dict[int, list[OpenException]] = {}
        if ids:
            rows = uow.session.exec(
                select(OrderException)
                .where(
                    col(OrderException.order_id).in_(ids),
                    col(OrderException.resolved_at).is_(None),
                )
                .order_by(col(OrderException.raised_at))
            ).all()
            for r in rows:
                by_order.setdefault(r.order_id, []).append(
                    OpenException(
                        id=r.id or 0,
                        kind=r.kind,
                        note=as_read(r.note),
                        raised_by=r.raised_by,
                        raised_at=r.raised_at,
                    )
                )
        bare = [i for i in ids if i is not None and i not in by_order]
        last: dict[int, tuple[str, str, dt.datetime | None]] = {}
        for start in range(0, len(bare), 500):
            newest = (
                select(func.max(Event.id))
                .where(col(Event.order_id).in_(bare[start : start + 500]))
                .group_by(col(Event.order_id))
            )
            for order_id, kind, user, stamp in uow.session.exec(
                select(Event.order_id, Event.kind, Event.user, Event.at).where(
                    col(Event.id).in_(newest)
                )
            ):
                if order_id is not None:
                    last[order_id] = (kind, user, stamp)
        held: list[HeldOrder] = []
        for o in orders:
            kind, by, when = last.get(o.id or 0, ("", "", None))
            held.append(
                HeldOrder(
                    order_id=o.id or 0,
                    order_no=o.order_no,
                    carrier=o.carrier,
                    due_date=o.due_date,
                    reason=as_read(o.hold_reason),
                    exceptions=by_order.get(o.id or 0, []),
                    status=o.status,
                    held_kind=kind,
                    held_by=by,
                    held_at=when,
                )
            )
        return held


def settle(uow: UnitOfWork, *, order_id: int, resolution: str) -> int:
    """Close the open exceptions of an order that is not on hold (the courier has it: the lead
    recalled the parcel, or agreed a return) with what was done; returns how many."""
    resolution = resolution.strip()
    if not resolution:
        raise UserError(_("Say what was done about it, e.g. parcel recalled."))
    with uow:
        order = _order(uow, order_id)
        settled = _resolve_all(uow, order_id, resolution)
        if not settled:
            raise UserError(_("Order {order} has no open exception.").format(order=order.order_no))
        uow.record(
            "exceptions_settled", order_id=order_id, resolution=resolution, exceptions=settled
        )
        uow.commit()
        return settled


def unshipped_without_reason(
    uow: UnitOfWork, *, day: dt.date, limit: int = 500
) -> tuple[int, list[UnshippedOrder]]:
    """Orders due by ``day``, paid, not packed, neither on hold with a reason nor with a written
    reason for not shipping: (count, first rows).  The same orders as ``day_report``'s
    ``unshipped_without_reason``."""
    conditions = (
        col(Order.paid_at).is_not(None),
        col(Order.due_date) <= day,
        col(Order.status).in_(UNPACKED),
        func.trim(Order.hold_reason) == "",
        no_reason_for(day),
    )
    with uow:
        count = uow.session.exec(select(func.count()).select_from(Order).where(*conditions)).one()
        orders = uow.session.exec(
            select(Order)
            .where(*conditions)
            .order_by(col(Order.due_date), col(Order.paid_at), col(Order.order_no))
            .limit(limit)
        ).all()
        return int(count), [
            UnshippedOrder(
                order_id=o.id or 0,
                order_no=o.order_no,
                status=o.status,
                carrier=o.carrier,
                due_date=o.due_date,
            )
            for o in orders
        ]


def release(uow: UnitOfWork, *, order_id: int, note: str = "") -> Order:
    """Send an order on hold back to the benches; its open exceptions are resolved.  An order
    held once all its boxes were packed (an address changed on the marketplace, checked by the
    lead) goes back to packed: its parcels wait for the handover."""
    with uow:
        order = _order(uow, order_id)
        if order.status != OrderStatus.ON_HOLD:  # said first: "ready cannot become ready"
            raise UserError(
                _("Order {order} is {status}, not on hold: there is nothing to release.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        _refuse_move(order, OrderStatus.READY)
        _refuse_if_closed(uow, order)
        new_lines = waiting_lines(uow, order_id)
        if new_lines is not None:  # the marketplace changed the items: the new ones go
            put_in_place(uow, order, new_lines)
        resolved = _resolve_all(uow, order_id, note or for_store(said_later(N_("released"))))
        # held once packed (a changed address the lead checked): its boxes are ready to go
        _move(uow, order, OrderStatus.PACKED if _all_packed(uow, order_id) else OrderStatus.READY)
        uow.record(
            "order_released",
            order_id=order_id,
            note=note,
            exceptions_resolved=resolved,
            to=str(order.status),
        )
        uow.commit()
        return order


def _refuse_if_closed(uow: UnitOfWork, order: Order) -> None:
    """The marketplace closed the order after a parcel of it went with the courier (the import
    held it): released, the rest of it went back to the handover and into the ship-confirm
    file, a refunded order shipped."""
    closed = uow.session.exec(
        select(OrderException.id).where(
            OrderException.order_id == order.id,
            OrderException.kind == ExceptionKind.CANCELLED,
            col(OrderException.resolved_at).is_(None),
        )
    ).first()
    if closed is not None:
        raise UserError(
            _(
                "The marketplace closed order {order}: released, its boxes here would ship. "
                "Recall the parcel with the courier and keep the rest here; the order stays on "
                "hold."
            ).format(order=order.order_no)
        )


def resolve_exception(uow: UnitOfWork, *, exception_id: int, resolution: str) -> None:
    """Close one exception with what was done about it (the order stays as it is)."""
    if not resolution.strip():
        raise UserError(_("Say how the exception was resolved."))
    with uow:
        row = uow.session.get(OrderException, exception_id)
        if row is None or row.resolved_at is not None:
            raise UserError(_("That exception is not open."))
        row.resolved_at = utcnow()
        row.resolved_by = uow.user
        row.resolution = resolution.strip()
        uow.session.add(row)
        uow.record(
            "exception_resolved",
            order_id=row.order_id,
            exception_id=exception_id,
            resolution=resolution,
        )
        uow.commit()


def address_refused(changes: dict[str, str]) -> str:
    """Why a corrected address is refused (empty, a phone no courier can call…), or ""."""
    try:
        _check_address({name: value.strip() for name, value in changes.items()})
    except UserError as exc:
        return str(exc)
    return ""


def split_refused(answer: str) -> str:
    """Why ``answer`` is no number of parcels to split an order into, or ""."""
    if not (answer.isascii() and answer.isdigit()):
        return _("Type the number of parcels, e.g. 2.")
    if not 2 <= int(answer) <= MAX_PARCELS:
        return _("Split into 2 to {most} parcels.").format(most=MAX_PARCELS)
    return ""


@dataclass(frozen=True)
class CourierChanged:
    order_no: str
    carrier: str
    on_hold: bool  # labels were voided: the order waits for the lead's release
    dropped: str  # the old courier's waybill given before packing (printed first, or exported)


def change_courier(
    uow: UnitOfWork, *, order_id: int, carrier: str, settings: Settings
) -> CourierChanged:
    """Ship an order with another carrier.  Labels already printed are voided and the order waits
    on hold for a new label at a bench: the goods of those boxes are ticked again into a new box
    there, which gets the new courier's waybill."""
    refused = courier_refused(settings, carrier)
    if refused:
        raise UserError(refused)
    code = carrier_code_of(settings, carrier)
    with uow:
        order = _order(uow, order_id)
        if order.status not in OPEN:
            raise UserError(
                _("Order {order} is {status}; its courier can no longer change.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        if order.carrier == code:
            raise UserError(
                _("Order {order} already ships with {carrier}.").format(
                    order=order.order_no, carrier=code
                )
            )
        _refuse_if_handed_over(uow, order, _("its courier cannot change"))
        before = order.carrier
        labelled = labelled_parcels(uow, order_id)
        # the goods go into new boxes with the new courier's waybills, as many as the lead's
        # split planned
        why = for_store(said_later(N_("courier changed to {carrier}"), carrier=code))
        void_to_pack_again(uow, order, labelled, why)
        # a waybill printed first, or given by the export, is the old courier's
        void_order_documents(uow, order, why)
        dropped, order.tracking_no = order.tracking_no, ""
        for parcel in uow.session.exec(
            select(Parcel).where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
        ).all():
            parcel.carrier = code
            uow.session.add(parcel)
        order.carrier = code
        if labelled:
            order.status = OrderStatus.ON_HOLD
            order.hold_reason = for_store(
                said_later(N_("New courier {carrier}: print a new label at a bench."), carrier=code)
            )
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.record(
            "courier_changed",
            order_id=order_id,
            before=before,
            after=code,
            labels_voided=len(labelled),
            tracking_no_dropped=dropped,
        )
        uow.commit()
        return CourierChanged(order.order_no, code, bool(labelled), dropped)


def correct_address(
    uow: UnitOfWork, *, order_id: int, changes: dict[str, str], settings: Settings
) -> list[int]:
    """Correct the recipient's name, phone or address.  Parcels already labelled get their label
    voided and printed again with the new address; returns the ids of the parcels relabelled."""
    unknown = set(changes) - set(ADDRESS_FIELDS)
    if unknown:
        raise UserError(_("Only the recipient and the address can be corrected here."))
    with uow:
        order = _order(uow, order_id)
        if order.status not in OPEN:
            raise UserError(
                _("Order {order} is {status}; its address can no longer change.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        # a box of it travels to the address on its label: the order's parcels would part ways
        _refuse_if_handed_over(uow, order, _("its address can no longer change"))
        before = {name: getattr(order, name) or "" for name in changes}
        after = {name: value.strip() for name, value in changes.items()}
        if before == after:
            raise UserError(_("Nothing changed in the address."))
        _check_address(after)
        for name, value in after.items():
            setattr(order, name, value)
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.flush()
        uow.record("address_corrected", order_id=order_id, before=before, after=after)
        # a waybill printed first has the old address: the bench prints it again
        void_order_documents(uow, order, ADDRESS_CORRECTED)
        relabelled = []
        for parcel in labelled_parcels(uow, order_id):
            assert parcel.id is not None
            void_labels(uow, parcel, ADDRESS_CORRECTED)
            # it goes into a handover again once the new label is on
            leave_open_handover(uow, parcel, ADDRESS_CORRECTED)
            # the same waybill number, printed again with the new address
            add_parcel_documents(uow, parcel_id=parcel.id, settings=settings, slip=False)
            relabelled.append(parcel.id)
        uow.commit()
        return relabelled


# what the form calls each field, in a refusal
_FIELD_NAMES = {
    "recipient_name": N_("name"),
    "phone": N_("phone"),
    "province": N_("province"),
    "city": N_("city"),
    "district": N_("district"),
    "address": N_("address"),
    "postcode": N_("postcode"),
}


def _check_address(after: dict[str, str]) -> None:
    """A corrected address the courier can deliver to, as the import asks of one: a name, a
    phone it can call and an address, each as long as the label carries."""
    if any(not after[name] for name in ("recipient_name", "phone", "address") if name in after):
        raise UserError(_("The name, phone and address may not be empty: the courier needs them."))
    phone = after.get("phone", "")
    if phone and too_short_to_call(phone):
        raise UserError(
            _("The phone {phone} is too short for a courier to call; correct it.").format(
                phone=phone
            )
        )
    postcode = after.get("postcode", "")
    if postcode and not (len(postcode) == 6 and postcode.isascii() and postcode.isdigit()):
        raise UserError(
            _("The postcode {postcode} is not six digits; correct it or leave it empty.").format(
                postcode=postcode
            )
        )
    for name, value in after.items():
        if len(value) > KEPT[name]:
            raise UserError(
                _("The {field} is longer than {most} characters; shorten it.").format(
                    field=_(_FIELD_NAMES[name]), most=KEPT[name]
                )
            )


def split_order(uow: UnitOfWork, *, order_id: int, parcels: int) -> list[int]:
    """Decide that an order ships in ``parcels`` boxes: the bench packs each one in turn."""
    if not 2 <= parcels <= MAX_PARCELS:
        raise UserError(_("Split into 2 to {most} parcels.").format(most=MAX_PARCELS))
    with uow:
        order = _order(uow, order_id)
        if order.status not in (OrderStatus.IMPORTED, OrderStatus.READY, OrderStatus.ON_HOLD):
            raise UserError(
                _("Order {order} is {status}; split it before a bench starts packing it.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        existing = uow.session.exec(
            select(Parcel)
            .where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
            .order_by(col(Parcel.seq))
        ).all()
        if any(p.status != ParcelStatus.OPEN for p in existing):
            raise UserError(
                _(
                    "Order {order} already has a weighed or labelled parcel; it cannot be split now."
                ).format(order=order.order_no)
            )
        # no box is finished yet: every unit of the order goes into the split's boxes
        units = sum(
            line.quantity
            for line in uow.session.exec(select(OrderLine).where(OrderLine.order_id == order_id))
        )
        if parcels > units:
            raise UserError(
                ngettext(
                    "Order {order} has {units} unit to pack: it cannot go in {parcels} parcels.",
                    "Order {order} has {units} units to pack: it cannot go in {parcels} parcels.",
                    units,
                ).format(order=order.order_no, units=units, parcels=parcels)
            )
        # split again into fewer: the boxes beyond are dropped, if nothing went into them yet
        extra = existing[parcels:]
        if any(box_units(uow, p.id or 0) for p in extra):
            raise UserError(
                _(
                    "Order {order} has goods in more than {parcels} boxes; split it into more."
                ).format(order=order.order_no, parcels=parcels)
            )
        for box in extra:
            void_box(uow, order, box, for_store(said_later(N_("split again"))), pack_again=True)
        existing = existing[:parcels]
        last_seq = max(
            (
                p.seq
                for p in uow.session.exec(select(Parcel).where(Parcel.order_id == order_id)).all()
            ),
            default=0,
        )
        ids = [p.id or 0 for p in existing]
        for index in range(len(existing), parcels):
            parcel = Parcel(
                order_id=order_id, seq=last_seq + 1 + index - len(existing), carrier=order.carrier
            )
            uow.session.add(parcel)
            uow.flush()
            ids.append(parcel.id or 0)
        uow.record("order_split", order_id=order_id, parcels=parcels)
        uow.commit()
        return ids


@dataclass(frozen=True)
class Cancelled:
    """An order cancelled: ``labels``, the waybills of its parcels that were voided (packed,
    labelled: on the bench or the shelf still); ``handovers``, the open handovers they were
    taken out of (they are in those bags still); ``gone``, the waybills of its parcels the
    courier already had (the rest was recalled, and the order is ``part_recalled``)."""

    order_no: str
    labels: tuple[str, ...] = ()
    handovers: tuple[int, ...] = ()
    gone: tuple[str, ...] = ()

    def sentence(self) -> str:
        if self.gone:
            said = ngettext(
                "Parcel {codes} of order {order} has left with the courier; the rest of the "
                "order is recalled.",
                "Parcels {codes} of order {order} have left with the courier; the rest of the "
                "order is recalled.",
                len(self.gone),
            ).format(codes=listed(self.gone), order=self.order_no)
        else:
            said = _("Order {order} is cancelled.").format(order=self.order_no)
        if self.labels:
            said = sentences(
                said,
                ngettext(
                    "Label {codes} is void: tear it off and put the goods back on the shelves.",
                    "Labels {codes} are void: tear them off and put the goods back on the shelves.",
                    len(self.labels),
                ).format(codes=listed(self.labels)),
            )
        if self.handovers:
            said = sentences(
                said,
                _("Take the parcel out of handover {ids}.").format(
                    ids=listed(str(h) for h in self.handovers)
                ),
            )
        return said


def cancel_order(uow: UnitOfWork, *, order_id: int, reason: str) -> Cancelled:
    """Cancel an order that has not left; its labels are voided.  An order a box of which has
    left with the courier has the rest recalled (``_recall_rest``), unless a bench is packing
    the rest: it is refused until the bench is done with it."""
    if not reason.strip():
        raise UserError(_("Give a reason for cancelling the order."))
    with uow:
        order = _order(uow, order_id)
        _refuse_move(order, OrderStatus.CANCELLED)
        if parcel_gone(uow, order_id) is not None and order.status != OrderStatus.PACKING:
            recalled = _recall_rest(uow, order, reason.strip())
            uow.commit()
            return recalled
        _refuse_if_handed_over(uow, order, _("recall it before cancelling the order"))
        parcels = labelled_parcels(uow, order_id)
        labels = [parcel.tracking_no or "" for parcel in parcels]
        handovers = _handovers_of(parcels)
        for parcel in parcels:
            void_box(uow, order, parcel, ORDER_CANCELLED, pack_again=False)
        void_order_documents(uow, order, ORDER_CANCELLED)  # a waybill printed first
        _resolve_all(uow, order_id, for_store(said_later(N_("cancelled"))))
        before = _move(uow, order, OrderStatus.CANCELLED)
        returned = stock.return_cancelled(uow, order_id)
        uow.record(
            "order_cancelled",
            order_id=order_id,
            before=before,
            reason=reason.strip(),
            to_stock=returned,
        )
        uow.commit()
        return Cancelled(order.order_no, tuple(labels), handovers)


def _move(uow: UnitOfWork, order: Order, status: str) -> str:
    """``order`` to ``status`` by a lead's decision, its hold and its bench's claim let go;
    returns the status it had (in transaction)."""
    before = order.status
    order.status = status
    order.hold_reason = ""
    clear_claim(order)
    order.updated_at = utcnow()
    uow.session.add(order)
    return before


def _handovers_of(parcels: list[Parcel]) -> tuple[int, ...]:
    """The open handovers ``parcels`` wait in (they are in those bags still), each once."""
    return tuple(dict.fromkeys(p.handover_id for p in parcels if p.handover_id is not None))


def _recall_rest(uow: UnitOfWork, order: Order, reason: str) -> Cancelled:
    """Cancel what of ``order`` has not left, a box of it being with the courier (in
    transaction): every other box is voided (its label dead, out of its open handover, its
    units back on the shelves and off the lines, so the lines say what went), a waybill printed
    first is voided, the order's problems are settled, and the order is ``part_recalled``: what
    went is shipped, and the ship-confirm file gives its waybills alone."""
    order_id = order.id or 0
    parcels = uow.session.exec(
        select(Parcel)
        .where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
        .order_by(col(Parcel.seq))
    ).all()
    gone = [p.tracking_no or "?" for p in parcels if p.status == ParcelStatus.HANDED_OVER]
    rest = [p for p in parcels if p.status != ParcelStatus.HANDED_OVER]
    labels = [p.tracking_no for p in rest if p.tracking_no and p.status != ParcelStatus.OPEN]
    handovers = _handovers_of(rest)
    for parcel in rest:
        void_box(uow, order, parcel, PART_GONE, pack_again=True)
    void_order_documents(uow, order, ORDER_CANCELLED)
    _resolve_all(uow, order_id, for_store(said_later(N_("rest recalled"))))
    before = _move(uow, order, OrderStatus.PART_RECALLED)
    uow.record(
        "rest_recalled",
        order_id=order_id,
        before=before,
        reason=reason,
        gone=gone,
        recalled=labels,
    )
    return Cancelled(order.order_no, tuple(labels), handovers, tuple(gone))


def not_shipping_today(uow: UnitOfWork, *, order_id: int, reason: str, day: dt.date) -> Order:
    """Write why an order does not ship on ``day``, the shop's today (it stays in its status for
    tomorrow, when it needs shipping or a reason again)."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("Give the reason the order does not ship today."))
    with uow:
        order = _order(uow, order_id)
        if order.status not in OPEN:
            raise UserError(
                _("Order {order} is {status}; it needs no reason.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        order.not_shipping_reason = reason
        order.not_shipping_day = day
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.record("not_shipping_today", order_id=order_id, reason=reason, day=day.isoformat())
        uow.commit()
        return order


@dataclass(frozen=True)
class AddressToCorrect:
    """What the address form shows: the stored address, and the marketplace's new one where an
    import said it changed after the label was printed (``proposed``: those fields alone)."""

    order_no: str
    current: dict[str, str]
    proposed: dict[str, str]


def address_of(uow: UnitOfWork, *, order_id: int) -> AddressToCorrect:
    """An order's recipient and address fields for the correction form, with the new values of
    the marketplace's change the lead has not settled yet (the latest, if there are several)."""
    with uow:
        order = _order(uow, order_id)
        current = {name: str(getattr(order, name)) for name in ADDRESS_FIELDS}
        return AddressToCorrect(order.order_no, current, _changed_address(uow, order_id, current))


def _changed_address(uow: UnitOfWork, order_id: int, current: dict[str, str]) -> dict[str, str]:
    open_changes = select(OrderException.id).where(
        OrderException.order_id == order_id,
        OrderException.kind == ExceptionKind.CHANGED,
        col(OrderException.resolved_at).is_(None),
    )
    raised = set(uow.session.exec(open_changes))
    if not raised:
        return {}
    payloads = uow.session.exec(
        select(Event.payload)
        .where(Event.order_id == order_id, Event.kind == "exception_raised")
        .order_by(col(Event.id).desc())
    )
    for payload in payloads:
        event = json.loads(payload)
        if event.get("exception_id") in raised:
            changes = event.get("changes", {})
            return {
                name: str(changes[name][1])
                for name in ADDRESS_FIELDS
                if name in changes and str(changes[name][1]) != current[name]
            }
    return {}
