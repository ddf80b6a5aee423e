"""``cups://QUEUE``: a CUPS raw queue through pycups (an optional extra)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from packstation.devices.base import DeviceError, PrinterState, PrintJobNotSent
from packstation.i18n import _

_STOPPED = 5


class CupsPrinter:
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.description = f"cups://{queue}"
        try:
            import cups
        except ImportError:
            raise DeviceError(
                _("CUPS queues need the cups extra: pip install 'packstation[cups]'.")
            ) from None
        try:
            self._connection: Any = cups.Connection()
        except (RuntimeError, cups.IPPError) as exc:
            raise DeviceError(
                _("Cannot reach the CUPS server ({problem}).").format(problem=exc)
            ) from None
        self._cups = cups

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        fd, path = tempfile.mkstemp(prefix="packstation-", suffix=".raw")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # raw: CUPS passes the bytes on untouched (the printer speaks ZPL or ESC/POS)
            self._connection.printFile(self.queue, path, "packstation", {"raw": "true"})
        except self._cups.IPPError as exc:
            raise PrintJobNotSent(
                _("CUPS refused the job for {queue} ({problem}).").format(
                    queue=self.queue, problem=_ipp_problem(exc)
                )
            ) from None
        finally:
            os.unlink(path)

    def status(self, timeout: float = 2.0) -> PrinterState:
        try:
            attributes = self._connection.getPrinterAttributes(self.queue)
        except self._cups.IPPError as exc:  # a reason, as "out of paper" is: "… is not ready: …"
            return PrinterState(
                ready=False,
                message=_(
                    "cannot be reached through CUPS ({problem}); check the queue's name and "
                    "that CUPS is running"
                ).format(problem=_ipp_problem(exc)),
            )
        state = attributes.get("printer-state")
        message = str(attributes.get("printer-state-message", ""))
        if state == _STOPPED or not attributes.get("printer-is-accepting-jobs", True):
            return PrinterState(ready=False, message=message or _("the CUPS queue is stopped"))
        return PrinterState(ready=True, message=message or _("ready"))

    def close(self) -> None:
        pass


def _ipp_problem(exc: Exception) -> str:
    """pycups's IPPError carries (status, text): the text, not the tuple's repr."""
    args = exc.args
    return str(args[-1] if len(args) == 2 else exc).rstrip(".")
