"""A text field that keeps keyboard-wedge scans out of what a person types.

A scanner types a whole code within milliseconds and ends it with Enter; a person types far more
slowly.  Every key goes through ``packstation.devices.wedge.WedgeDetector``: keys that may be the
start of a scan are held back for a few tens of milliseconds, a completed scan is posted as
``WedgeInput.Scanned``, and held keys that turn out to be typing are put into the field in order.

What a scan does to the field is the field's ``scans`` mode: ``post`` leaves the text alone (the
screen decides: a reason field must not fill with a barcode), ``fill`` replaces the text with the
code (a search box), ``submit`` replaces it and submits (a field made for scanning: a badge, a
parcel to hand over).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from packstation.config import Settings
from packstation.devices.wedge import Key, WedgeDetector


class WedgeInput(Input):
    class Scanned(Message):
        """A scanner's code arrived while this field had the keyboard."""

        def __init__(self, field: WedgeInput, code: str) -> None:
            super().__init__()
            self.field = field
            self.code = code

        @property
        def control(self) -> WedgeInput:
            return self.field

    def __init__(
        self,
        *args: object,
        scans: Literal["post", "fill", "submit"] = "post",
        detector: WedgeDetector | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.scans = scans
        self._configured_detector = detector
        self.detector = detector or WedgeDetector()
        self.clock: Callable[[], float] = time.monotonic  # tests script key timings through it
        self._flush_timer: Timer | None = None

    def on_mount(self) -> None:
        settings = getattr(self.app, "settings", None)
        if self._configured_detector is None and isinstance(settings, Settings):
            devices = settings.devices
            self.detector = WedgeDetector(
                max_gap_ms=devices.scan_max_gap_ms,
                min_length=devices.scan_min_length,
                prefix=devices.scan_prefix,
                suffix=devices.scan_suffix,
            )

    def _deliver(self, keys: tuple[Key, ...] | list[Key]) -> None:
        """Type held keys as the field types a key itself: over the selected text (a field
        given a suggested answer selects it when it gets the keyboard, and the first key
        typed replaces it), else at the cursor."""
        for _key, character in keys:
            if not (character and character.isprintable()):
                continue
            if self.selection.is_empty:
                self.insert_text_at_cursor(character)
            else:
                self.replace(character, *self.selection)

    def _flush(self) -> None:
        self._flush_timer = None
        self._deliver(self.detector.flush(self.clock()))
        if self.detector.deadline is not None:
            self._arm()

    def _arm(self) -> None:
        deadline = self.detector.deadline
        if deadline is None:
            return
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_timer = self.set_timer(max(0.0, deadline - self.clock()) + 0.001, self._flush)

    async def _on_key(self, event: events.Key) -> None:
        decision = self.detector.feed(event.key, event.character, self.clock())
        current: Key = (event.key, event.character)
        replay = list(decision.replay)
        passes_through = (
            bool(replay)
            and replay[-1] == current
            and not decision.holding
            and decision.code is None
        )
        if passes_through:
            replay.pop()  # the key itself: let the field handle it as usual (Enter submits…)
        self._deliver(replay)
        if decision.code is not None and decision.code.strip():
            code = decision.code.strip()
            event.prevent_default()
            event.stop()
            if self.scans != "post":
                self.value = code
                self.cursor_position = len(self.value)
            self.post_message(self.Scanned(self, code))
            if self.scans == "submit":
                await self.action_submit()
            return
        if decision.holding:
            event.prevent_default()
            event.stop()
            self._arm()
            return
        if passes_through:
            await super()._on_key(event)
