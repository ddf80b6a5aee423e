"""The pick list: one row per order line, readable at arm's length.

Columns: line, SKU, name, spec, wanted, ticked, marks (gift, fragile, insured).  Chinese names
line up because the table measures cell width, not characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from rich.text import Text
from textual.geometry import Region
from textual.widgets import DataTable

from packstation.i18n import _
from packstation.services.packing_view import LineView


class PickList(DataTable[Text]):
    DEFAULT_CSS = """
    PickList { height: auto; max-height: 70%; }
    PickList > .datatable--header { text-style: bold; background: $primary-background; }
    """

    _row_only: int | None = None  # while set, a refresh redraws only this row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=True, show_cursor=True, cell_padding=2
        )
        self.can_focus = False  # the scan line keeps the keyboard
        self._keys: list[str] = []
        self._insured = False
        self._shown: dict[int, LineView] = {}

    def show(self, lines: Sequence[LineView], *, insured: bool, highlight: int | None) -> None:
        """Fill the table; ``highlight`` is the line just ticked (the cursor goes there).

        When the lines are the ones shown already (a tick), only the changed cells are redrawn:
        a scan must reach the screen within milliseconds."""
        keys = [str(line.line_id) for line in lines]
        if keys and keys == self._keys and insured == self._insured:
            self._update(lines, highlight)
            return
        self._keys, self._insured = keys, insured
        self._shown = {line.line_id: line for line in lines}
        self.clear(columns=True)
        self.add_column(Text("#"), key="no")
        self.add_column(Text(_("SKU")), key="sku")
        self.add_column(Text(_("Name")), key="name")
        self.add_column(Text(_("Spec")), key="spec")
        self.add_column(Text(_("Wanted"), justify="right"), key="qty")
        self.add_column(Text(_("Ticked"), justify="right"), key="packed")
        self.add_column(Text(_("Marks")), key="marks")
        cursor = 0
        for row, line in enumerate(lines):
            sku, name, tick = self._cells(line)
            marks = []
            if line.is_gift:
                marks.append(Text(_("GIFT"), style="bold magenta"))
            if line.fragile:
                marks.append(Text(_("FRAGILE"), style="bold yellow"))
            if insured:
                marks.append(Text(_("INSURED"), style="bold cyan"))
            self.add_row(
                Text(str(line.line_no)),
                sku,
                name,
                Text(line.spec),
                Text(str(line.quantity), justify="right", style="bold"),
                tick,
                Text(" ").join(marks),
                key=str(line.line_id),
            )
            if line.line_id == highlight:
                cursor = row
        if lines:
            self.move_cursor(row=cursor, animate=False)

    @staticmethod
    def _style(line: LineView) -> str:
        return "bold green" if line.remaining <= 0 else ("bold" if line.packed else "")

    @classmethod
    def _cells(cls, line: LineView) -> tuple[Text, Text, Text]:
        done = line.remaining <= 0
        style = cls._style(line)
        tick = f"{line.packed}" + (" ✔" if done else "  ")
        return (
            Text(line.sku, style=style),
            Text(line.title, style=style),
            Text(tick, justify="right", style="bold green" if done else "bold"),
        )

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """A changed cell redraws its row alone, not the whole table and its header: a tick
        must reach the screen within milliseconds."""
        if self._row_only is not None and not regions and not layout and not recompose:
            return self.refresh_row(self._row_only)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _update(self, lines: Sequence[LineView], highlight: int | None) -> None:
        for line in lines:
            before = self._shown.get(line.line_id)
            if before == line:
                continue
            self._shown[line.line_id] = line
            sku, name, tick = self._cells(line)
            key = str(line.line_id)
            self._row_only = self._keys.index(key)
            try:
                # the SKU and name change colour only when the line starts or is done
                if before is None or self._style(before) != self._style(line):
                    self.update_cell(key, "sku", sku)
                    self.update_cell(key, "name", name)
                self.update_cell(key, "packed", tick)
            finally:
                self._row_only = None
        if highlight is not None and str(highlight) in self._keys:
            row = self._keys.index(str(highlight))
            if row != self.cursor_row:
                # every row is in view: scrolling would cost a relayout of the whole screen
                self.move_cursor(row=row, animate=False, scroll=False)
