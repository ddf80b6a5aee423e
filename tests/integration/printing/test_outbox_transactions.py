"""The outbox's transactions: a job's end and the next job's claim share one write transaction,
and that keeps every guarantee.  While a job's bytes leave, the store (seen from another engine,
as another bench or a restarted sender would see it) holds that job as ``unknown`` and the next
job still ``queued``; a sender killed then leaves exactly that behind."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from packstation.config import Settings
from packstation.devices.base import PrinterState, PrintJobNotSent
from packstation.domain.status import PrintStatus
from packstation.services import printing
from packstation.services.outbox import Claimed, Outcome
from packstation.services.printing import OutboxSender
from packstation.store.engine import make_engine
from packstation.store.models import Event, PrintJob
from packstation.store.uow import UnitOfWork
from tests.integration.printing.test_outbox import NewOrder, Uow, queue_labels, statuses

Row = tuple[str, int]  # a job's status and attempts


class Killed(BaseException):
    """The sender's process dies: nothing after this point runs for it."""


class Printer:
    """A printer that takes every job; ``on_send`` runs as a job's bytes leave and ``ready``
    answers each status question."""

    description = "scripted"

    def __init__(
        self,
        on_send: Callable[[bytes], None] = lambda data: None,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self.on_send = on_send
        self.ready = ready
        self.printed: list[bytes] = []
        self.asked = 0

    def status(self, timeout: float = 2.0) -> PrinterState:
        self.asked += 1
        ready = self.ready()
        return PrinterState(ready=ready, message="" if ready else "off")

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        self.on_send(data)
        self.printed.append(data)

    def close(self) -> None:
        pass


Queue = Callable[[int], list[PrintJob]]
SenderFor = Callable[[Printer], OutboxSender]


@pytest.fixture
def queue(new_order: NewOrder, uow_factory: Uow, print_settings: Settings) -> Queue:
    """Queue that many labels, one order each."""
    return lambda count: queue_labels(new_order, uow_factory, print_settings, count)


@pytest.fixture
def sender_for(engine: Engine, print_settings: Settings) -> SenderFor:
    """A sender whose printer is the given one."""
    return lambda printer: OutboxSender(engine, print_settings, open_printer=lambda u, **k: printer)


@pytest.fixture
def other(store_url: str) -> Iterator[Callable[[], list[Row]]]:
    """The jobs as another connection sees them: only what is committed."""
    engine = make_engine(store_url)

    def rows() -> list[Row]:
        with UnitOfWork(engine, readonly=True) as uow:
            jobs = uow.session.exec(select(PrintJob).order_by(col(PrintJob.id)))
            return [(j.status, j.attempts) for j in jobs]

    yield rows
    engine.dispose()


def print_events(uow_factory: Uow) -> list[tuple[str, int, int]]:
    """(kind, job id, attempts) of the sender's events, in order."""
    kinds = ["print_sent", "print_waiting", "print_unknown"]
    with uow_factory(readonly=True) as uow:
        found = uow.session.exec(
            select(Event).where(col(Event.kind).in_(kinds)).order_by(col(Event.id))
        )
        payloads = [(e.kind, json.loads(e.payload)) for e in found]
    return [(kind, p["job_id"], p["attempts"]) for kind, p in payloads]


QUEUED, SENT, UNKNOWN, VOID = (
    PrintStatus.QUEUED,
    PrintStatus.SENT,
    PrintStatus.UNKNOWN,
    PrintStatus.VOID,
)


def test_while_a_job_leaves_it_alone_is_claimed_and_the_jobs_before_it_are_sent(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
) -> None:
    jobs = queue(3)
    seen: list[list[Row]] = []
    printer = Printer(on_send=lambda data: seen.append(other()))
    assert sender_for(printer).run_once() == 3
    assert seen == [
        [(UNKNOWN, 1), (QUEUED, 0), (QUEUED, 0)],
        [(SENT, 1), (UNKNOWN, 1), (QUEUED, 0)],
        [(SENT, 1), (SENT, 1), (UNKNOWN, 1)],
    ]
    assert printer.printed == [j.content for j in jobs]  # in id order
    assert other() == [(SENT, 1)] * 3
    assert print_events(uow_factory) == [("print_sent", j.id, 1) for j in jobs]


def test_a_sender_killed_mid_job_leaves_it_unknown_and_the_next_queued(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
) -> None:
    first, second, third = queue(3)

    def dies_on_the_second(data: bytes) -> None:
        if data == second.content:
            raise Killed

    with pytest.raises(Killed):
        sender_for(Printer(on_send=dies_on_the_second)).run_once()
    assert other() == [(SENT, 1), (UNKNOWN, 1), (QUEUED, 0)]
    # the sender that takes over sends the next job only: the unknown one is a person's call
    healthy = Printer()
    assert sender_for(healthy).run_once() == 1
    assert healthy.printed == [third.content]
    assert other() == [(SENT, 1), (UNKNOWN, 1), (SENT, 1)]
    assert print_events(uow_factory) == [("print_sent", first.id, 1), ("print_sent", third.id, 1)]


def test_a_sent_job_is_marked_sent_even_when_the_next_claim_fails(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = queue(2)
    sender = sender_for(Printer())
    step = sender._step

    def store_lost_on_the_merged_step(
        uri: str, done: Outcome | None, *, claim: bool
    ) -> Claimed | None:
        if done is not None and claim:
            raise OperationalError("UPDATE print_job", {}, Exception("connection lost"))
        return step(uri, done, claim=claim)

    monkeypatch.setattr(sender, "_step", store_lost_on_the_merged_step)
    with pytest.raises(OperationalError):
        sender.run_once()
    assert other() == [(SENT, 1), (QUEUED, 0)]
    monkeypatch.undo()
    assert sender.run_once() == 1
    assert print_events(uow_factory) == [("print_sent", first.id, 1), ("print_sent", second.id, 1)]


def test_a_job_voided_while_it_is_sent_stays_void_and_the_next_one_goes(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
) -> None:
    first, second = queue(2)
    assert first.parcel_id is not None
    parcel_id = first.parcel_id

    def voided_as_it_leaves(data: bytes) -> None:
        if data == first.content:
            with uow_factory() as uow:
                printing.void_parcel_labels(uow, parcel_id=parcel_id, reason="address changed")
                uow.commit()

    printer = Printer(on_send=voided_as_it_leaves)
    assert sender_for(printer).run_once() == 2
    assert statuses(uow_factory) == [VOID, SENT]
    assert print_events(uow_factory) == [("print_sent", second.id, 1)]


def test_each_end_writes_its_event_with_the_attempts_so_far(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
) -> None:
    first, second = queue(2)
    refusals = iter([PrintJobNotSent("connection refused")])

    def refuses_once(data: bytes) -> None:
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal

    sender = sender_for(Printer(on_send=refuses_once))
    assert sender.run_once() == 0
    assert other() == [(QUEUED, 1), (QUEUED, 0)]
    assert sender.run_once() == 2
    assert other() == [(SENT, 2), (SENT, 1)]
    assert print_events(uow_factory) == [
        ("print_waiting", first.id, 1),
        ("print_sent", first.id, 2),
        ("print_sent", second.id, 1),
    ]


def test_a_printer_turned_off_mid_queue_stops_the_drain(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
) -> None:
    first, _second, _third = queue(3)
    answers = iter([True, False])
    printer = Printer(ready=lambda: next(answers, False))
    sender = sender_for(printer)
    assert sender.run_once() == 1
    assert printer.printed == [first.content]
    assert other() == [(SENT, 1), (QUEUED, 0), (QUEUED, 0)]
    assert print_events(uow_factory) == [("print_sent", first.id, 1)]
    assert not sender.state().ready


def test_draining_takes_one_write_transaction_per_job_plus_one(
    engine: Engine, queue: Queue, sender_for: SenderFor
) -> None:
    printer = Printer()
    sender = sender_for(printer)
    commits = [0]

    def count(connection: object) -> None:
        commits[0] += 1

    event.listen(engine, "commit", count)
    try:
        assert sender.run_once() == 0
        assert (commits[0], printer.asked) == (0, 0)  # idle: a read, and the printer is not asked
        queue(2)
        commits[0] = 0
        assert sender.run_once() == 2
    finally:
        event.remove(engine, "commit", count)
    assert (commits[0], printer.asked) == (3, 2)


def test_two_senders_on_one_printer_send_each_job_once(
    queue: Queue,
    sender_for: SenderFor,
    uow_factory: Uow,
    other: Callable[[], list[Row]],
) -> None:
    jobs = queue(12)
    printers = [Printer(on_send=lambda data: time.sleep(0.002)) for _ in range(2)]
    senders = [sender_for(p) for p in printers]
    failures: list[BaseException] = []

    def drain(sender: OutboxSender) -> None:
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline and any(s == QUEUED for s, _a in other()):
                sender.run_once()
        except Exception as exc:  # reported below, with the thread's own error
            failures.append(exc)

    threads = [threading.Thread(target=drain, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    everything = printers[0].printed + printers[1].printed
    assert sorted(everything) == sorted(j.content for j in jobs)  # each job once
    position = {j.content: n for n, j in enumerate(jobs)}
    for printer in printers:
        taken = [position[data] for data in printer.printed]
        assert taken == sorted(taken)  # each sender in id order
    assert other() == [(SENT, 1)] * len(jobs)
    assert sorted(job for _k, job, _a in print_events(uow_factory)) == [j.id for j in jobs]
