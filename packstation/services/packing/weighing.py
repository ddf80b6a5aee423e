"""Weighing a closed box, queueing its label and slip, and packing it."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.lifecycle import check_move
from packstation.domain.packing import MAX_WEIGHT_G
from packstation.domain.status import (
    OrderStatus,
    ParcelStatus,
    PrintStatus,
    WeightSource,
)
from packstation.errors import UserError
from packstation.i18n import N_, _
from packstation.services import documents, printing
from packstation.services.claims import clear_claim, held_order
from packstation.services.packing.boxes import (
    all_ticked,
    ensure_box,
    live_box,
    waits_for_weight,
)
from packstation.services.packing.plan import plan_changed
from packstation.services.packing.quick_weighing import weigh_plainly
from packstation.services.packing.voiding import drop_empty_boxes
from packstation.services.packing.weights import WeighResult, Weight, accepted
from packstation.store.models import Order, Parcel, PrintJob, ProductBarcode
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

# said by the reprint, and by the bench before it asks for a reason
NO_LABEL_YET = N_("No label has been printed for this order yet.")


def _queue_documents(
    uow: UnitOfWork, parcel: Parcel, settings: Settings, drafts: printing.Drafts | None = None
) -> list[PrintJob]:
    assert parcel.id is not None
    return printing.add_parcel_documents(uow, parcel_id=parcel.id, settings=settings, drafts=drafts)


def _draft_documents(
    uow: UnitOfWork, weight: Weight, settings: Settings, *, number_first: bool
) -> printing.Drafts | None:
    """Before the weighing transaction: draw the label and slip a weight will queue, so that the
    store is not held while they are drawn.  What the documents will say is read without the
    write lock, with the waybill number the parcel would get (``printing.expected_tracking_no``:
    another bench may take it first, and the weighing then finds out).  ``number_first``: it is
    read in a short transaction that first gives the parcel its number (it stays the parcel's
    whatever happens next; the transaction carries no action id, so a retried weighing still
    runs).  None when the weight will not be accepted or the box is not waiting for one: the
    weighing transaction then decides alone."""
    with UnitOfWork(uow.engine, bench=uow.bench, user=uow.user, readonly=not number_first) as tx:
        data = _documents_to_draw(tx, weight, settings, number_first=number_first)
        if number_first:
            tx.commit()
    return printing.draw_parcel_documents(settings, data) if data else None


def _documents_to_draw(
    tx: UnitOfWork, weight: Weight, settings: Settings, *, number_first: bool
) -> printing.DocumentData | None:
    if number_first:
        order: Order | None = held_order(tx, weight.order_id)
    else:
        order = tx.session.get(Order, weight.order_id)
    box = live_box(tx, weight.order_id)
    if order is None or order.claimed_bench != tx.bench:
        return None
    if not waits_for_weight(box) or not _accepted(weight.grams, box, weight.source, settings):
        return None
    expected = printing.expected_tracking_no(tx, settings, box, order)
    data = printing.read_parcel_documents(
        tx, order=order, parcel=box, settings=settings, weight_g=weight.grams, number=expected
    )
    if number_first:
        # taken last: on PostgreSQL the carrier's row stays locked from here to the commit
        number = printing.decide_tracking_no(tx, settings, box, order)
        if data is not None and number != expected:
            data = data.numbered(number)
    return data


def _accepted(grams: int, box: Parcel, source: WeightSource, settings: Settings) -> bool:
    return accepted(grams, box.expected_weight_g or 0, source, settings)


def _finish_box(
    uow: UnitOfWork, order: Order, box: Parcel, settings: Settings, now: dt.datetime
) -> bool:
    """Box labelled (and checked): pack it; pack the order when nothing is left.  True when the
    order is packed."""
    box.status = ParcelStatus.PACKED
    box.packed_at = now
    uow.session.add(box)
    uow.record("box_packed", order_id=order.id, parcel_id=box.id, seq=box.seq)
    if all_ticked(uow, order.id or 0):
        drop_empty_boxes(uow, order.id or 0)  # voided at the last tick already, as a rule
        check_move(order.status, OrderStatus.PACKED)
        order.status = OrderStatus.PACKED
        order.packed_at = now
        order.updated_at = now
        clear_claim(order)
        uow.session.add(order)
        uow.record("order_packed", order_id=order.id, boxes=box.seq)
        return True
    ensure_box(uow, order.id or 0, order.carrier, settings)
    return False


def weigh(
    uow: UnitOfWork,
    *,
    order_id: int,
    grams: int,
    source: WeightSource,
    settings: Settings,
    lead: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> WeighResult:
    """A weight for the closed box: a stable scale reading or a typed weight is accepted inside
    the tolerance, refused (and recorded) outside; a lead's override accepts it anyway.  An
    accepted weight queues the label and slip in the same transaction (drawn just before it,
    see ``_draft_documents``)."""
    now = now or utcnow()
    if grams <= 0:
        raise UserError(_("A weight must be more than 0 g; put the box on the scale."))
    if grams > MAX_WEIGHT_G:
        raise UserError(
            _(
                "{grams} g is more than any parcel weighs (at most {most} kg); weigh it again."
            ).format(grams=grams, most=MAX_WEIGHT_G // 1000)
        )
    weight = Weight(order_id, grams, source, lead, reason, now)
    numbered_first = not guesses_numbers(uow)
    plain = weigh_plainly(uow, weight, settings, number_first=numbered_first)
    if plain is not None:
        return plain
    while True:
        drafts = _draft_documents(uow, weight, settings, number_first=numbered_first)
        result = _weigh_box(uow, weight, settings, drafts, drawn_numbered=numbered_first)
        if result is not None:
            return result
        numbered_first = True  # another bench took the guessed number: number the box first


def guesses_numbers(uow: UnitOfWork) -> bool:
    """Draw a box's documents with the number it would get, and take the number in the
    weighing itself (one writing transaction less), rather than number the box first?

    On SQLite the benches' writers take turns, so another bench almost never takes the guessed
    number meanwhile (once in 300 weighings with four benches).  On PostgreSQL the benches of
    one carrier weigh at the same moment: with sixteen benches two guesses in three lost, and
    each lost guess costs a weighing transaction and a drawing more than numbering first."""
    return uow.engine.dialect.name == "sqlite"


def _weigh_box(
    uow: UnitOfWork,
    weight: Weight,
    settings: Settings,
    drafts: printing.Drafts | None,
    *,
    drawn_numbered: bool,
) -> WeighResult | None:
    """The weighing transaction.  None (and nothing written) when the box's new waybill number
    is not the one the drafts were drawn with (unless ``drawn_numbered``: they were drawn after
    the box got its number, and are used only where they still match)."""
    order_id, grams, source, now = weight.order_id, weight.grams, weight.source, weight.now
    lead, reason = weight.lead, weight.reason
    # What the transaction reads after it starts changing the box (the parcel's contents and
    # carrier, the order's lines and parcels) does not depend on those changes, so the session
    # writes them all once, at the commit, rather than before each read.
    with uow, uow.session.no_autoflush:
        order = held_order(uow, order_id)
        box = live_box(uow, order_id)
        if not waits_for_weight(box):
            raise UserError(
                _(
                    "No box is waiting to be weighed: tick every item first, or close the box with F3."
                )
            )
        expected = box.expected_weight_g or 0
        if source is WeightSource.OVERRIDE and not (lead and reason.strip()):
            raise UserError(_("An override needs a lead and a reason."))
        if not _accepted(grams, box, source, settings):
            uow.record(
                "weight_refused",
                order_id=order_id,
                parcel_id=box.id,
                grams=grams,
                expected_g=expected,
                source=str(source),
            )
            uow.commit()
            return WeighResult(
                False,
                grams,
                expected,
                _(
                    "Weight {grams} g is outside {expected} g ± {room} g: re-check the box, or ask a lead to override."
                ).format(grams=grams, expected=expected, room=settings.weighing.room(expected)),
            )
        box.measured_weight_g = grams
        box.weight_source = str(source)
        box.weighed_at = now
        box.status = ParcelStatus.WEIGHED
        # packed by whoever weighs it: the box may have been opened by a packer who left (a
        # restart, a lease taken over) or by the lead's split
        box.packer, box.bench = uow.user, uow.bench
        uow.session.add(box)
        uow.record(
            "weight_accepted",
            order_id=order_id,
            parcel_id=box.id,
            grams=grams,
            expected_g=expected,
            source=str(source),
            lead=lead,
            reason=reason,
        )
        if drafts is not None and not drawn_numbered:
            number = printing.decide_tracking_no(uow, settings, box, order)
            if number != drafts.label_data.tracking_no:
                return None  # leaving the transaction rolls it back
        queued = _queue_documents(uow, box, settings, drafts)
        jobs = len(queued)
        box.status = ParcelStatus.LABELLED
        uow.session.add(box)
        packed = False
        await_scan = settings.bench.label_check
        planned = ""
        if not await_scan:
            packed = _finish_box(uow, order, box, settings, now)
            # the next box opened beyond a lead's split: the packer is told the plan
            planned = "" if packed else plan_changed(uow, order_id)
        uow.commit()
        said, printer = _("Weight {grams} g accepted; label {tracking} queued."), ""
        if queued and all(job.batch for job in queued):  # nothing was queued: it said so
            said, printer = _batch_label_said(queued, settings)
        said = said.format(grams=grams, tracking=box.tracking_no or "", printer=printer)
        wrong = printing.wrong_pieces_sentence(printing.wrong_pieces(uow, order_id))
        return WeighResult(
            True,
            grams,
            expected,
            "  ".join(s for s in (said, wrong, planned) if s),
            jobs,
            packed,
            await_scan,
        )


def _batch_label_said(queued: list[PrintJob], settings: Settings) -> tuple[str, str]:
    """What the bench says of a label a batch printed (print first): where it was sent, when
    that is another printer than this bench's (it did not come out here): the sentence, and
    that printer ("" when it is this bench's)."""
    here = documents.label_printer(settings)
    elsewhere = printing.label_elsewhere(queued, here)
    if elsewhere is None:
        return _("Weight {grams} g accepted; its label {tracking} was printed with the batch."), ""
    if elsewhere.status == PrintStatus.QUEUED:
        said = _(
            "Weight {grams} g accepted; its label {tracking} was printed with the batch and "
            "waits for printer {printer}, not this bench's: fetch it there, or reprint it here "
            "(F7) with a reason."
        )
    else:
        said = _(
            "Weight {grams} g accepted; its label {tracking} was printed with the batch and "
            "sent to printer {printer}, not this bench's: fetch it there, or reprint it here "
            "(F7) with a reason."
        )
    return said, elsewhere.printer


def refuse_override(uow: UnitOfWork, *, order_id: int, lead: str, why: str) -> None:
    """Record an override attempt that failed (wrong PIN, not a lead)."""
    with uow:
        uow.record("override_refused", order_id=order_id, lead=lead, why=why)
        uow.commit()


def check_label(
    uow: UnitOfWork, *, order_id: int, code: str, settings: Settings, now: dt.datetime | None = None
) -> tuple[bool, bool]:
    """The packer scanned the printed label: (it is this box's, the order is now packed)."""
    now = now or utcnow()
    with uow:
        order = held_order(uow, order_id)
        box = live_box(uow, order_id)
        if box is None or box.status != ParcelStatus.LABELLED:
            raise UserError(_("No label is waiting to be checked."))
        if _is_item(uow, code):
            # an item scanned too soon: the label on the box may be right, and was voided
            raise UserError(
                _(
                    "{code} is an item, not a label: scan the label printed for this box "
                    "({number}) first."
                ).format(code=code.strip(), number=box.tracking_no or "-")
            )
        # a wrong label is voided and a new one queued by the printing service
        ok = printing.check_label_scan(uow, parcel_id=box.id or 0, scanned=code)
        if not ok:
            uow.record("label_check_failed", order_id=order_id, parcel_id=box.id, code=code)
        packed = _finish_box(uow, order, box, settings, now) if ok else False
        if ok and not packed:
            plan_changed(uow, order_id)  # recorded for the lead (the bench says the next box)
        uow.commit()
        return ok, packed


def _is_item(uow: UnitOfWork, code: str) -> bool:
    found = uow.session.exec(
        select(ProductBarcode.id).where(ProductBarcode.code == code.strip())
    ).first()
    return found is not None


def _last_labelled(uow: UnitOfWork, order_id: int) -> Parcel | None:
    return uow.session.exec(
        select(Parcel)
        .where(
            Parcel.order_id == order_id,
            col(Parcel.status).in_([ParcelStatus.LABELLED, ParcelStatus.PACKED]),
        )
        .order_by(col(Parcel.seq).desc())
        .limit(1)
    ).first()


def reprint_refusal(uow: UnitOfWork, *, order_id: int, settings: Settings | None = None) -> str:
    """Why the order's label cannot be reprinted now, or "": asked before the bench asks for
    a reason (it asked, then said the label had not printed yet).  With ``settings``, a label
    waiting for another printer than this bench's is no reason: the reprint prints it here
    and that one never comes out."""
    with uow:
        box = _last_labelled(uow, order_id)
        if box is None:
            return _(NO_LABEL_YET)
        jobs = printing.label_jobs(uow, box.id or 0)
        if settings is not None:
            here = documents.label_printer(settings)
            jobs = [j for j in jobs if j.printer == here]
        return printing.still_queued(jobs)


def reprint(
    uow: UnitOfWork, *, order_id: int, reason: str, settings: Settings | None = None
) -> str:
    """Reprint the label of the order's last labelled box (with ``settings``: on this bench's
    printer, drawn again if its piece 件 n/m is wrong now); returns its tracking number."""
    with uow:
        box = _last_labelled(uow, order_id)
        if box is None:
            raise UserError(_(NO_LABEL_YET))
        parcel_id, number = box.id or 0, box.tracking_no or ""
    here = documents.label_printer(settings) if settings else ""
    printing.reprint(uow, parcel_id=parcel_id, reason=reason, settings=settings, printer=here)
    return number
