"""The pick list: one row per order line, readable at arm's length.

Columns: line, SKU, name, spec, wanted, ticked, marks (gift, fragile, insured).  Chinese names
line up because the table measures cell width, not characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from packstation.i18n import _
from packstation.services.packing_view import LineView


class PickList(DataTable[Text]):
    DEFAULT_CSS = """
    PickList { height: 1fr; }
    PickList > .datatable--header { text-style: bold; background: $primary-background; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=True, show_cursor=True, cell_padding=2
        )
        self.can_focus = False  # the scan line keeps the keyboard

    def show(self, lines: Sequence[LineView], *, insured: bool, highlight: int | None) -> None:
        """Fill the table; ``highlight`` is the line just ticked (the cursor goes there)."""
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
            done = line.remaining <= 0
            style = "bold green" if done else ("bold" if line.packed else "")
            marks = []
            if line.is_gift:
                marks.append(Text(_("GIFT"), style="bold magenta"))
            if line.fragile:
                marks.append(Text(_("FRAGILE"), style="bold yellow"))
            if insured:
                marks.append(Text(_("INSURED"), style="bold cyan"))
            tick = f"{line.packed}" + (" ✔" if done else "")
            self.add_row(
                Text(str(line.line_no)),
                Text(line.sku, style=style),
                Text(line.title, style=style),
                Text(line.spec),
                Text(str(line.quantity), justify="right", style="bold"),
                Text(tick, justify="right", style="bold green" if done else "bold"),
                Text(" ").join(marks),
                key=str(line.line_id),
            )
            if line.line_id == highlight:
                cursor = row
        if lines:
            self.move_cursor(row=cursor, animate=False)
