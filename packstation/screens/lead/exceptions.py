"""Exceptions: the orders on hold with their reasons, and the orders that have not shipped and
have no reason yet.  Each key is one decision on the selected order."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from packstation.domain.status import OrderStatus
from packstation.i18n import N_, _, for_store, joined, listed, ngettext, said_later, sentences
from packstation.screens.lead.base import LeadScreen
from packstation.screens.lead.dialogs import AddressForm, Confirm, Prompt
from packstation.screens.lead.format import cut, due_cell, local_time, status_cell, time_on
from packstation.services.carriers import courier_refused
from packstation.services.elsewhere import dropped_waybill
from packstation.services.lead import (
    HeldOrder,
    UnshippedOrder,
    address_of,
    address_refused,
    cancel_order,
    change_courier,
    correct_address,
    held_orders,
    not_shipping_today,
    release,
    settle,
    split_order,
    split_refused,
    unshipped_without_reason,
)
from packstation.services.status_names import carrier_label, event_label, status_label
from packstation.store.uow import UnitOfWork
from packstation.widgets.lead.table import LeadTable
from packstation.widgets.pieces import Pieces

HELD_COLUMNS = (
    N_("Order"),
    N_("Carrier"),
    N_("Due"),
    N_("Exception"),
    N_("Reason"),
    N_("Raised by"),
    N_("Raised at"),
)
# narrower than 120 columns, who raised an exception and when went off the screen's edge, behind
# a long reason: one column says who and when (the date only for an earlier day), one says the
# exception and its reason, and narrower than 100 the carrier is left out (the other list and the
# queue show it).  At any width the reason is cut to the room the other columns leave (R's
# question on a held order says it whole).
HELD_NARROWER = (
    (120, HELD_COLUMNS),
    (100, (N_("Order"), N_("Carrier"), N_("Due"), N_("Exception: reason"), N_("Raised"))),
    (0, (N_("Order"), N_("Due"), N_("Exception: reason"), N_("Raised"))),
)
CUT = ("Reason", "Exception: reason")  # the column cut to the room left
# a reason is never cut shorter than this (a terminal too narrow for it scrolls sideways)
REASON_CELLS = 10


def held_columns_for(width: int) -> tuple[str, ...]:
    """The columns of the orders on hold on a terminal ``width`` columns wide."""
    return next(shown for least, shown in HELD_NARROWER if width >= least)


UNSHIPPED_COLUMNS = (N_("Order"), N_("Status"), N_("Carrier"), N_("Due"))
KIND_LABELS = {
    "short": N_("short"),
    "damaged": N_("damaged"),
    "wrong_item": N_("wrong item"),
    "weight": N_("weight"),
    "address": N_("address problem"),
    "cancelled": N_("cancelled"),
    "changed": N_("changed"),
}


class ExceptionsLoaded(Message):
    def __init__(self, held: list[HeldOrder], count: int, unshipped: list[UnshippedOrder]) -> None:
        super().__init__()
        self.held = held
        self.count = count
        self.unshipped = unshipped


class ExceptionsScreen(LeadScreen):
    TITLE_TEXT = N_("Exceptions")
    # the listed orders that are not on hold: the courier has them, and R settles them
    not_held: frozenset[int] | set[int] = frozenset()
    # the listed orders a bench is packing now
    at_bench: frozenset[int] | set[int] = frozenset()
    # the held orders listed, by id: R names the one it releases and why it was held
    held: Mapping[int, HeldOrder] = {}  # replaced whole on each load
    BINDINGS = [
        Binding("r", "release", N_("Release")),
        Binding("c", "courier", N_("Change courier")),
        Binding("a", "address", N_("Correct address")),
        Binding("s", "split", N_("Split")),
        Binding("x", "cancel_order", N_("Cancel order")),
        Binding("n", "not_today", N_("Not today")),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        # each title, then the keys of its list: a narrow screen moves the keys to a row of their own
        yield Pieces(gap="   ", id="held-title", classes="section")
        held: DataTable[str | Text] = LeadTable(id="held", cursor_type="row")
        yield held
        yield Pieces(gap="   ", id="unshipped-title", classes="section")
        unshipped: DataTable[str | Text] = LeadTable(id="unshipped", cursor_type="row")
        yield unshipped
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._fit_held(self.app.size.width)
        for label in UNSHIPPED_COLUMNS:
            self.query_one("#unshipped", DataTable).add_column(_(label))
        self.query_one("#held", DataTable).focus()
        self.set_interval(self.lead.refresh_seconds * 3, self.reload)
        # the first load comes with ScreenResume, which a screen gets when it is first shown

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_held(event.size.width)

    def _fit_held(self, width: int) -> None:
        """The held orders' columns that fit ``width``, and the rows again with their reasons
        cut to the room left."""
        self.query_one("#held", LeadTable).show_columns(held_columns_for(width))
        self._show_held(width)

    def _show_held(self, width: int) -> None:
        table = self.query_one("#held", LeadTable)
        keep = _place(table)
        table.clear()
        day = self.lead.day
        zone = self.lead.zone
        orders = list(self.held.values())
        cells = [_held_cells(order, day, zone) for order in orders]
        shown = table.labels
        rows = [[by_column[label] for label in shown] for by_column in cells]
        reason = next(i for i, label in enumerate(shown) if label in CUT)
        room = table.room_for(reason, [_(label) for label in shown], rows, width)
        for order, row in zip(orders, rows, strict=True):
            row[reason] = cut(row[reason], max(room, REASON_CELLS))
            table.add_row(*row, key=str(order.order_id))
        _back_to(table, keep)

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="exceptions", exit_on_error=False)
    def _load(self) -> None:
        held = held_orders(self.lead.uow(readonly=True))
        count, unshipped = unshipped_without_reason(self.lead.uow(readonly=True), day=self.lead.day)
        self.post_latest(ExceptionsLoaded(held, count, unshipped))

    def on_exceptions_loaded(self, message: ExceptionsLoaded) -> None:
        day = self.lead.day
        held = self.query_one("#held", DataTable)
        none_held_before = held.row_count == 0
        self.not_held = {o.order_id for o in message.held if o.status != OrderStatus.ON_HOLD}
        self.held = {o.order_id: o for o in message.held}
        # being packed now: a cancel stops that bench, a reason for not shipping does not
        self.at_bench = {o.order_id for o in message.unshipped if o.status == OrderStatus.PACKING}
        self._show_held(self.size.width or self.app.size.width)
        unshipped = self.query_one("#unshipped", DataTable)
        keep = _place(unshipped)
        unshipped.clear()
        for row in message.unshipped:
            unshipped.add_row(
                row.order_no,
                status_cell(row.status),
                carrier_label(row.carrier),
                due_cell(row.due_date, day),
                key=str(row.order_id),
            )
        _back_to(unshipped, keep)
        if message.unshipped and self.focused is held and not message.held:
            unshipped.focus()  # nothing is on hold: the keys go to the list with work in it
        elif message.held and self.focused is unshipped and none_held_before:
            # an order went on hold meanwhile: the keys go back to the held orders (A, S, X
            # acted on the first order of the other list, as if it were the one on hold)
            held.focus()
        settling = len(self.not_held)
        counts = [Text(_("On hold: {count}").format(count=len(message.held) - settling))]
        if settling:  # the courier has them: R settles them (they were counted as on hold)
            counts.append(Text(_("with the courier, to settle: {count}").format(count=settling)))
        self.query_one("#held-title", Pieces).show(
            [
                *counts,
                Text(_("(R release · C courier · A address · S split · X cancel · N not today)")),
            ]
        )
        self.query_one("#unshipped-title", Pieces).show(
            [
                Text(_("Not shipped and no reason yet: {count}").format(count=message.count)),
                Text(_("(N: write the reason)")),
            ]
        )

    def _selected(self) -> tuple[int, str] | None:
        focused = (
            self.focused
            if isinstance(self.focused, DataTable)
            else self.query_one("#held", DataTable)
        )
        table: DataTable[str | Text] = focused
        if table.row_count == 0:
            self.say(
                _("Nothing selected; choose an order with the arrow keys (Tab: the other list)."),
                error=True,
            )
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        number = table.get_row_at(table.cursor_row)[0]
        return int(key or 0), str(number)

    def _ask(
        self,
        question: str,
        then: Callable[[int, str, str], Callable[[UnitOfWork], str]],
        value: str = "",
        at_bench: str = "",
        check: Callable[[str], str] | None = None,
    ) -> None:
        """``then``: the decision for the order's id and number and the answer; ``at_bench``:
        the question instead, for an order a bench is packing now; ``check``: why an answer is
        refused, said while the question stays open (``Prompt``)."""
        selected = self._selected()
        if selected is None:
            return
        order_id, order_no = selected
        if at_bench and order_id in self.at_bench:
            question = at_bench

        def answered(answer: str | None) -> None:
            if answer:
                self.act(then(order_id, order_no, answer))

        self.app.push_screen(
            Prompt(question.format(order=order_no), value=value, required=True, check=check),
            answered,
        )

    def action_release(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        order_id, order_no = selected
        if order_id in self.not_held:
            # the courier has it: nothing to release, the lead says what was done instead
            def then(order_id: int, order_no: str, resolution: str) -> Callable[[UnitOfWork], str]:
                def job(uow: UnitOfWork) -> str:
                    settle(uow, order_id=order_id, resolution=resolution)
                    return _("Order {order}: settled ({resolution}).").format(
                        order=order_no, resolution=resolution
                    )

                return job

            self._ask(
                _("Order {order} is with the courier. What was done (e.g. parcel recalled)?"),
                then,
            )
            return

        def job(uow: UnitOfWork) -> str:
            order = release(
                uow, order_id=order_id, note=for_store(said_later(N_("released by the lead")))
            )
            if order.status == OrderStatus.PACKED:
                return _(
                    "Order {order} is packed again: its parcels wait for the handover."
                ).format(order=order_no)
            return _("Order {order} is back in the queue.").format(order=order_no)

        held = self.held.get(order_id)
        if held is None:  # not on hold (the other list): the release says why it is refused
            self.act(job)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(job)

        # a stray R sent a held order to the benches at once
        why = _notes(held) or _kinds(held)
        question = sentences(
            _("Release order {order}?").format(order=order_no),
            _("It is on hold: {reason}").format(reason=why) if why else "",
        )
        self.app.push_screen(Confirm(question), answered)

    def action_courier(self) -> None:
        lead = self.lead
        known = listed(sorted(lead.settings.carriers)) or lead.settings.shipping.default_carrier

        def then(order_id: int, order_no: str, code: str) -> Callable[[UnitOfWork], str]:
            def job(uow: UnitOfWork) -> str:
                changed = change_courier(
                    uow, order_id=order_id, carrier=code, settings=lead.settings
                )
                said = _("Order {order} now ships with {carrier}.").format(
                    order=changed.order_no, carrier=carrier_label(changed.carrier)
                )
                if changed.dropped:
                    said = sentences(said, dropped_waybill(changed.dropped))
                if changed.on_hold:  # its labels were voided: it said no more
                    said = sentences(
                        said,
                        _(
                            "Its old labels are void: tear them off; it waits on hold, and R releases "
                            "it to a bench for a new label."
                        ),
                    )
                return said

            return job

        self._ask(
            _("New courier for order {order} ({known}):").replace("{known}", known),
            then,
            check=partial(courier_refused, lead.settings),
        )

    def action_address(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        self._edit_address(selected[0])

    @work(thread=True, group="address", exit_on_error=False)
    def _edit_address(self, order_id: int) -> None:
        """Read the address off the screen's thread (a store that is down must not freeze
        it), then open the form."""
        lead = self.lead
        found = address_of(lead.uow(readonly=True), order_id=order_id)
        order_no = found.order_no

        def saved(changes: dict[str, str] | None) -> None:
            if not changes:
                return

            def job(uow: UnitOfWork) -> str:
                relabelled = correct_address(
                    uow, order_id=order_id, changes=changes, settings=lead.settings
                )
                if relabelled:
                    return ngettext(
                        "Address of order {order} corrected; {count} label voided and printed again.",
                        "Address of order {order} corrected; {count} labels voided and printed again.",
                        len(relabelled),
                    ).format(order=order_no, count=len(relabelled))
                return _("Address of order {order} corrected.").format(order=order_no)

            self.act(job)

        form = AddressForm(order_no, found.current, check=address_refused, proposed=found.proposed)
        self.app.call_from_thread(self.app.push_screen, form, saved)

    def action_split(self) -> None:
        def then(order_id: int, order_no: str, answer: str) -> Callable[[UnitOfWork], str]:
            def job(uow: UnitOfWork) -> str:
                ids = split_order(uow, order_id=order_id, parcels=int(answer))
                return _("Order {order} ships in {count} parcels.").format(
                    order=order_no, count=len(ids)
                )

            return job

        self._ask(
            _("Split order {order} into how many parcels?"), then, value="2", check=split_refused
        )

    def action_cancel_order(self) -> None:
        def then(order_id: int, order_no: str, reason: str) -> Callable[[UnitOfWork], str]:
            def job(uow: UnitOfWork) -> str:
                return cancel_order(uow, order_id=order_id, reason=reason).sentence()

            return job

        self._ask(
            _("Why is order {order} cancelled?"),
            then,
            at_bench=_(
                "Order {order} is being packed at a bench: a cancel stops it there. Why is it "
                "cancelled?"
            ),
        )

    def action_not_today(self) -> None:
        def then(order_id: int, order_no: str, reason: str) -> Callable[[UnitOfWork], str]:
            def job(uow: UnitOfWork) -> str:
                order = not_shipping_today(uow, order_id=order_id, reason=reason, day=self.lead.day)
                return _("Reason written for order {order}.").format(order=order.order_no)

            return job

        self._ask(
            _("Why does order {order} not ship today?"),
            then,
            at_bench=_(
                "Order {order} is being packed at a bench, which goes on packing it. Why does it "
                "not ship today?"
            ),
        )


def _held_cells(order: HeldOrder, day: dt.date, zone: dt.tzinfo) -> dict[str, str | Text]:
    """A held order's cells, by column."""
    first = order.exceptions[0] if order.exceptions else None
    notes = _notes(order)
    if order.status != OrderStatus.ON_HOLD:  # with the courier: R settles it
        notes = _("{status}: {reason}").format(status=status_label(order.status), reason=notes)
    by = first.raised_by if first else order.held_by
    at = first.raised_at if first else order.held_at
    kinds = _kinds(order)
    reason = Text(notes, style="yellow")
    return {
        "Order": order.order_no,
        "Carrier": carrier_label(order.carrier),
        "Due": due_cell(order.due_date, day),
        "Exception": kinds,
        "Reason": reason,
        "Exception: reason": _told(kinds, reason),
        "Raised by": by,
        "Raised at": local_time(at, zone),
        "Raised": " ".join(part for part in (by, time_on(at, zone, day)) if part),
    }


def _told(kinds: str, reason: Text) -> Text:
    """The exception and its reason in one cell, the reason in its colour."""
    if not kinds or not reason.plain:
        return Text.assemble(kinds, reason)
    head, _placeholder, tail = _("{exception}: {reason}").partition("{reason}")
    return Text.assemble(head.format(exception=kinds), reason, tail)


def _kinds(order: HeldOrder) -> str:
    """What the order is held for: its exceptions' kinds, or the lead's action that held it."""
    if not order.exceptions and order.held_kind:  # held by a lead's action, not a bench
        return event_label(order.held_kind)
    return listed(_(KIND_LABELS.get(e.kind, e.kind)) for e in order.exceptions)


def _notes(order: HeldOrder) -> str:
    """Why the order is held: its hold reason, else its exceptions' notes."""
    return order.reason or joined(e.note for e in order.exceptions if e.note)


def _place(table: DataTable[str | Text]) -> tuple[str | None, int]:
    """The selected order (its row key) and row, before the list is filled again."""
    if table.row_count == 0:
        return None, 0
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return key, table.cursor_row


def _back_to(table: DataTable[str | Text], place: tuple[str | None, int]) -> None:
    """The cursor on the same order, wherever the list now has it (a decision moves an order
    in the list: its row would select another one), else on the same row."""
    if table.row_count == 0:
        return
    key, row = place
    with contextlib.suppress(RowDoesNotExist):
        row = table.get_row_index(key) if key is not None else row
    table.move_cursor(row=min(row, table.row_count - 1))
