"""The lead's tables: a DataTable that draws itself again once its columns are sized.

A DataTable sizes its columns to new rows when it is next idle, but keeps the rows (and header)
it drew before that in a cache that does not know the widths changed; when the screen happens to
draw in between, the table goes on showing cells cut to the old widths.  Once the widths change,
this table rewrites one cell with its own value, which is the public way to empty that cache.
"""

from __future__ import annotations

from typing import Any

from textual.coordinate import Coordinate
from textual.widgets import DataTable


class LeadTable(DataTable[Any]):
    _sized_for: tuple[int, ...] = ()

    def on_idle(self) -> None:
        widths = tuple(column.content_width for column in self.columns.values())
        if widths == self._sized_for:
            return
        self._sized_for = widths
        if self.row_count and self.columns:
            corner = Coordinate(0, 0)
            self.update_cell_at(corner, self.get_cell_at(corner))
