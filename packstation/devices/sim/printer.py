"""An in-process simulated printer (``sim://``): records jobs in memory; the tests and the demo
switch it off, out of paper, head open or silent."""

from __future__ import annotations

import threading
from enum import StrEnum

from packstation.devices.base import PrinterState, PrintJobInterrupted, PrintJobNotSent
from packstation.i18n import _


class PrinterMode(StrEnum):
    READY = "ready"
    OFF = "off"  # refuses connections
    PAPER_OUT = "paper-out"
    HEAD_OPEN = "head-open"
    SILENT = "silent"  # takes nothing and answers nothing


class SimulatedPrinter:
    """Implements ``PrinterTransport``; ``jobs`` holds every job it printed, in order."""

    description = "sim://"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.jobs: list[bytes] = []
        self.mode = PrinterMode.READY

    def set_mode(self, mode: PrinterMode | str) -> None:
        with self._lock:
            self.mode = PrinterMode(mode)

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        with self._lock:
            mode = self.mode
            if mode is PrinterMode.READY:
                self.jobs.append(bytes(data))
                return
        if mode is PrinterMode.OFF:
            raise PrintJobNotSent(_("The simulated printer is switched off."))
        if mode is PrinterMode.SILENT:
            raise PrintJobInterrupted(
                _(
                    "The printer at {where} stopped taking data within {seconds} s; the job was not printed completely."
                ).format(where=self.description, seconds=f"{timeout:g}")
            )
        raise PrintJobNotSent(
            _("The simulated printer cannot print: {reason}.").format(
                reason=self.status().message.rstrip(".。")
            )
        )

    def status(self, timeout: float = 2.0) -> PrinterState:
        mode = self.mode
        if mode is PrinterMode.READY:
            return PrinterState(ready=True, message=_("ready"))
        if mode is PrinterMode.PAPER_OUT:
            return PrinterState(ready=False, message=_("out of paper"), paper_out=True)
        if mode is PrinterMode.HEAD_OPEN:
            return PrinterState(ready=False, message=_("print head open"), head_open=True)
        if mode is PrinterMode.OFF:  # a reason, as "out of paper" is: "Printer: switched off"
            return PrinterState(ready=False, message=_("switched off"))
        return PrinterState(
            ready=False,
            message=_(
                "the printer at {where} did not answer within {seconds} s (off, head open or out of media)"
            ).format(where=self.description, seconds=f"{timeout:g}"),
        )

    def close(self) -> None:
        pass
