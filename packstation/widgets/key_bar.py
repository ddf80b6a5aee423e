"""The footer of the bench's and the lead's screens: every key binding of the screen,
translated when drawn.

Used instead of Textual's Footer because the applications switch language after their classes
are defined, and every key must be seen (none hidden for lack of width): the bar wraps, a key
with its description.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding

from packstation.i18n import _
from packstation.widgets.pieces import Pieces


class KeyBar(Pieces):
    DEFAULT_CSS = """
    KeyBar { height: auto; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(
        self, bindings: Iterable[Binding | tuple[str, ...]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._keys = [b for b in bindings if isinstance(b, Binding) and b.show]

    def pieces(self) -> Sequence[Text]:
        """Each key with its description, in the language of the moment."""
        return [
            Text.assemble(
                (
                    f" {binding.key_display or binding.key.upper().replace('CTRL+', '^')} ",
                    "bold reverse",
                ),
                f" {_(binding.description)}",
            )
            for binding in self._keys
        ]
