"""A line of pieces of text that wraps between pieces, never inside one: a key with its
description, a deadline with its countdown, a count with its name.

Rich wraps a line at any space, so on a narrow terminal "SF pickup 19:00 16:50" could end one
row with "SF pickup" and begin the next with its time.  Here a row breaks only where one piece
ends and the next begins; a piece wider than the whole row is wrapped inside itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

_WRAPPING = Console()  # Text.wrap takes a console; for wrapping alone, any will do


def lay_out(pieces: Sequence[Text], width: int, *, gap: str = "  ") -> list[Text]:
    """The pieces in rows of at most ``width`` cells, ``gap`` between two pieces of a row."""
    rows = [Text()]
    for piece in pieces:
        row = rows[-1]
        if row.cell_len and row.cell_len + len(gap) + piece.cell_len > width:
            row = Text()
            rows.append(row)
        elif row.cell_len:
            row.append(gap)
        row.append_text(piece)
    return rows


def lines_of(rows: Sequence[Text], width: int) -> int:
    """How many lines ``rows`` take at ``width``: a piece wider than the row takes as many as
    it wraps into."""
    return sum(
        1 if row.cell_len <= width else len(row.wrap(_WRAPPING, max(width, 1))) for row in rows
    )


class Pieces(Static):
    """Shows ``pieces()`` laid out to the widget's width; its height follows."""

    def __init__(
        self, *, gap: str = "  ", id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.gap = gap
        self._pieces: list[Text] = []

    def pieces(self) -> Sequence[Text]:
        """What to show: the pieces given to ``show`` unless a subclass makes its own."""
        return self._pieces

    def show(self, pieces: Iterable[Text]) -> None:
        self._pieces = list(pieces)
        self.refresh(layout=True)

    def _rows(self, width: int) -> list[Text]:
        return lay_out(self.pieces(), width, gap=self.gap)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return lines_of(self._rows(width), width)

    def render(self) -> Text:
        return Text("\n").join(self._rows(self.content_size.width or 10_000))
