"""The big message line of the bench: green for done, red for refused, yellow for attention."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

LINES = 2  # the lines the box has room for (its height in the CSS, borders aside)


class Feedback(Static):
    DEFAULT_CSS = """
    Feedback {
        height: 4; content-align: center middle; text-style: bold; padding: 0 2;
        background: $boost; border: tall $primary-background;
    }
    Feedback.ok { background: $success-darken-2; color: $text; border: tall $success; }
    Feedback.refused { background: $error-darken-1; color: $text; border: tall $error; }
    Feedback.attention { background: $warning-darken-2; color: $text; border: tall $warning; }
    """

    _tone = ""
    _message = ""
    _grown = False

    def __init__(self, *, id: str | None = None) -> None:
        # a message quotes what was scanned or typed: "[/]" in it is no markup (it stopped the
        # bench), "[b]" is shown
        super().__init__(id=id, markup=False)

    def show(self, message: str, tone: str = "") -> None:
        """Show ``message``; ``tone`` is ok, refused, attention or '' (plain)."""
        if tone != self._tone:  # a change of class restyles; most scans keep the same tone
            self.remove_class("ok", "refused", "attention")
            if tone:
                self.add_class(tone)
            self._tone = tone
        self._message = message
        self.update(message, layout=False)  # a fixed height: no relayout on every scan
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """A message longer than the box's lines grows it rather than losing its end (what to
        do, at the end of "PACKED; the printer is not ready: …"); a short one shrinks it back.
        Only a change of height lays the screen out again."""
        width = self.content_size.width
        if width <= 0:
            return  # not laid out yet: its first resize fits it
        lines = len(Text(self._message).wrap(self.app.console, width))
        grown = lines > LINES
        if grown != self._grown:
            self._grown = grown
            self.styles.height = "auto" if grown else None
