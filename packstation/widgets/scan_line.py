"""The scan line: where a keyboard-wedge scanner's keys (or a packer's typing) collect until Enter.

A plain focusable widget rather than an ``Input``: an Input lays the whole screen out again on
every key, and a scan is thirteen keys and an Enter that must reach the pick list within a few
milliseconds.  Function keys are left to the screen's bindings.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from packstation.i18n import _


class ScanLine(Widget, can_focus=True):
    DEFAULT_CSS = """
    ScanLine { height: 3; border: tall $accent; padding: 0 1; background: $surface; }
    ScanLine:focus { border: tall $success; }
    """

    class Scanned(Message):
        """A code ended by Enter (or Tab, which some scanners send)."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = ""

    def render(self) -> Text:
        if not self.buffer:
            return Text("▶ " + _("scan here"), style="dim")
        return Text("▶ " + self.buffer, style="bold")

    def on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "tab"):
            event.stop()
            event.prevent_default()
            self._end_line()
            self.refresh()
        elif event.key == "backspace":
            event.stop()
            self.buffer = self.buffer[:-1]
            self.refresh()
        elif event.is_printable and event.character:
            event.stop()
            self.buffer += event.character
            self.refresh()

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text, as if typed: each line ended by a line break is a scan, the rest waits
        for Enter (a paste was dropped without a word)."""
        event.stop()
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, line in enumerate(lines):
            typed = "".join(c for c in line if c.isprintable())
            self.buffer += typed
            if number < len(lines) - 1:
                self._end_line()
        self.refresh()

    def _end_line(self) -> None:
        """Enter: what was typed is a scan (nothing, when only spaces were)."""
        code, self.buffer = self.buffer.strip(), ""
        if code:
            self.post_message(self.Scanned(code))
