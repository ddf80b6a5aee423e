"""A bar chart of orders packed per hour of the day, drawn with block characters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from packstation.i18n import _

BLOCKS = " ▁▂▃▄▅▆▇█"
FIRST_HOUR = 6  # the chart starts here unless orders were packed earlier in the day


def shown_hours(
    hourly: list[tuple[int, int]], first_hour: int = FIRST_HOUR
) -> list[tuple[int, int]]:
    """The hours the chart shows: from ``first_hour`` to the end of the day, and from the first
    hour with orders packed if that was earlier (a night shift, a peak day worked through)."""
    earliest = min((hour for hour, count in hourly if count), default=first_hour)
    start = min(first_hour, earliest)
    return [(hour, count) for hour, count in hourly if hour >= start]


def chart_text(hourly: list[tuple[int, int]], *, height: int = 6) -> Text:
    shown = shown_hours(hourly)
    most = max((count for _, count in shown), default=0)
    text = Text()
    for level in range(height, 0, -1):
        for _hour, count in shown:
            eighths = 0 if most == 0 else round(count * height * 8 / most)
            filled = eighths - (level - 1) * 8
            cell = BLOCKS[max(0, min(8, filled))]
            text.append(f" {cell * 2}", style="cyan")
        text.append("\n")
    text.append("".join(f" {hour:02d}" for hour, _ in shown) + "\n")
    text.append("".join(f" {count:>2}" if count < 100 else f"{count:>3}" for _, count in shown))
    text.append(
        "\n" + _("orders packed per hour (most in one hour: {most})").format(most=most),
        style="dim",
    )
    return text


class HourlyChart(Static):
    def show(self, hourly: list[tuple[int, int]]) -> None:
        self.update(chart_text(hourly))
