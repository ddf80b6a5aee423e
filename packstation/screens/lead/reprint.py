"""Reprint from the keyboard: find an order or parcel by any number, look at its label, reprint
it with a reason (counted) or void it."""

from __future__ import annotations

import tempfile
from functools import cached_property
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from packstation.errors import UserError
from packstation.i18n import N_, _
from packstation.screens.lead.base import LeadScreen
from packstation.screens.lead.dialogs import Prompt
from packstation.screens.lead.format import grams, local_time
from packstation.services.reprints import (
    OrderLabels,
    ParcelLabels,
    find_labels,
    label_content,
    label_preview_png,
    reprint_label,
    void_label,
    void_refused,
    voided_sentence,
)
from packstation.services.status_names import carrier_label, parcel_status_label, status_label
from packstation.store.uow import UnitOfWork
from packstation.widgets.lead.halfblock import png_to_text
from packstation.widgets.lead.table import LeadTable
from packstation.widgets.wedge_input import WedgeInput

COLUMNS = (
    N_("Parcel"),
    N_("Tracking number"),
    N_("Status"),
    N_("Weight"),
    N_("Labels"),
    N_("Reprints"),
    N_("Last printed"),
)


# side by side, the parcels' table and the label's preview need about 130 columns; narrower,
# the preview goes below the table (beside it, it pushed the counts off the screen's edge)
SIDE_BY_SIDE = 130


class LabelsFound(Message):
    def __init__(self, found: OrderLabels, *, again: bool) -> None:
        super().__init__()
        self.found = found
        self.again = again  # read again after an action: the cursor stays where it was


class PreviewReady(Message):
    def __init__(self, body: Text, path: Path | None) -> None:
        super().__init__()
        self.body = body
        self.path = path


class ReprintScreen(LeadScreen):
    TITLE_TEXT = N_("Reprint")
    BINDINGS = [
        Binding("f7", "reprint", N_("Reprint")),
        Binding("f8", "void", N_("Void label")),
        Binding("ctrl+l", "find", N_("New search")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: OrderLabels | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield WedgeInput(
            scans="submit",
            placeholder=_("Scan or type an order number or a tracking number, then Enter"),
            id="code",
        )
        yield Label(_("No order chosen."), id="order-line", classes="section", markup=False)
        with Horizontal(id="reprint-body"):
            with Vertical(id="reprint-left"):
                table: DataTable[str | Text] = LeadTable(id="parcels", cursor_type="row")
                yield table
                yield Static(
                    _("↑/↓ choose a parcel · F7 reprint · F8 void · Ctrl+L new search"),
                    classes="hint",
                    markup=False,
                )
            with VerticalScroll(id="preview-box"):
                yield Static(_("The label preview appears here."), id="preview", markup=False)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#parcels", DataTable)
        for label in COLUMNS:
            table.add_column(_(label))
        field = self.query_one("#code", Input)
        field.cursor_blink = self.lead.blink
        field.focus()

    def on_resize(self, event: events.Resize) -> None:
        stacked = event.size.width < SIDE_BY_SIDE
        self.query_one("#reprint-body").set_class(stacked, "stacked")

    def action_find(self) -> None:
        field = self.query_one("#code", Input)
        field.value = ""
        field.focus()

    @on(Input.Submitted, "#code")
    def code_submitted(self, event: Input.Submitted) -> None:
        self._find(event.value, again=False)

    def reload(self) -> None:
        if self.found is not None:
            self._find(self.found.order_no, again=True)

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def _find(self, code: str, *, again: bool) -> None:
        found = find_labels(self.lead.uow(readonly=True), code)
        self.post_latest(LabelsFound(found, again=again))

    def on_labels_found(self, message: LabelsFound) -> None:
        found = message.found
        self.found = found
        if not message.again:  # another order: what was said of the last one is gone
            self.say("")
        self.query_one("#order-line", Label).update(
            _("Order {order} · {status} · {carrier} · {recipient}").format(
                order=found.order_no,
                status=status_label(found.status),
                carrier=carrier_label(found.carrier),
                recipient=found.recipient,
            )
        )
        table = self.query_one("#parcels", DataTable)
        row = table.cursor_row if message.again else found.shown
        table.clear()
        for parcel in found.parcels:
            last = parcel.last_job
            table.add_row(
                str(parcel.place) if parcel.place else "-",
                parcel.tracking_no or "-",
                parcel_status_label(parcel.status),
                grams(parcel.weight_g),
                str(len(parcel.jobs)),
                str(parcel.reprints),
                local_time(last.created_at, self.lead.zone) if last else "-",
                key=str(parcel.parcel_id),
            )
        if found.parcels:
            table.move_cursor(row=min(row, len(found.parcels) - 1))
            table.focus()
            self._preview_selected()
        else:
            self.say(_("Order {order} has no parcel yet.").format(order=found.order_no), error=True)

    @on(DataTable.RowHighlighted, "#parcels")
    def parcel_highlighted(self) -> None:
        self._preview_selected()

    def _selected_parcel(self) -> ParcelLabels | None:
        table = self.query_one("#parcels", DataTable)
        if self.found is None:
            self.say(_("Find an order first: scan or type its number."), error=True)
            return None
        if table.row_count == 0:
            self.say(
                _("Order {order} has no parcel yet.").format(order=self.found.order_no),
                error=True,
            )
            return None
        return self.found.parcels[table.cursor_row]

    def _preview_selected(self) -> None:
        table = self.query_one("#parcels", DataTable)
        if self.found is None or table.row_count == 0:
            return
        parcel = self.found.parcels[min(table.cursor_row, len(self.found.parcels) - 1)]
        last = parcel.last_job
        if last is None:
            self.query_one("#preview", Static).update(_("This parcel has no label."))
            return
        self._render_preview(last.id)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _render_preview(self, job_id: int) -> None:
        try:
            png: bytes | None = label_preview_png(self.lead.uow(readonly=True), job_id=job_id)
        except (UserError, ValueError, OSError):
            png = None  # bytes the preview cannot parse back: show them as they are
        if png is not None:
            path: Path | None
            try:
                path = self._previews / f"label-{job_id}.png"
                path.write_bytes(png)
            except OSError:  # no folder or file could be made there
                path = None  # the picture is still shown; there is no file to open
            self.post_latest(PreviewReady(png_to_text(png, width=42), path))
            return
        language, content = label_content(self.lead.uow(readonly=True), job_id=job_id)
        body = Text(
            _("Label {job} ({language}), as sent to the printer:").format(
                job=job_id, language=language
            )
            + "\n",
            style="bold",
        )
        body.append(content.decode("utf-8", errors="replace")[:4000])
        self.post_latest(PreviewReady(body, None))

    @cached_property
    def _previews(self) -> Path:
        """This application's own folder for the previews' pictures: a shared one, named by
        job number alone, held other stores' and other users' labels ("Permission denied")."""
        return Path(tempfile.mkdtemp(prefix="packstation-previews-"))

    def on_preview_ready(self, message: PreviewReady) -> None:
        body = message.body
        if message.path is not None:  # above the picture: below it, it fell off the screen
            body = Text(_("Saved as {path}").format(path=message.path) + "\n", style="dim") + body
        self.query_one("#preview", Static).update(body)

    def action_reprint(self) -> None:
        selected = self._selected_parcel()
        if selected is None:
            return
        parcel_id = selected.parcel_id

        def answered(reason: str | None) -> None:
            if not reason:
                return

            def job(uow: UnitOfWork) -> str:
                job_id = reprint_label(
                    uow, parcel_id=parcel_id, reason=reason, settings=self.lead.settings
                )
                return _("Label sent again (job {job}); the reprint is counted.").format(job=job_id)

            self.act(job)

        self.app.push_screen(
            Prompt(_("Why reprint this label? (smudged, lost, torn…)"), required=True), answered
        )

    def action_void(self) -> None:
        selected = self._selected_parcel()
        if selected is None:
            return
        parcel_id, code = selected.parcel_id, selected.tracking_no
        refused = void_refused(code or str(parcel_id), selected.status)
        if refused:  # said before a reason is asked for, not after
            self.say(refused, error=True)
            return

        def answered(reason: str | None) -> None:
            if not reason:
                return

            def job(uow: UnitOfWork) -> str:
                voided = void_label(uow, parcel_id=parcel_id, reason=reason)
                return voided_sentence(code, voided)

            self.act(job)

        self.app.push_screen(Prompt(_("Why void this label?"), required=True), answered)
