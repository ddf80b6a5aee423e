"""The line of countdowns at the top of the lead's queue: cut-off, pickups, confirmation."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from packstation.i18n import _
from packstation.services.queue import Deadline
from packstation.widgets.pieces import Pieces


def remaining_text(remaining: dt.timedelta) -> str:
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        return _("passed")
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours}:{minutes:02d}" if hours else _("{minutes} min").format(minutes=minutes)


def countdown(deadline: Deadline, zone: dt.tzinfo) -> Text:
    """One deadline: its name, its time of day and how long is left, coloured as it nears."""
    style = "bold red" if deadline.passed else ("bold yellow" if deadline.near else "bold green")
    clock = deadline.at.astimezone(zone).strftime("%H:%M")
    return Text.assemble(f"{deadline.label} {clock} ", (remaining_text(deadline.remaining), style))


class Countdowns(Pieces):
    """Shows a list of deadlines, each kept on one row; the screen updates it every second."""

    def show_deadlines(self, found: list[Deadline], zone: dt.tzinfo) -> None:
        self.show(countdown(deadline, zone) for deadline in found)
