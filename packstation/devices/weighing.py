"""From a stream of readings to a weight the bench may record, and the thread that reads a scale.

``StableWeight`` is pure; ``ScaleMonitor`` runs in a thread of the bench application (which
forwards its callbacks with ``call_from_thread``) and of ``packstation scale read``.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from packstation.devices.base import DeviceError, Scale, ScaleReading, ScaleStatus
from packstation.devices.reconnect import ReconnectingThread
from packstation.i18n import _

# under this many grams the scale is empty: a box came off it (the bench weighs the next box
# that is put on, and not the one left on it again)
EMPTY_G = 5


def whole_grams(grams: Decimal) -> int:
    """A reading in whole grams, rounded half up (12.7 lb is 5761 g; it was cut to 5760)."""
    return int(grams.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def grams_said(grams: int) -> str:
    """A weight in grams as the screens write it (克 in Chinese, beside its other words)."""
    return _("{grams} g").format(grams=grams)


def status_word(reading: ScaleReading) -> str:
    """What the scale says of its reading, for people: stable, moving, overload…"""
    return {
        ScaleStatus.STABLE: _("stable"),
        ScaleStatus.MOTION: _("moving"),
        ScaleStatus.OVERLOAD: _("overload"),
        ScaleStatus.UNDERLOAD: _("under zero"),
    }.get(reading.status, _("error"))


def trouble_said(reading: ScaleReading) -> str:
    """What the bench's top line says of a reading without a weight: its status, and for an
    error which one, short (the weight panel points there: "Scale: error" told nothing).  A
    reading with no frame is the bench's own mark of a scale that stopped answering: its
    state says why."""
    if reading.status is ScaleStatus.ERROR and reading.raw:
        return _("answers with an error (see its display)")
    return status_word(reading)


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


class ScaleMonitor(ReconnectingThread):
    """Reads a scale in a daemon thread; reconnects with back-off when it fails.

    ``on_state`` gets ``"connected"``, ``"disconnected"`` or ``"reconnecting"``; ``on_error`` (if
    given) the sentence of the last ``DeviceError``.  ``zero()`` and ``tare()`` are queued and run
    on the monitor's thread so that only one thread talks to the port.
    """

    thread_name = "scale-monitor"

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
        super().__init__(
            on_state, on_error=on_error, backoff_initial=backoff_initial, backoff_max=backoff_max
        )
        self._factory = scale_factory
        self._on_reading = on_reading
        self.poll_interval = poll_interval
        self.read_timeout = read_timeout
        self._commands: queue.SimpleQueue[str] = queue.SimpleQueue()

    def zero(self) -> None:
        self._commands.put("zero")

    def tare(self) -> None:
        self._commands.put("tare")

    def _open(self) -> Scale:
        return self._factory()

    def _close(self, handle: Scale) -> None:
        handle.close()

    def _serve(self, handle: Scale) -> None:
        self._read_until_failure(handle)

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
