"""``file:///dev/usb/lp0``: a printer's device file (or any file), written without ever blocking
for longer than the timeout; status asked through the same file when it is a character device."""

from __future__ import annotations

import contextlib
import os
import select
import stat
import time
from pathlib import Path

from packstation.devices.base import (
    DeviceError,
    PrinterState,
    PrintJobInterrupted,
    PrintJobNotSent,
)
from packstation.devices.printers.status import (
    answer_complete,
    no_answer,
    query_for,
    state_from_answer,
)
from packstation.i18n import _
from packstation.os_problems import os_problem


class DeviceFilePrinter:
    def __init__(self, path: str | Path, *, language: str = "zpl") -> None:
        self.path = Path(path)
        self.language = language
        self.description = f"file://{self.path}"

    def _is_device(self) -> bool:
        try:
            return stat.S_ISCHR(self.path.stat().st_mode)
        except OSError:
            return False

    def _open(self, flags: int) -> int:
        if not self._is_device():
            flags |= os.O_CREAT | os.O_APPEND
        try:
            return os.open(self.path, flags | os.O_NONBLOCK, 0o644)
        except OSError as exc:
            raise PrintJobNotSent(
                _(
                    "Cannot open the printer device {path} ({problem}); check the cable and the permissions (udev rule, group lp)."
                ).format(path=self.path, problem=os_problem(exc))
            ) from None

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        fd = self._open(os.O_WRONLY)
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        try:
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    failure = PrintJobInterrupted if len(view) < len(data) else PrintJobNotSent
                    raise failure(
                        _(
                            "The printer at {where} stopped taking data within {seconds} s; the job was not printed completely."
                        ).format(where=self.description, seconds=f"{timeout:g}")
                    )
                _r, writable, _x = select.select([], [fd], [], remaining)
                if not writable:
                    continue
                try:
                    written = os.write(fd, view)
                except BlockingIOError:
                    continue
                view = view[written:]
        except OSError as exc:
            failure = PrintJobInterrupted if len(view) < len(data) else PrintJobNotSent
            raise failure(
                _("The printer at {where} refused the job ({problem}).").format(
                    where=self.description, problem=os_problem(exc)
                )
            ) from None
        finally:
            os.close(fd)

    def status(self, timeout: float = 2.0) -> PrinterState:
        if not self._is_device():
            # a plain file or a pipe: nothing to ask, it is ready when it can be written
            parent = self.path if self.path.exists() else self.path.parent
            if os.access(parent, os.W_OK):
                return PrinterState(ready=True, message=_("ready"))
            return PrinterState(
                ready=False,
                message=_("{path} cannot be written").format(path=self.path),
            )
        try:
            fd = self._open(os.O_RDWR)
        except DeviceError as exc:
            return PrinterState(ready=False, message=str(exc))
        deadline = time.monotonic() + timeout
        answer = b""
        try:
            os.write(fd, query_for(self.language))
            while not answer_complete(self.language, answer):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return no_answer(self.description, timeout)
                readable, _w, _x = select.select([fd], [], [], remaining)
                if readable:
                    with contextlib.suppress(BlockingIOError):
                        answer += os.read(fd, 1024)
        except OSError as exc:
            return PrinterState(ready=False, message=os_problem(exc))
        finally:
            os.close(fd)
        return state_from_answer(self.language, answer, self.description)

    def close(self) -> None:
        pass
