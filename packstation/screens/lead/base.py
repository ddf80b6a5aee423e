"""What every screen of the lead's application shares: translated keys, the message line, and
running a decision or command in a thread worker, as one action that a lost store does not
apply twice, with its outcome posted back as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from packstation.errors import StoreError, UserError
from packstation.i18n import N_, _
from packstation.services.retry import (
    AlreadyApplied,
    already_stored,
    is_connection_problem,
    unreachable,
)
from packstation.store.uow import UnitOfWork
from packstation.widgets.key_bar import KeyBar
from packstation.widgets.lead.bindings import translate_bindings
from packstation.widgets.pieces import Pieces

#: the screens in the order of their function keys (class name, title)
SCREENS = (
    ("QueueScreen", N_("Queue")),
    ("ExceptionsScreen", N_("Exceptions")),
    ("ReprintScreen", N_("Reprint")),
    ("PeopleScreen", N_("People")),
    ("HandoverScreen", N_("Handover")),
    ("ClosingScreen", N_("End of day")),
)

if TYPE_CHECKING:
    from packstation.lead_app import LeadApp


class ActionDone(Message):
    """A decision or command finished: ``ok`` False means it was refused and ``text`` says why;
    ``reload`` False when the store could not be reached (reading it again would not either)."""

    def __init__(self, text: str, ok: bool, reload: bool = True) -> None:
        super().__init__()
        self.text = text
        self.ok = ok
        self.reload = reload


class LeadScreen(Screen[None]):
    """A screen of the lead's application."""

    TITLE_TEXT = ""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def lead(self) -> LeadApp:
        return cast("LeadApp", self.app)

    def compose_header(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        navigation = Pieces(gap=" ", id="navigation")
        navigation.show(self._navigation())
        yield navigation

    def _navigation(self) -> list[Text]:
        """A tab for each screen, this one's lit (a narrow terminal wraps between tabs)."""
        tabs = []
        for index, (mode, label) in enumerate(SCREENS, start=1):
            current = type(self).__name__ == mode
            tabs.append(
                Text.assemble(
                    (f" F{index} ", "bold reverse" if current else "bold"),
                    (_(label), "bold" if current else ""),
                )
            )
        return tabs

    def compose_footer(self) -> ComposeResult:
        yield Static("", id="message", markup=False)
        # the bench's key bar: it wraps on a narrow terminal, where Textual's footer cut keys off
        yield KeyBar([*type(self).BINDINGS, *type(self.app).BINDINGS], id="keys")

    def on_mount(self) -> None:
        self.title = _(self.TITLE_TEXT) if self.TITLE_TEXT else "packstation"

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "error")
        message.set_class(bool(text) and not error, "ok")  # an empty line is no answer
        if error:
            self.app.bell()

    def act(self, job: Callable[[UnitOfWork], str]) -> None:
        """Run one decision or command off the screen's thread, as one action
        (``LeadApp.action``); its sentence comes back as ``ActionDone``."""
        lead = self.lead

        def run() -> None:
            try:
                text = lead.action(job)
            except AlreadyApplied:
                self.post_message(ActionDone(already_stored(), ok=True))
            except StoreError as exc:
                self.post_message(ActionDone(str(exc), ok=False, reload=False))
            except UserError as exc:
                self.post_message(ActionDone(str(exc), ok=False))
            else:
                self.post_message(ActionDone(text, ok=True))

        self.run_worker(run, thread=True, group="act", exit_on_error=False)

    def on_action_done(self, message: ActionDone) -> None:
        self.say(message.text, error=not message.ok)
        if message.reload:
            self.reload()

    def reload(self) -> None:
        """Read the screen's data again (in a worker)."""

    def post_latest(self, message: Message) -> None:
        """Post what a loading worker read, unless a newer load has replaced the worker.  An
        exclusive thread worker cannot be stopped, only marked cancelled: without this, a slow
        read of the first page that ends after the lead paged on would cover the page asked for
        last."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if is_connection_problem(error):
                error = unreachable(error)  # the lead tries again when it is back
            text = (
                str(error)
                if isinstance(error, UserError)
                else _("Something went wrong: {problem}").format(problem=error)
            )
            self.say(text, error=True)
