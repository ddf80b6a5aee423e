"""The footer of the bench: every key binding of the screen, translated when drawn.

Used instead of Textual's Footer because the bench switches language after its classes are
defined, and a packer must see every key (none hidden for lack of width): the bar wraps.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from packstation.i18n import _


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: auto; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(
        self, bindings: Iterable[Binding | tuple[str, ...]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._keys = [b for b in bindings if isinstance(b, Binding) and b.show]

    def render(self) -> Text:
        text = Text()
        for binding in self._keys:
            key = binding.key_display or binding.key.upper().replace("CTRL+", "^")
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {_(binding.description)}  ")
        return text
