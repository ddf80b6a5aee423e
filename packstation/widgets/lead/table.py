"""The lead's tables: a DataTable that draws itself again once its columns are sized, and
says when its height changed.

A DataTable sizes its columns to new rows when it is next idle, but keeps the rows (and header)
it drew before that in a cache that does not know the widths changed; when the screen happens to
draw in between, the table goes on showing cells cut to the old widths.  Once the widths change,
this table rewrites one cell with its own value, which is the public way to empty that cache.

A screen that reads one page of rows at a time sizes its pages to the table's height, which
changes with the terminal and with the lines above the table (a line that wraps); the table
posts ``HeightChanged`` so that the screen reads a page that fits.

A screen that shows other columns on a narrower terminal sets them with ``show_columns``, and
reads which are shown from ``labels``.

A screen whose rows have one long column (a reason) asks ``room_for`` how many cells that
column can take for the rows to fit the screen's width, and cuts its values to that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text, TextType
from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from packstation.i18n import _


class LeadTable(DataTable[Any]):
    class HeightChanged(Message):
        """The table shows a different number of rows than before."""

        def __init__(self, table: LeadTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> LeadTable:
            return self.table

    _sized_for: tuple[int, ...] = ()
    _height = 0

    def add_row(
        self,
        *cells: Any,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        """A row whose text cells read as written: a DataTable reads a str as markup, so a
        buyer's name or a note with "[/]" in it stopped the lead's application, and "[b]"
        vanished."""
        plain = [Text(cell) if isinstance(cell, str) else cell for cell in cells]
        return super().add_row(*plain, height=height, key=key, label=label)

    @property
    def labels(self) -> tuple[str, ...]:
        """The columns shown, as ``show_columns`` was given them (untranslated)."""
        return tuple(str(key.value) for key in self.columns)

    def show_columns(self, labels: Sequence[str]) -> bool:
        """Show the columns ``labels`` (headed in the user's language); False when they are
        those shown already, True when they changed (and the rows went with the old ones)."""
        if self.labels == tuple(labels):
            return False
        self.clear(columns=True)
        for label in labels:
            self.add_column(_(label), key=label)
        return True

    def on_resize(self, event: events.Resize) -> None:
        if event.size.height != self._height:
            self._height = event.size.height
            self.post_message(self.HeightChanged(self))

    def on_idle(self) -> None:
        widths = tuple(column.content_width for column in self.columns.values())
        if widths == self._sized_for:
            return
        self._sized_for = widths
        if self.row_count and self.columns:
            corner = Coordinate(0, 0)
            self.update_cell_at(corner, self.get_cell_at(corner))

    def room_for(
        self, column: int, labels: Sequence[str], rows: Sequence[Sequence[str | Text]], width: int
    ) -> int:
        """The cells left for ``column``'s values in a table ``width`` cells wide: every other
        column as wide as its widest value or heading, each column its padding, and room kept
        for the vertical scrollbar that more rows than fit bring."""
        others = sum(
            max([cell_len(label), *(_cells(row[index]) for row in rows)])
            for index, label in enumerate(labels)
            if index != column
        )
        padding = 2 * self.cell_padding * len(labels)
        return width - others - padding - self.styles.scrollbar_size_vertical


def _cells(value: str | Text) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)
