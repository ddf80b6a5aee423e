"""From a stream of readings to a weight the bench may record, and the thread that reads a scale.

``StableWeight`` is pure; ``ScaleMonitor`` runs in a thread of the bench application (which
forwards its callbacks with ``call_from_thread``) and of ``packstation scale read``.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from decimal import Decimal

from packstation.devices.base import DeviceError, Scale, ScaleReading


class StableWeight:
    """A weight counts once ``stable_readings`` equal stable readings arrived in a row."""

    def __init__(self, stable_readings: int = 3) -> None:
        self.stable_readings = max(1, stable_readings)
        self._value: Decimal | None = None
        self._count = 0

    def feed(self, reading: ScaleReading) -> Decimal | None:
        """The weight in grams once settled, else ``None``; any unstable reading starts over."""
        if not reading.stable or reading.grams is None:
            self.reset()
            return None
        if self._value is not None and reading.grams == self._value:
            self._count += 1
        else:
            self._value = reading.grams
            self._count = 1
        return self._value if self._count >= self.stable_readings else None

    def reset(self) -> None:
        self._value = None
        self._count = 0


log = logging.getLogger(__name__)

CONNECTED = "connected"
DISCONNECTED = "disconnected"
RECONNECTING = "reconnecting"


class ScaleMonitor:
    """Reads a scale in a daemon thread; reconnects with back-off when it fails.

    ``on_state`` gets ``"connected"``, ``"disconnected"`` or ``"reconnecting"``; ``on_error`` (if
    given) the sentence of the last ``DeviceError``.  ``zero()`` and ``tare()`` are queued and run
    on the monitor's thread so that only one thread talks to the port.
    """

    def __init__(
        self,
        scale_factory: Callable[[], Scale],
        on_reading: Callable[[ScaleReading], None],
        on_state: Callable[[str], None],
        poll_interval: float = 0.2,
        *,
        on_error: Callable[[str], None] | None = None,
        read_timeout: float = 1.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 5.0,
    ) -> None:
        self._factory = scale_factory
        self._on_reading = on_reading
        self._on_state = on_state
        self._on_error = on_error
        self.poll_interval = poll_interval
        self.read_timeout = read_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._commands: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.state = DISCONNECTED

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scale-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def zero(self) -> None:
        self._commands.put("zero")

    def tare(self) -> None:
        self._commands.put("tare")

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
            # a callback failed (the application is closing): end quietly, never on the screen
            log.exception("scale monitor stopped")

    def _loop(self) -> None:
        delay = self.backoff_initial
        first = True
        while not self._stop.is_set():
            if not first:
                self._set_state(RECONNECTING)
            first = False
            try:
                scale = self._factory()
            except DeviceError as exc:
                self._report(exc)
                self._set_state(DISCONNECTED)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self.backoff_max)
                continue
            try:
                self._set_state(CONNECTED)
                delay = self.backoff_initial
                self._read_until_failure(scale)
            except DeviceError as exc:
                self._report(exc)
                self._set_state(DISCONNECTED)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self.backoff_max)
            finally:
                with contextlib.suppress(DeviceError, OSError):
                    scale.close()

    def _read_until_failure(self, scale: Scale) -> None:
        while not self._stop.is_set():
            while not self._commands.empty():
                command = self._commands.get_nowait()
                try:
                    scale.zero() if command == "zero" else scale.tare()
                except DeviceError as exc:
                    # a scale that cannot zero is still a working scale
                    self._report(exc)
            reading = scale.read(self.read_timeout)
            self._on_reading(reading)
            if self._stop.wait(self.poll_interval):
                return
