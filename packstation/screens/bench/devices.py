"""The bench's link to its devices: the scale monitor, a serial/evdev scanner, the print outbox.

Started by ``BenchApp`` on mount and stopped on exit.  Readings, scans and states arrive on
device threads and are forwarded to the event loop with ``call_from_thread``; the bench never
waits on a device.  A scale that settles (``StableWeight``: N equal stable readings) is reported
once per settled weight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from textual.app import App

from packstation.config import Settings
from packstation.devices import registry
from packstation.devices.base import DeviceError, ScaleReading, ScaleStatus, Scan, no_scale
from packstation.devices.reconnect import CONNECTED
from packstation.devices.weighing import ScaleMonitor, StableWeight
from packstation.i18n import _, sentences
from packstation.services.outbox import OutboxSender


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
        on_scan: Callable[[str], None],
    ) -> None:
        self.app = app
        self.settings = settings
        self.engine = engine
        self.on_reading = on_reading
        self.on_scale_state = on_scale_state
        self.on_printer = on_printer
        self.on_scan = on_scan
        self.monitor: ScaleMonitor | None = None
        self.sender: OutboxSender | None = None
        self.scanner: registry.ScannerReader | None = None
        self.stable = StableWeight(settings.devices.stable_readings)
        self.simulated = settings.devices.scale.startswith("sim://")
        # why the scale last failed, shown until a reading comes (a scale that answers in
        # another protocol opens fine every time, then fails again: "connected" would hide it)
        self.scale_trouble = ""

    @property
    def has_scale(self) -> bool:
        return not no_scale(self.settings.devices.scale)

    def start(self) -> None:
        self._start_scale()
        self._start_scanner()
        self._start_printer()

    def _start_scale(self) -> None:
        uri = self.settings.devices.scale
        if not self.has_scale:
            self.on_scale_state(_("none: type the weight (F5)"))
            return
        stable = self.settings.devices.stable_readings

        def factory() -> Any:
            return registry.open_scale(uri, stable_readings=stable)

        def reading(value: ScaleReading) -> None:
            self.scale_trouble = ""
            # only settled weights count; the rest is shown live
            settled = self.stable.feed(value)
            shown = value
            if value.stable and settled is None:
                shown = ScaleReading(value.grams, ScaleStatus.MOTION, value.raw, value.unit)
            self.app.call_from_thread(self.on_reading, shown)

        def state(value: str) -> None:
            if value != CONNECTED or self.scale_trouble:
                self.stable.reset()
                # no weight from it now: the last stable one no longer stands (F5 was refused,
                # "the scale works", for a scale silent or unplugged since)
                self.app.call_from_thread(
                    self.on_reading, ScaleReading(None, ScaleStatus.ERROR, b"", "g")
                )
            if self.scale_trouble:
                said = sentences(self.scale_trouble, _("F5 types the weight."))
            elif value == CONNECTED:
                said = _("connected")
            else:
                said = _("not answering: F5 types the weight")
            self.app.call_from_thread(self.on_scale_state, said)

        def trouble(sentence: str) -> None:
            self.scale_trouble = sentence

        self.monitor = ScaleMonitor(factory, reading, state, 0.2, on_error=trouble)
        self.monitor.start()

    def _start_scanner(self) -> None:
        def scanned(scan: Scan) -> None:
            self.app.call_from_thread(self.on_scan, scan.code)

        uri = self.settings.devices.scanner
        troubled = [False]

        def said(sentence: str, severity: Any) -> None:
            self.app.notify(sentence, severity=severity, timeout=30)

        def state(value: str) -> None:
            # said once when it goes and once when it is back: scans typed as keys still work
            if value != CONNECTED and not troubled[0]:
                troubled[0] = True
                sentence = _(
                    "The scanner at {uri} cannot be read: type the codes, or use a scanner that "
                    "types as a keyboard, and check it (packstation doctor)."
                ).format(uri=uri)
                self.app.call_from_thread(said, sentence, "error")
            elif value == CONNECTED and troubled[0]:
                troubled[0] = False
                sentence = _("The scanner at {uri} is connected again.").format(uri=uri)
                self.app.call_from_thread(said, sentence, "information")

        try:
            self.scanner = registry.open_scanner(uri, scanned, state)
        except DeviceError as exc:
            # a scanner address that names none: the bench started without a word, and its
            # scans never arrived
            self.scanner = None
            said(sentences(str(exc), _("Scans typed as keys still work.")), "error")
        if self.scanner is not None:
            self.scanner.start()

    def _start_printer(self) -> None:
        self.sender = OutboxSender(self.engine, self.settings)
        self.sender.start()
        self.app.set_interval(1.0, self.poll_printer)

    def poll_printer(self) -> None:
        if self.sender is None:
            return
        state = self.sender.state()
        message = state.message or (_("ready to print") if state.ready else _("not ready"))
        self.on_printer(message, state.ready)

    def wake_printer(self) -> None:
        """A job was queued: send it now rather than at the next tick."""
        if self.sender is not None:
            self.sender.wake()

    def box_on_scale(self, grams: int) -> None:
        """Demo only (``sim://`` scale): act out the packer putting the box on the scale."""
        if self.simulated:
            registry.simulated_scale().set_weight(Decimal(grams))

    def box_off_scale(self) -> None:
        if self.simulated:
            registry.simulated_scale().remove()

    def stop(self) -> None:
        for part in (self.monitor, self.scanner, self.sender):
            if part is not None:
                # a device that cannot stop must not keep the bench from closing
                with contextlib.suppress(Exception):
                    part.stop()
