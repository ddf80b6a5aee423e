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
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, bindparam, update
from sqlmodel import col, select

from packstation.config import Settings
from packstation.devices import registry
from packstation.devices.base import DeviceError, PrinterState, PrinterTransport, PrintJobNotSent
from packstation.domain.status import PrintStatus
from packstation.i18n import _
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


class OutboxSender:
    """Sends the queued jobs of this bench's printers (``devices.printer`` and
    ``devices.slip_printer``)."""

    def __init__(
        self, engine: Engine, settings: Settings, *, open_printer: OpenPrinter | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings
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
        return uris

    def _uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(
            self.engine, bench=self.settings.bench.name, user="outbox", readonly=readonly
        )

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

    def _next_job(self, uri: str) -> PrintJob | None:
        # a read: it must not take the store's write lock from the benches every second
        with self._uow(readonly=True) as uow:
            return uow.session.exec(
                select(PrintJob)
                .where(PrintJob.printer == uri, PrintJob.status == PrintStatus.QUEUED)
                .order_by(col(PrintJob.id))
                .limit(1)
            ).first()

    def _claim(self, job: PrintJob) -> bool:
        """queued → unknown, committed before any byte leaves; False if another sender won."""
        with self._uow() as uow:
            result = uow.session.execute(
                update(PrintJob)
                .where(col(PrintJob.id) == job.id, col(PrintJob.status) == PrintStatus.QUEUED)
                .values(status=PrintStatus.UNKNOWN, attempts=col(PrintJob.attempts) + 1)
            )
            uow.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    def _finish(self, job: PrintJob, status: str, error: str = "") -> None:
        """unknown → ``status`` with its event; a job voided while it was being sent stays void."""
        with self._uow() as uow:
            values = {"job": job.id, "to": status, "why": error[:400], "at": utcnow()}
            finish = _SENT if status == PrintStatus.SENT else _NOT_SENT
            if uow.connection().execute(finish, values).rowcount != 1:
                return  # voided meanwhile: keep the void
            names: dict[str, str] = {
                PrintStatus.SENT: "print_sent",
                PrintStatus.QUEUED: "print_waiting",
            }
            uow.record(
                names.get(status, "print_unknown"),
                order_id=job.order_id,
                parcel_id=job.parcel_id,
                job_id=job.id,
                printer=job.printer,
                attempts=job.attempts + 1,  # counted when the job was claimed
                error=error,
            )
            uow.commit()

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
        sent = 0
        while not self._stopping.is_set():
            job = self._next_job(uri)
            if job is None or not self._ready(uri):
                break
            if not self._claim(job):
                continue
            try:
                self._transport(uri).send(job.content, self.settings.printing.timeout_seconds)
            except DeviceError as exc:
                self._drop(uri)
                self._states[uri] = PrinterState(ready=False, message=str(exc))
                if nothing_went_out(exc):
                    self._finish(job, PrintStatus.QUEUED, str(exc))
                else:
                    self._finish(job, PrintStatus.UNKNOWN, str(exc))
                break
            self._finish(job, PrintStatus.SENT)
            sent += 1
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
            return PrinterState(ready=False, message=_("checking…"))
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
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_check >= STATUS_EVERY_S:
                    last_check = time.monotonic()
                    self.check_printers()
                self.run_once()
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


# A job's end, built once: the sender finishes a job for every label and slip.
_NOT_VOID = (col(PrintJob.id) == bindparam("job"), col(PrintJob.status) != PrintStatus.VOID)
_SENT = (
    update(PrintJob)
    .where(*_NOT_VOID)
    .values(
        status=bindparam("to"), error=bindparam("why"), sent_at=bindparam("at", type_=UTCDateTime())
    )
)
_NOT_SENT = (
    update(PrintJob).where(*_NOT_VOID).values(status=bindparam("to"), error=bindparam("why"))
)
