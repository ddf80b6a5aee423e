"""The line of countdowns at the top of the lead's queue: cut-off, pickups, confirmation."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from packstation.i18n import _
from packstation.services.queue import Deadline


def remaining_text(remaining: dt.timedelta) -> str:
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        return _("passed")
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours}:{minutes:02d}" if hours else _("{minutes} min").format(minutes=minutes)


def countdown_line(found: list[Deadline], zone: dt.tzinfo) -> Text:
    line = Text()
    for index, deadline in enumerate(found):
        if index:
            line.append("  ")
        style = (
            "bold red" if deadline.passed else ("bold yellow" if deadline.near else "bold green")
        )
        clock = deadline.at.astimezone(zone).strftime("%H:%M")
        line.append(f"{deadline.label} {clock} ")
        line.append(remaining_text(deadline.remaining), style=style)
    return line


class Countdowns(Static):
    """Shows a list of deadlines; the screen updates it every second."""

    def show(self, found: list[Deadline], zone: dt.tzinfo) -> None:
        self.update(countdown_line(found, zone))
