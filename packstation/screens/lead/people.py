"""People and benches today: orders and units per hour, wrong scans, weight exceptions, reprints,
and a chart of orders packed per hour."""

from __future__ import annotations

from rich.text import Text
from textual import events, work
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
# narrower than this, the tables were wider than the screen (the reprints off its edge): the
# orders and the units each say their rate per hour beside them, in one column
WIDE = 100
NARROW_COLUMNS = (N_("Orders"), N_("Units"), N_("Wrong scans"), N_("Weight exc."), N_("Reprints"))


def columns_for(width: int) -> tuple[str, ...]:
    """The figures' columns on a terminal ``width`` columns wide."""
    return COLUMNS if width >= WIDE else NARROW_COLUMNS


class PeopleLoaded(Message):
    def __init__(self, report: PeopleReport) -> None:
        super().__init__()
        self.report = report


def _row(f: Figures, columns: tuple[str, ...]) -> list[str | Text]:
    apart = "Orders/h" in columns  # the rates in columns of their own, else beside the counts
    cells: dict[str, str | Text] = {
        "Orders": str(f.orders) if apart else _per_hour(f.orders, f.orders_per_hour),
        "Units": str(f.units) if apart else _per_hour(f.units, f.units_per_hour),
        "Orders/h": f"{f.orders_per_hour:.1f}",
        "Units/h": f"{f.units_per_hour:.1f}",
        "Wrong scans": Text(str(f.wrong_scans), style="bold red" if f.wrong_scans else ""),
        "Weight exc.": Text(
            str(f.weight_exceptions), style="bold yellow" if f.weight_exceptions else ""
        ),
        "Reprints": Text(str(f.reprints), style="bold yellow" if f.reprints else ""),
    }
    return [f.name, *(cells[label] for label in columns)]


def _per_hour(count: int, rate: float) -> str:
    return _("{count} ({rate}/h)").format(count=count, rate=f"{rate:.1f}")


class PeopleScreen(LeadScreen):
    TITLE_TEXT = N_("People and benches")
    report: PeopleReport | None = None  # the figures shown, again in the columns of a resize

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label(_("Packers today"), classes="section", markup=False)
        packers: DataTable[str | Text] = LeadTable(id="packers", cursor_type="row")
        yield packers
        yield Label(_("Benches today"), classes="section", markup=False)
        benches: DataTable[str | Text] = LeadTable(id="benches", cursor_type="row")
        yield benches
        yield Label(_("Throughput by hour"), classes="section", markup=False)
        yield HourlyChart(id="chart")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._fit_columns(self.app.size.width)
        self.query_one("#packers", DataTable).focus()
        self.set_interval(self.lead.refresh_seconds * 5, self.reload)
        # the first load comes with ScreenResume, which a screen gets when it is first shown

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns(event.size.width)

    def _fit_columns(self, width: int) -> None:
        """Show the columns that fit ``width``, with the figures read last."""
        wanted = columns_for(width)
        changed = [
            self.query_one(key, LeadTable).show_columns((first, *wanted))
            for key, first in (("#packers", N_("Packer")), ("#benches", N_("Bench")))
        ]
        if any(changed) and self.report is not None:
            self._show(self.report)

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def _load(self) -> None:
        report = people_report(
            self.lead.uow(readonly=True), day=self.lead.day, settings=self.lead.settings
        )
        self.post_latest(PeopleLoaded(report))

    def on_people_loaded(self, message: PeopleLoaded) -> None:
        self.report = message.report
        self._show(message.report)
        self.query_one(HourlyChart).show(message.report.hourly)

    def _show(self, report: PeopleReport) -> None:
        for key, figures in (("#packers", report.packers), ("#benches", report.benches)):
            table = self.query_one(key, LeadTable)
            table.clear()
            for f in figures:
                table.add_row(*_row(f, table.labels[1:]))  # the name's column, then the figures
            # no taller than its heading and rows: the room one table does not need goes to the
            # other (split evenly, the packers' third row was scrolled out of view at 80x24
            # while the benches' table had a blank line under its rows)
            table.styles.max_height = table.row_count + 1
