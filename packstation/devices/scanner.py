"""Scanner readers that run in a daemon thread: serial (pyserial) and Linux evdev (optional).

The bench application starts one when the configured scanner is not the keyboard wedge and
forwards ``on_scan``/``on_state`` with ``call_from_thread``.  Both reconnect with back-off: a
scanner unplugged and plugged back in keeps working.
"""

from __future__ import annotations

import contextlib
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

from packstation.devices.base import DeviceError, Scan
from packstation.devices.keymap import KeyDecoder
from packstation.devices.protocols.base import split_frames
from packstation.devices.reconnect import ReconnectingThread
from packstation.devices.transports.serial_link import PORT_ERRORS, open_serial
from packstation.devices.uri import parse_uri
from packstation.i18n import _
from packstation.os_problems import os_problem

MAX_CODE = 256


def decode_line(line: bytes) -> str | None:
    """A scanned line as text: UTF-8 when it is, else Latin-1; blanks and controls removed."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        text = line.decode("latin-1")
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text or None


class _ReaderThread(ReconnectingThread):
    """A scanner reader: open, read until it fails, reconnect with back-off."""

    source = "serial"
    thread_name = "scanner"

    def __init__(
        self,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[str], None],
        *,
        on_error: Callable[[str], None] | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 5.0,
    ) -> None:
        super().__init__(
            on_state, on_error=on_error, backoff_initial=backoff_initial, backoff_max=backoff_max
        )
        self._on_scan = on_scan

    def _emit(self, code: str) -> None:
        self._on_scan(Scan(code=code, source=self.source))

    def _serve(self, handle: Any) -> None:
        self._read(handle)

    @abstractmethod
    def _read(self, handle: Any) -> None: ...


class SerialScanner(_ReaderThread):
    """A scanner on a serial line (or CDC-ACM USB, or serial-over-TCP): lines end in CR or CR LF."""

    source = "serial"

    def __init__(
        self,
        uri: str,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[str], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(on_scan, on_state, **kwargs)
        self.uri = parse_uri(uri)

    def _open(self) -> Any:
        return open_serial(self.uri, timeout=0.2, what=_("scanner"))

    def _read(self, handle: Any) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            try:
                data = handle.read(1)
                if data:
                    data += handle.read(handle.in_waiting)
            except PORT_ERRORS as exc:
                raise DeviceError(
                    _("The scanner at {where} is disconnected ({problem}).").format(
                        where=self.uri.text, problem=exc
                    )
                ) from None
            if not data:
                continue
            buffer += data
            lines, _dropped = split_frames(buffer, b"\r\n", max_length=MAX_CODE)
            for line in lines:
                code = decode_line(line)
                if code:
                    self._emit(code)

    def _close(self, handle: Any) -> None:
        with contextlib.suppress(*PORT_ERRORS):
            handle.close()


class EvdevScanner(_ReaderThread):
    """A scanner taken exclusively from Linux input (``evdev:///dev/input/by-id/…?layout=us``).

    ``grab()`` stops its keys from reaching the terminal or the desktop.  Needs the evdev extra
    and read access to the node (the ``input`` group or a udev rule).
    """

    source = "evdev"

    def __init__(
        self,
        uri: str,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[str], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(on_scan, on_state, **kwargs)
        self.uri = parse_uri(uri)
        self.layout = self.uri.option("layout", "us")
        self.grab = self.uri.option("grab", "1") not in ("0", "no", "false")
        KeyDecoder(self.layout)  # an unknown layout is refused now, not in the thread

    def _open(self) -> Any:
        try:
            import evdev
        except ImportError:
            raise DeviceError(
                _("evdev scanners need the evdev extra: pip install 'packstation[evdev]'.")
            ) from None
        try:
            device = evdev.InputDevice(self.uri.target)
            if self.grab:
                device.grab()
        except OSError as exc:
            raise DeviceError(
                _(
                    "Cannot take the scanner {path} ({problem}); add yourself to the input group or install the udev rule."
                ).format(path=self.uri.target, problem=os_problem(exc))
            ) from None
        return device

    def _read(self, handle: Any) -> None:
        import select

        decoder = KeyDecoder(self.layout)
        while not self._stop.is_set():
            try:
                readable, _w, _x = select.select([handle.fd], [], [], 0.2)
                if not readable:
                    continue
                events = list(handle.read())
            except OSError as exc:
                raise DeviceError(
                    _("The scanner at {where} is disconnected ({problem}).").format(
                        where=self.uri.text, problem=os_problem(exc)
                    )
                ) from None
            for event in events:
                if event.type == 1:  # EV_KEY
                    code = decoder.feed(event.code, event.value)
                    if code:
                        self._emit(code)

    def _close(self, handle: Any) -> None:
        with contextlib.suppress(OSError):
            if self.grab:
                handle.ungrab()
        with contextlib.suppress(OSError):
            handle.close()
