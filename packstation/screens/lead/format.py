"""How the lead's screens write dates, times, weights and statuses in table cells."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from packstation.domain.status import OrderStatus as S
from packstation.i18n import _
from packstation.services.status_names import status_label

STATUS_STYLES: dict[str, str] = {
    S.ON_HOLD: "bold yellow",
    S.PACKING: "cyan",
    S.PACKED: "green",
    S.HANDED_OVER: "dim green",
    S.PART_RECALLED: "dim green",
    S.CONFIRMED: "dim",
    S.CANCELLED: "dim strike",
}


def status_cell(status: str) -> Text:
    return Text(status_label(status), style=STATUS_STYLES.get(status, ""))


def due_cell(due: dt.date | None, day: dt.date) -> Text:
    if due is None:
        return Text("")
    if due < day:
        return Text(_("overdue"), style="bold red")
    if due == day:
        return Text(_("today"))
    return Text(due.strftime("%m-%d"), style="dim")


def local_time(at: dt.datetime | None, zone: dt.tzinfo, *, with_date: bool = True) -> str:
    if at is None:
        return ""
    local = at.astimezone(zone)
    return local.strftime("%m-%d %H:%M" if with_date else "%H:%M")


def time_on(at: dt.datetime | None, zone: dt.tzinfo, day: dt.date) -> str:
    """The time of day, with its date when it was not on ``day``."""
    return local_time(at, zone, with_date=at is not None and at.astimezone(zone).date() != day)


def cut(text: str | Text, cells: int) -> Text:
    """``text`` in at most ``cells`` cells, cut with an ellipsis."""
    shown = Text(text) if isinstance(text, str) else text.copy()
    shown.truncate(cells, overflow="ellipsis")
    return shown


def grams(value: int) -> str:
    return f"{value / 1000:.2f} kg" if value else "-"
