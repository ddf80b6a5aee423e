"""The packing screen (DESIGN §5): the pick list, scanning, weighing, labels, exceptions.

Pushed by the sign-in screen.  Every action calls one service in ``packstation.services.packing``
(one committed transaction each, through ``store_link``: a store that went away is retried, then
said), then redraws from a fresh snapshot of the order, so what the screen shows is always what
the store holds.  Scans are handled in order on the event loop: each
is a millisecond transaction, and a worker per scan could reorder them.  The actions that ask
in a form first (F4, F6, F7, F8, Ctrl+Q) are in ``forms``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from packstation.devices.base import ScaleReading, ScaleStatus, no_scale
from packstation.devices.weighing import EMPTY_G, grams_said, status_word, trouble_said, whole_grams
from packstation.domain.packing import ScanOutcome, command_of
from packstation.domain.status import OrderStatus, WeightSource
from packstation.domain.tracking import format_ok
from packstation.errors import StoreError, StoreRefused, UserError
from packstation.i18n import N_, _, joined, ngettext, sentences
from packstation.screens.bench import forms, order_text
from packstation.screens.bench.dialogs import (
    Override,
    WeightForm,
)
from packstation.screens.bench.signin import Packer
from packstation.screens.bench.stop import StopScreen
from packstation.screens.bench.store_link import StoreLink
from packstation.services import claims, packing
from packstation.services.catalogue import find_by_code
from packstation.services.elsewhere import changed_elsewhere, not_ours_any_more, seen
from packstation.services.packing_view import (
    OrderView,
    Phase,
    blocked_weight,
    order_status,
    read_order,
)
from packstation.services.retry import AlreadyApplied, already_stored, ping
from packstation.services.status_names import role_label
from packstation.services.users import find_user, is_active, sign_out
from packstation.store.uow import UnitOfWork
from packstation.widgets.feedback import Feedback
from packstation.widgets.key_bar import KeyBar
from packstation.widgets.pick_list import PickList
from packstation.widgets.pieces import Pieces
from packstation.widgets.progress_line import ProgressLine
from packstation.widgets.scan_line import ScanLine
from packstation.widgets.status_bar import StatusBar
from packstation.widgets.weight_panel import WeightPanel

if TYPE_CHECKING:
    from packstation.app import BenchApp

T = TypeVar("T")

# Below this many rows the screen drops its frames (an 80×24 terminal showed no line of the order).
COMPACT_BELOW_ROWS = 30
BOX_SLACK = 6  # cells the box line keeps spare, so a tick seldom widens it


# what the packer does when the scale cannot weigh (the panel said "put the box on the scale")
FAULT_VERDICTS = {
    ScaleStatus.OVERLOAD: N_("the scale is overloaded: take weight off it, or type the weight: F5"),
    ScaleStatus.UNDERLOAD: N_(
        "the scale reads under zero: empty it and press its zero key, or type the weight: F5"
    ),
    # what is wrong is on the top line, in full: said again here it took the pick list's rows
    ScaleStatus.ERROR: N_("type the weight: F5"),
}


class BenchScreen(Screen[str | None]):
    CSS_PATH = "packing.tcss"
    BINDINGS = [
        Binding("f2", "next_order", N_("Next order")),
        Binding("f3", "new_box", N_("New box")),
        Binding("f4", "tick_by_hand", N_("Tick by hand")),
        Binding("f5", "type_weight", N_("Type weight")),
        Binding("f6", "exception", N_("Short/damaged")),
        Binding("f7", "reprint", N_("Reprint")),
        Binding("f8", "override", N_("Lead override")),
        Binding("f9", "release", N_("Put back")),
        Binding("f10", "sign_out", N_("Sign out")),
        Binding("ctrl+q", "app.quit", N_("Quit")),
    ]

    def __init__(self, engine: Engine, packer: Packer, notice: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.packer = packer
        self.notice = notice
        self.order_id: int | None = None
        self.view: OrderView | None = None
        self.last_order_id: int | None = None  # for a reprint after the order is packed
        self.blocked_grams: int | None = None  # a weight refused: a lead may override it
        self.on_scale: int | None = None  # the stable reading now, if any
        # what stops the scale weighing (overload, under zero, an error), said in the panel
        self.scale_fault: ScaleStatus | None = None
        # a weight the store refused to take (no waybill number yet…): tried again once the box
        # has its number
        self.untaken: tuple[int, WeightSource] | None = None
        self.live = ""
        self.stopped = False
        # what the packer did last (a scan, a key, a weight), named again if the store lost it
        self.doing = ""
        # what the store, unreachable, did not take: said when it is back, to be done again
        self.unstored: list[str] = []
        self._back = False  # the store came back in this event: said before what follows
        self._flash: Timer | None = None
        # what is on the screen already: unchanged parts are not redrawn on a tick
        self._shown_head = ""
        self._shown_notes = ""
        self._shown_box = ""

    @property
    def bench_app(self) -> BenchApp:
        from packstation.app import BenchApp

        assert isinstance(self.app, BenchApp)
        return self.app

    @cached_property
    def store(self) -> StoreLink:
        return StoreLink(
            self.engine,
            bench=self.bench_app.settings.bench.name,
            user=self.packer.name,
            on_lost=self.store_lost,
            on_back=self.store_back,
        )

    def store_lost(self, exc: StoreError) -> None:
        self.query_one(StatusBar).store_down = True
        self.say(str(exc), "refused")

    def store_back(self) -> None:
        self.query_one(StatusBar).store_down = False
        self._back = True
        self.say("")
        # what else this event says comes after it; then it is said, and the list done with
        self.call_later(self._back_told)

    def _back_told(self) -> None:
        self._back = False
        self.unstored = []

    def back_said(self) -> str:
        """The store is back, and what it did not take while it was away (the packer saw the
        red line of each, and then only "reachable again": the scan was thought stored)."""
        lost = self.unstored
        if not lost:
            return _("The store is reachable again.")
        return ngettext(
            "The store is reachable again, but {what} was not stored: do it again.",
            "The store is reachable again, but these were not stored: {what}. Do them again.",
            len(lost),
        ).format(what=joined(lost))

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        bar = StatusBar(id="status")
        bar.bench = self.bench_app.settings.bench.name
        role = role_label(self.packer.role)
        bar.user = _("{name} ({role})").format(name=self.packer.name, role=role)
        yield bar
        if self.notice:
            yield Static(self.notice, id="notice", markup=False)  # "[devices]" is no markup
        yield Pieces(gap=order_text.HEADER_GAP, id="order")
        yield Static(id="notes", markup=False)
        yield PickList(id="picklist")
        yield Static(id="idle", markup=False)
        with Horizontal(id="progress-row"):
            yield ProgressLine(id="progress")
            yield Static(id="box", markup=False)
        yield WeightPanel(id="weight")
        yield Feedback(id="feedback")
        yield ScanLine(id="scan")
        yield KeyBar(self.BINDINGS, id="keys")

    def on_key(self, event: events.Key) -> None:
        # a key of the bar, before its action runs: named again if the store loses what it did
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.key == event.key:
                self.doing = _("{key} ({action})").format(
                    key=binding.key.upper(), action=_(binding.description)
                )

    def on_resize(self, event: events.Resize) -> None:
        # frames cost two rows each: on a short terminal they go, and the pick list keeps them
        self.set_class(event.size.height < COMPACT_BELOW_ROWS, "compact")

    def on_mount(self) -> None:
        self.query_one(ScanLine).focus()
        settings = self.bench_app.settings
        self.set_interval(1.0, self.poll_order, name="poll")
        self.set_interval(max(settings.store.lease_seconds / 3, 1), self.renew, name="lease")
        resumed = self.store.read(claims.claimed_here)
        if resumed is not None:
            self.doing = ""  # the bench's own, not the packer's
            self.guard(lambda uow: packing.prepare(uow, order_id=resumed, settings=settings))
            self.order_id = self.last_order_id = resumed  # F7 reprints it once packed
            self.refresh_order()
            box = self.view.current if self.view else None
            if box is not None and box.closed:
                parcel_id = box.parcel_id
                self.blocked_grams = self.store.read(lambda uow: blocked_weight(uow, parcel_id))
                self.bench_app.weighed_grams = self.blocked_grams
                self.draw_weight()
            self.say(_("Resumed the order this bench was packing."), "attention")
        else:
            self.refresh_order()
            self.say(
                _("Scan an order, a packing slip or a waybill — or F2 for the next due order.")
            )
        self.bench_app.screen_ready(self)

    # --- feedback -------------------------------------------------------------------------

    def say(self, message: str, tone: str = "") -> None:
        if self._back:  # first, or it would be replaced at once by what this scan says
            tone = tone or ("attention" if self.unstored else "ok")
            message = sentences(self.back_said(), message)
        self.query_one(Feedback).show(message, tone)
        if tone == "refused":
            self.app.bell()
            self.add_class("flash")
            if self._flash is not None:
                self._flash.stop()
            self._flash = self.set_timer(0.6, lambda: self.remove_class("flash"))

    def guard(self, call: Callable[[UnitOfWork], T]) -> T | None:
        """Run a bench action (``store_link``: a lost store is retried, then said); a refusal
        becomes the red message, a lost claim stops the order."""
        try:
            done = self.store.action(call)
        except AlreadyApplied:
            self.refresh_order()
            self.say(already_stored(), "attention")
        except claims.ClaimLost as exc:
            self.claim_lost(str(exc))
        except UserError as exc:
            lost = isinstance(exc, StoreError) and not isinstance(exc, StoreRefused)
            if lost and self.doing and self.doing not in self.unstored:
                self.unstored.append(self.doing)
            self.say(str(exc), "refused")
        else:
            if self.doing in self.unstored:  # done again, and stored this time
                self.unstored.remove(self.doing)
            return done
        return None

    def happened(self, call: Callable[[UnitOfWork], object]) -> bool:
        """``guard`` for an action that answers nothing: did it happen?"""
        return self.guard(lambda uow: (call(uow), True)[1]) is not None

    # --- drawing --------------------------------------------------------------------------

    def refresh_order(self, highlight: int | None = None, view: OrderView | None = None) -> None:
        """Redraw from the store (or from ``view``, the store's state already known)."""
        settings = self.bench_app.settings
        if view is None and self.order_id is not None:
            order_id = self.order_id
            view = self.store.read(lambda uow: read_order(uow, order_id, settings))
            if view is None and self.store.down:
                return  # keep what the screen shows
        self.view = view
        order = self.query_one("#order", Pieces)
        notes = self.query_one("#notes", Static)
        table = self.query_one(PickList)
        if view is None:
            self._shown_head = self._shown_notes = ""
            order.show([order_text.no_order()])
            notes.update("")
            notes.display = False
            table.display = False
            idle = self.query_one("#idle", Static)
            idle.add_class("waiting")
            idle.update(order_text.ready_for_the_next())
            self.query_one(ProgressLine).clear()
            self.query_one("#box", Static).update("")
            self._shown_box = ""
            self.draw_weight()
            return
        # the header and the notes change with the order, not with each tick
        head = order_text.header(view, settings.shipping.calendar().today(self.bench_app.now()))
        shown = "\t".join(map(str, head))
        if shown != self._shown_head:
            self._shown_head = shown
            order.show(head)
        note = order_text.notes(view)
        if str(note) != self._shown_notes:
            self._shown_notes = str(note)
            notes.update(note)
        show_notes = bool(view.buyer_note or view.seller_note)
        if notes.display != show_notes:
            notes.display = show_notes
        idle = self.query_one("#idle", Static)
        if idle.has_class("waiting"):
            idle.remove_class("waiting")
            idle.update("")
        if not table.display:
            table.display = True
        self.draw_lines(view, highlight)
        self.draw_weight()

    def draw_tick(self, view: OrderView, line_id: int) -> None:
        """A unit ticked on the order shown: only the line, the progress and the box change."""
        self.view = view
        self.draw_lines(view, line_id)

    def draw_lines(self, view: OrderView, highlight: int | None) -> None:
        self.query_one(PickList).show(
            view.lines, insured=view.insured_value_fen > 0, highlight=highlight
        )
        self.draw_progress(view)

    def draw_progress(self, view: OrderView) -> None:
        self.query_one(ProgressLine).show(view.ticked, view.total)
        text = order_text.box_line(view)
        box_text = self.query_one("#box", Static)
        if str(text) != self._shown_box:
            self._shown_box = str(text)
            box_text.update(text, layout=False)
            # as wide as its text, with room to spare, so that a tick ("1 unit" → "2 units")
            # redraws the line without laying the screen out again; the progress bar takes
            # the rest of the row
            width = box_text.styles.width
            cells = width.cells if width is not None else None
            if cells is None or not text.cell_len <= cells <= text.cell_len + BOX_SLACK * 2:
                box_text.styles.width = text.cell_len + BOX_SLACK

    def draw_weight(self) -> None:
        panel = self.query_one(WeightPanel)
        view = self.view
        box = view.current if view else None
        if view is None or box is None or view.phase != Phase.WEIGHING:
            panel.draw(expected_g=None, tolerance_g=0, live="", verdict="", no_order=view is None)
            if view is not None and view.phase == Phase.LABEL_CHECK:
                panel.draw(
                    expected_g=box.expected_g if box else None,
                    tolerance_g=view.tolerance_g,
                    live=grams_said(box.measured_g) if box and box.measured_g else "",
                    verdict=_("scan the printed label"),
                    accepted=True,
                )
            return
        blocked = self.blocked_grams is not None
        if blocked:
            verdict = _("BLOCKED: {grams} g is outside the tolerance").format(
                grams=self.blocked_grams
            )
        elif self.untaken is not None:
            verdict = _("{grams} g weighed, not taken yet: see the message").format(
                grams=self.untaken[0]
            )
        elif self.on_scale is not None and self.on_scale == self.bench_app.weighed_grams:
            verdict = _("take the weighed box off the scale, then put this one on")
        elif self.on_scale is not None and not self.bench_app.scale_emptied:
            verdict = _(
                "take the box off the scale: it was on it when the bench started, then put "
                "this one on"
            )
        else:
            verdict = self.how_to_weigh()
        live = self.live
        if self.scale_fault is ScaleStatus.ERROR:  # why, on the top line: once, in full
            live = _("see the top line")
        panel.draw(
            expected_g=box.expected_g,
            tolerance_g=view.tolerance_g,
            live=live,
            verdict=verdict,
            blocked=blocked,
        )

    def how_to_weigh(self) -> str:
        """What the packer does to weigh the box with the scale as it is now."""
        if no_scale(self.bench_app.settings.devices.scale):
            return _("weigh the box and type its weight: F5")
        if self.scale_fault is not None:
            return _(FAULT_VERDICTS[self.scale_fault])
        return _("put the box on the scale")

    # --- scanning -------------------------------------------------------------------------

    def on_scan_line_scanned(self, event: ScanLine.Scanned) -> None:
        event.stop()
        self.handle_code(event.code)

    def handle_code(self, code: str) -> None:
        self.doing = _("the scan of {code}").format(code=code)
        command = command_of(code)
        if command is not None:
            self.run_command(command)
            return
        settings = self.bench_app.settings
        if self.order_id is None or self.view is None:
            self.open_code(code)
            return
        carton = packing.find_carton(settings, code)
        if carton is not None:
            order_id = self.order_id
            self.guard(
                lambda uow: packing.select_carton(
                    uow, order_id=order_id, carton=carton, settings=settings
                )
            )
            self.refresh_order()
            self.say(_("Carton {code} selected.").format(code=carton), "ok")
            return
        if self.view.phase == Phase.LABEL_CHECK:
            self.check_label(code)
            return
        weighing = self.view.phase == Phase.WEIGHING
        # only a code shaped as the carrier's waybill costs a transaction (a product scanned
        # on a closed box is the usual case, and is refused as before)
        if weighing and format_ok(self.view.carrier, code) and self.bind_waybill(code):
            return
        self.scan_item(code)

    def bind_waybill(self, code: str) -> bool:
        """A pre-printed waybill scanned while the box waits for its weight: its number is the
        box's, and a weight refused for want of one (from the scale or typed) is tried again.
        False when ``code`` is no waybill for this box (it is then scanned as anything else)."""
        assert self.order_id is not None
        order_id = self.order_id
        settings = self.bench_app.settings
        found = self.guard(
            lambda uow: (
                packing.bind_waybill(uow, order_id=order_id, code=code, settings=settings),
            )
        )
        if found is None:
            return True  # refused (another parcel has that number), and said
        number = found[0]
        if number is None:
            return False
        self.refresh_order()
        self.say(
            _(
                "Waybill {number} is this box's number; its label prints when the box is weighed."
            ).format(number=number),
            "ok",
        )
        if self.untaken is not None:  # weighed already, and refused for want of a number
            self.submit_weight(*self.untaken)
        return True

    def scan_item(self, code: str) -> None:
        assert self.order_id is not None
        order_id = self.order_id
        settings = self.bench_app.settings
        result = self.guard(
            lambda uow: packing.scan_item(uow, order_id=order_id, code=code, settings=settings)
        )
        if result is None:
            return
        if result.ok and not result.box_closed and self.view and result.line_id:
            # the transaction added exactly this: no need to read the order back
            self.draw_tick(self.view.with_tick(result.line_id, result.units), result.line_id)
        else:
            self.refresh_order(highlight=result.line_id)
        if result.ok:
            if result.box_closed:
                self.weigh_prompt()
                then = _("all ticked: {then}").format(then=self.how_to_weigh())
                said = result.message + "  —  " + then
                self.say(f"{said}  {result.plan}" if result.plan else said, "ok")
            else:
                self.say(result.message, "ok")
            return
        message = result.message
        if result.outcome is ScanOutcome.UNKNOWN:
            found = self.order_with_code(code)
            if found is None:
                message = self.badge_said(code) or message
            elif found == self.order_id:
                message = _("{code} is this order, open already: scan its items.").format(code=code)
            else:
                message = _(
                    "{code} is another order: finish this one, or put it back (F9) first."
                ).format(code=code)
        self.say(message, "refused")

    def weigh_prompt(self) -> None:
        """A box was closed: wait for a fresh stable reading."""
        self.blocked_grams = self.untaken = None
        self.draw_weight()
        box = self.view.current if self.view else None
        if box is not None and box.expected_g is not None:
            self.bench_app.box_on_scale(box.expected_g)

    def order_with_code(self, code: str) -> int | None:
        def find(uow: UnitOfWork) -> int | None:
            with uow:
                return packing.find_order_id(uow, code)

        return self.store.read(find)

    def open_code(self, code: str) -> None:
        if not self.still_a_user():
            return
        settings = self.bench_app.settings
        # in a tuple: no order having the code is an answer too
        found = self.guard(lambda uow: (packing.open_order(uow, code=code, settings=settings),))
        if found is None:
            return  # refused, and said
        claim = found[0]
        if claim is None:
            said = (
                self.badge_said(code)
                or self.product_said(code)
                or _(
                    "No order has the number or waybill {code}; scan the order number on the slip."
                ).format(code=code)
            )
            self.say(said, "refused")
            return
        self.opened(claim)

    def badge_said(self, code: str) -> str:
        """What a badge scanned here means, if ``code`` is one (it was called an unknown
        barcode, or no order's number)."""
        user = self.store.read(lambda uow: find_user(uow, code))
        if user is None or user.badge != code:
            return ""
        return _("{code} is {name}'s badge: to change the packer, sign out first (F10).").format(
            code=code, name=user.name
        )

    def product_said(self, code: str) -> str:
        """What a product's barcode scanned with no order open means (it was called no
        order's number)."""

        def find(uow: UnitOfWork) -> str:
            with uow:
                found = find_by_code(uow, code)
                return found[0].name if found else ""

        name = self.store.read(find)
        if not name:
            return ""
        return _(
            "{code} is {name}, an item: open an order first (F2, or scan its number on the slip)."
        ).format(code=code, name=name)

    def opened(self, claim: claims.Claim) -> None:
        self.order_id = claim.order_id
        self.last_order_id = claim.order_id
        self.blocked_grams = self.untaken = None  # they were the last order's box's
        self.refresh_order()
        if self.view is not None and self.view.phase == Phase.WEIGHING:
            # its box was closed at the bench that had it: it waits for the scale here
            self.weigh_prompt()
        if claim.taken_over_from and claim.left_in_box:
            self.say(
                ngettext(
                    "Order {no} taken over from {bench} (its lease expired): the {units} "
                    "unit ticked there is in its box at {bench}; bring that box here and go on.",
                    "Order {no} taken over from {bench} (its lease expired): the {units} "
                    "units ticked there are in its box at {bench}; bring that box here and go on.",
                    claim.left_in_box,
                ).format(no=claim.order_no, bench=claim.taken_over_from, units=claim.left_in_box),
                "attention",
            )
        elif claim.taken_over_from:
            self.say(
                _("Order {no} taken over from {bench} (its lease expired).").format(
                    no=claim.order_no, bench=claim.taken_over_from
                ),
                "attention",
            )
        elif claim.label_printer:
            self.say(
                _(
                    "Order {no} opened: scan each item. Its label was printed with the batch at "
                    "printer {printer}, not this bench's: fetch it there, or reprint it here "
                    "(F7) with a reason once the box is weighed."
                ).format(no=claim.order_no, printer=claim.label_printer),
                "attention",
            )
        else:
            self.say(_("Order {no} opened: scan each item.").format(no=claim.order_no), "ok")

    def check_label(self, code: str) -> None:
        assert self.order_id is not None
        order_id = self.order_id
        settings = self.bench_app.settings
        result = self.guard(
            lambda uow: packing.check_label(uow, order_id=order_id, code=code, settings=settings)
        )
        if result is None:
            return
        ok, packed = result
        if not ok:
            box = self.view.current if self.view is not None else None
            # the label scanned may be another parcel's, which stays good: say whose was voided
            self.say(
                _(
                    "{code} is not this box's label {expected}. This box's label was voided and "
                    "prints again: stick the new one on this box and scan it."
                ).format(code=code, expected=box.tracking_no if box else "-"),
                "refused",
            )
            return
        self.after_box(packed)

    # --- commands -------------------------------------------------------------------------

    def run_command(self, command: str) -> None:
        actions: dict[str, Callable[[], object]] = {
            "next": self.action_next_order,
            "new_box": self.action_new_box,
            "short": self.action_exception,
            "reprint": self.action_reprint,
            "cancel": self.put_back_scanned,  # scanned on purpose: not asked
            "sign_out": self.sign_out_now,  # scanned on purpose: not asked
        }
        actions[command]()

    def still_a_user(self) -> bool:
        """False, and back to the sign-in, when this packer was removed (``user remove``) since
        signing in: a removed user finishes the order in hand but takes no other."""
        name = self.packer.name
        if self.store.read(lambda uow: is_active(uow, name)) is not False:
            return True  # still a user, or the store is away (the action will say so)
        self.happened(sign_out)
        self.dismiss(
            _(
                "{name} was removed from the users and takes no more orders; sign in with your own badge."
            ).format(name=name)
        )
        return False

    def action_next_order(self) -> None:
        if self.order_id is not None:
            self.say(
                _("Finish this order, or put it back (F9), before taking the next."), "refused"
            )
            return
        if not self.still_a_user():
            return
        settings = self.bench_app.settings
        # in a tuple: an empty queue is an answer too
        found = self.guard(lambda uow: (packing.take_next(uow, settings=settings),))
        if found is None:
            return  # refused, and said
        claim = found[0]
        if claim is None:
            self.say(_("No order is waiting: the queue is empty."), "attention")
            return
        self.opened(claim)

    def action_new_box(self) -> None:
        if self.order_id is None:
            self.say(_("Open an order first: scan its number, or F2 for the next one."), "refused")
            return
        order_id = self.order_id
        seq = self.guard(
            lambda uow: packing.close_box(uow, order_id=order_id, settings=self.bench_app.settings)
        )
        if seq is None:
            return
        self.refresh_order()
        self.weigh_prompt()
        self.say(
            _("Box {seq} closed: weigh it; the next box opens after its label.").format(seq=seq),
            "ok",
        )

    def action_tick_by_hand(self) -> None:
        forms.tick_by_hand(self)

    def action_type_weight(self) -> None:
        if self.view is None:  # "tick every item first" with no order open
            self.say(_("Open an order first: scan its number, or F2 for the next one."), "refused")
            return
        if self.view.phase != Phase.WEIGHING:
            self.say(
                _(
                    "No box is waiting to be weighed: tick every item first, or close the box with F3."
                ),
                "refused",
            )
            return
        if self.on_scale is not None:  # a working scale: a typed weight would go round it
            if self.on_scale >= EMPTY_G:
                said = _(
                    "The scale reads {grams} g, and the box's weight is taken from it; F5 is for "
                    "a scale that is off or cannot weigh the box. A weight outside the tolerance "
                    "needs a lead: F8."
                ).format(grams=self.on_scale)
            else:
                said = _(
                    "The scale works: put the box on it. F5 is for a scale that is off or cannot "
                    "weigh the box."
                )
            self.say(said, "refused")
            return

        def done(grams: object) -> None:
            if isinstance(grams, int):
                self.submit_weight(grams, WeightSource.MANUAL)

        self.app.push_screen(WeightForm(), done)

    def submit_weight(
        self, grams: int, source: WeightSource, override: Override | None = None
    ) -> None:
        assert self.order_id is not None
        order_id = self.order_id
        if source is WeightSource.SCALE:  # the scale's reading is no key nor scan of the packer
            self.doing = _(
                "the weight {grams} g from the scale (take the box off the scale and put it back)"
            ).format(grams=grams)
        lead = override.lead if override else ""
        reason = override.reason if override else ""
        result = self.guard(
            lambda uow: packing.weigh(
                uow,
                order_id=order_id,
                grams=grams,
                source=source,
                settings=self.bench_app.settings,
                lead=lead,
                reason=reason,
            )
        )
        self.untaken = (grams, source) if result is None and override is None else None
        if result is None:
            if self.untaken is not None:  # refused (said) or the store away: not an old BLOCKED
                self.blocked_grams = None
                self.draw_weight()
            return
        if not result.accepted:
            self.blocked_grams = grams
            self.refresh_order()
            self.say(result.message, "refused")
            return
        self.blocked_grams = None
        self.bench_app.weighed()
        if result.await_label_scan:
            self.refresh_order()
            self.say(result.message + "  " + _("Scan the printed label."), "ok")
            return
        self.after_box(result.order_packed, result.message)

    def after_box(self, order_packed: bool, message: str = "") -> None:
        view = self.view
        bar = self.query_one(StatusBar)
        if message and not bar.printer_ok:
            # "label queued" and PACKED while the printer was off: the boxes were put aside
            # unlabelled, and their labels all came out together once it was back
            # the state may be a sentence with brackets of its own: after a colon, not in ()
            message = sentences(
                message,
                _("The printer is not ready: {state}.").format(state=bar.printer.rstrip(".。")),
                _("The label waits for it; keep the box here until it prints."),
            )
        # the outcome first: at the end of a long message it fell off the two lines shown
        if order_packed:
            no = view.order_no if view else ""
            self.order_id = None
            self.refresh_order()
            done = _("✔ Order {no} PACKED. Scan the next order or press F2.").format(no=no)
        else:
            self.refresh_order()
            done = _("Box done: scan the items of the next box.")
        self.say(done + ("  " + message if message else ""), "ok")

    def action_override(self) -> None:
        forms.override(self)

    def action_exception(self) -> None:
        forms.raise_exception(self)

    def action_reprint(self) -> None:
        forms.reprint(self)

    def action_release(self) -> None:
        """F9: asks first when the open box has work in it (``forms.put_back_asked``)."""
        if self.order_id is None:
            self.say(_("No order is open."), "attention")
            return
        forms.put_back_asked(self, self.put_back, signing_out=False)

    def put_back_scanned(self) -> None:
        """The CANCEL barcode: scanned from the command sheet on purpose, it is not asked."""
        if self.order_id is None:
            self.say(_("No order is open."), "attention")
            return
        self.put_back()

    def put_back(self) -> str | None:
        """Put the open order back in the queue and say so; the sentence said, or None when it
        was not put back (the store is unreachable, or a refusal, and that was said)."""
        assert self.order_id is not None
        order_id = self.order_id
        no = self.view.order_no if self.view else ""
        voided = self.guard(
            lambda uow: packing.release_order(uow, order_id=order_id, reason=packing.PUT_BACK)
        )
        if voided is None and self.order_id is not None:
            return None
        self.order_id = None
        self.refresh_order()
        if voided:
            said = _(
                "Order {no} put back in the queue; its box was undone and its label is void: "
                "tear it off and put the goods back in the tote."
            )
        else:
            said = _("Order {no} put back in the queue; its open box was undone.")
        self.say(said.format(no=no), "attention")
        return said.format(no=no)

    def action_quit_bench(self) -> None:
        forms.quit_bench(self)

    def action_sign_out(self) -> None:
        """F10 (or the SIGN-OUT barcode): an order open here goes back first, asked when its
        open box has work in it."""
        if self.order_id is None:
            self.sign_out_now()
        else:
            forms.put_back_asked(self, self.sign_out_now, signing_out=True)

    def sign_out_now(self) -> None:
        said = None
        if self.order_id is not None:
            said = self.put_back()  # the sign-in screen repeats what to do with the goods
            if said is None:
                return  # still open here: the packer was told why
        if self.happened(sign_out):
            self.dismiss(said)

    # --- timers and devices ---------------------------------------------------------------

    def poll_order(self) -> None:
        """Notice at once an order cancelled by an import (or taken by another bench), and a
        change made elsewhere (a lead's void, courier or address); with no order open, that a
        store which went away is back (the top line kept saying it was unreachable until the
        next key)."""
        if self.order_id is None and self.store.down:
            self.store.timed(ping, readonly=True)
        if self.order_id is None or self.stopped:
            return
        order_id, settings = self.order_id, self.bench_app.settings
        fresh = self.store.timed(lambda uow: read_order(uow, order_id, settings), readonly=True)
        if fresh is None:
            return
        if fresh.status == OrderStatus.CANCELLED:
            self.stop_cancelled()
        elif fresh.status != OrderStatus.PACKING or fresh.claimed_bench != settings.bench.name:
            self.lost_to(fresh)
        elif self.view is not None and seen(fresh) != seen(self.view):
            said, weighing = changed_elsewhere(self.view, fresh), self.view.phase
            self.refresh_order(view=fresh)
            if fresh.phase == Phase.WEIGHING and weighing != Phase.WEIGHING:
                self.weigh_prompt()
            self.say(said, "attention")

    def renew(self) -> None:
        if self.order_id is None:
            return
        order_id = self.order_id
        lease = self.bench_app.settings.store.lease_seconds
        # once, without waiting for a lost store: the next renewal comes soon, and the lease
        # outlasts several
        ok = self.store.timed(
            lambda uow: claims.renew_lease(uow, order_id=order_id, lease_seconds=lease)
        )
        if ok is False:
            self.poll_order()

    def lost_to(self, view: OrderView) -> None:
        """The order is no longer this bench's: where its goods go, by what became of it."""
        self.order_id = None
        self.refresh_order()
        self.say(not_ours_any_more(view), "refused")

    def claim_lost(self, message: str) -> None:
        if self.order_id is None:
            return
        order_id = self.order_id
        found = self.store.read(lambda uow: order_status(uow, order_id))
        if found is not None and found[0] == OrderStatus.CANCELLED:
            self.stop_cancelled()
            return
        self.order_id = None
        self.refresh_order()
        self.say(sentences(message, _("Put the goods aside and ask the lead.")), "refused")

    def stop_cancelled(self) -> None:
        if self.order_id is None:
            return
        order_id = self.order_id
        no = self.view.order_no if self.view else ""
        self.doing = ""  # the bench's own: the next poll does it again
        voided = self.guard(lambda uow: packing.stop_cancelled(uow, order_id=order_id))
        if voided is None:
            return  # the store is unreachable, and said: the next poll tries again
        self.order_id = None
        self.stopped = True
        self.refresh_order()
        self.say(_("Order {no} was cancelled: set the goods aside.").format(no=no), "refused")

        def acknowledged(_none: object) -> None:
            self.stopped = False
            self.query_one(ScanLine).focus()

        self.app.push_screen(StopScreen(no, voided), acknowledged)

    def scale_reading(self, reading: ScaleReading) -> None:
        """A reading from the scale monitor (forwarded from its thread)."""
        self.on_scale = None
        faults = (ScaleStatus.OVERLOAD, ScaleStatus.UNDERLOAD, ScaleStatus.ERROR)
        self.scale_fault = reading.status if reading.status in faults else None
        if reading.grams is None:
            self.live = trouble_said(reading)
        else:
            grams = whole_grams(reading.grams)
            self.live = f"{grams_said(grams)} {status_word(reading)}"
            if grams <= -EMPTY_G:  # a scale zeroed with something on it: it cannot weigh
                self.scale_fault = ScaleStatus.UNDERLOAD
            elif reading.stable:
                self.on_scale = grams
            if grams < EMPTY_G:
                self.bench_app.weighed_grams = (
                    None  # the box came off: weigh it again when it is back
                )
        self.query_one(StatusBar).scale = self.live
        view = self.view
        if view is None or view.phase != Phase.WEIGHING or self.stopped:
            self.draw_weight()
            return
        if reading.stable and reading.grams is not None:
            grams = whole_grams(reading.grams)
            fresh = grams != self.bench_app.weighed_grams and self.bench_app.scale_emptied
            if grams >= EMPTY_G and fresh:
                self.bench_app.weighed_grams = grams
                self.submit_weight(grams, WeightSource.SCALE)
                return
        self.draw_weight()

    def scale_state(self, message: str) -> None:
        self.live = message
        self.query_one(StatusBar).scale = message
        self.draw_weight()

    def printer_state(self, message: str, ready: bool) -> None:
        bar = self.query_one(StatusBar)
        bar.printer = message
        bar.printer_ok = ready
