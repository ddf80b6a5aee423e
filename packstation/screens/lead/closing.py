"""End of day: the reconciliation (imported, packed, handed over, confirmed, cancelled, on hold,
missing), the ship-confirm export for the marketplace, and its orders confirmed once the file
is uploaded."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from packstation.errors import UserError
from packstation.i18n import N_, _, joined, ngettext, sentences
from packstation.screens.lead.base import LeadScreen
from packstation.screens.lead.dialogs import Prompt
from packstation.screens.lead.format import due_cell, status_cell
from packstation.services.closing import Reconciliation, reconciliation
from packstation.services.shipments import confirm_file, export_shipments
from packstation.services.status_names import carrier_label
from packstation.store.uow import UnitOfWork
from packstation.widgets.lead.table import LeadTable

FIGURE_LABELS = {
    "due": N_("Due today"),
    "ready": N_("Ready, not packed"),
    "packing": N_("Packing"),
    "packed": N_("Packed, not handed over"),
    "handed_over": N_("Handed over"),
    "part_recalled": N_("Part handed over, rest recalled"),
    "confirmed": N_("Confirmed online"),
    "cancelled": N_("Cancelled"),
    "on_hold": N_("On hold"),
    "carried_over": N_("Due earlier, not out yet"),
    "missing": N_("Missing (not shipped, no reason)"),
}


# narrower than this, the missing orders beside the figures showed their order numbers and
# statuses alone, the carrier and the due date off the screen's edge: the figures and the
# verdict go above the list, which takes the whole width
SIDE_BY_SIDE = 100


class ReconciliationLoaded(Message):
    def __init__(self, result: Reconciliation) -> None:
        super().__init__()
        self.result = result


class ClosingScreen(LeadScreen):
    TITLE_TEXT = N_("End of day")
    BINDINGS = [
        Binding("e", "export", N_("Ship-confirm export")),
        Binding("c", "confirm", N_("Uploaded: confirm")),
        Binding("r", "reload", N_("Refresh")),
    ]
    exported = ""  # the file the last export wrote: the one to confirm once uploaded

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="closing-title", classes="section", markup=False)
        with Horizontal(id="closing-body"):
            with Vertical(id="figures-box"):
                figures: DataTable[str | Text] = LeadTable(
                    id="figures", cursor_type="none", show_cursor=False
                )
                yield figures
                yield Static("", id="verdict", markup=False)
            with Vertical():
                yield Label(
                    _("Missing orders (F2 to give each a reason)"), classes="section", markup=False
                )
                missing: DataTable[str | Text] = LeadTable(id="missing", cursor_type="row")
                yield missing
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        figures = self.query_one("#figures", DataTable)
        figures.add_column(_("Figure"))
        figures.add_column(_("Orders"))
        missing = self.query_one("#missing", DataTable)
        for label in (N_("Order"), N_("Status"), N_("Carrier"), N_("Due")):
            missing.add_column(_(label))
        # the first load comes with ScreenResume, which a screen gets when it is first shown

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#closing-body").set_class(event.size.width < SIDE_BY_SIDE, "stacked")

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="closing", exit_on_error=False)
    def _load(self) -> None:
        result = reconciliation(
            self.lead.uow(readonly=True), day=self.lead.day, settings=self.lead.settings
        )
        self.post_latest(ReconciliationLoaded(result))

    def on_reconciliation_loaded(self, message: ReconciliationLoaded) -> None:
        result = message.result
        self.query_one("#closing-title", Label).update(
            _("Reconciliation of {date}").format(date=result.day.isoformat())
        )
        figures = self.query_one("#figures", DataTable)
        figures.clear()
        for key, value in result.figures():
            style = (
                "bold red"
                if key == "missing" and value
                else ("bold green" if key == "missing" else "")
            )
            figures.add_row(
                Text(_(FIGURE_LABELS[key]), style=style),
                Text(f"{value:,}", style=style, justify="right"),
            )
        verdict = self.query_one("#verdict", Static)
        if result.missing_count:
            verdict.update(
                Text(
                    ngettext(
                        "{count} order is missing: ship it or write why it does not ship.",
                        "{count} orders are missing: ship them or write why they do not ship.",
                        result.missing_count,
                    ).format(count=result.missing_count),
                    style="bold red",
                )
            )
        else:
            verdict.update(
                Text(_("No order is missing. The day can be closed."), style="bold green")
            )
        missing = self.query_one("#missing", DataTable)
        missing.clear()
        for row in result.missing:
            missing.add_row(
                row.order_no,
                status_cell(row.status),
                carrier_label(row.carrier),
                due_cell(row.due_date, result.day),
            )
        # the header was drawn before the rows widened the columns
        figures.refresh(layout=True)
        missing.refresh(layout=True)

    def action_export(self) -> None:
        lead = self.lead
        # the lead's files are kept together, beside the sealed handover lists, and named in
        # full: the lead uploads this one from a browser and must find it
        folder = lead.settings.shipping.lists_folder().resolve()
        # a second file of the day gets a name of its own: the first was uploaded, and its
        # orders confirmed; written over, their waybills were in no file any more
        name = f"ship-confirm-{lead.day.isoformat()}"
        taken = [folder / f"{name}.csv", *(folder / f"{name}-{n}.csv" for n in range(2, 100))]
        default = str(next((p for p in taken if not p.exists()), taken[0]))

        def answered(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser().resolve()

            def job(uow: UnitOfWork) -> str:
                if path.exists():
                    raise UserError(
                        _(
                            "{path} exists already (an earlier export?); give another file name."
                        ).format(path=path)
                    )
                # every packed or handed-over order not yet confirmed, whatever day it was due
                done = export_shipments(uow, path, settings=lead.settings)
                count = done.rows
                if not done.written:  # a file of headers alone could be uploaded
                    if done.skipped:
                        return _("No file was written: no order could go in it ({orders}).").format(
                            orders=joined(f"{s['order_no']} ({s['message']})" for s in done.skipped)
                        )
                    return _("No shipment waits to be confirmed; no file was written.")
                self.exported = str(path)
                said = ngettext(
                    "{count} shipment written to {path}; upload it to the marketplace before the deadline, then press C to confirm its orders.",
                    "{count} shipments written to {path}; upload it to the marketplace before the deadline, then press C to confirm its orders.",
                    count,
                ).format(count=count, path=path)
                if done.skipped:  # an order of another shop, or one without a waybill yet
                    said = sentences(
                        said,
                        _("Not in the file: {orders}.").format(
                            orders=joined(f"{s['order_no']} ({s['message']})" for s in done.skipped)
                        ),
                    )
                return said

            self.act(job)

        self.app.push_screen(Prompt(_("Write the ship-confirm file to:"), value=default), answered)

    def action_confirm(self) -> None:
        """The file is uploaded: its orders, and those alone, become confirmed (an order packed
        since it was written waits for the next file)."""

        def answered(path: str | None) -> None:
            if not path:
                return

            def job(uow: UnitOfWork) -> str:
                done = confirm_file(uow, Path(path))
                said = ngettext(
                    "{confirmed} order of {path} marked confirmed ({already} already confirmed).",
                    "{confirmed} orders of {path} marked confirmed ({already} already confirmed).",
                    done.confirmed,
                ).format(path=path, confirmed=done.confirmed, already=done.already)
                if done.skipped:
                    said = sentences(
                        said,
                        _("Not confirmed: {orders}.").format(
                            orders=joined(f"{s['order_no']} ({s['message']})" for s in done.skipped)
                        ),
                    )
                return said

            self.act(job)

        self.app.push_screen(
            Prompt(_("Confirm the orders of the uploaded file:"), value=self.exported), answered
        )
