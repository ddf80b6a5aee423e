"""Small forms the bench opens over the pick list: a reason, a typed weight, a lead's override,
an exception, a line to tick by hand, a yes or no.  Each dismisses with its answer, or None on Escape.

Every form keeps the keyboard in an Input so a scanner can fill it too; Enter moves to the next
field and submits on the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from packstation.domain.packing import MAX_WEIGHT_G, command_of, typed_grams
from packstation.i18n import N_, _
from packstation.widgets.wedge_input import WedgeInput


def _input(placeholder: str, *, id: str, password: bool = False) -> Input:
    field = WedgeInput(placeholder=placeholder, id=id, password=password)
    field.cursor_blink = False
    return field


class _Form(ModalScreen[object]):
    BINDINGS = [Binding("escape", "dismiss_none", N_("Back"))]
    DEFAULT_CSS = """
    _Form { align: center middle; }
    _Form > VerticalScroll {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    _Form Label { width: 100%; }  /* wrapped in the dialog: a long question was cut off */
    _Form Label.title { text-style: bold; width: 100%; content-align: center middle; }
    _Form Label.error { color: $error; text-style: bold; width: 100%; }
    _Form OptionList { height: auto; max-height: 12; }
    """

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def error(self, message: str) -> None:
        self.query_one("#error", Label).update(message)
        self.app.bell()

    # fields a scanner may fill (a lead's badge); a scan anywhere else is refused, so a barcode
    # never becomes a reason or a weight
    scan_fields: tuple[str, ...] = ()

    def on_wedge_input_scanned(self, event: WedgeInput.Scanned) -> None:
        event.stop()
        if command_of(event.code) == "cancel":  # the CANCEL command barcode backs out
            self.dismiss(None)
        elif event.field.id in self.scan_fields:
            event.field.value = event.code
            self.on_input_submitted(Input.Submitted(event.field, event.code))
        else:
            self.error(_(self.scan_refused).format(code=event.code))

    # what a scan into a field that is typed into is told
    scan_refused = N_(
        "{code} was scanned, but this asks for typing; type it, or scan CANCEL to go back."
    )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input not in inputs:
            return
        event.stop()
        if command_of(event.value) == "cancel":  # the CANCEL command barcode backs out
            self.dismiss(None)
            return
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.submit()

    def submit(self) -> None:
        """Each form overrides this to check its fields and dismiss with its answer."""
        self.dismiss(None)


class ReasonForm(_Form):
    """A reason in words (reprint, release, …)."""

    def __init__(self, title: str, placeholder: str) -> None:
        super().__init__()
        self._title = title
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Label(self._title, classes="title", markup=False)
            yield _input(self._placeholder, id="reason")
            yield Label("", id="error", classes="error", markup=False)
            yield Label(_("Enter: confirm   Esc: back"), markup=False)

    def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.error(_("Write a reason first."))
            return
        self.dismiss(reason)


class ConfirmForm(_Form):
    """A yes or no: Enter says yes, Escape (or the CANCEL barcode) no.  The keyboard stays in an
    empty field, so a barcode scanned by mistake is refused rather than taken for a yes."""

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Label(self._title, classes="title", markup=False)
            yield Label(self._question, markup=False)
            yield _input(_("press Enter"), id="confirm")
            yield Label("", id="error", classes="error", markup=False)

    def submit(self) -> None:
        self.dismiss(True)

    scan_refused = N_(
        "{code} was scanned, and is no answer: press Enter for yes, Esc (or scan CANCEL) for no."
    )


class WeightForm(_Form):
    """A weight typed in grams (no scale, or a scale that cannot be read)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Label(_("Type the weight of the box in grams"), classes="title", markup=False)
            yield _input(_("grams, e.g. 1250 (or 1.25 kg)"), id="grams")
            yield Label("", id="error", classes="error", markup=False)
            yield Label(_("Enter: confirm   Esc: back"), markup=False)

    def submit(self) -> None:
        text = self.query_one("#grams", Input).value
        grams = typed_grams(text)
        if grams is None:
            # the letters of "2kg" were dropped as typed, and 2 g was weighed
            self.error(
                _(
                    "'{text}' is no weight: type grams (1250) or kilograms (1.25 kg), "
                    "more than 0 and at most {most} g."
                ).format(text=text.strip(), most=MAX_WEIGHT_G)
            )
            return
        self.dismiss(grams)


@dataclass(frozen=True)
class Override:
    lead: str
    pin: str
    reason: str


class OverrideForm(_Form):
    """A lead's badge (or name), PIN and reason to accept a weight outside the tolerance."""

    scan_fields = ("lead",)

    def __init__(self, grams: int, expected_g: int, lead: str = "") -> None:
        super().__init__()
        self._grams = grams
        self._expected = expected_g
        self._lead = lead

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Label(
                _("Lead override: accept {grams} g (expected {expected} g)").format(
                    grams=self._grams, expected=self._expected
                ),
                classes="title",
                markup=False,
            )
            lead = _input(_("lead: scan the badge or type the name"), id="lead")
            lead.value = self._lead
            yield lead
            yield _input(_("PIN"), id="pin", password=True)
            yield _input(_("reason, e.g. extra padding for fragile goods"), id="reason")
            yield Label("", id="error", classes="error", markup=False)
            yield Label(_("Enter: next field / confirm   Esc: back"), markup=False)

    def on_mount(self) -> None:
        if self._lead:
            self.query_one("#pin", Input).focus()

    def submit(self) -> None:
        lead = self.query_one("#lead", Input).value.strip()
        pin = self.query_one("#pin", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not (lead and pin and reason):
            self.error(_("A lead, the PIN and a reason are all needed."))
            return
        self.dismiss(Override(lead, pin, reason))


@dataclass(frozen=True)
class LineChoice:
    line_id: int
    label: str


class LineForm(_Form):
    """Choose a line (arrow keys) and give a reason: ticking by hand, or an exception."""

    def __init__(
        self,
        title: str,
        lines: Sequence[LineChoice],
        *,
        kinds: Sequence[tuple[str, str]] = (),
        placeholder: str = "",
        reason_required: bool = True,
    ) -> None:
        super().__init__()
        self._title = title
        self._lines = lines
        self._kinds = kinds
        self._placeholder = placeholder
        self._reason_required = reason_required

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Label(self._title, classes="title", markup=False)
            if self._kinds:
                yield OptionList(
                    *[Option(text, id=key) for key, text in self._kinds], id="kinds", markup=False
                )
            yield OptionList(
                *[Option(choice.label, id=str(choice.line_id)) for choice in self._lines],
                id="lines",
                markup=False,  # the marketplace's titles, as written
            )
            yield _input(self._placeholder, id="reason")
            yield Label("", id="error", classes="error", markup=False)
            yield Label(_("↑↓: choose   Tab: next   Enter: confirm   Esc: back"), markup=False)

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.highlighted = 0
        self.query_one("#kinds" if self._kinds else "#lines", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.focus_next()

    def on_key(self, event: events.Key) -> None:
        """A key typed while a list has the keyboard goes to the reason (a packer who types
        the reason straight away loses no letter; a scan reaches the field that refuses it)."""
        if not isinstance(self.focused, OptionList):
            return
        if not (event.character and event.character.isprintable()):
            return
        event.stop()
        event.prevent_default()
        reason = self.query_one("#reason", Input)
        reason.focus()
        reason.post_message(events.Key(event.key, event.character))

    def submit(self) -> None:
        lines = self.query_one("#lines", OptionList)
        reason = self.query_one("#reason", Input).value.strip()
        if lines.highlighted is None:
            self.error(_("Choose a line first."))
            return
        if self._reason_required and not reason:
            self.error(_("Write a reason first."))
            return
        line_id = int(lines.get_option_at_index(lines.highlighted).id or 0)
        kind = ""
        if self._kinds:
            kinds = self.query_one("#kinds", OptionList)
            kind = kinds.get_option_at_index(kinds.highlighted or 0).id or ""
        self.dismiss((kind, line_id, reason))
