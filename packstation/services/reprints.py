"""Finding an order's labels by any number, reprinting one with a reason, or voiding it.

Called by the lead application's reprint screen.  A reprint sends the stored bytes again
(exactly what was printed) as a new print job that points at the original and carries the
reason, so reprints are counted; the printing service does it when it is installed, and this
module writes the same row itself otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.lifecycle import can_move
from packstation.domain.packing import courier_places
from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.domain.tracking import normalise
from packstation.errors import UserError
from packstation.i18n import N_, _, as_read, for_store, said_later, sentences
from packstation.services.claims import lock_order, lock_parcel
from packstation.services.orders import find_order
from packstation.services.packing.voiding import void_box, void_to_pack_again
from packstation.services.printing import (
    WrongPiece,
    preview_png,
    reprint,
    wrong_pieces,
    wrong_pieces_sentence,
)
from packstation.services.status_names import parcel_status_label, status_label
from packstation.store.models import Parcel, PrintJob
from packstation.store.uow import UnitOfWork


@dataclass(frozen=True)
class LabelJob:
    id: int
    status: str
    reprint_of: int | None
    reason: str
    created_at: dt.datetime
    language: str


@dataclass(frozen=True)
class ParcelLabels:
    parcel_id: int
    seq: int
    place: int  # as the courier counts it (件 n/m); 0 for a void box
    tracking_no: str
    status: str
    weight_g: int
    jobs: list[LabelJob] = field(default_factory=list)

    @property
    def reprints(self) -> int:
        return sum(1 for j in self.jobs if j.reprint_of is not None)

    @property
    def last_job(self) -> LabelJob | None:
        live = [j for j in self.jobs if j.status != PrintStatus.VOID]
        return live[-1] if live else None


@dataclass(frozen=True)
class OrderLabels:
    order_id: int
    order_no: str
    status: str
    carrier: str
    recipient: str
    parcels: list[ParcelLabels] = field(default_factory=list)
    # the parcel to show first (its index): the one whose label was scanned, else the first
    # that goes to the courier, labelled if one is (not a void box listed before it)
    shown: int = 0


def _shown_first(parcels: list[ParcelLabels], code: str) -> int:
    number = normalise(code)
    wanted: tuple[Callable[[ParcelLabels], bool], ...] = (
        lambda p: p.tracking_no == number,
        lambda p: p.place > 0 and bool(p.jobs),
        lambda p: p.place > 0,
    )
    for rule in wanted:
        for index, parcel in enumerate(parcels):
            if rule(parcel):
                return index
    return 0


def find_labels(uow: UnitOfWork, code: str) -> OrderLabels:
    """An order and its parcels' labels, by order number or any tracking number."""
    code = code.strip()
    if not code:
        raise UserError(_("Scan or type an order or tracking number."))
    with uow:
        order = find_order(uow, code)
        if order is None or order.id is None:
            raise UserError(
                _("No order or parcel has the number {code}; check it and scan again.").format(
                    code=code
                )
            )
        parcels = uow.session.exec(
            select(Parcel).where(Parcel.order_id == order.id).order_by(col(Parcel.seq))
        ).all()
        jobs = uow.session.exec(
            select(PrintJob)
            .where(PrintJob.order_id == order.id, PrintJob.kind == PrintKind.LABEL)
            .order_by(col(PrintJob.id))
        ).all()
        by_parcel = {p.id: p for p in parcels}
        extra = uow.session.exec(
            select(PrintJob)
            .where(col(PrintJob.parcel_id).in_(list(by_parcel)), PrintJob.kind == PrintKind.LABEL)
            .order_by(col(PrintJob.id))
        ).all()
        all_jobs = {j.id: j for j in [*jobs, *extra]}
        places = courier_places((p.seq, p.status) for p in parcels)
        result = []
        for p in parcels:
            own = [
                j for j in sorted(all_jobs.values(), key=lambda j: j.id or 0) if j.parcel_id == p.id
            ]
            result.append(
                ParcelLabels(
                    parcel_id=p.id or 0,
                    seq=p.seq,
                    place=places.get(p.seq, 0),
                    tracking_no=p.tracking_no or "",
                    status=p.status,
                    weight_g=p.measured_weight_g or 0,
                    jobs=[
                        LabelJob(
                            id=j.id or 0,
                            status=j.status,
                            reprint_of=j.reprint_of,
                            reason=as_read(j.reason),
                            created_at=j.created_at,
                            language=j.language,
                        )
                        for j in own
                    ],
                )
            )
        return OrderLabels(
            order_id=order.id,
            order_no=order.order_no,
            status=order.status,
            carrier=order.carrier,
            recipient=order.recipient_name,
            parcels=result,
            shown=_shown_first(result, code),
        )


def reprint_label(
    uow: UnitOfWork, *, parcel_id: int, reason: str, settings: Settings | None = None
) -> int:
    """Print a parcel's label again (the same bytes, or with ``settings`` drawn again when its
    piece 件 n/m is wrong since a box was voided) with a reason; returns the new job's id."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("Give a reason for the reprint; reprints are counted."))
    job = reprint(uow, parcel_id=parcel_id, reason=reason, settings=settings)
    return job.id or 0


def void_refused(code: str, status: str) -> str:
    """Why a parcel in ``status`` cannot have its label voided, or "" when it can (the lead's
    screen asks before it asks for a reason, the void again under its locks)."""
    if status == ParcelStatus.OPEN:
        # a box being filled at a bench: "voiding" it undid the packer's ticks unannounced
        return _(
            "Parcel {code} is being filled and has no label yet: there is nothing to void."
        ).format(code=code)
    if status not in (ParcelStatus.HANDED_OVER, ParcelStatus.VOID):
        return ""
    return _("Parcel {code} is {status}; its label cannot be voided.").format(
        code=code, status=parcel_status_label(status)
    )


@dataclass(frozen=True)
class Voided:
    """What a void did: ``prints``, the label's print jobs voided (the reprints counted);
    ``cancelled``, the order was; ``handover_id``, the open handover the parcel was taken out
    of (it is in that bag or cage still)."""

    prints: int
    cancelled: bool = False
    handover_id: int | None = None
    # the order's other labels that count their boxes wrongly now: to reprint
    wrong: tuple[WrongPiece, ...] = ()


def void_label(uow: UnitOfWork, *, parcel_id: int, reason: str) -> Voided:
    """Void a parcel's labels and the parcel: it cannot be handed over (it leaves an open
    handover), and its goods are ticked again into a new box, with a new waybill, at a bench;
    a packed order waits on hold for that."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("Give a reason for voiding the label."))
    with uow:
        found = uow.session.get(Parcel, parcel_id)
        if found is None:
            raise UserError(_("That parcel does not exist."))
        # the order, then the parcel: a seal or a bench's action on them ends first
        order = lock_order(uow, found.order_id)
        parcel = lock_parcel(uow, parcel_id)
        refused = void_refused(parcel.tracking_no or str(parcel.id), parcel.status)
        if refused:
            raise UserError(refused)
        assert order is not None  # a parcel's order is never deleted
        if order.status in (
            OrderStatus.HANDED_OVER,
            OrderStatus.PART_RECALLED,
            OrderStatus.CONFIRMED,
        ):
            # its waybill is with the courier and the marketplace: a recall, not a void
            raise UserError(
                _("Order {order} is {status}; its labels cannot be voided.").format(
                    order=order.order_no, status=status_label(order.status)
                )
            )
        # its goods go into a new box with a new waybill at a bench; a cancelled order's go
        # back to the shelves, which its cancel counted already
        cancelled = order.status == OrderStatus.CANCELLED
        handover_id = parcel.handover_id
        if cancelled:
            count = void_box(uow, order, parcel, reason, pack_again=False)
        else:  # as many boxes as the lead's split planned
            count = void_to_pack_again(uow, order, [parcel], reason)
        if order.status == OrderStatus.PACKED and can_move(order.status, OrderStatus.ON_HOLD):
            order.status = OrderStatus.ON_HOLD
            order.hold_reason = for_store(said_later(N_("Label voided: {reason}"), reason=reason))
            uow.session.add(order)
        uow.flush()
        wrong = () if cancelled else tuple(wrong_pieces(uow, order.id or 0))
        uow.commit()
        return Voided(count, cancelled, handover_id, wrong)


def voided_sentence(code: str, voided: Voided) -> str:
    """What a void tells the lead, on the reprint screen and from ``packstation label --void``:
    the label named, the parcel to take out of the bag it was put in, and every printed copy of
    the label to tear off; a cancelled order's goods go back to the shelves."""
    if voided.cancelled:
        said = _(
            "Label {code} voided; the order is cancelled: put the parcel's goods back on the "
            "shelves (the stock counted them back when it was cancelled)."
        ).format(code=code)
    else:
        said = _(
            "Label {code} voided; the parcel's goods go into a new box with a new label at a "
            "bench (a packed order waits on hold until a lead releases it)."
        ).format(code=code)
    if voided.handover_id is not None:
        said = sentences(
            said,
            _("It was in handover {id}: take the parcel out of that bag or cage.").format(
                id=voided.handover_id
            ),
        )
    if voided.prints > 1:
        said = sentences(
            said,
            _("It was printed {count} times: tear off every copy.").format(count=voided.prints),
        )
    if voided.wrong:
        said = sentences(said, wrong_pieces_sentence(list(voided.wrong)))
    return said


def label_content(uow: UnitOfWork, *, job_id: int) -> tuple[str, bytes]:
    """The language and the exact bytes of a label job."""
    with uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None:
            raise UserError(_("That print job does not exist."))
        return job.language, job.content


def label_preview_png(uow: UnitOfWork, *, job_id: int) -> bytes:
    """A PNG image of what the label job prints."""
    with uow:
        return preview_png(uow, job_id=job_id)
