"""What must hold after many benches drained a store, checked against the store and the benches'
journals (written by ``tests.stress.driver``).

- the event log agrees with the tables (``packstation.services.audit``);
- every order is packed, exactly once, and no line beyond its quantity;
- each product's stock is what it was less the units packed (no bench lost another's change);
- no tracking number twice, no label twice without a reprint record (in the audit);
- every action a bench saw committed is in the log under its action id (nothing lost), every
  action in the log was started by a bench (nothing invented), no action applied twice, and the
  counts of events equal the counts of actions;
- no error reached a packer; SQLite passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, case, func, text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from packstation.domain.status import OrderStatus, PrintStatus
from packstation.services.audit import audit
from packstation.store.engine import make_engine
from packstation.store.models import Event, Order, OrderLine, PrintJob, Product
from packstation.store.uow import UnitOfWork
from tests.stress.driver import OUTCOME_EVENTS
from tests.stress.seed import SKUS, STOCK
from tests.stress.supervisor import Benches

# at most one of these in one action: two would be one action applied twice
ONCE_PER_ACTION = ("item_scanned", "item_ticked_by_hand", "weight_accepted", "order_claimed")


@dataclass
class Journal:
    started: dict[str, str] = field(default_factory=dict)  # action id → step
    done: dict[str, str] = field(default_factory=dict)  # action id → outcome
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreachable: int = 0
    finished: int = 0  # benches whose journal ends with the queue empty
    last_lines: list[dict[str, object]] = field(default_factory=list)


def read_journals(paths: Iterable[Path]) -> Journal:
    journal = Journal()
    for path in paths:
        if not path.exists():
            continue
        last: dict[str, object] = {}
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(raw)
            except ValueError:
                continue  # a line cut by SIGKILL in the middle of its write
            if "id" in record and record.get("phase") == "start":
                journal.started[record["id"]] = record["step"]
            elif "id" in record and record.get("phase") == "done":
                journal.done[record["id"]] = record["outcome"]
                journal.ms.append(float(record["ms"]))
                if record["outcome"] == "error":
                    journal.errors.append(str(record.get("message", "")))
            elif record.get("state") == "unreachable":
                journal.unreachable += 1
            elif "fatal" in record:
                journal.errors.append(str(record["fatal"]))
            if "pid" not in record:
                last = record
        # the bench's last process (after any kills) saw the queue empty and stopped
        journal.finished += "finished" in last
    return journal


def action_groups(engine: Engine) -> dict[str, Counter[str]]:
    """The events of each action.  Every bench action stamps its id on its first event and the
    bench numbers its events, so an action's events are the run from its stamped event to the
    next stamped one of the same bench."""
    groups: dict[str, Counter[str]] = {}
    with UnitOfWork(engine, readonly=True) as uow:
        rows = uow.session.exec(
            select(col(Event.bench), col(Event.action_id), col(Event.kind))
            .where(Event.bench != "")
            .order_by(col(Event.bench), col(Event.bench_seq))
        )
        current: Counter[str] | None = None
        bench_of_current = ""
        for bench, action_id, kind in rows:
            if action_id is not None:
                current = groups.setdefault(action_id, Counter())
                bench_of_current = bench
            elif current is None or bench != bench_of_current:
                current = groups.setdefault(f"(no action: {bench})", Counter())
                bench_of_current = bench
            current[kind] += 1
    return groups


def check_printed(engine: Engine, printed: Iterable[Path]) -> list[str]:
    """What the printers got: every job marked sent was printed, and no job's bytes came out
    more often than jobs with those bytes exist (a label printed twice without a reprint)."""
    problems: list[str] = []
    out = Counter(hashlib.sha256(path.read_bytes()).hexdigest() for path in printed)
    with UnitOfWork(engine, readonly=True) as uow:
        jobs = uow.session.exec(select(col(PrintJob.sha256), col(PrintJob.status))).all()
    stored = Counter(sha for sha, _status in jobs)
    for sha, n in out.items():
        if n > stored[sha]:
            problems.append(f"printed {n} times, {stored[sha]} jobs: {sha[:12]}")
    missing = [sha for sha, status in jobs if status == PrintStatus.SENT and not out[sha]]
    if missing:
        problems.append(f"{len(missing)} jobs marked sent never reached the printer")
    return problems


def check(
    engine: Engine,
    journal: Journal,
    *,
    orders: int,
    exact: bool,
    sqlite: bool,
    stopped: bool = False,
) -> list[str]:
    """Every broken invariant, one sentence each (empty: all hold).  ``exact``: no bench was
    killed, so every action's answer is in the journal and the counts must match one for one.
    ``stopped``: the benches were stopped before the queue ran dry, so orders no bench began
    may still wait, untouched."""
    problems: list[str] = []
    report = audit(engine)
    problems += [f"audit {f.check}: {f.subject}: {f.problem}" for f in report.findings]
    if report.checked["stock"] != SKUS:  # the seed's stock-take makes every SKU replayed
        problems.append(f"the audit replayed the stock of {report.checked['stock']} SKUs")

    with UnitOfWork(engine, readonly=True) as uow:
        statuses = Counter(
            dict(
                uow.session.exec(
                    select(col(Order.status), func.count()).group_by(col(Order.status))
                ).all()
            )
        )
        # packed to its quantity, or none of it when its order still waits
        unpacked = uow.session.exec(
            select(func.count())
            .select_from(OrderLine)
            .join(Order, col(Order.id) == col(OrderLine.order_id))
            .where(
                col(OrderLine.quantity_packed)
                != case((col(Order.status) == OrderStatus.READY, 0), else_=col(OrderLine.quantity))
            )
        ).one()
        packed_units = dict(
            uow.session.exec(
                select(col(OrderLine.sku), func.sum(OrderLine.quantity_packed)).group_by(
                    col(OrderLine.sku)
                )
            ).all()
        )
        stock = dict(uow.session.exec(select(col(Product.sku), col(Product.on_hand))).all())
        packed_events = uow.session.exec(
            select(func.count()).select_from(Event).where(Event.kind == "order_packed")
        ).one()
        if sqlite:
            integrity = uow.session.connection().execute(text("PRAGMA integrity_check")).all()
            if [tuple(r) for r in integrity] != [("ok",)]:
                problems.append(f"integrity_check: {integrity}")
    packed = statuses.get(OrderStatus.PACKED, 0)
    waiting = statuses.get(OrderStatus.READY, 0) if stopped else 0
    if packed + waiting != orders or not packed:
        wanted = "packed or waiting" if stopped else "packed"
        problems.append(f"orders by status {dict(statuses)}, wanted {orders} {wanted}")
    if unpacked:
        problems.append(f"{unpacked} lines not packed to their quantity")
    wrong_stock = {
        sku: (left, STOCK - packed_units.get(sku, 0))
        for sku, left in stock.items()
        if left != STOCK - packed_units.get(sku, 0)
    }
    if wrong_stock:
        problems.append(f"stock (found, wanted) per SKU: {wrong_stock}")
    if packed_events != packed:
        problems.append(f"{packed_events} order_packed events for {packed} packed orders")
    if journal.errors:
        problems.append(f"{len(journal.errors)} errors reached a packer: {journal.errors[:3]}")

    groups = action_groups(engine)
    orphans = [key for key in groups if key.startswith("(no action")]
    if orphans:
        problems.append(f"events written outside any action: {orphans}")
    invented = [a for a in groups if a not in journal.started and not a.startswith("(no")]
    if invented:
        problems.append(f"{len(invented)} actions in the log that no bench started")
    for action_id, kinds in groups.items():
        twice = [k for k in ONCE_PER_ACTION if kinds[k] > 1]
        if twice:
            problems.append(f"action {action_id} applied twice: {dict(kinds)}")
    expected: Counter[str] = Counter()
    for action_id, outcome in journal.done.items():
        kind = OUTCOME_EVENTS.get(outcome)
        if outcome == "applied":
            # the first attempt committed and its answer was lost: it must be in the log
            if action_id not in groups:
                problems.append(f"action {action_id} said applied but is not in the log")
            continue
        if kind is None:
            continue
        expected[kind] += 1
        if groups.get(action_id, Counter())[kind] != 1:
            problems.append(
                f"action {action_id} ({journal.started.get(action_id)}: {outcome}) committed "
                f"but its {kind} event is missing: {dict(groups.get(action_id, {}))}"
            )
    logged: Counter[str] = Counter()
    for kinds in groups.values():
        for kind in OUTCOME_EVENTS.values():
            logged[kind] += kinds[kind]
    # a box also closes by itself with its last item: box_closed events outnumber new-box actions
    for kind in sorted(set(OUTCOME_EVENTS.values()) - {"box_closed"}):
        resolved = expected[kind] + sum(
            groups[a][kind] for a, o in journal.done.items() if o == "applied" and a in groups
        )
        if exact and logged[kind] != resolved:
            problems.append(f"{logged[kind]} {kind} events for {resolved} such actions")
        if not exact and not expected[kind] <= logged[kind]:
            problems.append(f"{logged[kind]} {kind} events but {expected[kind]} such actions")
    return problems


def assert_all_hold(
    url: str, benches: Benches, orders: int, *, exact: bool, stopped: bool = False
) -> int:
    """After a run: the invariants hold on the store and the printers, and every bench saw the
    queue empty (or was told to stop: ``stopped``) and stopped.  Returns how often the benches
    found the store unreachable."""
    journal = read_journals(benches.journals())
    engine = make_engine(url)
    try:
        problems = check(
            engine,
            journal,
            orders=orders,
            exact=exact,
            stopped=stopped,
            sqlite=make_url(url).get_backend_name() == "sqlite",
        )
        problems += check_printed(engine, benches.printed())
    finally:
        engine.dispose()
    assert problems == []
    assert journal.finished == benches.count
    return journal.unreachable
