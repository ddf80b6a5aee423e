"""The day's queue: every order due today or overdue, most urgent first, filtered as the lead
types, one page at a time, refreshed by itself while the benches work."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from packstation.i18n import N_, _, ngettext
from packstation.screens.lead.base import LeadScreen
from packstation.screens.lead.format import cut, due_cell, local_time, status_cell
from packstation.services.queue import (
    LEASE_RAN_OUT,
    QueuePage,
    QueueRow,
    deadlines,
    queue_counts,
    queue_page,
    queue_total,
)
from packstation.services.status_names import carrier_label
from packstation.widgets.lead.countdowns import Countdowns
from packstation.widgets.lead.table import LeadTable
from packstation.widgets.pieces import Pieces
from packstation.widgets.wedge_input import WedgeInput

COLUMNS = (
    N_("Order"),
    N_("Status"),
    N_("Due"),
    N_("Paid"),
    N_("Carrier"),
    N_("Bench"),
    N_("Packer"),
    N_("Recipient"),
    N_("Reason"),
)
# narrower than 120 columns, the reason went off the screen's edge: fewer columns, so that it
# stays in view (the filter still finds any of them)
NARROWER = (
    (120, ()),
    (100, (N_("Paid"), N_("Recipient"))),
    (0, (N_("Paid"), N_("Bench"), N_("Packer"), N_("Recipient"))),
)


def columns_for(width: int) -> tuple[str, ...]:
    """The queue's columns on a terminal ``width`` columns wide."""
    hidden = next(left_out for least, left_out in NARROWER if width >= least)
    return tuple(label for label in COLUMNS if label not in hidden)


SUMMARY = (
    ("ready", N_("ready to pack")),
    ("packing", N_("packing")),
    ("on_hold", N_("on hold")),
    ("packed", N_("packed")),
    ("handed_over", N_("handed over")),
    ("confirmed", N_("confirmed")),
    ("cancelled", N_("cancelled")),
)


class QueueLoaded(Message):
    def __init__(self, page: QueuePage, counts: dict[str, int] | None) -> None:
        super().__init__()
        self.page = page
        self.counts = counts


class QueueCounted(Message):
    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total


class QueueScreen(LeadScreen):
    TITLE_TEXT = N_("The day's queue")
    BINDINGS = [
        Binding("pagedown", "page(1)", N_("Next page"), priority=True, show=False),
        Binding("pageup", "page(-1)", N_("Previous page"), priority=True, show=False),
        Binding("ctrl+t", "tomorrow", N_("Tomorrow too")),
        Binding("escape", "clear", N_("Clear filter"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.include_tomorrow = False
        self.total = 0
        self.refreshes = 0  # pages shown so far (tests wait on it)
        self.counted = 0  # totals shown so far
        self.shown = (0, 0)  # offset and length of the page on screen
        self.asked_limit = 0  # the page size of the last read

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Countdowns(id="countdowns")
        # the counts by status, then what needs the lead's eye; each count stays whole
        yield Pieces(gap="   ", id="summary")
        yield WedgeInput(
            scans="fill",
            placeholder=_(
                "Filter: status, carrier, bench, any number (order, tracking, phone) or name"
            ),
            id="filter",
        )
        table: DataTable[str | Text] = LeadTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="pageinfo", markup=False)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._fit_columns(self.app.size.width)
        field = self.query_one("#filter", Input)
        field.cursor_blink = self.lead.blink
        field.focus()
        self.tick()
        self.set_interval(1.0, self.tick)
        self.set_interval(self.lead.refresh_seconds, self.reload)
        # the page size follows the table's height, known once the screen is laid out
        self.call_after_refresh(self.reload)

    def on_resize(self, event: events.Resize) -> None:
        if self._fit_columns(event.size.width):
            self.reload(with_counts=False)

    def _fit_columns(self, width: int) -> bool:
        """Show the columns that fit ``width``; True when they changed (the rows are read
        again)."""
        return self.query_one("#queue", LeadTable).show_columns(columns_for(width))

    @on(LeadTable.HeightChanged, "#queue")
    def fit_page(self) -> None:
        """Read the page again when the table's height changed since it was asked for: the
        terminal was resized, or the counts line above the table now wraps (or no longer does).
        Otherwise the last rows would hide below the table, and the next page repeat them."""
        if self.page_size != self.asked_limit:
            self.reload(with_counts=False)

    @property
    def page_size(self) -> int:
        """The rows the table shows: its height less the header, and less the horizontal
        scrollbar a narrow terminal gives it."""
        height = self.query_one("#queue", DataTable).scrollable_content_region.height
        return max(5, height - 1) if height else 20

    def tick(self) -> None:
        found = deadlines(self.lead.settings, day=self.lead.day, now=self.lead.clock())
        self.query_one(Countdowns).show_deadlines(found, self.lead.zone)

    def reload(self, with_counts: bool = True) -> None:
        self.asked_limit = self.page_size
        self._load(
            self.query_one("#filter", Input).value, self.page_offset, self.asked_limit, with_counts
        )

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def _load(self, text: str, offset: int, limit: int, with_counts: bool) -> None:
        lead = self.lead
        page = queue_page(
            lead.uow(readonly=True),
            day=lead.day,
            settings=lead.settings,
            filter_text=text,
            include_tomorrow=self.include_tomorrow,
            offset=offset,
            limit=limit,
            now=lead.clock(),
            count=False,  # the page first; the count follows in a second scan
        )
        counts = None
        if with_counts:
            counts = queue_counts(
                lead.uow(readonly=True),
                day=lead.day,
                settings=lead.settings,
                include_tomorrow=self.include_tomorrow,
            )
        self.post_latest(QueueLoaded(page, counts))
        if page.total is None:
            total = queue_total(
                lead.uow(readonly=True),
                day=lead.day,
                settings=lead.settings,
                filter_text=text,
                include_tomorrow=self.include_tomorrow,
            )
            self.post_latest(QueueCounted(total))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        page = message.page
        self.shown = (page.offset, len(page.rows))
        table = self.query_one("#queue", LeadTable)
        keep = table.cursor_row
        table.clear()
        day = self.lead.day
        zone = self.lead.zone
        for row in page.rows:
            cells: dict[str, str | Text] = {
                "Order": Text(row.order_no, style="bold red" if row.at_risk else ""),
                "Status": status_cell(row.status),
                "Due": due_cell(row.due_date, day),
                "Paid": local_time(row.paid_at, zone),
                "Carrier": carrier_label(row.carrier),
                "Bench": row.bench,
                "Packer": row.packer,
                "Recipient": cut(row.recipient, RECIPIENT_CELLS),
                "Reason": _reason(row, zone),
            }
            table.add_row(*(cells[c] for c in table.labels), key=str(row.order_id))
        if page.rows:
            table.move_cursor(row=min(keep, len(page.rows) - 1))
        # rows wider than the terminal bring a horizontal scrollbar, which takes a row's line
        self.call_after_refresh(self.fit_page)
        if message.counts is not None:
            parts = [Text(f"{_(label)} {message.counts.get(key, 0)}") for key, label in SUMMARY]
            risk = sum(1 for r in page.rows if r.at_risk)
            if self.include_tomorrow:
                parts.append(Text(_("(with tomorrow)"), style="bold"))
            if risk:
                parts.append(
                    Text(_("{count} at risk on this page").format(count=risk), style="bold red")
                )
            lapsed = message.counts.get(LEASE_RAN_OUT, 0)
            if lapsed:
                ran_out = ngettext("{count} lease ran out", "{count} leases ran out", lapsed)
                parts.append(Text(ran_out.format(count=lapsed), style="bold yellow"))
            self.query_one("#summary", Pieces).show(parts)
        if page.total is not None:
            self._show_total(page.total)
        self.refreshes += 1

    def on_queue_counted(self, message: QueueCounted) -> None:
        self._show_total(message.total)

    def _show_total(self, total: int) -> None:
        self.total = total
        offset, count = self.shown
        if total == 0:  # it said "0–0 of 0"
            shown = (
                _("No order matches the filter.")
                if self.query_one("#filter", Input).value.strip()
                else _("No order in the queue.")
            )
        else:
            shown = _("{first}–{last} of {total}   PgUp/PgDn: pages").format(
                first=offset + 1 if count else 0, last=offset + count, total=f"{total:,}"
            )
        self.query_one("#pageinfo", Static).update(shown)
        self.counted += 1

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.page_offset = 0
        self.reload(with_counts=False)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.query_one("#queue", DataTable).focus()

    def action_page(self, step: int) -> None:
        size = self.page_size
        offset = self.page_offset + step * size
        if step < 0 and self.page_offset > 0:
            offset = max(offset, 0)  # the page size changed (a resize): back to the first page
        if offset < 0 or (step > 0 and offset >= self.total):
            return
        self.page_offset = offset
        self.reload(with_counts=False)

    def action_tomorrow(self) -> None:
        self.include_tomorrow = not self.include_tomorrow
        self.page_offset = 0
        self.reload(with_counts=True)

    def action_clear(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.focus()


# a recipient's name as long as an address pushed the reason off the screen, on every page
RECIPIENT_CELLS = 16


def _reason(row: QueueRow, zone: dt.tzinfo) -> Text:
    """Why the order waits: its hold reason, or a packing bench's lease that ran out (the next
    bench that asks for an order takes it over)."""
    if row.lease_ran_out is not None:
        when = local_time(row.lease_ran_out, zone, with_date=False)
        return Text(_("lease ran out {time}").format(time=when), style="bold yellow")
    return Text(row.reason, style="yellow")
