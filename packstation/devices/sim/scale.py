"""An in-process simulated scale (``sim://``), used by the demo bench and the tests.

The demo puts a parcel on it with a key (``set_weight``); the scale then reports a couple of
moving readings before it settles, like a real one.  Thread-safe: the bench's monitor thread reads
while the UI thread sets weights.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from packstation.devices.base import DeviceError, ScaleReading, ScaleStatus
from packstation.i18n import _


class SimulatedScale:
    """A scale in memory that implements ``Scale``."""

    description = "sim://"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._target = Decimal(0)  # what lies on the platter
        self._offset = Decimal(0)  # set by zero and tare
        self._previous = Decimal(0)
        self._moving = 0  # motion readings still to come
        self._fault: ScaleStatus | None = None
        self._connected = True
        self.readings = 0

    def set_weight(self, grams: Decimal | int, *, settle_readings: int = 2) -> None:
        """Put something on the platter: ``settle_readings`` moving readings, then stable."""
        with self._lock:
            self._previous = self._target
            self._target = Decimal(grams)
            self._moving = max(0, settle_readings)

    def remove(self) -> None:
        """Take the parcel off: back to zero (after a moving reading)."""
        self.set_weight(self._offset, settle_readings=1)

    def set_fault(self, status: ScaleStatus | None) -> None:
        """Report overload, underload, error or motion until cleared with ``None``."""
        with self._lock:
            self._fault = status

    def disconnect(self) -> None:
        """Act out an unplugged or sleeping scale: reads raise ``DeviceError``."""
        with self._lock:
            self._connected = False

    def reconnect(self) -> None:
        with self._lock:
            self._connected = True

    @property
    def connected(self) -> bool:
        return self._connected

    def read(self, timeout: float = 1.0) -> ScaleReading:
        with self._lock:
            if not self._connected:
                raise DeviceError(_("The simulated scale is unplugged."))
            self.readings += 1
            if self._fault is not None:
                return ScaleReading(
                    grams=None if self._fault is not ScaleStatus.MOTION else self._net(),
                    status=self._fault,
                    raw=f"sim {self._fault.value}".encode(),
                )
            if self._moving > 0:
                # halfway between the old and the new weight, as a platter does when it settles
                self._moving -= 1
                value = (self._previous + self._target) / 2 + self._moving
                grams = value - self._offset
                return ScaleReading(
                    grams=grams, status=ScaleStatus.MOTION, raw=f"sim motion {grams} g".encode()
                )
            grams = self._net()
            return ScaleReading(
                grams=grams, status=ScaleStatus.STABLE, raw=f"sim stable {grams} g".encode()
            )

    def _net(self) -> Decimal:
        return self._target - self._offset

    def zero(self) -> None:
        with self._lock:
            if not self._connected:
                raise DeviceError(_("The simulated scale is unplugged."))
            self._offset = self._target

    def tare(self) -> None:
        self.zero()

    def close(self) -> None:
        pass  # the shared instance lives as long as the process
