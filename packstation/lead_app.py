"""The shift lead's application (Textual).  ``run_lead`` is what ``packstation lead`` calls.

Six screens, one per job of the shift lead, switched with F1–F6: the day's queue, exceptions,
reprints, people and benches, courier handover and the end of day.  Screens call services in
thread workers; the clock is injectable so that tests see a fixed time.  What the lead decides
or commands runs through ``action`` (``services.retry.run_action``): a store that went away is
retried briefly, and an attempt whose commit reached the store is never applied again.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen

from packstation.config import LEAD_PREFIX, Settings
from packstation.i18n import N_, _
from packstation.log_file import log_to_file
from packstation.screens.lead.closing import ClosingScreen
from packstation.screens.lead.exceptions import ExceptionsScreen
from packstation.screens.lead.handover import HandoverScreen
from packstation.screens.lead.people import PeopleScreen
from packstation.screens.lead.queue import QueueScreen
from packstation.screens.lead.reprint import ReprintScreen
from packstation.services import retry
from packstation.services.outbox import OutboxSender
from packstation.store.engine import make_engine
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork
from packstation.widgets.lead.bindings import translate_bindings

Clock = Callable[[], dt.datetime]
T = TypeVar("T")


def lead_name() -> str:
    """What the lead's application records as the ``bench`` of its events: ``lead@`` and this
    machine's name.  The configuration's bench name ("bench-1") made a lead's release or new
    courier look like that bench's work, in an order's history and the bench's active hours.
    Like a bench's, its events are numbered 1, 2, 3… under this name (``UnitOfWork.record``),
    which no bench can take by mistake for a copied configuration, nor on purpose: the
    configuration check refuses a bench name that begins with ``lead@``."""
    return f"{LEAD_PREFIX}{socket.gethostname()}"[:64]


class LeadApp(App[None]):
    TITLE = "packstation"
    CSS_PATH = "screens/lead/lead.tcss"
    MODES = {
        "queue": QueueScreen,
        "exceptions": ExceptionsScreen,
        "reprint": ReprintScreen,
        "people": PeopleScreen,
        "handover": HandoverScreen,
        "closing": ClosingScreen,
    }
    DEFAULT_MODE = "queue"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "switch_mode('queue')", N_("Queue"), priority=True, show=False),
        Binding("f2", "switch_mode('exceptions')", N_("Exceptions"), priority=True, show=False),
        Binding("f3", "switch_mode('reprint')", N_("Reprint"), priority=True, show=False),
        Binding("f4", "switch_mode('people')", N_("People"), priority=True, show=False),
        Binding("f5", "switch_mode('handover')", N_("Handover"), priority=True, show=False),
        Binding("f6", "switch_mode('closing')", N_("End of day"), priority=True, show=False),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        clock: Clock = utcnow,
        user: str = "lead",
        refresh_seconds: float = 2.0,
        blink: bool = True,
        printing: bool = False,
    ) -> None:
        """``printing``: send the print jobs of this machine's printers from here (the lead's
        reprints, corrected labels and handover lists), as a bench sends its own."""
        super().__init__()
        translate_bindings(self)
        self.settings = settings
        self.engine = engine or make_engine(settings.store.url, screen=True)
        self.clock = clock
        self.user = user
        self.bench = lead_name()  # what its events say did them: no bench did
        self.refresh_seconds = refresh_seconds
        self.blink = blink
        self.sub_title = _("Shift lead")
        self.sender = (
            OutboxSender(self.engine, settings, manifests=True, bench=self.bench)
            if printing
            else None
        )

    def on_mount(self) -> None:
        if self.sender is not None:
            self.sender.start()

    def on_unmount(self) -> None:
        if self.sender is not None:
            self.sender.stop()

    async def action_switch_mode(self, mode: str) -> None:
        """F1–F6: a question left open on one screen is dropped, as Esc drops it.  Left open,
        it was there again on the lead's return, and a key meant for the list (X: cancel the
        order) was typed into another order's answer."""
        while isinstance(self.screen, ModalScreen):
            await self.screen.dismiss(None)
        await super().action_switch_mode(mode)

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, bench=self.bench, user=self.user, readonly=readonly)

    def action(self, call: Callable[[UnitOfWork], T]) -> T:
        """One decision or command of the lead: ``call`` gets a unit of work that carries the
        action's id, a lost connection is retried for ``retry.SCREEN_RETRY_S``.  Raises what
        ``call`` raises, ``AlreadyApplied`` when a retry found that an earlier attempt committed
        and ``StoreError`` when the store stayed unreachable.  Blocks: call it from a worker."""
        return retry.run_action(
            self.engine,
            call,
            bench=self.bench,
            user=self.user,
            deadline_s=retry.SCREEN_RETRY_S,
        )

    @property
    def day(self) -> dt.date:
        """The shop's date now."""
        return self.settings.shipping.calendar().today(self.clock())

    @property
    def zone(self) -> dt.tzinfo:
        return self.settings.shipping.calendar().zone


def run_lead(settings: Settings, *, user: str = "lead") -> None:
    log_to_file("lead")
    app = LeadApp(settings, user=user, printing=True)
    try:
        app.run()
    finally:
        app.engine.dispose()
