"""Small modal dialogs of the lead's application: a question with one answer, a yes or no, an
address form and a page of text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from packstation.i18n import N_, _
from packstation.widgets.lead.bindings import translate_bindings
from packstation.widgets.wedge_input import WedgeInput

_Answer = TypeVar("_Answer")


class _Question(ModalScreen[_Answer]):
    """A question with one field that has the keyboard, and a hint below it where what is
    refused is said.  A scan is kept out of the field unless ``scans="submit"``."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    # what a scan kept out of the field is told
    scan_refused = N_("{code} was scanned, but this asks for typing; type the answer.")

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        scans: Literal["post", "submit"] = "post",
        required: bool = False,
        check: Callable[[str], str] | None = None,
    ) -> None:
        """``required``, ``check``: of a typed answer (``Prompt``).  ``check``: why an answer is
        refused ("" when it is taken), said where the question stays open with the answer to
        correct (it closed, and what was typed was lost)."""
        super().__init__()
        translate_bindings(self)
        self.required = required  # an empty answer is refused where it stays, not dropped
        self.check = check
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.scans: Literal["post", "submit"] = scans

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question", markup=False)
            yield WedgeInput(
                value=self.value, placeholder=self.placeholder, id="answer", scans=self.scans
            )
            yield Label(_("Enter: confirm   Esc: back"), classes="hint", id="hint", markup=False)

    def on_mount(self) -> None:
        answer = self.query_one(Input)
        answer.cursor_blink = getattr(self.app, "blink", True)
        answer.focus()

    def on_wedge_input_scanned(self, event: WedgeInput.Scanned) -> None:
        """A scan the field keeps out (``scans="post"``): say so, rather than nothing."""
        event.stop()
        if self.scans == "post":
            self.refuse(_(self.scan_refused).format(code=event.code))

    def refuse(self, why: str) -> None:
        """Say ``why`` in the hint; the question stays open."""
        self.query_one("#hint", Label).update(why)
        self.app.bell()


class Prompt(_Question[str | None]):
    """Ask for one line (a reason, a carrier, a number); Enter answers, Escape cancels.  A scan
    is kept out of the answer, unless the question asks for one (``scans="submit"``: the scan
    is the answer)."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.required and not event.value.strip():
            # Enter on an empty reason closed the question, and nothing was done or said
            self.refuse(_("Type an answer first, or Esc to go back."))
            return
        refused = self.check(event.value.strip()) if self.check and event.value.strip() else ""
        if refused:
            self.refuse(refused)
            return
        self.dismiss(event.value.strip())  # may be empty; Escape gives None

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(_Question[bool]):
    """A yes or no about a decision a stray key must not take: Enter says yes, Esc no.  The
    keyboard stays in an empty field, so a barcode scanned by mistake is refused (and said)
    rather than taken for a yes."""

    scan_refused = N_(
        "{code} was scanned, and is no answer: press Enter to confirm, Esc to go back."
    )

    def __init__(self, question: str) -> None:
        super().__init__(question, placeholder=_("press Enter"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


ADDRESS_LABELS = {
    "recipient_name": N_("Recipient"),
    "phone": N_("Phone"),
    "province": N_("Province"),
    "city": N_("City"),
    "district": N_("District"),
    "address": N_("Address"),
    "postcode": N_("Postcode"),
}


class AddressForm(ModalScreen[dict[str, str] | None]):
    """Correct a recipient's address; Enter on the last field (or Ctrl+S) saves the changes."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(
        self,
        order_no: str,
        current: dict[str, str],
        check: Callable[[dict[str, str]], str] | None = None,
        proposed: dict[str, str] | None = None,
    ) -> None:
        """``check``: why the changes are refused ("" when taken), said in the form, which
        stays open with every edit (one field wrong closed it, and the edits were lost).
        ``proposed``: fields filled in with new values (the marketplace's changed address), to
        be checked and saved; the form says so."""
        super().__init__()
        translate_bindings(self)
        self.order_no = order_no
        self.current = current
        self.check = check
        self.proposed = proposed or {}

    def compose(self) -> ComposeResult:
        # a smaller terminal scrolls it to the field in use, and Tab skips it
        with VerticalScroll(classes="dialog wide address", can_focus=False):
            yield Label(
                _("Correct the address of order {order}").format(order=self.order_no),
                classes="question",
                markup=False,
            )
            if self.proposed:
                yield Label(
                    _(
                        "Filled in with the marketplace's new address (marked *); check it "
                        "against the parcel and save."
                    ),
                    classes="hint",
                    id="proposed",
                    markup=False,
                )
            for name, label in ADDRESS_LABELS.items():
                new = name in self.proposed
                value = self.proposed[name] if new else self.current.get(name, "")
                # each field on one line beside its name: a label above a framed field took
                # four lines, and a 24-line terminal showed neither the title nor the first
                with Horizontal(classes="field"):
                    yield Label(_(label) + (" *" if new else ""), markup=False)
                    # a key typed after Tab goes after the text (selected on focus, the whole
                    # field was replaced by the first key: an address wiped)
                    yield WedgeInput(value=value, id=f"field-{name}", select_on_focus=False)
            yield Label(
                _("Tab: next field   Ctrl+S: save   Esc: cancel"), classes="hint", markup=False
            )
            yield Label("", classes="hint", id="refused", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = getattr(self.app, "blink", True)
        self.query_one("#field-address", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        changes = {}
        for name in ADDRESS_LABELS:
            value = self.query_one(f"#field-{name}", Input).value.strip()
            if value != self.current.get(name, ""):
                changes[name] = value
        refused = self.check(changes) if self.check and changes else ""
        if refused:
            self.query_one("#refused", Label).update(refused)
            self.app.bell()
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPage(ModalScreen[None]):
    """A page of text (the handover list, a label's preview); Escape or Enter closes it."""

    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, title: str, body: object) -> None:
        super().__init__()
        translate_bindings(self)
        self.heading = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog page"):
            yield Label(self.heading, classes="question", markup=False)
            with VerticalScroll():
                yield Static(self.body, markup=False)  # type: ignore[arg-type]
            yield Label(_("Esc: close"), classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
