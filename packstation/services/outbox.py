"""The sender of the print outbox: queued ``print_job`` rows go to their printers, in order.

Used by the bench and the lead's application (``start()`` a background thread, ``state()`` for
the footer) and by the ``label`` and ``print`` commands (``run_once()`` in the foreground).
Re-exported by ``services.printing``.

Delivery is at most once: before a job's bytes leave, its row is switched from ``queued`` to
``unknown`` and committed (this also claims it, so two senders never take the same job).  Only
when the printer took the bytes does it become ``sent``.  A send that fails before any byte went
out puts the job back in the queue; a send that may have partly happened, or a sender that died
mid-job, leaves it ``unknown``, and only a person's reprint sends those bytes again.  A printer
that is off, silent or out of paper is asked for its status before each job, so jobs wait in the
queue and go out in order when it is back.

Draining costs one write transaction per job plus one: once the printer said it is ready for the
next job, the transaction that marks a job sent also claims that next job (its bytes leave only
after both are committed, and it is still queued while the job before it leaves).  Whether
anything waits at all is a read, so an idle bench never takes the store's write lock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Engine, Table, bindparam, func, select, update
from sqlalchemy.exc import DBAPIError

from packstation.config import Settings
from packstation.devices import registry
from packstation.devices.base import DeviceError, PrinterState, PrinterTransport, PrintJobNotSent
from packstation.domain.status import PrintStatus
from packstation.i18n import _
from packstation.services.retry import is_connection_problem
from packstation.store.models import PrintJob
from packstation.store.types import UTCDateTime, utcnow
from packstation.store.uow import UnitOfWork

STATUS_EVERY_S = 10.0  # how often an idle bench asks its printers how they are
log = logging.getLogger(__name__)

OpenPrinter = Callable[..., PrinterTransport]


def nothing_went_out(exc: DeviceError) -> bool:
    """Does the transport say no byte of the job left (refused connection, no device)?

    A transport says so with ``exc.bytes_sent == 0`` or ``exc.partial is False``; without
    either, the job may have partly printed and is treated as unknown."""
    if isinstance(exc, PrintJobNotSent) or getattr(exc, "bytes_sent", None) == 0:
        return True
    return getattr(exc, "partial", None) is False


# while the store is away, the sender says so in the log once a minute
UNREACHABLE_LOG_S = 60.0


class Claimed(NamedTuple):
    """A job switched to ``unknown`` by this sender: what sending and finishing it need."""

    id: int
    content: bytes
    order_id: int | None
    parcel_id: int | None
    attempts: int  # counting this one


class Outcome(NamedTuple):
    """How a claimed job ended, not yet written to the store."""

    job: Claimed
    status: str
    error: str = ""


_EVENTS: dict[str, str] = {PrintStatus.SENT: "print_sent", PrintStatus.QUEUED: "print_waiting"}


class OutboxSender:
    """Sends the queued jobs of this bench's printers (``devices.printer`` and
    ``devices.slip_printer``)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        open_printer: OpenPrinter | None = None,
        manifests: bool = False,
        bench: str = "",
    ) -> None:
        """``manifests``: the handover lists' printer (``devices.manifest_printer``) too, for
        the lead's application, which seals the handovers.  ``bench``: the name its events go
        under (the lead's application's own), else the configuration's bench name."""
        self.engine = engine
        self.settings = settings
        self.bench = bench or settings.bench.name
        self.manifests = manifests
        self._open = open_printer or registry.open_printer
        self._transports: dict[str, PrinterTransport] = {}
        self._states: dict[str, PrinterState] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.interval = 1.0

    # ------------------------------------------------------------------ which printers

    def printers(self) -> list[str]:
        devices = self.settings.devices
        uris = [devices.printer]
        if devices.slip_printer and devices.slip_printer != devices.printer:
            uris.append(devices.slip_printer)
        if self.manifests and devices.manifest_printer not in ("", *uris):
            uris.append(devices.manifest_printer)
        return uris

    def _uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, bench=self.bench, user="outbox", readonly=readonly)

    def _language(self, uri: str) -> str:
        p = self.settings.printing
        if uri == self.settings.devices.slip_printer and p.slip_size in ("80mm", "58mm"):
            return "escpos"
        return p.language

    def _transport(self, uri: str) -> PrinterTransport:
        transport = self._transports.get(uri)
        if transport is None:
            transport = self._open(
                uri, language=self._language(uri), timeout=self.settings.printing.timeout_seconds
            )
            self._transports[uri] = transport
        return transport

    def _drop(self, uri: str) -> None:
        transport = self._transports.pop(uri, None)
        if transport is not None:
            with contextlib.suppress(DeviceError):
                transport.close()

    # ------------------------------------------------------------------ sending

    def _waiting(self, uri: str) -> int:
        """How many jobs wait for ``uri``: a read, so that an idle bench asking every second
        never takes the store's write lock."""
        with self._uow(readonly=True) as uow:
            return int(uow.connection().execute(_WAITING, {"uri": uri}).scalar_one())

    def _step(self, uri: str, done: Outcome | None, *, claim: bool) -> Claimed | None:
        """One write transaction: the end of the job just sent (if any), then the claim of the
        printer's next queued job (queued → unknown) when ``claim``; None if there was none."""
        with self._uow() as uow:
            if done is not None:
                self._finish(uow, uri, done)
            row = uow.connection().execute(_CLAIM, {"uri": uri}).first() if claim else None
            uow.commit()
            return Claimed(*row) if row is not None else None

    def _finish(self, uow: UnitOfWork, uri: str, done: Outcome) -> None:
        """unknown → ``done.status`` with its event; a job voided while it was being sent stays
        void, and a job already finished is not finished twice."""
        job = done.job
        values = {"job": job.id, "to": done.status, "why": done.error[:400], "at": utcnow()}
        finish = _SENT if done.status == PrintStatus.SENT else _NOT_SENT
        if uow.connection().execute(finish, values).rowcount != 1:
            return  # voided meanwhile (keep the void), or ended already
        uow.record(
            _EVENTS.get(done.status, "print_unknown"),
            order_id=job.order_id,
            parcel_id=job.parcel_id,
            job_id=job.id,
            printer=uri,
            attempts=job.attempts,
            error=done.error,
        )

    def _ready(self, uri: str) -> bool:
        timeout = self.settings.printing.timeout_seconds
        try:
            state = self._transport(uri).status(timeout)
        except DeviceError as exc:
            state = PrinterState(ready=False, message=str(exc))
            self._drop(uri)
        self._states[uri] = state
        return state.ready

    def _drain(self, uri: str) -> int:
        """Send the jobs that wait for ``uri`` as the drain begins (jobs queued meanwhile go at
        the next one), asking the printer before each job."""
        sent = 0
        left = self._waiting(uri)
        done: Outcome | None = None  # the job that went out, until the store says so
        try:
            while left and not self._stopping.is_set() and self._ready(uri):
                job = self._step(uri, done, claim=True)
                done, left = None, left - 1
                if job is None:
                    break  # another sender took them
                try:
                    self._transport(uri).send(job.content, self.settings.printing.timeout_seconds)
                except DeviceError as exc:
                    self._drop(uri)
                    self._states[uri] = PrinterState(ready=False, message=str(exc))
                    back = PrintStatus.QUEUED if nothing_went_out(exc) else PrintStatus.UNKNOWN
                    done = Outcome(job, back, str(exc))
                    break
                done = Outcome(job, PrintStatus.SENT)
                sent += 1
        finally:
            # the last job's end; or the end of a job whose transaction with the next claim failed
            if done is not None:
                self._step(uri, done, claim=False)
        return sent

    def run_once(self) -> int:
        """Send what is queued for this bench's printers; returns how many jobs went out."""
        with self._lock:
            return sum(self._drain(uri) for uri in self.printers())

    # ------------------------------------------------------------------ state and thread

    def state(self) -> PrinterState:
        """The label printer's last known state (the slip printer's if only it is in trouble)."""
        states = [self._states[u] for u in self.printers() if u in self._states]
        if not states:
            return PrinterState(ready=False, message=_("checking…"), known=False)
        return next((s for s in states if not s.ready), states[0])

    def wake(self) -> None:
        """Look at the queue now rather than at the next tick (after queueing a job)."""
        self._wake.set()

    def check_printers(self) -> None:
        """Ask each printer how it is, so the bench shows an unplugged printer before a label
        waits for it (and not 'unknown' until the first job)."""
        with self._lock:
            for uri in self.printers():
                self._ready(uri)

    def _loop(self) -> None:
        last_check = 0.0
        away_since: float | None = None  # the store unreachable: said once, then each minute
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_check >= STATUS_EVERY_S:
                    last_check = time.monotonic()
                    self.check_printers()
                self.run_once()
                if away_since is not None:
                    log.warning("print outbox: the store is reachable again")
                    away_since = None
            except DBAPIError as exc:
                if not is_connection_problem(exc):
                    log.exception("print outbox")
                elif away_since is None or time.monotonic() - away_since >= UNREACHABLE_LOG_S:
                    # the jobs wait in the store; the sender tries again each second, and the
                    # log does not grow by a line a second while the store is away
                    away_since = time.monotonic()
                    log.warning("print outbox: the store is unreachable (%s)", exc.orig)
            except Exception:  # a broken store must not kill the sender; it tries again
                log.exception("print outbox")
            self._wake.wait(self.interval)
            self._wake.clear()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="print-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        for uri in list(self._transports):
            self._drop(uri)


# The sender's statements, built once: it runs them for every label and slip.
_JOB: Table = PrintJob.__table__  # type: ignore[attr-defined]
_WAITING = (
    select(func.count())
    .select_from(_JOB)
    .where(_JOB.c.printer == bindparam("uri"), _JOB.c.status == PrintStatus.QUEUED)
)
# The printer's first queued job, queued → unknown.  On PostgreSQL the row lock makes a sender
# that meets another's claim wait for it, then take the next job instead of none.
_queued = _JOB.alias("queued")
_FIRST_QUEUED = (
    select(_queued.c.id)
    .where(_queued.c.printer == bindparam("uri"), _queued.c.status == PrintStatus.QUEUED)
    .order_by(_queued.c.id)
    .limit(1)
    .with_for_update()
    .scalar_subquery()
)
_CLAIM = (
    update(_JOB)
    .where(_JOB.c.id == _FIRST_QUEUED, _JOB.c.status == PrintStatus.QUEUED)
    .values(status=PrintStatus.UNKNOWN, attempts=_JOB.c.attempts + 1)
    .returning(_JOB.c.id, _JOB.c.content, _JOB.c.order_id, _JOB.c.parcel_id, _JOB.c.attempts)
)
# A claimed job's end: only while it is still this sender's (unknown), never over a void.
_CLAIMED = (_JOB.c.id == bindparam("job"), _JOB.c.status == PrintStatus.UNKNOWN)
_SENT = (
    update(_JOB)
    .where(*_CLAIMED)
    .values(
        status=bindparam("to"), error=bindparam("why"), sent_at=bindparam("at", type_=UTCDateTime())
    )
)
_NOT_SENT = update(_JOB).where(*_CLAIMED).values(status=bindparam("to"), error=bindparam("why"))
