"""Courier handover: parcels scanned into a bag, cage or pickup for one carrier, then sealed.

Called by the lead application's handover screen and by ``packstation manifest``.  Sealing turns
the parcels and (when all their parcels went) their orders ``handed_over``, queues the printed
list in the print outbox (kind ``manifest``) and returns the rows for the CSV file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.lifecycle import can_move
from packstation.domain.packing import courier_places
from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.domain.tracking import normalise
from packstation.errors import UserError
from packstation.i18n import (
    N_,
    _,
    for_store,
    kept,
    listed,
    ngettext,
    said_later,
    said_together,
    translated,
)
from packstation.os_problems import os_problem
from packstation.services.carriers import courier_refused
from packstation.services.claims import lock_order, lock_parcel
from packstation.services.manifest_print import list_printer, render_manifest
from packstation.services.packing.voiding import leave_open_handover
from packstation.services.retry import AlreadyApplied
from packstation.services.status_names import (
    parcel_status_label,
    status_label,
    status_said_later,
)
from packstation.store.models import Carrier, Event, Handover, Order, Parcel, PrintJob
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

KINDS = ("bag", "cage", "pickup")
# why a parcel in an open handover comes out at the seal: its label waits in the print queue
LABEL_NOT_PRINTED = N_("label not printed")
# said by the seal, and by the lead's screen before it asks for the courier's name
EMPTY_HANDOVER = N_("The handover is empty; scan parcels into it before sealing.")

T = TypeVar("T")


class Runner(Protocol):
    """Runs one action in a unit of work of its own (``services.retry.run_action``, or a plain
    call); raises ``AlreadyApplied`` when a retry found that an earlier attempt committed.
    ``readonly``: the action only reads (a read-only unit of work)."""

    def __call__(self, action: Callable[[UnitOfWork], T], /, *, readonly: bool = False) -> T: ...


class HandoverRefused(UserError):
    """A parcel that may not go into this handover; the message says why in one sentence."""


@dataclass(frozen=True)
class ManifestLine:
    tracking_no: str
    order_no: str
    parcel_seq: int
    weight_g: int
    handover_id: int
    # why the parcel comes out at the seal (its order on hold or cancelled, its label voided
    # since it went in), as the screen says it; "" for a parcel that goes
    stopped: str = ""


@dataclass(frozen=True)
class TakenOut:
    """A parcel scanned into an open handover and taken out of it since by something else than
    the lead's taking it out: its label voided (a courier changed, the order cancelled), or its
    address corrected (its label is printed again).  It may still lie in the bag or cage."""

    tracking_no: str
    order_no: str
    why: str  # as the screen says it


@dataclass(frozen=True)
class Manifest:
    carrier: str
    carrier_name: str
    date: dt.date
    handover_ids: list[int]
    kind: str
    courier_name: str
    sealed_at: dt.datetime | None
    lines: list[ManifestLine] = field(default_factory=list)
    # an open handover's parcels taken out since they were scanned in (``TakenOut``)
    taken_out: tuple[TakenOut, ...] = ()

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total_weight_g(self) -> int:
        return sum(line.weight_g for line in self.lines)


@dataclass(frozen=True)
class ScannedParcel:
    parcel_id: int
    tracking_no: str
    order_no: str
    weight_g: int
    count: int  # parcels now in the handover


@dataclass(frozen=True)
class SealedHandover:
    manifest: Manifest
    print_job_id: int | None
    csv_path: Path | None
    # tracking numbers taken out at the seal: the parcel's label was voided, or its order
    # cancelled or put on hold, after it went in (the courier must not take it)
    kept_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaitingParcel:
    parcel_id: int
    tracking_no: str
    order_no: str
    carrier: str
    weight_g: int
    packed_at: dt.datetime | None
    handover_id: int | None  # in an open (unsealed) handover
    # the printer its label waits for in the print queue (out of paper, off); "" once printed
    label_waits: str = ""


def shop_couriers(settings: Settings) -> list[str]:
    """The carriers a handover is opened for: those configured and the default one."""
    default = settings.shipping.default_carrier.strip().upper()
    return sorted(set(settings.carriers) | ({default} if default else set()))


def _carrier_row(uow: UnitOfWork, code: str, settings: Settings) -> Carrier:
    """The carrier's row; a carrier named in the settings is added to the store on first use.

    The table holds every built-in carrier (EMS, JD…), so a row found is no courier of the
    shop's: one that is not configured is refused, unless parcels of it wait to be handed over
    (an order the marketplace sent with it)."""
    code = code.strip().upper()
    refused = courier_refused(settings, code)
    if refused and _waiting_for(uow, code):
        refused = ""
    if refused:
        raise UserError(refused)
    row = uow.session.get(Carrier, code)
    if row is not None:
        return row
    row = Carrier(code=code, name=settings.carrier(code).name or code)
    uow.session.add(row)
    uow.flush()
    return row


def open_handover(
    uow: UnitOfWork,
    *,
    carrier: str,
    day: dt.date,
    settings: Settings,
    kind: str = "bag",
    courier_name: str = "",
) -> Handover:
    """Start a handover (or return the open one of that carrier, day and kind); commits."""
    if kind not in KINDS:
        raise UserError(
            _("A handover is a bag, a cage or a pickup, not '{kind}'.").format(kind=kind)
        )
    with uow:
        code = _carrier_row(uow, carrier, settings).code
        existing = uow.session.exec(
            select(Handover).where(
                Handover.carrier == code,
                Handover.date == day,
                Handover.kind == kind,
                col(Handover.sealed_at).is_(None),
            )
        ).first()
        if existing is not None:
            return existing
        handover = Handover(
            carrier=code, date=day, kind=kind, created_by=uow.user, courier_name=courier_name
        )
        uow.session.add(handover)
        uow.flush()
        assert handover.id is not None
        uow.record("handover_opened", handover_id=handover.id, carrier=code, handover_kind=kind)
        uow.commit()
        return handover


def _waiting_for(uow: UnitOfWork, code: str) -> bool:
    return (
        uow.session.exec(
            select(Parcel.id)
            .where(Parcel.carrier == code, Parcel.status == ParcelStatus.PACKED)
            .limit(1)
        ).first()
        is not None
    )


def discard_handover(uow: UnitOfWork, *, handover_id: int) -> None:
    """Throw away an open handover with nothing in it (opened by mistake: another carrier or
    kind); commits.  One with parcels, or sealed, is refused."""
    with uow:
        handover = _locked_handover(uow, handover_id)
        if handover.sealed_at is not None:
            raise UserError(_("Handover {id} is sealed; open a new one.").format(id=handover_id))
        inside = len(
            uow.session.exec(select(Parcel.id).where(Parcel.handover_id == handover_id)).all()
        )
        if inside:
            raise UserError(
                ngettext(
                    "Handover {id} holds {count} parcel; only an empty one is thrown away "
                    "(Ctrl+R takes a parcel out).",
                    "Handover {id} holds {count} parcels; only an empty one is thrown away "
                    "(Ctrl+R takes a parcel out).",
                    inside,
                ).format(id=handover_id, count=inside)
            )
        uow.record(
            "handover_discarded",
            handover_id=handover_id,
            carrier=handover.carrier,
            handover_kind=handover.kind,
        )
        uow.session.delete(handover)
        uow.commit()


def open_handovers(uow: UnitOfWork, *, day: dt.date) -> list[tuple[Handover, int]]:
    """The unsealed handovers of a day with how many parcels each holds."""
    with uow:
        handovers = uow.session.exec(
            select(Handover)
            .where(Handover.date == day, col(Handover.sealed_at).is_(None))
            .order_by(col(Handover.id))
        ).all()
        result = []
        for h in handovers:
            count = len(uow.session.exec(select(Parcel.id).where(Parcel.handover_id == h.id)).all())
            result.append((h, count))
        return result


def _find_parcel(uow: UnitOfWork, code: str) -> Parcel | None:
    """The parcel with this tracking number, scanned or typed as the label prints it (in
    groups, ``YT70 0000 0000 002``) or in lower case."""
    return uow.session.exec(
        select(Parcel).where(Parcel.tracking_no == normalise(code)).order_by(col(Parcel.id).desc())
    ).first()


# Locks, on PostgreSQL (SQLite's BEGIN IMMEDIATE already lets one writer in at a time), always in
# this order, as the benches and the lead's decisions take orders before their parcels:
# the handover, then the orders, then the parcels.  A scan waits for a seal of its handover (and
# then finds it sealed), and two scans of one parcel into two handovers take turns (the second
# finds it in the first) instead of both being told it went in.


def _locked_handover(uow: UnitOfWork, handover_id: int) -> Handover:
    handover = uow.session.exec(
        select(Handover).where(col(Handover.id) == handover_id).with_for_update()
    ).first()
    if handover is None:
        raise UserError(_("Handover {id} does not exist.").format(id=handover_id))
    return handover


def _locked_parcel(uow: UnitOfWork, code: str) -> tuple[Parcel | None, Order | None]:
    """The parcel with this tracking number and its order, both locked (the order first)."""
    found = _find_parcel(uow, code) if code else None
    if found is None or found.id is None:
        return None, None
    order = lock_order(uow, found.order_id)
    return lock_parcel(uow, found.id), order


def refusal(
    handover: Handover,
    parcel: Parcel | None,
    order: Order | None,
    code: str,
    *,
    label_waits: str = "",
) -> list[object] | None:
    """Why a parcel may not go into the handover (``i18n.said_later``: the event keeps it for
    every reader's language), or None when it may.  ``label_waits``: the printer the parcel's
    label waits for in the queue (``labels_waiting``)."""
    if handover.sealed_at is not None:
        return said_later(N_("Handover {id} is sealed; open a new one."), id=handover.id)
    if parcel is None or order is None:
        return said_later(
            N_("No parcel has the tracking number {code}; scan the label again."), code=code
        )
    if order.status == OrderStatus.CANCELLED:
        return said_later(
            N_("Order {order} was cancelled; keep the parcel out and return it to stock."),
            order=order.order_no,
        )
    if parcel.carrier != handover.carrier:
        return said_later(
            N_("Parcel {code} goes with {carrier}, not {wanted}; put it with its courier."),
            code=code,
            carrier=parcel.carrier,
            wanted=handover.carrier,
        )
    if parcel.handover_id == handover.id:
        return said_later(N_("Parcel {code} is already in this handover."), code=code)
    if parcel.handover_id is not None or parcel.status == ParcelStatus.HANDED_OVER:
        return said_later(
            N_("Parcel {code} is already in handover {id}."), code=code, id=parcel.handover_id
        )
    if parcel.status == ParcelStatus.VOID:
        return said_later(
            N_(
                "Parcel {code} has a void label; keep it out: its goods get a new box and label at a bench."
            ),
            code=code,
        )
    if order.status == OrderStatus.ON_HOLD:
        return said_later(
            N_(
                "Order {order} is on hold ({reason}); keep the parcel out until a lead releases it."
            ),
            order=order.order_no,
            reason=kept(order.hold_reason) or said_later(N_("no reason given")),
        )
    if not parcel.tracking_no or parcel.status != ParcelStatus.PACKED:
        return said_later(
            N_("Parcel {code} is not packed and labelled yet; finish it at a bench."), code=code
        )
    if label_waits:
        return said_later(
            N_(
                "The label of parcel {code} has not printed yet (it waits in the queue for "
                "{printer}); keep the parcel out until its label is printed and on the box."
            ),
            code=code,
            printer=label_waits,
        )
    return None


def labels_waiting(uow: UnitOfWork, parcel_ids: Iterable[int]) -> dict[int, str]:
    """The parcels among ``parcel_ids`` whose label has not printed: it waits in the print
    queue (a printer out of paper or off), with the printer it waits for.  Such a parcel has no
    label on it, or the wrong one (an address corrected), and must not go to the courier."""
    ids = sorted(set(parcel_ids))
    waits: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        for parcel_id, printer in uow.session.exec(
            select(PrintJob.parcel_id, PrintJob.printer)
            .where(
                col(PrintJob.parcel_id).in_(ids[start : start + 500]),
                PrintJob.kind == PrintKind.LABEL,
                PrintJob.status == PrintStatus.QUEUED,
            )
            .order_by(col(PrintJob.id))
        ):
            if parcel_id is not None:
                waits.setdefault(parcel_id, printer)
    return waits


def _order_number_scanned(uow: UnitOfWork, code: str) -> list[object] | None:
    """The refusal of an order's number scanned for a parcel's waybill (the packing slip's
    barcode), naming the order's waybills; None when ``code`` is no order number."""
    order = uow.session.exec(select(Order).where(Order.order_no == code.strip()).limit(1)).first()
    if order is None:
        return None
    waybills = uow.session.exec(
        select(Parcel.tracking_no)
        .where(
            Parcel.order_id == order.id,
            Parcel.status != ParcelStatus.VOID,
            col(Parcel.tracking_no).is_not(None),
        )
        .order_by(col(Parcel.seq))
    ).all()
    if not waybills:
        return said_later(
            N_(
                "{code} is an order number, not a waybill; order {code} has no labelled parcel yet."
            ),
            code=order.order_no,
        )
    return said_later(
        N_(
            "{code} is an order number, not a waybill; scan the parcel's label (its waybill: "
            "{waybills})."
        ),
        code=order.order_no,
        waybills=said_together([w for w in waybills if w], ", "),
    )


def scan_parcel(uow: UnitOfWork, *, handover_id: int, code: str) -> ScannedParcel:
    """Put a parcel (by its tracking number) into an open handover; commits.

    Raises ``HandoverRefused`` for a parcel of another carrier, without a label, of a cancelled
    order or already in a handover.
    """
    code = code.strip()
    with uow:
        handover = _locked_handover(uow, handover_id)
        parcel, order = _locked_parcel(uow, code)
        waits = labels_waiting(uow, [parcel.id]) if parcel is not None and parcel.id else {}
        reason = refusal(handover, parcel, order, code, label_waits=next(iter(waits.values()), ""))
        if parcel is None and handover.sealed_at is None:
            reason = _order_number_scanned(uow, code) or reason
        if reason:
            uow.record(
                "handover_refused",
                order_id=order.id if order else None,
                parcel_id=parcel.id if parcel else None,
                handover_id=handover_id,
                code=code,
                reason=for_store(reason, limit=2000),
            )
            uow.commit()
            raise HandoverRefused(translated(reason))
        assert parcel is not None and order is not None and parcel.id is not None
        parcel.handover_id = handover_id
        uow.session.add(parcel)
        uow.record(
            "handover_scanned", order_id=order.id, parcel_id=parcel.id, handover_id=handover_id
        )
        uow.flush()
        count = len(
            uow.session.exec(select(Parcel.id).where(Parcel.handover_id == handover_id)).all()
        )
        uow.commit()
        return ScannedParcel(
            parcel_id=parcel.id,
            tracking_no=parcel.tracking_no or "",
            order_no=order.order_no,
            weight_g=parcel.measured_weight_g or 0,
            count=count,
        )


def remove_parcel(uow: UnitOfWork, *, handover_id: int, code: str) -> None:
    """Take a parcel back out of an open handover; commits."""
    with uow:
        handover = _locked_handover(uow, handover_id)
        parcel, _order = _locked_parcel(uow, code.strip())
        if parcel is None or parcel.handover_id != handover_id:
            raise UserError(_("Parcel {code} is not in this handover.").format(code=code))
        if handover.sealed_at is not None:
            raise UserError(_("Handover {id} is sealed; open a new one.").format(id=handover_id))
        parcel.handover_id = None
        uow.session.add(parcel)
        uow.record(
            "handover_removed",
            order_id=parcel.order_id,
            parcel_id=parcel.id,
            handover_id=handover_id,
        )
        uow.commit()


def _lines(uow: UnitOfWork, handover_ids: list[int]) -> list[ManifestLine]:
    if not handover_ids:
        return []
    rows = uow.session.exec(
        select(Parcel, Order)
        .join(Order, col(Order.id) == col(Parcel.order_id))
        .where(col(Parcel.handover_id).in_(handover_ids))
        .order_by(col(Parcel.handover_id), col(Parcel.tracking_no))
    ).all()
    places = order_places(uow, {p.order_id for p, _o in rows})
    waits = labels_waiting(uow, (p.id for p, _o in rows if p.id is not None))
    return [
        ManifestLine(
            tracking_no=p.tracking_no or "",
            order_no=o.order_no,
            # as the label counts it (件 n/m): an order whose first box was voided ships box 2
            # as its parcel 1
            parcel_seq=places[p.order_id].get(p.seq, p.seq),
            weight_g=p.measured_weight_g or p.expected_weight_g or 0,
            handover_id=p.handover_id or 0,
            stopped=_stopped(p, o, label_waits=p.id in waits),
        )
        for p, o in rows
    ]


def _stopped(parcel: Parcel, order: Order, *, label_waits: bool) -> str:
    """Why a parcel in an open handover will be taken out at the seal, or "" (one handed over
    is gone, whatever became of its order)."""
    if parcel.status == ParcelStatus.HANDED_OVER:
        return ""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.ON_HOLD):
        return status_label(order.status)
    if parcel.status != ParcelStatus.PACKED:
        return parcel_status_label(parcel.status)
    return _(LABEL_NOT_PRINTED) if label_waits else ""


def order_places(uow: UnitOfWork, order_ids: set[int]) -> dict[int, dict[int, int]]:
    """Each order's parcels' places as the courier counts them (``courier_places``), by order
    and by the parcel's number."""
    ids = sorted(order_ids)
    parcels: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        for order_id, seq, status in uow.session.exec(
            select(Parcel.order_id, Parcel.seq, Parcel.status).where(
                col(Parcel.order_id).in_(ids[start : start + 500])
            )
        ):
            parcels[order_id].append((seq, status))
    return {order_id: courier_places(boxes) for order_id, boxes in parcels.items()}


def _manifest(uow: UnitOfWork, handovers: list[Handover], carrier: str, day: dt.date) -> Manifest:
    row = uow.session.get(Carrier, carrier)
    ids = [h.id for h in handovers if h.id is not None]
    return Manifest(
        carrier=carrier,
        carrier_name=row.name if row else carrier,
        date=day,
        handover_ids=ids,
        kind=handovers[0].kind if len(handovers) == 1 else "",
        courier_name=handovers[0].courier_name if len(handovers) == 1 else "",
        sealed_at=max((h.sealed_at for h in handovers if h.sealed_at), default=None),
        lines=_lines(uow, ids),
    )


def handover_manifest(uow: UnitOfWork, *, handover_id: int) -> Manifest:
    """The list of one handover, sealed or not; an open one's with the parcels taken out of it
    since they were scanned in."""
    with uow:
        handover = uow.session.get(Handover, handover_id)
        if handover is None:
            raise UserError(_("Handover {id} does not exist.").format(id=handover_id))
        manifest = _manifest(uow, [handover], handover.carrier, handover.date)
        if handover.sealed_at is None:
            manifest = replace(manifest, taken_out=tuple(taken_out_since(uow, handover_id)))
        return manifest


def taken_out_since(uow: UnitOfWork, handover_id: int) -> list[TakenOut]:
    """The parcels scanned into the handover and taken out of it since, not by the lead (its
    ``remove_parcel`` gives no reason) but by a voided label, a changed courier, a cancelled
    order or a corrected address, and in no handover now (in transaction).

    A void elsewhere takes the box out of its handover at once; the box itself may still lie
    in the bag or cage, and the seal would hand its neighbours over without a word of it."""
    # the events name their handover in the payload; the LIKE narrows, the JSON decides
    statement = (
        select(Event.parcel_id, Event.kind, Event.payload)
        .where(
            col(Event.kind).in_(["handover_scanned", "handover_removed"]),
            col(Event.payload).like(f'%"handover_id": {handover_id}%'),
        )
        .order_by(col(Event.id))
    )
    last: dict[int, bool] = {}  # parcel → its last word in this handover: taken out by others
    for parcel_id, kind, payload in uow.session.exec(statement).all():
        try:
            said = json.loads(payload)
        except ValueError:
            continue
        if parcel_id is None or said.get("handover_id") != handover_id:
            continue
        last[parcel_id] = kind == "handover_removed" and bool(said.get("reason"))
    ids = sorted(parcel_id for parcel_id, by_others in last.items() if by_others)
    if not ids:
        return []
    rows = uow.session.exec(
        select(Parcel, Order)
        .join(Order, col(Order.id) == col(Parcel.order_id))
        .where(col(Parcel.id).in_(ids), col(Parcel.handover_id).is_(None))
        .order_by(col(Parcel.tracking_no))
    ).all()
    waits = labels_waiting(uow, ids)
    return [
        TakenOut(
            tracking_no=p.tracking_no or str(p.id),
            order_no=o.order_no,
            why=_taken_out_why(p, o, label_waits=p.id in waits),
        )
        for p, o in rows
        if p.status != ParcelStatus.HANDED_OVER
    ]


def _taken_out_why(parcel: Parcel, order: Order, *, label_waits: bool) -> str:
    # a voided label puts its packed order on hold: the void is the news
    if order.status == OrderStatus.CANCELLED:
        return status_label(order.status)
    if parcel.status == ParcelStatus.VOID:
        return _("label voided")
    if order.status == OrderStatus.ON_HOLD:
        return status_label(order.status)
    return _(LABEL_NOT_PRINTED) if label_waits else _("its label is printed again")


def day_manifest(uow: UnitOfWork, *, carrier: str, day: dt.date) -> Manifest:
    """Everything a carrier took on a day: the parcels of its sealed handovers."""
    code = carrier.strip().upper()
    with uow:
        handovers = list(
            uow.session.exec(
                select(Handover)
                .where(
                    Handover.carrier == code,
                    Handover.date == day,
                    col(Handover.sealed_at).is_not(None),
                )
                .order_by(col(Handover.id))
            ).all()
        )
        return _manifest(uow, handovers, code, day)


def _queue_print(uow: UnitOfWork, manifest: Manifest, settings: Settings) -> int:
    language, content = render_manifest(manifest, settings)
    job = PrintJob(
        kind=PrintKind.MANIFEST,
        printer=list_printer(settings),
        language=language,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        status=PrintStatus.QUEUED,
        batch=_batch(manifest),
        created_by=uow.user,
    )
    uow.session.add(job)
    uow.flush()
    assert job.id is not None
    return job.id


def _batch(manifest: Manifest) -> str:
    return f"handover-{'-'.join(str(i) for i in manifest.handover_ids)}"


def manifest_csv(manifest: Manifest) -> str:
    """The list as CSV text: one row per parcel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["carrier", "date", "handover", "tracking_no", "order_no", "parcel", "weight_g"]
    )
    for line in manifest.lines:
        writer.writerow(
            [
                manifest.carrier,
                manifest.date.isoformat(),
                line.handover_id,
                line.tracking_no,
                line.order_no,
                line.parcel_seq,
                line.weight_g,
            ]
        )
    return out.getvalue()


def csv_path_for(manifest: Manifest, settings: Settings) -> Path:
    folder = settings.shipping.lists_folder()
    ids = "-".join(str(i) for i in manifest.handover_ids) or "none"
    return folder / f"manifest-{manifest.carrier}-{manifest.date.isoformat()}-{ids}.csv"


def seal_handover(
    uow: UnitOfWork,
    *,
    handover_id: int,
    settings: Settings,
    courier_name: str = "",
    print_list: bool = True,
    csv_file: Path | None = None,
    save_csv: bool = True,
    now: dt.datetime | None = None,
) -> SealedHandover:
    """Seal a handover: its parcels (and fully handed-over orders) become ``handed_over``, the
    list is queued for printing and saved as CSV (to ``csv_file`` or the configured folder)."""
    now = now or utcnow()
    with uow:
        handover = _locked_handover(uow, handover_id)
        if handover.sealed_at is not None:
            raise UserError(_("Handover {id} is sealed; open a new one.").format(id=handover_id))
        # taken out before the seal (a void elsewhere): named with those taken out now
        earlier = tuple(t.tracking_no for t in taken_out_since(uow, handover_id))
        inside = select(Parcel).where(Parcel.handover_id == handover_id)
        for order_id in sorted({p.order_id for p in uow.session.exec(inside)}):
            lock_order(uow, order_id)  # in one order: two seals sharing an order take turns
        parcels = uow.session.exec(inside.order_by(col(Parcel.id)).with_for_update()).all()
        kept_out = earlier + _keep_out_unshippable(uow, parcels)
        parcels = [p for p in parcels if p.handover_id == handover_id]
        if not parcels and kept_out:
            uow.commit()  # they stay out
            raise UserError(kept_out_sentence(kept_out))
        if not parcels:
            raise UserError(_(EMPTY_HANDOVER))
        handover.sealed_at = now
        if courier_name:
            handover.courier_name = courier_name
        uow.session.add(handover)
        order_ids = set()
        for parcel in parcels:
            parcel.status = ParcelStatus.HANDED_OVER
            uow.session.add(parcel)
            order_ids.add(parcel.order_id)
        uow.flush()
        for order_id in sorted(order_ids):
            _hand_over_order(uow, order_id, now)
        uow.record(
            "handover_sealed",
            handover_id=handover_id,
            carrier=handover.carrier,
            parcels=len(parcels),
            courier=handover.courier_name,
        )
        manifest = _manifest(uow, [handover], handover.carrier, handover.date)
        job_id = _queue_print(uow, manifest, settings) if print_list else None
        path = (csv_file or csv_path_for(manifest, settings)) if save_csv else None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(manifest_csv(manifest), encoding="utf-8")
            except OSError as exc:
                raise UserError(
                    _(
                        "The list cannot be saved to {path} ({problem}); check shipping.manifest_dir."
                    ).format(path=path, problem=os_problem(exc))
                ) from None
        uow.commit()
        return SealedHandover(
            manifest=manifest, print_job_id=job_id, csv_path=path, kept_out=kept_out
        )


def parcel_gone(uow: UnitOfWork, order_id: int) -> str | None:
    """The tracking number of a box of the order that has left with the courier (a multi-box
    order still being packed, or packed), or None while none has."""
    gone = uow.session.exec(
        select(Parcel.tracking_no)
        .where(Parcel.order_id == order_id, Parcel.status == ParcelStatus.HANDED_OVER)
        .limit(1)
    ).first()
    return None if gone is None else gone or "?"


def kept_out_sentence(codes: Sequence[str]) -> str:
    return _(
        "Taken out of the handover: {codes} (a voided label, a label not printed yet, or an "
        "order cancelled or on hold); do not give them to the courier."
    ).format(codes=listed(codes))


def _keep_out_unshippable(uow: UnitOfWork, parcels: Sequence[Parcel]) -> tuple[str, ...]:
    """Take out of their handover the parcels that must not go: a voided label (its goods get a
    new box at a bench), a label that waits in the print queue (printed again since the parcel
    went in: it is not on the box), or an order cancelled or put on hold since the parcel went
    in (in transaction, the orders locked).  Returns their tracking numbers."""
    stopped = dict(
        uow.session.exec(
            select(col(Order.id), col(Order.status)).where(
                col(Order.id).in_({p.order_id for p in parcels}),
                col(Order.status).in_([OrderStatus.CANCELLED, OrderStatus.ON_HOLD]),
            )
        ).all()
    )
    waits = labels_waiting(uow, (p.id for p in parcels if p.id is not None))
    kept: list[str] = []
    for parcel in parcels:
        order_status = stopped.get(parcel.order_id)
        unprinted = parcel.status == ParcelStatus.PACKED and parcel.id in waits
        if parcel.status == ParcelStatus.PACKED and order_status is None and not unprinted:
            continue
        why = for_store(
            said_later(N_("the order is {status}"), status=status_said_later(order_status))
            if order_status
            else said_later(LABEL_NOT_PRINTED)
            if unprinted
            else said_later(
                N_("the parcel is {status}"),
                status=status_said_later(parcel.status, parcel=True),
            )
        )
        leave_open_handover(uow, parcel, why)
        kept.append(parcel.tracking_no or str(parcel.id))
    return tuple(kept)


def _hand_over_order(uow: UnitOfWork, order_id: int, now: dt.datetime) -> None:
    order = uow.session.get(Order, order_id)
    if order is None or not can_move(order.status, OrderStatus.HANDED_OVER):
        return
    statuses = uow.session.exec(
        select(Parcel.status).where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
    ).all()
    if statuses and all(s == ParcelStatus.HANDED_OVER for s in statuses):
        order.status = OrderStatus.HANDED_OVER
        order.updated_at = now
        uow.session.add(order)
        uow.record("order_handed_over", order_id=order_id)


def waiting_parcels(
    uow: UnitOfWork, *, carrier: str | None = None, limit: int = 500
) -> list[WaitingParcel]:
    """Parcels packed and labelled but not handed over yet, oldest first."""
    with uow:
        statement = (
            select(Parcel, Order)
            .join(Order, col(Order.id) == col(Parcel.order_id))
            .where(
                Parcel.status == ParcelStatus.PACKED,
                col(Order.status) != OrderStatus.CANCELLED,
            )
            .order_by(col(Parcel.packed_at), col(Parcel.id))
            .limit(limit)
        )
        if carrier:
            statement = statement.where(Parcel.carrier == carrier.upper())
        rows = uow.session.exec(statement).all()
        waits = labels_waiting(uow, (p.id for p, _o in rows if p.id is not None))
        return [
            WaitingParcel(
                parcel_id=p.id or 0,
                tracking_no=p.tracking_no or "",
                order_no=o.order_no,
                carrier=p.carrier,
                weight_g=p.measured_weight_g or 0,
                packed_at=p.packed_at,
                handover_id=p.handover_id,
                label_waits=waits.get(p.id or 0, ""),
            )
            for p, o in rows
        ]


def sealed_handover(
    uow: UnitOfWork,
    *,
    handover_id: int,
    settings: Settings,
    csv_file: Path | None = None,
    save_csv: bool = True,
) -> SealedHandover:
    """What sealing a handover stored, read back: for a seal whose answer was lost after it
    committed (its list was queued and saved then)."""
    with uow:
        handover = uow.session.get(Handover, handover_id)
        if handover is None or handover.sealed_at is None:
            raise UserError(_("Handover {id} is not sealed.").format(id=handover_id))
        manifest = _manifest(uow, [handover], handover.carrier, handover.date)
        job_id = uow.session.exec(
            select(PrintJob.id)
            .where(PrintJob.kind == PrintKind.MANIFEST, PrintJob.batch == _batch(manifest))
            .order_by(col(PrintJob.id))
        ).first()
        kept_out = tuple(t.tracking_no for t in taken_out_since(uow, handover_id))
    path = (csv_file or csv_path_for(manifest, settings)) if save_csv else None
    return SealedHandover(manifest=manifest, print_job_id=job_id, csv_path=path, kept_out=kept_out)


def print_list_again(
    uow: UnitOfWork, *, handover_id: int, settings: Settings, carrier: str = ""
) -> SealedHandover:
    """Queue a sealed handover's list once more (the first copy jammed, or the courier took
    it): the same list, a new print job, a ``handover_list_reprinted`` record.  ``carrier``,
    when given, must be the handover's: a mistyped number is refused, not printed."""
    with uow:
        handover = uow.session.get(Handover, handover_id)
        if handover is None:
            raise UserError(_("Handover {id} does not exist.").format(id=handover_id))
        code = carrier.strip().upper()
        if code and handover.carrier != code:
            raise UserError(
                _("Handover {id} is {carrier}'s, not {asked}'s; check the number.").format(
                    id=handover_id, carrier=handover.carrier, asked=code
                )
            )
        if handover.sealed_at is None:
            raise UserError(
                _("Handover {id} is not sealed yet: its list prints when it is sealed.").format(
                    id=handover_id
                )
            )
        manifest = _manifest(uow, [handover], handover.carrier, handover.date)
        job_id = _queue_print(uow, manifest, settings)
        uow.record(
            "handover_list_reprinted",
            handover_id=handover_id,
            carrier=handover.carrier,
            parcels=manifest.count,
            job=job_id,
        )
        uow.commit()
    return SealedHandover(manifest=manifest, print_job_id=job_id, csv_path=None)


def last_sealed(uow: UnitOfWork, *, day: dt.date) -> int | None:
    """The handover of the day sealed last, if any (the one whose list is reprinted most)."""
    with uow:
        return uow.session.exec(
            select(Handover.id)
            .where(Handover.date == day, col(Handover.sealed_at).is_not(None))
            .order_by(col(Handover.sealed_at).desc(), col(Handover.id).desc())
        ).first()


def seal_all_waiting(
    run: Runner,
    *,
    carrier: str,
    day: dt.date,
    settings: Settings,
    print_list: bool,
    csv_file: Path | None,
    save_csv: bool = True,
    now: dt.datetime | None = None,
) -> SealedHandover | None:
    """What ``packstation manifest`` does on the day: every waiting parcel of the carrier whose
    label has printed goes into one pickup handover, which is sealed.  None when nothing
    waits.

    Each step is an action of its own (``run``): one whose answer was lost after it committed
    is not done again, and a run cut short is finished by running it again (the open pickup
    handover is found, and its parcels stay in it)."""
    listed = run(partial(waiting_parcels, carrier=carrier, limit=100_000), readonly=True)
    # a parcel whose label has not printed is not put in: it stays packed for a later handover
    # (one put in before its label was printed again is taken out by the seal)
    waiting = [p for p in listed if p.tracking_no and not (p.label_waits and p.handover_id is None)]
    if not waiting:
        return None
    opening = partial(open_handover, carrier=carrier, day=day, settings=settings, kind="pickup")
    try:
        handover = run(opening)
    except AlreadyApplied:
        handover = run(opening)  # it was opened: this finds it
    handover_id = handover.id
    assert handover_id is not None
    for parcel in waiting:
        if parcel.handover_id is None:
            # AlreadyApplied: it went in; HandoverRefused (its order cancelled meanwhile): the
            # refusal is recorded and the parcel stays out
            with contextlib.suppress(AlreadyApplied, HandoverRefused):
                run(partial(scan_parcel, handover_id=handover_id, code=parcel.tracking_no))
    try:
        return run(
            partial(
                seal_handover,
                handover_id=handover_id,
                settings=settings,
                print_list=print_list,
                csv_file=csv_file,
                save_csv=save_csv,
                now=now,
            )
        )
    except AlreadyApplied:
        return run(
            partial(
                sealed_handover,
                handover_id=handover_id,
                settings=settings,
                csv_file=csv_file,
                save_csv=save_csv,
            ),
            readonly=True,
        )
