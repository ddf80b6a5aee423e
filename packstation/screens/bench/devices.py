"""The bench's link to its devices: the scale monitor thread and the print outbox sender.

Started by ``BenchApp`` on mount and stopped on exit.  Readings and states arrive on device
threads and are forwarded to the event loop with ``call_from_thread``; the bench never waits on
a device.  The drivers live in ``packstation.devices`` and ``packstation.services.printing``; an
installation without one of them still runs (the weight is typed, jobs stay queued).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from textual.app import App

from packstation.config import Settings
from packstation.devices.base import PrinterState, ScaleReading, ScaleStatus
from packstation.i18n import _


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class DeviceLink:
    def __init__(
        self,
        app: App[Any],
        settings: Settings,
        engine: Engine,
        *,
        on_reading: Callable[[ScaleReading], None],
        on_scale_state: Callable[[str], None],
        on_printer: Callable[[str, bool], None],
    ) -> None:
        self.app = app
        self.settings = settings
        self.engine = engine
        self.on_reading = on_reading
        self.on_scale_state = on_scale_state
        self.on_printer = on_printer
        self.monitor: Any = None
        self.sender: Any = None
        self.scale: Any = None
        self.simulated = settings.devices.scale.startswith("sim://")

    @property
    def has_scale(self) -> bool:
        return self.settings.devices.scale not in ("", "none")

    def start(self) -> None:
        self._start_scale()
        self._start_printer()

    def _start_scale(self) -> None:
        uri = self.settings.devices.scale
        if not self.has_scale:
            self.on_scale_state(_("none: type the weight (F5)"))
            return
        registry = _module("packstation.devices.registry")
        weighing = _module("packstation.devices.weighing")
        if registry is None or weighing is None:
            self.on_scale_state(_("simulated") if self.simulated else _("no driver: F5"))
            return
        stable = self.settings.devices.stable_readings

        def factory() -> Any:
            self.scale = registry.open_scale(uri, stable_readings=stable)
            return self.scale

        def reading(value: ScaleReading) -> None:
            self.app.call_from_thread(self.on_reading, value)

        def state(value: object) -> None:
            self.app.call_from_thread(self.on_scale_state, str(value))

        self.monitor = weighing.ScaleMonitor(factory, reading, state, 0.2)
        self.monitor.start()

    def _start_printer(self) -> None:
        printing = _module("packstation.services.printing")
        if printing is None:
            self.on_printer(_("not installed: jobs stay queued"), False)
            return
        self.sender = printing.OutboxSender(self.engine, self.settings)
        self.sender.start()
        self.poll_printer()
        self.app.set_interval(2.0, self.poll_printer)

    def poll_printer(self) -> None:
        if self.sender is None:
            return
        state: PrinterState = self.sender.state()
        message = state.message or (_("ready") if state.ready else _("not ready"))
        self.on_printer(message, state.ready)

    def box_on_scale(self, grams: int) -> None:
        """Demo only (``sim://`` scale): act out the packer putting the box on the scale."""
        if not self.simulated:
            return
        if self.scale is not None and hasattr(self.scale, "set_weight"):
            self.scale.set_weight(grams)
            return
        if self.monitor is None:  # no driver installed: hand the reading over directly
            reading = ScaleReading(Decimal(grams), ScaleStatus.STABLE)
            self.app.set_timer(0.3, lambda: self.on_reading(reading))

    def stop(self) -> None:
        for part in (self.monitor, self.sender):
            if part is not None:
                # a device that cannot stop must not keep the bench from closing
                with contextlib.suppress(Exception):
                    part.stop()
