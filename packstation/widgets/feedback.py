"""The big message line of the bench: green for done, red for refused, yellow for attention."""

from __future__ import annotations

from textual.widgets import Static


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

    def show(self, message: str, tone: str = "") -> None:
        """Show ``message``; ``tone`` is ok, refused, attention or '' (plain)."""
        if tone != self._tone:  # a change of class restyles; most scans keep the same tone
            self.remove_class("ok", "refused", "attention")
            if tone:
                self.add_class(tone)
            self._tone = tone
        self.update(message, layout=False)  # a fixed height: no relayout on every scan
