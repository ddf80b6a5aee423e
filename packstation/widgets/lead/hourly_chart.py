"""A bar chart of orders packed per hour of the day, drawn with block characters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from packstation.i18n import _

BLOCKS = " ▁▂▃▄▅▆▇█"


def chart_text(hourly: list[tuple[int, int]], *, height: int = 6, first_hour: int = 6) -> Text:
    shown = [(hour, count) for hour, count in hourly if hour >= first_hour]
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
        "\n" + _("orders packed per hour (busiest hour: {most})").format(most=most), style="dim"
    )
    return text


class HourlyChart(Static):
    def show(self, hourly: list[tuple[int, int]]) -> None:
        self.update(chart_text(hourly))
