"""Print first, pick after: the waybills and packing slips of a batch of orders, with a pick list.

Called by ``packstation print batch`` and the lead's application, and by ``packstation label``
for an order that has no parcel yet.  Each order's tracking number is bound to the order when its
waybill is printed (``tracking.bind_to_order``); at the bench, scanning that waybill opens the
order and its first parcel adopts the printed jobs (``printing.add_parcel_documents``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Exists, exists
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, PrintKind, PrintStatus
from packstation.errors import NothingToDo, UserError
from packstation.i18n import _
from packstation.labels.render import Rendered
from packstation.services import documents, tracking
from packstation.services.printing import LIVE, queue_job
from packstation.store.models import Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork


def _transient_parcel(order: Order) -> Parcel:
    """The first parcel as it will be, for drawing its label before it exists."""
    assert order.id is not None
    return Parcel(order_id=order.id, seq=1, carrier=order.carrier)


def _live_label(order_id: Any) -> Exists:
    """A waybill of the order that is queued, out or printed (not voided)."""
    return exists().where(
        col(PrintJob.order_id) == order_id,
        col(PrintJob.kind) == PrintKind.LABEL,
        col(PrintJob.status).in_(LIVE),
    )


def has_label(uow: UnitOfWork, order_id: int) -> bool:
    return bool(uow.session.exec(select(_live_label(order_id))).one())


def queue_order_documents(
    uow: UnitOfWork, settings: Settings, order: Order, *, batch: str = ""
) -> list[PrintJob]:
    """An order's waybill and packing slip before it has a parcel (in transaction)."""
    number = tracking.bind_to_order(uow, settings, order)
    parcel = _transient_parcel(order)
    label = documents.render_parcel_label(
        settings, documents.label_data(uow, settings, parcel, number)
    )
    slip = documents.render_order_slip(settings, documents.slip_data(uow, settings, order, number))
    return [
        queue_job(
            uow,
            label,
            kind=PrintKind.LABEL,
            printer=documents.label_printer(settings),
            order_id=order.id,
            parcel_id=None,
            batch=batch,
        ),
        queue_job(
            uow,
            slip,
            kind=PrintKind.SLIP,
            printer=documents.slip_printer(settings),
            order_id=order.id,
            parcel_id=None,
            batch=batch,
        ),
    ]


@dataclass(frozen=True)
class BatchResult:
    batch: str
    order_nos: tuple[str, ...]
    jobs: tuple[int, ...]


def due_orders(
    uow: UnitOfWork, *, due: dt.date, carrier: str | None, limit: int | None
) -> list[Order]:
    """Ready orders due by ``due`` without a waybill yet, in a stable order (due, paid, id),
    locked until the batch commits.  On PostgreSQL one that is locked already (a bench claiming
    it, another batch printing it) is skipped: it is not printed twice, and no bench waits."""
    query = (
        select(Order)
        .where(
            Order.status == OrderStatus.READY,
            col(Order.due_date) <= due,
            ~_live_label(Order.id),
        )
        .order_by(col(Order.due_date), col(Order.paid_at), col(Order.id))
    )
    if carrier:
        query = query.where(Order.carrier == carrier.upper())
    if limit is not None:
        query = query.limit(limit)
    return list(uow.session.exec(query.with_for_update(skip_locked=True)))


def print_batch(
    uow: UnitOfWork,
    settings: Settings,
    *,
    due: dt.date,
    carrier: str | None = None,
    limit: int | None = None,
) -> BatchResult:
    """Queue a pick list, then a waybill and a slip per order; commits."""
    with uow:
        orders = due_orders(uow, due=due, carrier=carrier, limit=limit)
        if not orders:
            raise NothingToDo(
                _("No ready order due by {due} is without a waybill; nothing to print.").format(
                    due=due.isoformat()
                )
            )
        now = documents.local_now(settings)
        batch = f"B{now:%Y%m%d-%H%M%S}"
        filters = f"≤{due.isoformat()}" + (f" {carrier.upper()}" if carrier else "")
        pick = documents.render_batch_pick_list(
            settings,
            documents.pick_list_data(uow, settings, orders, batch=batch, filters=filters),
        )
        jobs = [
            queue_job(
                uow,
                pick,
                kind=PrintKind.PICK_LIST,
                printer=documents.slip_printer(settings),
                order_id=None,
                parcel_id=None,
                batch=batch,
            )
        ]
        for order in orders:
            try:
                jobs.extend(queue_order_documents(uow, settings, order, batch=batch))
            except UserError as exc:  # nothing of the batch is stored: say which order stopped it
                raise UserError(
                    _(
                        "Order {order} ({carrier}) stops the batch: {problem} To print the others "
                        "first, give --carrier."
                    ).format(order=order.order_no, carrier=order.carrier, problem=exc)
                ) from None
        uow.record("batch_printed", batch=batch, orders=[o.order_no for o in orders])
        uow.commit()
    return BatchResult(batch, tuple(o.order_no for o in orders), tuple(j.id or 0 for j in jobs))


def reprint_batch(uow: UnitOfWork, *, batch: str, reason: str) -> BatchResult:
    """The stored bytes of a batch's pick list, waybills and slips again, with a reason; commits."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("A reprint needs a reason; say why the label is printed again."))
    with uow:
        originals = list(
            uow.session.exec(
                select(PrintJob)
                .where(
                    PrintJob.batch == batch,
                    col(PrintJob.reprint_of).is_(None),
                    PrintJob.status != PrintStatus.VOID,
                )
                .order_by(col(PrintJob.id))
            )
        )
        if not originals:
            raise UserError(_("No batch {batch} was printed; check the name.").format(batch=batch))
        waiting = next((j for j in originals if j.status == PrintStatus.QUEUED), None)
        if waiting is not None:
            # with the printer off, a reprint queued a second copy of each: both came out
            raise UserError(
                _(
                    "Batch {batch} has not printed yet: it waits in the queue for {printer} and "
                    "prints when that printer is ready; a reprint now would print it twice."
                ).format(batch=batch, printer=waiting.printer)
            )
        jobs = [
            queue_job(
                uow,
                Rendered(j.language, j.content, ()),
                kind=j.kind,
                printer=j.printer,
                order_id=j.order_id,
                parcel_id=j.parcel_id,
                batch=batch,
                reprint_of=j.id,
                reason=reason,
            )
            for j in originals
        ]
        for original, job in zip(originals, jobs, strict=True):
            # each a reprint on record, as a lead's reprint of one label is (the audit asks)
            uow.record(
                "label_reprinted",
                order_id=original.order_id,
                parcel_id=original.parcel_id,
                job_id=job.id,
                reprint_of=original.id,
                reason=reason,
                batch=batch,
            )
        order_ids = sorted({j.order_id for j in originals if j.order_id is not None})
        orders = [uow.session.get(Order, i) for i in order_ids]
        uow.record("batch_reprinted", batch=batch, reason=reason, jobs=len(jobs))
        uow.commit()
    return BatchResult(
        batch, tuple(o.order_no for o in orders if o), tuple(j.id or 0 for j in jobs)
    )
