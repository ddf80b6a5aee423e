"""The top line of the bench: bench, packer, printer and scale at a glance, and the store when it
cannot be reached."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from packstation.i18n import _


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $primary; color: $text; padding: 0 1; }
    """

    bench: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    printer: reactive[str] = reactive("")
    printer_ok: reactive[bool] = reactive(True)
    scale: reactive[str] = reactive("")
    store_down: reactive[bool] = reactive(False)

    def render(self) -> Text:
        text = Text()
        text.append("packstation", style="bold")
        text.append(f"  {_('Bench')} {self.bench}")
        if self.user:
            text.append(f"  │  {self.user}", style="bold")
        text.append(f"  │  {_('Printer')}: ")
        text.append(self.printer or "—", style="" if self.printer_ok else "bold red reverse")
        text.append(f"  │  {_('Scale')}: {self.scale or '—'}")
        if self.store_down:
            text.append("  │  ")
            text.append(_("Store: unreachable"), style="bold red reverse")
        return text
