"""The top line of the bench: bench, packer, printer and scale at a glance, and the store when it
cannot be reached."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Static

from packstation.i18n import _


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: auto; background: $primary; color: $text; padding: 0 1; }
    """

    bench: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    printer: reactive[str] = reactive("")
    printer_ok: reactive[bool] = reactive(True)
    scale: reactive[str] = reactive("")
    store_down: reactive[bool] = reactive(False)

    _rows = 1

    def _shown(self, width: int) -> Text:
        """One line when the screen is wide enough (the program's name goes first when it is
        not), else wrapped: a printer or store in trouble is never cut off."""
        full = self._parts(brand=True)
        return full if not width or full.cell_len <= width else self._parts(brand=False)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._shown(width).wrap(self.app.console, width)) if width else 1

    def render(self) -> Text:
        width = self.content_size.width
        text = self._shown(width)
        rows = len(text.wrap(self.app.console, width)) if width else 1
        if rows != self._rows:  # a reading or a state wrapped (or unwrapped) the line
            self._rows = rows
            self.call_later(self.refresh, layout=True)
        return text

    def _parts(self, *, brand: bool) -> Text:
        text = Text()
        if brand:
            text.append("packstation  ", style="bold")
        text.append(f"{_('Bench')} {self.bench}")
        if self.user:
            text.append(f"  │  {self.user}", style="bold")
        text.append(f"  │  {_('Printer')}: ")
        text.append(self.printer or "—", style="" if self.printer_ok else "bold red reverse")
        text.append(f"  │  {_('Scale')}: {self.scale or '—'}")
        if self.store_down:
            text.append("  │  ")
            text.append(_("Store: unreachable"), style="bold red reverse")
        return text
