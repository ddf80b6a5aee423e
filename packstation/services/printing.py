"""The print outbox: labels and slips are queued as ``print_job`` rows in the same transaction as
the step that asks for them; ``OutboxSender`` (``services.outbox``) delivers them.

Called by the bench (``add_parcel_documents`` when a parcel's weight is accepted,
``void_parcel_labels`` when an order is cancelled mid-pack, ``check_label_scan`` when label check
is on), by the lead's application (``reprint``, ``void_parcel_labels``, ``preview_png``) and by
the ``label`` and ``print`` commands.  Functions marked "in transaction" run inside the caller's
open ``with uow:`` and never commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.packing import courier_places
from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.domain.tracking import normalise
from packstation.errors import UserError
from packstation.i18n import N_, _, for_store, listed, ngettext, said_later
from packstation.labels.content import LabelData, SlipData
from packstation.labels.render import Rendered
from packstation.labels.render import preview_png as render_preview
from packstation.services import claims, documents, tracking
from packstation.services.carriers import ensure_carrier
from packstation.services.outbox import OutboxSender
from packstation.services.packing.boxes import box_place
from packstation.store.models import (
    Carrier,
    Event,
    Order,
    OrderLine,
    Parcel,
    ParcelItem,
    PrintJob,
)
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

__all__ = [
    "DocumentData",
    "Drafts",
    "OutboxSender",
    "add_parcel_documents",
    "check_label_scan",
    "document_data",
    "draw_parcel_documents",
    "find_order_id_by_tracking",
    "going_parcel",
    "label_counts",
    "order_label_preview_png",
    "parcel_label_preview_png",
    "preview_png",
    "queue_job",
    "queue_parcel_job",
    "read_parcel_documents",
    "rendered_documents",
    "reprint",
    "reprint_order_label",
    "void_order_documents",
    "void_parcel_labels",
]

find_order_id_by_tracking = tracking.find_order_id_by_tracking

# jobs of these states still count as the parcel's label (void ones do not)
LIVE = (PrintStatus.QUEUED, PrintStatus.SENT, PrintStatus.CONFIRMED, PrintStatus.UNKNOWN)


def queue_job(
    uow: UnitOfWork,
    rendered: Rendered,
    *,
    kind: str,
    printer: str,
    order_id: int | None,
    parcel_id: int | None,
    batch: str = "",
    reprint_of: int | None = None,
    reason: str = "",
) -> PrintJob:
    """One queued job with the exact bytes, and its event (in transaction)."""
    values = _job(uow, rendered, kind, printer, order_id, parcel_id)
    job = PrintJob(**values, batch=batch, reprint_of=reprint_of, reason=reason)
    uow.insert(job)
    _record_queued(uow, job.id, values, batch=batch, reprint_of=reprint_of, reason=reason)
    return job


def queue_parcel_job(
    uow: UnitOfWork, rendered: Rendered, *, kind: str, printer: str, order_id: int, parcel_id: int
) -> int:
    """``queue_job`` for a parcel's label or slip in one plain statement, with no object kept
    in the session (in transaction): the weighing that packs an order.  Returns the job's id."""
    values = _job(uow, rendered, kind, printer, order_id, parcel_id)
    job_id = uow.connection().execute(_INSERT_JOB, values).scalar_one()
    assert job_id is not None
    _record_queued(uow, job_id, values)
    return job_id


def _job(
    uow: UnitOfWork,
    rendered: Rendered,
    kind: str,
    printer: str,
    order_id: int | None,
    parcel_id: int | None,
) -> dict[str, Any]:
    """A queued job's columns (those of a reprint or a batch aside)."""
    return {
        "parcel_id": parcel_id,
        "order_id": order_id,
        "kind": kind,
        "printer": printer,
        "language": rendered.language,
        "content": rendered.content,
        "sha256": hashlib.sha256(rendered.content).hexdigest(),
        "status": PrintStatus.QUEUED,
        "created_by": uow.user,
        "created_at": utcnow(),
    }


def _record_queued(
    uow: UnitOfWork,
    job_id: int | None,
    job: dict[str, Any],
    *,
    batch: str = "",
    reprint_of: int | None = None,
    reason: str = "",
) -> None:
    uow.record(
        "print_queued",
        order_id=job["order_id"],
        parcel_id=job["parcel_id"],
        job_id=job_id,
        document=job["kind"],
        printer=job["printer"],
        bytes=len(job["content"]),
        batch=batch,
        reprint_of=reprint_of,
        reason=reason,
    )


# a queued job as ``PrintJob`` starts: no batch, not a reprint, nothing tried yet
_INSERT_JOB = (
    sa_insert(PrintJob)
    .values(attempts=0, reason="", batch="", error="")
    .returning(col(PrintJob.id))
)


def _parcel(uow: UnitOfWork, parcel_id: int) -> Parcel:
    parcel = uow.session.get(Parcel, parcel_id)
    if parcel is None:
        raise UserError(_("Parcel {id} does not exist.").format(id=parcel_id))
    return parcel


def _order(uow: UnitOfWork, order_id: int) -> Order:
    order = uow.session.get(Order, order_id)
    assert order is not None  # a foreign key guarantees it
    return order


def _order_number_for(uow: UnitOfWork, parcel: Parcel, order: Order) -> str:
    """The order's pre-assigned number (a batch printed it, or the export gave it) when
    ``parcel`` is the one to carry it, else "".  That is the parcel the courier counts first
    (``courier_places``), not parcel 1: a box voided while still open (the order put back, an
    exception) leaves its ``seq`` behind, and the next box, 2, goes first.  And only while no
    other parcel of the order carries the number: a box whose label was voided keeps its dead
    number."""
    if not order.tracking_no or parcel.status == ParcelStatus.VOID:
        return ""
    number = normalise(order.tracking_no)
    # the others as stored: no caller changes another parcel of the order before asking
    others = [
        row
        for row in uow.connection().execute(_ORDER_PARCELS, {"order_id": parcel.order_id})
        if row.id != parcel.id
    ]
    if any(row.tracking_no == number for row in others):
        return ""
    places = courier_places([(parcel.seq, parcel.status), *((r.seq, r.status) for r in others)])
    return number if places.get(parcel.seq) == 1 else ""


def _carries_order_number(order: Order, number: str) -> bool:
    """Is ``number`` the order's pre-assigned one (the number of its waybill printed first)?"""
    return bool(order.tracking_no) and number == normalise(order.tracking_no)


def decide_tracking_no(
    uow: UnitOfWork, settings: Settings, parcel: Parcel, order: Order | None = None
) -> str:
    """The parcel's number: the one it has, the order's pre-assigned one (the first parcel that
    goes, see ``_order_number_for``), or a new one from the carrier's range; bound to the
    parcel (in transaction).  ``order``: the parcel's order, when the caller has it at hand."""
    if parcel.tracking_no:
        return parcel.tracking_no
    order = order or _order(uow, parcel.order_id)
    if _order_number_for(uow, parcel, order):
        ensure_carrier(uow, settings, parcel.carrier)  # its number pattern checks the number
        number = tracking.check_number(uow, parcel.carrier, order.tracking_no, parcel_id=parcel.id)
        tracking.bind(uow, parcel, number, source="order")
        return number
    number = tracking.allocate(uow, settings, parcel.carrier)
    tracking.bind(uow, parcel, number, source="range")
    return number


def expected_tracking_no(
    uow: UnitOfWork, settings: Settings, parcel: Parcel, order: Order
) -> str | None:
    """The number ``decide_tracking_no`` would give the parcel now, taking nothing: its own,
    the order's pre-assigned one (the first parcel that goes) or the next of the carrier's
    range.  Another bench may take that next number first: whoever draws with it checks it once
    numbered."""
    if parcel.tracking_no:
        return parcel.tracking_no
    return _order_number_for(uow, parcel, order) or tracking.peek(uow, settings, parcel.carrier)


# the order's parcels, with what tells which one carries the order's number
_ORDER_PARCELS = sa_select(
    col(Parcel.id), col(Parcel.seq), col(Parcel.status), col(Parcel.tracking_no)
).where(col(Parcel.order_id) == bindparam("order_id"))
# a packing slip of the order that is queued, out or printed (the order has one)
_LIVE_SLIP = (
    sa_select(col(PrintJob.id))
    .where(
        col(PrintJob.order_id) == bindparam("order_id"),
        col(PrintJob.kind) == PrintKind.SLIP,
        col(PrintJob.status).in_(LIVE),
    )
    .limit(1)
)


def _holds_whole_order(uow: UnitOfWork, order: Order, parcel: Parcel) -> bool:
    """Is ``parcel`` the order's one box, with every unit of it (as a batch drew its label)?"""
    others = uow.session.exec(
        select(Parcel.id).where(
            Parcel.order_id == order.id, Parcel.id != parcel.id, Parcel.status != ParcelStatus.VOID
        )
    ).first()
    if others is not None:
        return False
    ordered = uow.session.exec(
        select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(OrderLine.order_id == order.id)
    ).one()
    held = uow.session.exec(
        select(func.coalesce(func.sum(ParcelItem.quantity), 0)).where(
            ParcelItem.parcel_id == parcel.id
        )
    ).one()
    return int(held) >= int(ordered)


def _batch_jobs(uow: UnitOfWork, order: Order) -> list[PrintJob]:
    """Jobs a batch print made for the order before it had a parcel (print first, pick after).
    A batch print gives the order its waybill number first, so an order without one has none."""
    if not order.tracking_no:
        return []
    order_id = order.id
    return list(
        uow.session.exec(
            select(PrintJob)
            .where(
                PrintJob.order_id == order_id,
                col(PrintJob.parcel_id).is_(None),
                col(PrintJob.kind).in_([PrintKind.LABEL, PrintKind.SLIP]),
                col(PrintJob.status).in_(LIVE),
            )
            .order_by(col(PrintJob.id))
        )
    )


# why the waybill and slip a batch drew for the whole order were voided (kept in no language)
_BOX_OF_SEVERAL = for_store(said_later(N_("box of several: printed again with its contents")))


def label_elsewhere(jobs: list[PrintJob], here: str) -> PrintJob | None:
    """The label among ``jobs`` sent to another printer than ``here`` (the bench's); None if
    there is none."""
    return next((j for j in jobs if j.kind == PrintKind.LABEL and j.printer != here), None)


def batch_label_elsewhere(uow: UnitOfWork, order: Order, here: str) -> str:
    """The printer a batch sent the order's waybill to, when that is not ``here`` (the
    bench's): it came out, or will, at another machine; "" otherwise."""
    job = label_elsewhere(_batch_jobs(uow, order), here)
    return job.printer if job is not None else ""


@dataclass(frozen=True)
class Drafts:
    """A parcel's label (and slip) drawn before the transaction that queues them, with the data
    they were drawn from: the transaction uses them only if its own reading of the data is the
    same (the time printed on the label aside)."""

    label_data: LabelData
    label: Rendered
    slip_data: SlipData | None = None
    slip: Rendered | None = None

    def label_for(self, data: LabelData) -> Rendered | None:
        same = replace(data, printed_at=self.label_data.printed_at) == self.label_data
        return self.label if same else None

    def slip_for(self, data: SlipData) -> Rendered | None:
        return self.slip if data == self.slip_data else None


@dataclass(frozen=True)
class DocumentData:
    """What a parcel's label (and slip) will say, read in a transaction to be drawn after it."""

    label: LabelData
    slip: SlipData | None = None

    def numbered(self, number: str) -> DocumentData:
        """The same documents with another waybill number."""
        slip = replace(self.slip, tracking_no=number) if self.slip else None
        return DocumentData(replace(self.label, tracking_no=number), slip)


def read_parcel_documents(
    uow: UnitOfWork,
    *,
    order: Order,
    parcel: Parcel,
    settings: Settings,
    weight_g: int,
    slip: bool = True,
    number: str | None = None,
) -> DocumentData | None:
    """What the parcel's documents will say (in transaction), for ``draw_parcel_documents`` to
    draw once the transaction has ended: drawing takes milliseconds of CPU that no transaction
    should wait for.  ``number``: the waybill number to draw with, when the parcel has none
    yet.  None without a number, or when a batch print already made its label (nothing to
    draw)."""
    number = parcel.tracking_no or number
    if not number:
        return None
    if _carries_order_number(order, number) and any(
        job.kind == PrintKind.LABEL for job in _batch_jobs(uow, order)
    ):
        return None
    data = _document_data(uow, settings, order, parcel, number, slip=slip)
    return replace(data, label=replace(data.label, weight_g=weight_g))


def _document_data(
    uow: UnitOfWork, settings: Settings, order: Order, parcel: Parcel, number: str, *, slip: bool
) -> DocumentData:
    carrier = uow.session.get(Carrier, (parcel.carrier or order.carrier).upper())
    return document_data(uow, settings, order, parcel, carrier, number, slip=slip)


def document_data(
    uow: UnitOfWork,
    settings: Settings,
    order: documents.OrderFacts,
    parcel: documents.ParcelFacts,
    carrier: Carrier | None,
    number: str,
    *,
    slip: bool,
) -> DocumentData:
    """The label's data, and the slip's when the parcel has one (if ``slip``: the first parcel
    of the order that goes, see ``_slip_queued``), from the order, parcel and carrier rows
    already read (in transaction)."""
    read = documents.contents(uow, parcel.order_id, parcel.id)
    label = documents.parcel_label_data(settings, order, parcel, carrier, number, read)
    with_slip = slip and not _slip_queued(uow, parcel.order_id)
    return DocumentData(
        label, documents.slip_data(uow, settings, order, number, read) if with_slip else None
    )


def queued_jobs(uow: UnitOfWork, order_id: int) -> list[int]:
    """The ids of the order's labels and slips still waiting in the queue (a printer that was
    off): the order's own, printed before packing, and its parcels'."""
    parcels = select(Parcel.id).where(Parcel.order_id == order_id)
    found = uow.session.exec(
        select(PrintJob.id)
        .where(
            (col(PrintJob.order_id) == order_id) | col(PrintJob.parcel_id).in_(parcels),
            col(PrintJob.kind).in_([PrintKind.LABEL, PrintKind.SLIP]),
            PrintJob.status == PrintStatus.QUEUED,
        )
        .order_by(col(PrintJob.id))
    ).all()
    return [job for job in found if job is not None]


def _slip_queued(uow: UnitOfWork, order_id: int) -> bool:
    """Has the order a packing slip that is not void?  One slip goes with the order, in the
    first of its parcels that goes; asking for the slip rather than the parcel's number also
    gives one to an order whose box 1 was voided while open (its box 2 goes first), and none
    to its next box."""
    return uow.connection().execute(_LIVE_SLIP, {"order_id": order_id}).first() is not None


def draw_parcel_documents(settings: Settings, data: DocumentData) -> Drafts:
    """The documents drawn (outside any transaction), for ``add_parcel_documents`` to queue."""
    return Drafts(
        data.label,
        documents.render_parcel_label(settings, data.label),
        data.slip,
        documents.render_order_slip(settings, data.slip) if data.slip else None,
    )


def add_parcel_documents(
    uow: UnitOfWork,
    *,
    parcel_id: int,
    settings: Settings,
    slip: bool = True,
    drafts: Drafts | None = None,
) -> list[PrintJob]:
    """Queue the parcel's label (and, when ``slip``, the order's packing slip if it has none
    yet: the first parcel that goes), in transaction, using ``drafts`` where they still match.
    The parcel that carries the order's number (the first that goes) adopts instead the jobs a
    batch print made for the order, if it made a label: the waybill is the parcel's already.
    A ``documents_queued`` event says how many (the audit counts a parcel's jobs by it).
    Returns the parcel's jobs."""
    parcel = _parcel(uow, parcel_id)
    jobs, piece = _parcel_documents(uow, parcel, settings, slip=slip, drafts=drafts)
    # a batch's reprints adopted with its jobs have their own reprint records
    first = sum(1 for j in jobs if j.reprint_of is None)
    uow.record(
        "documents_queued",
        order_id=parcel.order_id,
        parcel_id=parcel_id,
        jobs=first,
        piece=list(piece),  # 件 n/m as the label prints it: a void since may make it wrong
    )
    return jobs


def _parcel_documents(
    uow: UnitOfWork, parcel: Parcel, settings: Settings, *, slip: bool, drafts: Drafts | None
) -> tuple[list[PrintJob], tuple[int, int]]:
    """The parcel's jobs, and the piece (件 n/m) its label prints."""
    order = _order(uow, parcel.order_id)
    number = decide_tracking_no(uow, settings, parcel, order)
    if _carries_order_number(order, number):
        adopted = _batch_jobs(uow, order)
        if adopted and not _holds_whole_order(uow, order, parcel):
            # the waybill printed first was drawn for the order as one parcel (件 1/1, every
            # item, its whole insured value): this box gets its own, with the same number
            void_order_documents(uow, order, _BOX_OF_SEVERAL)
            uow.flush()  # the slip voided is seen as gone: this box prints the order's slip
            adopted = []
        if any(j.kind == PrintKind.LABEL for j in adopted):
            for job in adopted:
                job.parcel_id = parcel.id
                uow.session.add(job)
            uow.record(
                "print_adopted",
                order_id=order.id,
                parcel_id=parcel.id,
                jobs=[j.id for j in adopted],
                tracking_no=number,
            )
            _mark_labelled(uow, parcel)
            return adopted, (1, 1)  # drawn for the order as one parcel
    data = _document_data(uow, settings, order, parcel, number, slip=slip)
    jobs = [
        queue_job(uow, rendered, kind=kind, printer=printer, order_id=order.id, parcel_id=parcel.id)
        for kind, printer, rendered in rendered_documents(settings, data, drafts)
    ]
    _mark_labelled(uow, parcel)
    return jobs, (data.label.parcel_seq, data.label.parcel_count)


def rendered_documents(
    settings: Settings, data: DocumentData, drafts: Drafts | None
) -> list[tuple[PrintKind, str, Rendered]]:
    """The parcel's label (and slip) with their printers: as drawn in ``drafts`` where they
    match ``data``, else drawn now."""
    label = (drafts and drafts.label_for(data.label)) or documents.render_parcel_label(
        settings, data.label
    )
    rendered = [(PrintKind.LABEL, documents.label_printer(settings), label)]
    if data.slip is not None:
        slip = (drafts and drafts.slip_for(data.slip)) or documents.render_order_slip(
            settings, data.slip
        )
        rendered.append((PrintKind.SLIP, documents.slip_printer(settings), slip))
    return rendered


def _mark_labelled(uow: UnitOfWork, parcel: Parcel) -> None:
    if parcel.status in (ParcelStatus.OPEN, ParcelStatus.WEIGHED):
        parcel.status = ParcelStatus.LABELLED
        uow.session.add(parcel)


def still_queued(jobs: list[PrintJob]) -> str:
    """Why a label cannot be reprinted while one of ``jobs`` waits in the queue, or ""."""
    waiting = next((j for j in jobs if j.status == PrintStatus.QUEUED), None)
    if waiting is None:
        return ""
    return _(
        "The label has not printed yet: it waits in the queue for {printer} and prints when "
        "that printer is ready; a reprint now would print it twice."
    ).format(printer=waiting.printer)


def label_jobs(uow: UnitOfWork, parcel_id: int) -> list[PrintJob]:
    return list(
        uow.session.exec(
            select(PrintJob)
            .where(PrintJob.parcel_id == parcel_id, PrintJob.kind == PrintKind.LABEL)
            .order_by(col(PrintJob.id))
        )
    )


def void_parcel_labels(uow: UnitOfWork, *, parcel_id: int, reason: str) -> int:
    """Void the parcel's label jobs: queued ones never go out (in transaction).  Returns how many."""
    parcel = _parcel(uow, parcel_id)
    voided = _void(uow, [j for j in label_jobs(uow, parcel_id) if j.status in LIVE], reason)
    uow.record(
        "label_voided",
        order_id=parcel.order_id,
        parcel_id=parcel_id,
        jobs=[j.id for j in voided],
        tracking_no=parcel.tracking_no,
        reason=reason,
    )
    return len(voided)


def _void(uow: UnitOfWork, jobs: list[PrintJob], reason: str) -> list[PrintJob]:
    """``jobs`` void, with the reason (in transaction): queued ones never go out."""
    for job in jobs:
        job.status = PrintStatus.VOID
        job.error = reason[:400]
        uow.session.add(job)
    return jobs


def void_order_documents(uow: UnitOfWork, order: Order, reason: str) -> int:
    """Void the waybill and slip a batch printed for the order before it had a parcel (print
    first): queued ones never go out, and no parcel adopts them (in transaction).  Returns how
    many."""
    voided = _void(uow, _batch_jobs(uow, order), reason)
    if voided:
        uow.record(
            "label_voided",
            order_id=order.id,
            jobs=[j.id for j in voided],
            tracking_no=order.tracking_no,
            reason=reason,
        )
    return len(voided)


@dataclass(frozen=True)
class Redrawn:
    """A label drawn again for a reprint, and the piece (件 n/m) it prints: the stored one
    counts the boxes otherwise than now, or was made for another kind of printer."""

    rendered: Rendered
    piece: tuple[int, int]


def _queue_reprint(
    uow: UnitOfWork,
    parcel_id: int | None,
    reason: str,
    *,
    jobs: list[PrintJob] | None = None,
    printer: str = "",
    redrawn: Redrawn | None = None,
) -> PrintJob:
    """``printer``: print it there (a bench's own) rather than where it first went; a copy
    still waiting for another printer is voided, so that one label comes out, here."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("A reprint needs a reason; say why the label is printed again."))
    if jobs is None:
        assert parcel_id is not None
        jobs = label_jobs(uow, parcel_id)
    if not jobs:
        parcel = _parcel(uow, parcel_id or 0)
        place = box_place(uow, parcel)
        raise UserError(
            _(
                "Box {seq} of order {order} has no label to reprint yet: it gets one when it is "
                "weighed."
            ).format(seq=place, order=_order(uow, parcel.order_id).order_no)
        )
    if printer:
        elsewhere = [j for j in jobs if j.status == PrintStatus.QUEUED and j.printer != printer]
        if elsewhere:
            # the copy's reason, not the reprint's: the reprint records its own
            instead = for_store(said_later(N_("printed at {printer} instead"), printer=printer))
            _void(uow, elsewhere, instead)
            uow.record(
                "label_voided",
                order_id=elsewhere[0].order_id,
                parcel_id=parcel_id,
                jobs=[j.id for j in elsewhere],
                reason=instead,
            )
    waits = still_queued(jobs)
    if waits:  # with the printer off, each reprint queued one more: all came out when it was back
        raise UserError(waits)
    original = next((j for j in jobs if j.reprint_of is None), jobs[0])
    job = queue_job(
        uow,
        redrawn.rendered if redrawn else Rendered(original.language, original.content, ()),
        kind=PrintKind.LABEL,
        printer=printer or original.printer,
        order_id=original.order_id,
        parcel_id=parcel_id,
        reprint_of=original.id,
        reason=reason,
    )
    count = sum(1 for j in jobs if j.reprint_of is not None) + 1
    uow.record(
        "label_reprinted",
        order_id=original.order_id,
        parcel_id=parcel_id,
        job_id=job.id,
        reprint_of=original.id,
        reason=reason,
        count=count,
        **({"piece": list(redrawn.piece)} if redrawn else {}),
    )
    return job


# the events that say which piece (件 n/m) a parcel's label printed, the last one holding
PIECE_EVENTS = ("documents_queued", "print_adopted", "label_reprinted")


def _printed_pieces(uow: UnitOfWork, order_id: int) -> dict[int, tuple[int, int]]:
    """Each parcel's piece as its newest label prints it (labels older than this record have
    none, and are left out)."""
    rows = uow.session.exec(
        select(Event.parcel_id, Event.payload)
        .where(Event.order_id == order_id, col(Event.kind).in_(PIECE_EVENTS))
        .order_by(col(Event.id))
    )
    printed: dict[int, tuple[int, int]] = {}
    for parcel_id, payload in rows:
        piece = json.loads(payload or "{}").get("piece")
        if parcel_id is not None and isinstance(piece, list) and len(piece) == 2:
            printed[parcel_id] = (int(piece[0]), int(piece[1]))
    return printed


@dataclass(frozen=True)
class WrongPiece:
    """A label on a box still here that counts it otherwise than the courier will (a box of
    the order was voided since it printed)."""

    parcel_id: int
    tracking_no: str
    printed: tuple[int, int]
    now: tuple[int, int]


def _piece_now(uow: UnitOfWork, parcel: Parcel) -> tuple[tuple[int, int], bool]:
    """The parcel's piece now, and whether every unit of the order is in a box (else how many
    boxes go may still grow)."""
    read = documents.contents(uow, parcel.order_id, parcel.id)
    return read.piece(parcel.seq), read.unpacked == 0


def _is_wrong(printed: tuple[int, int], now: tuple[int, int], settled: bool) -> bool:
    if printed[0] != now[0]:
        return True
    # "件 1" (how many not known yet) is not wrong; a count is, once the boxes are all known
    return settled and bool(printed[1]) and bool(now[1]) and printed[1] != now[1]


def wrong_pieces(uow: UnitOfWork, order_id: int) -> list[WrongPiece]:
    """The order's labelled boxes still here whose label prints a piece (件 n/m) that is not
    theirs now: reprint them (in transaction)."""
    printed = _printed_pieces(uow, order_id)
    if not printed:
        return []
    boxes = uow.session.exec(
        select(Parcel)
        .where(
            Parcel.order_id == order_id,
            col(Parcel.tracking_no).is_not(None),
            col(Parcel.status).in_([ParcelStatus.LABELLED, ParcelStatus.PACKED]),
        )
        .order_by(col(Parcel.seq))
    ).all()
    wrong = []
    for box in boxes:
        was = printed.get(box.id or 0)
        if was is None:
            continue
        now, settled = _piece_now(uow, box)
        if _is_wrong(was, now, settled):
            wrong.append(WrongPiece(box.id or 0, box.tracking_no or "", was, now))
    return wrong


def _piece_text(piece: tuple[int, int]) -> str:
    place, count = piece
    return f"件 {place}/{count}" if count else f"件 {place}"


def wrong_pieces_sentence(wrong: list[WrongPiece]) -> str:
    """What the bench and the lead are told of labels with a wrong piece, or ""."""
    if not wrong:
        return ""
    said = [f"{w.tracking_no} ({_piece_text(w.printed)} → {_piece_text(w.now)})" for w in wrong]
    return ngettext(
        "Label {labels} counts its box wrongly since a box was voided: reprint it with a "
        "reason before it goes.",
        "Labels {labels} count their boxes wrongly since a box was voided: reprint them with "
        "a reason before they go.",
        len(wrong),
    ).format(labels=listed(said))


def _redrawn(
    uow: UnitOfWork, settings: Settings, parcel: Parcel, jobs: list[PrintJob], printer: str
) -> Redrawn | None:
    """The parcel's label drawn again when its stored bytes will not do: they print a wrong
    piece, or are for a printer of another language than ``printer`` (in transaction)."""
    live = [j for j in jobs if j.status in LIVE]
    if not live or not parcel.tracking_no:
        return None
    wrong = any(w.parcel_id == parcel.id for w in wrong_pieces(uow, parcel.order_id))
    if not wrong and (not printer or live[-1].language == settings.printing.language):
        return None
    data = documents.label_data(uow, settings, parcel, parcel.tracking_no)
    rendered = documents.render_parcel_label(settings, data)
    return Redrawn(rendered, (data.parcel_seq, data.parcel_count))


_DEAD_WAYBILL = N_(
    "The label of parcel {code} was voided; a reprint would carry a dead waybill: "
    "release the order to a bench, where its goods get a new box and label."
)


def _refuse_cancelled(order: Order) -> None:
    if order.status == OrderStatus.CANCELLED:
        raise UserError(
            _(
                "Order {order} is cancelled: its label must not go out again; void it "
                "(F8, or label --void) and put the goods back on the shelves."
            ).format(order=order.order_no)
        )


def reprint(
    uow: UnitOfWork,
    *,
    parcel_id: int,
    reason: str,
    settings: Settings | None = None,
    printer: str = "",
) -> PrintJob:
    """Queue the stored bytes of the parcel's label again, with a reason; commits.  A void
    parcel's waybill is dead: it is refused.  With ``settings``, a label whose piece (件 n/m)
    is wrong since a box was voided is drawn again; ``printer``: print it there (the bench's
    own) rather than where it went first."""
    with uow:
        # the order, then the parcel: a void or a bench's action on them ends first
        order = claims.lock_order(uow, _parcel(uow, parcel_id).order_id)
        parcel = claims.lock_parcel(uow, parcel_id)
        if parcel.status == ParcelStatus.VOID:
            raise UserError(_(_DEAD_WAYBILL).format(code=parcel.tracking_no or parcel.id))
        if order is not None:
            _refuse_cancelled(order)
        jobs = label_jobs(uow, parcel_id)
        redrawn = _redrawn(uow, settings, parcel, jobs, printer) if settings else None
        job = _queue_reprint(uow, parcel_id, reason, jobs=jobs, printer=printer, redrawn=redrawn)
        uow.commit()
    return job


def reprint_order_label(uow: UnitOfWork, *, order_id: int, reason: str) -> PrintJob:
    """Print first: the waybill a batch printed for an order without a parcel, again; commits."""
    with uow:
        order = uow.session.get(Order, order_id)
        if order is None:
            raise UserError(_("Order {id} does not exist.").format(id=order_id))
        _refuse_cancelled(order)
        jobs = [j for j in _batch_jobs(uow, order) if j.kind == PrintKind.LABEL]
        if not jobs:
            voided = uow.session.exec(
                select(Parcel.tracking_no).where(
                    Parcel.order_id == order_id,
                    Parcel.status == ParcelStatus.VOID,
                    col(Parcel.tracking_no).is_not(None),
                )
            ).first()
            if voided:  # its only label was voided: the goods go into a new box at a bench
                raise UserError(_(_DEAD_WAYBILL).format(code=voided))
            raise UserError(
                _("Order {order} has no label to reprint yet; print its label first.").format(
                    order=order.order_no
                )
            )
        job = _queue_reprint(uow, None, reason, jobs=jobs)
        uow.commit()
    return job


def check_label_scan(uow: UnitOfWork, *, parcel_id: int, scanned: str) -> bool:
    """The printed label scanned back must carry this parcel's number (in transaction).

    On a mismatch the label is voided and a reprint queued with the reason; returns False."""
    parcel = _parcel(uow, parcel_id)
    got = normalise(scanned)
    if parcel.tracking_no and got == parcel.tracking_no:
        uow.record("label_checked", order_id=parcel.order_id, parcel_id=parcel_id, tracking_no=got)
        return True
    reason = for_store(
        said_later(
            N_("label check: scanned {got}, expected {expected}"),
            got=got or "-",
            expected=parcel.tracking_no or "-",
        )
    )
    void_parcel_labels(uow, parcel_id=parcel_id, reason=reason)
    _queue_reprint(uow, parcel_id, reason)
    return False


def preview_png(uow: UnitOfWork, *, job_id: int) -> bytes:
    """What a stored job prints, parsed back from its bytes, as PNG.

    Works inside the caller's open unit of work or, given one not yet entered, in its own."""
    if getattr(uow, "_session", None) is None:
        with uow:
            return preview_png(uow, job_id=job_id)
    job = uow.session.get(PrintJob, job_id)
    if job is None:
        raise UserError(_("Print job {id} does not exist.").format(id=job_id))
    return render_preview(job.language, job.content)


def parcel_label_preview_png(uow: UnitOfWork, *, parcel_id: int, settings: Settings) -> bytes:
    """The parcel's label as it would print, queueing and allocating nothing.

    A parcel with a label shows that label's stored bytes; otherwise the label is drawn with the
    number it would get (its own, the order's, or the next of the carrier's range)."""
    parcel = _parcel(uow, parcel_id)
    live = [j for j in label_jobs(uow, parcel_id) if j.status in LIVE]
    if live:
        return render_preview(live[-1].language, live[-1].content)
    return _draw_preview(uow, settings, parcel)


def _draw_preview(uow: UnitOfWork, settings: Settings, parcel: Parcel) -> bytes:
    order = _order(uow, parcel.order_id)
    number = expected_tracking_no(uow, settings, parcel, order)
    if not number:
        raise UserError(
            _(
                "{carrier} has no waybill number range and this order came without a tracking "
                "number; set carriers.{carrier}.waybill_range in the configuration or scan a "
                "pre-printed waybill."
            ).format(carrier=parcel.carrier)
        )
    rendered = documents.render_parcel_label(
        settings, documents.label_data(uow, settings, parcel, number)
    )
    return render_preview(rendered.language, rendered.content)


def order_label_preview_png(
    uow: UnitOfWork, *, order_id: int, settings: Settings, seq: int = 1
) -> bytes:
    """An order's label as it would print: its ``seq``-th parcel's, counted as the label counts
    them (件 n/m: void boxes left out), or (no such parcel yet) the waybill a batch printed for
    it, or the one ``packstation label`` would print now.  Queues nothing.  A box voided while
    open is not shown: the box that goes takes the order's waybill, not the void one's."""
    parcel = going_parcel(uow, order_id, seq)
    if parcel is not None and parcel.id is not None:
        return parcel_label_preview_png(uow, parcel_id=parcel.id, settings=settings)
    order = _order(uow, order_id)
    batch = [j for j in _batch_jobs(uow, order) if j.kind == PrintKind.LABEL]
    if batch:
        return render_preview(batch[-1].language, batch[-1].content)
    return _draw_preview(uow, settings, Parcel(order_id=order_id, seq=seq, carrier=order.carrier))


def going_parcel(uow: UnitOfWork, order_id: int, seq: int) -> Parcel | None:
    """The order's ``seq``-th parcel as its label counts them (件 n/m: void boxes left out)."""
    parcels = uow.session.exec(select(Parcel).where(Parcel.order_id == order_id)).all()
    places = courier_places((p.seq, p.status) for p in parcels)
    return next((p for p in parcels if places.get(p.seq) == seq), None)


def label_counts(uow: UnitOfWork, order_id: int) -> dict[str, int]:
    """Labels, reprints and voids of an order, for ``order show`` and the lead's screens."""
    jobs = list(
        uow.session.exec(
            select(PrintJob).where(PrintJob.order_id == order_id, PrintJob.kind == PrintKind.LABEL)
        )
    )
    return {
        "labels": sum(1 for j in jobs if j.reprint_of is None),
        "reprints": sum(1 for j in jobs if j.reprint_of is not None),
        "voids": sum(1 for j in jobs if j.status == PrintStatus.VOID),
    }
