"""Raw TCP printing (port 9100, "JetDirect"), with timeouts on connect, send and status."""

from __future__ import annotations

import contextlib
import socket
import struct
import time

try:
    import fcntl
    import termios
except ImportError:  # Windows: a printer that keeps its half open is taken at its word
    pass

from packstation.devices.base import (
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

_DRAIN_SECONDS = 2.0


def _unacknowledged(conn: socket.socket) -> int:
    """How many bytes sent on ``conn`` (and its end) the printer has not acknowledged yet
    (Linux ``SIOCOUTQ``); 0 where the system cannot say."""
    try:
        raw = fcntl.ioctl(conn.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except (OSError, AttributeError, NameError):
        return 0
    return int(struct.unpack("i", raw)[0])


class TcpPrinter:
    def __init__(self, host: str, port: int = 9100, *, language: str = "zpl", timeout: float = 5.0):
        self.host = host
        self.port = port
        self.language = language
        self.timeout = timeout
        self.description = f"tcp://{host}:{port}"

    def _connect(self, timeout: float) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=timeout)
        except TimeoutError:
            raise PrintJobNotSent(
                _("The printer at {where} did not accept a connection within {seconds} s.").format(
                    where=self.description, seconds=f"{timeout:g}"
                )
            ) from None
        except OSError as exc:
            raise PrintJobNotSent(
                _(
                    "The printer at {where} cannot be reached ({problem}); check it is on and on the network."
                ).format(where=self.description, problem=os_problem(exc))
            ) from None

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        conn = self._connect(timeout)
        try:
            conn.settimeout(timeout)
            conn.sendall(data)
            # the end of our half tells the printer the job is whole; it closes its half once it
            # has read everything, and waiting for that (briefly: not every printer does it
            # promptly) means the job has really been taken when this returns
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(min(timeout, _DRAIN_SECONDS))
            try:
                while conn.recv(4096):
                    pass
            except TimeoutError:
                # a printer that keeps its half open: taken if its end acknowledged every byte
                if _unacknowledged(conn):
                    raise
        except TimeoutError:
            raise PrintJobInterrupted(
                _(
                    "The printer at {where} stopped taking data within {seconds} s; the job was not printed completely."
                ).format(where=self.description, seconds=f"{timeout:g}")
            ) from None
        except OSError as exc:
            raise PrintJobInterrupted(
                _("The printer at {where} refused the job ({problem}).").format(
                    where=self.description, problem=os_problem(exc)
                )
            ) from None
        finally:
            conn.close()

    def status(self, timeout: float = 2.0) -> PrinterState:
        deadline = time.monotonic() + timeout
        try:
            conn = socket.create_connection((self.host, self.port), timeout=timeout)
        except TimeoutError:  # off, on a network that drops what is sent to it
            return no_answer(self.description, timeout)
        except OSError as exc:  # a reason, as "ready" is: "Printer: …", "… is not ready: …"
            return PrinterState(
                ready=False,
                message=_(
                    "cannot be reached ({problem}); check it is on and on the network"
                ).format(problem=os_problem(exc)),
            )
        answer = b""
        try:
            conn.sendall(query_for(self.language))
            while not answer_complete(self.language, answer):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return no_answer(self.description, timeout)
                conn.settimeout(remaining)
                chunk = conn.recv(1024)
                if not chunk:
                    return no_answer(self.description, timeout)
                answer += chunk
        except TimeoutError:
            return no_answer(self.description, timeout)
        except OSError as exc:
            return PrinterState(
                ready=False,
                message=_("the printer at {where} dropped the connection ({problem})").format(
                    where=self.description, problem=os_problem(exc)
                ),
            )
        finally:
            with contextlib.suppress(OSError):
                conn.close()
        return state_from_answer(self.language, answer, self.description)

    def close(self) -> None:
        pass  # one connection per job and per status query
