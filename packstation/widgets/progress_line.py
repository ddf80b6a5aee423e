"""The bench's progress line: units ticked of the order's, as a bar as wide as the line allows
and as figures."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from packstation.i18n import _, ngettext

BAR_MOST = 40  # characters of the bar on a wide screen
BAR_LEAST = 5


class ProgressLine(Widget):
    DEFAULT_CSS = "ProgressLine { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._counts: tuple[int, int] | None = None  # (ticked, total); None: no order

    def show(self, done: int, total: int) -> None:
        if self._counts != (done, total):
            self._counts = (done, total)
            self.refresh()

    def clear(self) -> None:
        if self._counts is not None:
            self._counts = None
            self.refresh()

    def render(self) -> Text:
        if self._counts is None:
            return Text()
        done, total = self._counts
        title = _("Progress") + "  "
        units = "  " + ngettext("{done} / {total} unit", "{done} / {total} units", total).format(
            done=done, total=total
        )
        room = (self.content_size.width or 10_000) - cell_len(title) - cell_len(units)
        width = max(BAR_LEAST, min(BAR_MOST, room))
        filled = round(width * done / max(total, 1))
        text = Text()
        text.append(title, style="bold")
        text.append("█" * filled, style="green")
        text.append("░" * (width - filled), style="dim")
        text.append(units, style="bold")
        return text
