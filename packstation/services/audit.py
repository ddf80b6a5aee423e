"""Replaying the event log against the stored state: nothing lost, nothing applied twice.

Called by ``packstation audit`` and by the stress tests after many benches (and crashes) have
worked on one store.  Every change at a bench writes its event in the same transaction
(``UnitOfWork.record``), so the log alone must rebuild what the tables say:

- each bench numbers its events 1, 2, 3… with no gap and no number twice;
- the units in every box are the units its item events ticked into it, and every line's packed
  quantity is the units in its boxes that still count (not void) — never beyond its quantity;
- a box has a weight exactly when one accepted-weight event gave it that weight;
- a box has as many print jobs as its documents-queued events announced; every print job was
  queued by one event and sent by at most one; no label twice unless the second one is a
  reprint with a reason and a reprint record;
- an order is packed exactly when one order-packed event says so (one whose rest a lead recalled,
  a box of it gone, may have been packed or not, confirmed since or not), and a claimed order is
  held by the bench that last claimed it;
- no tracking number is on two parcels;
- each product's stock is its last stock-take (an import of the catalogue that set it, or a
  count of its shelf) less the units ticked since, plus the units given back since (boxes
  undone, orders cancelled) and the units a lead added or removed.

The whole audit reads one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite), so it may run while benches work.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.i18n import _, ngettext
from packstation.store.models import (
    Event,
    Order,
    OrderLine,
    Parcel,
    ParcelItem,
    PrintJob,
    Product,
)
from packstation.store.uow import UnitOfWork

# The event kinds the packing service writes (packstation.services.packing) that the audit replays.
TICK_KINDS = ("item_scanned", "item_ticked_by_hand")
WEIGHT_KIND = "weight_accepted"
DOCUMENTS_KIND = "documents_queued"
PACKED_KIND = "order_packed"
CLAIM_KINDS = ("order_claimed",)
# and the lead's (services.lead): the rest of an order recalled, a box of it with the courier
RECALLED_KIND = "rest_recalled"
# and those of the printing service and its outbox (packstation.services.printing, .outbox)
QUEUED_KIND = "print_queued"
SENT_KIND = "print_sent"
REPRINT_KIND = "label_reprinted"
JOB_KINDS = (QUEUED_KIND, SENT_KIND, REPRINT_KIND)
# and those that set the stock figures or move units in and out (services.catalogue, .stock)
STOCK_TAKE_KINDS = ("products_imported", "stock_counted")
BOX_VOIDED_KIND = "box_voided"
GIVE_BACK_KINDS = (BOX_VOIDED_KIND, "order_cancelled")
ADJUST_KIND = "stock_adjusted"
REPLAYED = (
    *TICK_KINDS,
    WEIGHT_KIND,
    DOCUMENTS_KIND,
    PACKED_KIND,
    *CLAIM_KINDS,
    RECALLED_KIND,
    *JOB_KINDS,
    *STOCK_TAKE_KINDS,
    *GIVE_BACK_KINDS,
    ADJUST_KIND,
)

# every check, each a key of ``--json``'s "checked" and "problems" whatever the store holds
CHECKS = (
    "bench_numbering",
    "box_items",
    "lines",
    "weights",
    "print_jobs",
    "orders",
    "tracking_numbers",
    "stock",
)

SHIPPED = (OrderStatus.PACKED, OrderStatus.HANDED_OVER, OrderStatus.CONFIRMED)
MAX_FINDINGS_PER_CHECK = 50  # a broken store would otherwise print thousands of lines


@dataclass(frozen=True)
class Finding:
    """One difference between the log and the tables."""

    check: str
    subject: str
    problem: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "subject": self.subject, "problem": self.problem}


@dataclass
class AuditReport:
    events: int = 0
    benches: int = 0
    orders: int = 0
    parcels: int = 0
    print_jobs: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    _per_check: Counter[str] = field(default_factory=Counter, repr=False)
    # checks that did not apply ("checked": null), such as the stock before any stock-take
    not_applied: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.findings

    def count(self, check: str, n: int = 1) -> None:
        self.checked[check] += n

    def add(self, check: str, subject: str, problem: str) -> None:
        self._per_check[check] += 1
        if self._per_check[check] <= MAX_FINDINGS_PER_CHECK:
            self.findings.append(Finding(check, subject, problem))

    def problems(self, check: str) -> int:
        """How many differences ``check`` found (also those not listed)."""
        return self._per_check[check]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "benches": self.benches,
            "orders": self.orders,
            "parcels": self.parcels,
            "print_jobs": self.print_jobs,
            # every check, whatever the store holds (a script found a key missing when there
            # was nothing of its kind); null: the check does not apply
            "checked": {
                c: None if c in self.not_applied else self.checked[c] for c in sorted(CHECKS)
            },
            "problems": {c: self._per_check[c] for c in sorted(CHECKS)},
            "findings": [f.as_dict() for f in self.findings],
        }


def _payload(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _snapshot(uow: UnitOfWork) -> None:
    """Make every read of this unit see one moment (PostgreSQL reads committed data per statement
    by default; a bench committing between two of our queries would look like a difference)."""
    bind = uow.session.get_bind()
    if bind.dialect.name == "postgresql":
        uow.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def audit(engine: Engine) -> AuditReport:
    """Compare the event log with the stored state; the report lists every difference."""
    report = AuditReport()
    with UnitOfWork(engine, readonly=True) as uow:
        _snapshot(uow)
        _check_numbering(uow, report)
        events = _replayed_events(uow)
        names = _Names(uow)
        _check_lines_and_boxes(uow, report, events, names)
        _check_weights(uow, report, events, names)
        _check_print_jobs(uow, report, events, names)
        _check_orders(uow, report, events)
        _check_tracking_numbers(uow, report)
        _check_stock(uow, report, events)
    return report


class _Names:
    """Orders and parcels as people know them, for the findings: an order by its number, a
    parcel by its waybill (or its order and box), a line by its SKU (the store's ids were
    shown, and no command finds an order or a parcel by them)."""

    def __init__(self, uow: UnitOfWork) -> None:
        session = uow.session
        self.orders: dict[int | None, str] = dict(
            session.exec(select(col(Order.id), col(Order.order_no))).all()
        )
        self.parcels: dict[int | None, str] = {}
        rows = session.exec(
            select(col(Parcel.id), col(Parcel.order_id), col(Parcel.seq), col(Parcel.tracking_no))
        )
        for parcel_id, order_id, seq, tracking_no in rows:
            self.parcels[parcel_id] = tracking_no or _("{order} box {seq}").format(
                order=self.orders.get(order_id, order_id), seq=seq
            )
        self.lines: dict[int | None, str] = dict(
            session.exec(select(col(OrderLine.id), col(OrderLine.sku))).all()
        )

    def parcel(self, parcel_id: int | None) -> str:
        """A parcel named; one known to the log alone keeps its id."""
        if parcel_id in self.parcels:
            return _("parcel {parcel}").format(parcel=self.parcels[parcel_id])
        return _("parcel id {parcel}").format(parcel=parcel_id)

    def parcel_line(self, parcel_id: int | None, line_id: int) -> str:
        return _("{parcel}, {sku}").format(
            parcel=self.parcel(parcel_id), sku=self.lines.get(line_id, line_id)
        )


@dataclass
class _Replayed:
    ticks: Counter[tuple[int, int]] = field(default_factory=Counter)  # (parcel, line) → units
    weights: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    documents: Counter[int] = field(default_factory=Counter)  # parcel → jobs announced
    packed: Counter[int] = field(default_factory=Counter)  # order → order_packed events
    last_claim: dict[int, str] = field(default_factory=dict)  # order → bench of the last claim
    recalled: set[int] = field(default_factory=set)  # orders whose rest a lead recalled
    jobs: defaultdict[str, Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )  # kind → job id → events
    stock: dict[str, int] = field(default_factory=dict)  # SKU → stock since its last stock-take

    def move_stock(self, units: dict[str, Any]) -> None:
        """Units in (+) or out (-) of the stock of SKUs that had a stock-take."""
        for sku, n in units.items():
            if sku in self.stock:
                self.stock[sku] += _as_int(n)


def _replayed_events(uow: UnitOfWork) -> _Replayed:
    replayed = _Replayed()
    rows = uow.session.execute(
        sa_select(
            col(Event.kind),
            col(Event.bench),
            col(Event.order_id),
            col(Event.parcel_id),
            col(Event.payload),
        )
        .where(col(Event.kind).in_(REPLAYED))
        .order_by(col(Event.id))
    )
    for kind, bench, order_id, parcel_id, payload_text in rows:
        payload = _payload(payload_text)
        if kind in TICK_KINDS and parcel_id is not None:
            units = _as_int(payload.get("units", 1))
            replayed.ticks[(parcel_id, _as_int(payload.get("line_id")))] += units
            replayed.move_stock({str(payload.get("sku")): -units})
        elif kind == WEIGHT_KIND and parcel_id is not None:
            replayed.weights[parcel_id].append(_as_int(payload.get("grams")))
        elif kind == DOCUMENTS_KIND and parcel_id is not None:
            replayed.documents[parcel_id] += _as_int(payload.get("jobs"))
        elif kind == PACKED_KIND and order_id is not None:
            replayed.packed[order_id] += 1
        elif kind in CLAIM_KINDS and order_id is not None:
            replayed.last_claim[order_id] = bench
        elif kind == RECALLED_KIND and order_id is not None:
            replayed.recalled.add(order_id)
        elif kind in JOB_KINDS and payload.get("job_id") is not None:
            replayed.jobs[kind][_as_int(payload.get("job_id"))] += 1
        elif kind in STOCK_TAKE_KINDS:
            stock = payload.get("stock") or {}
            replayed.stock.update({sku: _as_int(n) for sku, n in stock.items()})
        elif kind in GIVE_BACK_KINDS:
            replayed.move_stock(payload.get("to_stock") or {})
            if kind == BOX_VOIDED_KIND and order_id is not None and replayed.packed[order_id]:
                # a box of the packed order voided (its label, its courier): packed again later
                replayed.packed[order_id] -= 1
        elif kind == ADJUST_KIND:
            replayed.move_stock({str(payload.get("sku")): payload.get("units")})
    return replayed


def _check_numbering(uow: UnitOfWork, report: AuditReport) -> None:
    """Each bench's events are numbered 1..n: no gap, no number twice, none missing."""
    report.events = uow.session.exec(select(func.count()).select_from(Event)).one()
    seq = col(Event.bench_seq)
    rows = uow.session.execute(
        sa_select(
            col(Event.bench),
            func.count(),
            func.count(seq),
            func.count(func.distinct(seq)),
            func.min(seq),
            func.max(seq),
        )
        .where(col(Event.bench) != "")
        .group_by(col(Event.bench))
    ).all()
    report.benches = len(rows)
    for bench, total, numbered, distinct, low, high in rows:
        report.count("bench_numbering")
        if total == numbered == distinct and (total == 0 or (low == 1 and high == total)):
            continue
        seqs = [
            s
            for s in uow.session.exec(
                select(Event.bench_seq).where(Event.bench == bench).order_by(col(Event.bench_seq))
            )
        ]
        present = [s for s in seqs if s is not None]
        missing = sorted(set(range(1, max(present, default=0) + 1)) - set(present))
        twice = sorted(s for s, n in Counter(present).items() if n > 1)
        report.add(
            "bench_numbering",
            _("bench {bench}").format(bench=bench),
            ngettext(
                "{unnumbered} event without a number, numbers missing: {missing}, numbers twice: {twice}",
                "{unnumbered} events without a number, numbers missing: {missing}, numbers twice: {twice}",
                len(seqs) - len(present),
            ).format(
                unnumbered=len(seqs) - len(present),
                missing=_few(missing),
                twice=_few(twice),
            ),
        )


def _few(numbers: list[int]) -> str:
    if not numbers:
        return "-"
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" … (+{len(numbers) - 10})" if len(numbers) > 10 else "")


def _check_lines_and_boxes(
    uow: UnitOfWork, report: AuditReport, events: _Replayed, names: _Names
) -> None:
    parcels: dict[int | None, str] = dict(
        uow.session.exec(select(col(Parcel.id), col(Parcel.status))).all()
    )
    items = list(uow.session.exec(select(ParcelItem)))
    in_boxes: Counter[int] = Counter()  # units in boxes that count (not void)
    ever_boxed: Counter[int] = Counter()  # also void ones: a cancelled order keeps its ticks
    stored: set[tuple[int, int]] = set()
    for item in items:
        key = (item.parcel_id, item.line_id)
        stored.add(key)
        report.count("box_items")
        ticked = events.ticks.get(key, 0)
        if item.quantity != ticked:
            report.add(
                "box_items",
                names.parcel_line(item.parcel_id, item.line_id),
                ngettext(
                    "{stored} unit stored, {ticked} ticked by events",
                    "{stored} units stored, {ticked} ticked by events",
                    item.quantity,
                ).format(stored=item.quantity, ticked=ticked),
            )
        ever_boxed[item.line_id] += item.quantity
        if parcels.get(item.parcel_id) != ParcelStatus.VOID:
            in_boxes[item.line_id] += item.quantity
    for (parcel_id, line_id), units in sorted(events.ticks.items()):
        if (parcel_id, line_id) not in stored and units:
            report.count("box_items")
            report.add(
                "box_items",
                names.parcel_line(parcel_id, line_id),
                ngettext(
                    "{ticked} unit ticked by events but none stored",
                    "{ticked} units ticked by events but none stored",
                    units,
                ).format(ticked=units),
            )
    cancelled = set(uow.session.exec(select(Order.id).where(Order.status == OrderStatus.CANCELLED)))
    for line in uow.session.exec(select(OrderLine)):
        report.count("lines")
        subject = _("order {order} line {line} ({sku})").format(
            order=names.orders.get(line.order_id, line.order_id), line=line.line_no, sku=line.sku
        )
        if not 0 <= line.quantity_packed <= line.quantity:
            report.add(
                "lines",
                subject,
                _("{packed} packed of a quantity of {qty}").format(
                    packed=line.quantity_packed, qty=line.quantity
                ),
            )
        boxed = in_boxes.get(line.id or 0, 0)
        if line.order_id in cancelled:
            # cancelling voids the boxes but leaves the ticks as they were
            consistent = boxed <= line.quantity_packed <= ever_boxed.get(line.id or 0, 0)
        else:
            consistent = line.quantity_packed == boxed
        if not consistent:
            report.add(
                "lines",
                subject,
                _("{packed} packed but {boxed} in its boxes").format(
                    packed=line.quantity_packed, boxed=boxed
                ),
            )


def _check_weights(uow: UnitOfWork, report: AuditReport, events: _Replayed, names: _Names) -> None:
    seen: set[int] = set()
    for parcel in uow.session.exec(select(Parcel)):
        assert parcel.id is not None
        seen.add(parcel.id)
        report.parcels += 1
        report.count("weights")
        logged = events.weights.get(parcel.id, [])
        subject = names.parcel(parcel.id)
        if parcel.measured_weight_g is None and logged:
            report.add(
                "weights",
                subject,
                _("no weight stored, {n} accepted by events").format(n=len(logged)),
            )
        elif parcel.measured_weight_g is not None and logged != [parcel.measured_weight_g]:
            report.add(
                "weights",
                subject,
                _("{grams} g stored, events accepted: {logged}").format(
                    grams=parcel.measured_weight_g, logged=logged or "-"
                ),
            )
    for parcel_id in sorted(set(events.weights) - seen):
        report.add(
            "weights",
            names.parcel(parcel_id),
            _("weighed by events but not stored"),
        )


def _check_print_jobs(
    uow: UnitOfWork, report: AuditReport, events: _Replayed, names: _Names
) -> None:
    jobs = uow.session.execute(
        sa_select(
            col(PrintJob.id),
            col(PrintJob.parcel_id),
            col(PrintJob.kind),
            col(PrintJob.reprint_of),
            col(PrintJob.reason),
            col(PrintJob.status),
        )
    ).all()
    report.print_jobs = len(jobs)
    first_jobs: Counter[int] = Counter()
    first_labels: Counter[int] = Counter()
    known: set[int] = set()
    for job_id, parcel_id, kind, reprint_of, reason, status in jobs:
        known.add(job_id)
        report.count("print_jobs")
        subject = _("print job {job}").format(job=job_id)
        # a parcel's label or slip is announced by print_queued, a lead's reprint by
        # label_reprinted alone; jobs of no parcel (a handover manifest) may have no event
        queued = events.jobs[QUEUED_KIND][job_id] or events.jobs[REPRINT_KIND][job_id]
        sent = events.jobs[SENT_KIND][job_id]
        if queued > 1 or (queued == 0 and parcel_id is not None):
            report.add("print_jobs", subject, _("queued by {n} events").format(n=queued))
        if sent > 1 or (status == PrintStatus.SENT and sent != 1):
            report.add(
                "print_jobs",
                subject,
                _("{status}, sent by {n} events").format(status=status, n=sent),
            )
        if reprint_of is not None:
            if not (reason or "").strip() or events.jobs[REPRINT_KIND][job_id] < 1:
                report.add(
                    "print_jobs",
                    subject,
                    _("a reprint of job {of} without a reason or a reprint record").format(
                        of=reprint_of
                    ),
                )
            continue
        if parcel_id is None:
            continue
        first_jobs[parcel_id] += 1
        if kind == PrintKind.LABEL and status != PrintStatus.VOID:
            first_labels[parcel_id] += 1
    for kind in JOB_KINDS:
        for job_id in sorted(set(events.jobs[kind]) - known):
            report.add(
                "print_jobs",
                _("print job {job}").format(job=job_id),
                _("named by {kind} events but not stored").format(kind=kind),
            )
    for parcel_id in sorted(set(first_jobs) | set(events.documents)):
        if first_jobs[parcel_id] != events.documents[parcel_id]:
            report.add(
                "print_jobs",
                names.parcel(parcel_id),
                ngettext(
                    "{stored} print job stored, {logged} queued by events",
                    "{stored} print jobs stored, {logged} queued by events",
                    first_jobs[parcel_id],
                ).format(stored=first_jobs[parcel_id], logged=events.documents[parcel_id]),
            )
    for parcel_id, labels in sorted(first_labels.items()):
        if labels > 1:
            report.add(
                "print_jobs",
                names.parcel(parcel_id),
                _("{n} labels printed without a reprint record").format(n=labels),
            )


def _check_orders(uow: UnitOfWork, report: AuditReport, events: _Replayed) -> None:
    rows = uow.session.exec(
        select(col(Order.id), col(Order.order_no), col(Order.status), col(Order.claimed_bench))
    )
    # an order held after it was packed (the marketplace changed it, a lead held it) keeps its
    # packed box and its packing event until the lead decides
    held_packed = set(
        uow.session.exec(
            select(col(Parcel.order_id))
            .join(Order, col(Order.id) == col(Parcel.order_id))
            .where(Order.status == OrderStatus.ON_HOLD, Parcel.status == ParcelStatus.PACKED)
        ).all()
    )
    for order_id, order_no, status, claimed_bench in rows:
        assert order_id is not None
        report.orders += 1
        report.count("orders")
        subject = _("order {no}").format(no=order_no)
        packed_events = events.packed.get(order_id, 0)
        # cancelled, or its rest recalled with a box gone (part_recalled, or confirmed since):
        # the rest was packed or not when it was called back, and either is right (a packed
        # box the recall voided took its packing back)
        packed_or_not = status == OrderStatus.CANCELLED or (
            order_id in events.recalled
            and status in (OrderStatus.PART_RECALLED, OrderStatus.CONFIRMED)
        )
        if packed_events > 1:
            report.add("orders", subject, _("packed {n} times by events").format(n=packed_events))
        elif packed_or_not:
            pass  # packed or not, either is right
        elif status in SHIPPED and packed_events == 0:
            report.add(
                "orders", subject, _("{status} but no event packed it").format(status=status)
            )
        elif status not in SHIPPED and packed_events and order_id not in held_packed:
            report.add(
                "orders", subject, _("{status} but an event packed it").format(status=status)
            )
        if status == OrderStatus.PACKING:
            last = events.last_claim.get(order_id)
            if not claimed_bench or last != claimed_bench:
                report.add(
                    "orders",
                    subject,
                    _("held by bench {held} but last claimed by {last}").format(
                        held=claimed_bench or "-", last=last or "-"
                    ),
                )


def _check_tracking_numbers(uow: UnitOfWork, report: AuditReport) -> None:
    rows = uow.session.exec(
        select(Parcel.tracking_no, func.count())
        .where(col(Parcel.tracking_no).is_not(None), Parcel.tracking_no != "")
        .group_by(col(Parcel.tracking_no))
    ).all()
    for tracking_no, n in rows:
        report.count("tracking_numbers")
        if n > 1:
            report.add(
                "tracking_numbers",
                _("tracking number {no}").format(no=tracking_no),
                _("on {n} parcels").format(n=n),
            )


def _check_stock(uow: UnitOfWork, report: AuditReport, events: _Replayed) -> None:
    """The stock of every SKU that had a stock-take, against what the log moved since."""
    if not events.stock:
        report.not_applied.add("stock")
        return
    for sku, on_hand in uow.session.exec(select(col(Product.sku), col(Product.on_hand))):
        if sku not in events.stock:
            continue  # no stock-take yet: nothing to start from
        report.count("stock")
        replayed = events.stock[sku]
        if on_hand != replayed:
            report.add(
                "stock",
                _("product {sku}").format(sku=sku),
                _("{stored} in stock but the log says {replayed}").format(
                    stored=on_hand, replayed=replayed
                ),
            )
