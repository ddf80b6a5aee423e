"""People and benches today: orders and units per hour, wrong scans, weight exceptions, reprints,
and a chart of orders packed per hour."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Label

from packstation.i18n import N_, _
from packstation.screens.lead.base import LeadScreen
from packstation.services.people import Figures, PeopleReport, people_report
from packstation.widgets.lead.hourly_chart import HourlyChart
from packstation.widgets.lead.table import LeadTable

COLUMNS = (
    N_("Orders"),
    N_("Units"),
    N_("Orders/h"),
    N_("Units/h"),
    N_("Wrong scans"),
    N_("Weight exc."),
    N_("Reprints"),
)


class PeopleLoaded(Message):
    def __init__(self, report: PeopleReport) -> None:
        super().__init__()
        self.report = report


def _row(f: Figures) -> list[str | Text]:
    return [
        f.name,
        str(f.orders),
        str(f.units),
        f"{f.orders_per_hour:.1f}",
        f"{f.units_per_hour:.1f}",
        Text(str(f.wrong_scans), style="bold red" if f.wrong_scans else ""),
        Text(str(f.weight_exceptions), style="bold yellow" if f.weight_exceptions else ""),
        Text(str(f.reprints), style="bold yellow" if f.reprints else ""),
    ]


class PeopleScreen(LeadScreen):
    TITLE_TEXT = N_("People and benches")

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label(_("Packers today"), classes="section")
        packers: DataTable[str | Text] = LeadTable(id="packers", cursor_type="row")
        yield packers
        yield Label(_("Benches today"), classes="section")
        benches: DataTable[str | Text] = LeadTable(id="benches", cursor_type="row")
        yield benches
        yield Label(_("Throughput by hour"), classes="section")
        yield HourlyChart(id="chart")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        packers = self.query_one("#packers", DataTable)
        benches = self.query_one("#benches", DataTable)
        packers.add_column(_("Packer"))
        benches.add_column(_("Bench"))
        for label in COLUMNS:
            packers.add_column(_(label))
            benches.add_column(_(label))
        packers.focus()
        self.set_interval(self.lead.refresh_seconds * 5, self.reload)
        # the first load comes with ScreenResume, which a screen gets when it is first shown

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def _load(self) -> None:
        report = people_report(
            self.lead.uow(readonly=True), day=self.lead.day, settings=self.lead.settings
        )
        self.post_latest(PeopleLoaded(report))

    def on_people_loaded(self, message: PeopleLoaded) -> None:
        for key, figures in (
            ("#packers", message.report.packers),
            ("#benches", message.report.benches),
        ):
            table = self.query_one(key, DataTable)
            table.clear()
            for f in figures:
                table.add_row(*_row(f))
        self.query_one(HourlyChart).show(message.report.hourly)
