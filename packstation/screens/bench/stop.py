"""STOP: the order was cancelled while on the bench.  Takes over the whole screen until the
packer confirms the goods are set aside (Enter, or any command barcode)."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from packstation.domain.packing import command_of
from packstation.i18n import _, ngettext


class StopScreen(ModalScreen[None]):
    CSS_PATH = "stop.tcss"
    # Keys in the first moments belong to whatever the packer was doing (a scan's own Enter):
    # only a key pressed after this many seconds takes STOP away.
    ACK_DELAY = 1.5

    def __init__(self, order_no: str, voided: int) -> None:
        super().__init__()
        self._order_no = order_no
        self._voided = voided
        self.shown_at = time.monotonic()

    def _what_to_do(self) -> str:
        if not self._voided:
            return _(
                "Do not ship it. Take the goods out of the box and put them aside for the lead. "
                "No label will print, and none was printed."
            )
        return ngettext(
            "Do not ship it. Take the goods out of the box and put them aside for the lead. "
            "No label will print; the {voided} label already printed is void: tear it up.",
            "Do not ship it. Take the goods out of the box and put them aside for the lead. "
            "No label will print; the {voided} labels already printed are void: tear them up.",
            self._voided,
        ).format(voided=self._voided)

    def compose(self) -> ComposeResult:
        with Vertical(id="stop"):
            yield Static(_("STOP"), id="stop-word", markup=False)
            yield Static(
                _("Order {no} was CANCELLED while you were packing it.").format(no=self._order_no),
                id="stop-what",
                markup=False,
            )
            yield Static(self._what_to_do(), id="stop-do", markup=False)
            yield Static(
                _("Press Enter (or scan any command) when the goods are aside."),
                id="stop-ack",
                markup=False,
            )
            field = Input(id="stop-input")
            field.cursor_blink = False
            yield field

    def on_mount(self) -> None:
        self.shown_at = time.monotonic()
        self.app.bell()
        self.query_one(Input).focus()

    @property
    def can_acknowledge(self) -> bool:
        return time.monotonic() - self.shown_at >= self.ACK_DELAY

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "stop-input":
            return
        event.stop()
        # Only a deliberate Enter on an empty line, or a command barcode, takes STOP away: an
        # item scanned in the same second (the scanner's own Enter) must not dismiss it.
        deliberate = not event.value.strip() or command_of(event.value) is not None
        if deliberate and self.can_acknowledge:
            self.dismiss(None)
            return
        event.input.value = ""
        self.app.bell()
