"""The lead's tables: a DataTable that draws itself again once its columns are sized, and
says when its height changed.

A DataTable sizes its columns to new rows when it is next idle, but keeps the rows (and header)
it drew before that in a cache that does not know the widths changed; when the screen happens to
draw in between, the table goes on showing cells cut to the old widths.  Once the widths change,
this table rewrites one cell with its own value, which is the public way to empty that cache.

A screen that reads one page of rows at a time sizes its pages to the table's height, which
changes with the terminal and with the lines above the table (a line that wraps); the table
posts ``HeightChanged`` so that the screen reads a page that fits.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable


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
