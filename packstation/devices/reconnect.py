"""A device thread that opens its device, serves it until it fails, and reconnects with back-off.

The scale monitor and the serial/evdev scanner readers are this loop with their own open, serve
and close; a device unplugged and plugged back in keeps working, and ``stop`` returns within one
read timeout.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from packstation.devices.base import DeviceError
from packstation.i18n import _

log = logging.getLogger(__name__)

CONNECTED = "connected"
DISCONNECTED = "disconnected"
RECONNECTING = "reconnecting"


class ReconnectingThread(ABC):
    """``on_state`` gets ``connected``, ``disconnected`` or ``reconnecting``; ``on_error`` (if
    given) the sentence of each ``DeviceError``."""

    thread_name = "device"

    def __init__(
        self,
        on_state: Callable[[str], None],
        *,
        on_error: Callable[[str], None] | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 5.0,
    ) -> None:
        self._on_state = on_state
        self._on_error = on_error
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = DISCONNECTED

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _set_state(self, state: str) -> None:
        self.state = state
        self._on_state(state)

    def _report(self, error: DeviceError) -> None:
        if self._on_error is not None:
            self._on_error(str(error))

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:
            # a callback failed while saying so (the application is closing): end quietly,
            # never on the screen
            log.exception("%s thread stopped", self.thread_name)

    def _loop(self) -> None:
        delay = self.backoff_initial
        first = True
        while not self._stop.is_set():
            if not first:
                self._set_state(RECONNECTING)
            first = False
            try:
                handle = self._open()
                try:
                    self._set_state(CONNECTED)
                    delay = self.backoff_initial
                    self._serve(handle)
                finally:
                    with contextlib.suppress(DeviceError, OSError):
                        self._close(handle)
            except Exception as exc:  # not there, or gone while serving: wait, then again
                if not isinstance(exc, DeviceError):
                    # a device library's own error (termios's from an unplugged USB adapter):
                    # the device is treated as gone, not the thread ended for good
                    log.exception("%s failed; reconnecting", self.thread_name)
                    exc = DeviceError(
                        _("The device stopped answering ({problem}); reconnecting.").format(
                            problem=exc
                        )
                    )
                self._report(exc)
                self._set_state(DISCONNECTED)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self.backoff_max)

    @abstractmethod
    def _open(self) -> Any:
        """Connect; raise DeviceError when the device is not there."""

    @abstractmethod
    def _serve(self, handle: Any) -> None:
        """Read until stopped (return) or the device fails (raise DeviceError)."""

    @abstractmethod
    def _close(self, handle: Any) -> None: ...
