"""``serial:///dev/ttyS0?baud=9600``: a printer on a serial line (pyserial), two-way."""

from __future__ import annotations

import time
from typing import Any

import serial

from packstation.devices.base import PrinterState, PrintJobInterrupted
from packstation.devices.printers.status import (
    answer_complete,
    no_answer,
    query_for,
    state_from_answer,
)
from packstation.devices.transports.serial_link import PORT_ERRORS, open_serial, port_problem
from packstation.devices.uri import DeviceUri
from packstation.i18n import _


class SerialPrinter:
    def __init__(self, uri: DeviceUri, *, language: str = "zpl", timeout: float = 5.0) -> None:
        self.language = language
        self.description = uri.text
        self._port: Any = open_serial(uri, timeout=timeout, what=_("printer"))

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        try:
            self._port.write_timeout = timeout
            self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException:
            raise PrintJobInterrupted(
                _(
                    "The printer at {where} stopped taking data within {seconds} s; the job was not printed completely."
                ).format(where=self.description, seconds=f"{timeout:g}")
            ) from None
        except PORT_ERRORS as exc:
            raise PrintJobInterrupted(
                _("The printer at {where} refused the job ({problem}).").format(
                    where=self.description, problem=exc
                )
            ) from None

    def status(self, timeout: float = 2.0) -> PrinterState:
        deadline = time.monotonic() + timeout
        answer = b""
        try:
            self._port.reset_input_buffer()
            self._port.write(query_for(self.language))
            while not answer_complete(self.language, answer):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return no_answer(self.description, timeout)
                self._port.timeout = min(remaining, 0.1)
                answer += self._port.read(max(1, self._port.in_waiting))
        except PORT_ERRORS as exc:  # a reason, as "out of paper" is: "… is not ready: …"
            return PrinterState(
                ready=False,
                message=_(
                    "cannot be reached ({problem}); check the cable and that it is switched on"
                ).format(problem=port_problem(exc)),
            )
        return state_from_answer(self.language, answer, self.description)

    def close(self) -> None:
        self._port.close()
