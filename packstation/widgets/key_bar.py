"""The footer of the bench's and the lead's screens: every key binding of the screen,
translated when drawn.

Used instead of Textual's Footer because the applications switch language after their classes
are defined, and every key must be seen (none hidden for lack of width): the bar wraps, a key
with its description.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
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

    def _lines(self, width: int) -> list[Text]:
        """The keys in rows of at most ``width`` cells; a key never apart from its
        description."""
        lines = [Text()]
        for binding in self._keys:
            key = binding.key_display or binding.key.upper().replace("CTRL+", "^")
            entry = Text.assemble((f" {key} ", "bold reverse"), f" {_(binding.description)}")
            line = lines[-1]
            if line.cell_len and line.cell_len + 2 + entry.cell_len > width:
                line = Text()
                lines.append(line)
            elif line.cell_len:
                line.append("  ")
            line.append_text(entry)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_size.width or 10_000))
