"""The pick list: one row per order line, readable at arm's length.

Columns: line, SKU, name, spec, wanted, ticked, marks (gift, fragile, insured).  Chinese names
line up because widths are measured in terminal cells, not characters.

Drawn line by line (Textual's line API) from one cached strip per row: a tick redraws the row it
changed and nothing else, so a scan reaches the screen within a millisecond or two.  The header
stays put when a long order scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from packstation.i18n import _
from packstation.services.packing_view import LineView

PAD = 2  # blank cells either side of a column (one on a narrow screen)
RIGHT = {4, 5}  # wanted and ticked are numbers: right-aligned
# on a screen too narrow for every column, the name and the spec are cut short (…) down to these
# many cells, so that the marks (FRAGILE…) stay in view
SHORTEST = {2: 8, 3: 6}


class PickList(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {
        "pick-list--header",
        "pick-list--even-row",
        "pick-list--cursor",
    }
    DEFAULT_CSS = """
    PickList { height: auto; max-height: 70%; background: $surface; color: $foreground; }
    PickList > .pick-list--header { text-style: bold; background: $primary-background; }
    PickList:dark > .pick-list--even-row { background: $surface-darken-1 40%; }
    PickList > .pick-list--even-row { background: $surface-lighten-1 50%; }
    PickList > .pick-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[LineView] = []
        self._insured = False
        self._rows: list[list[Text]] = []
        self._natural: list[int] = []  # each column's widest cell
        self._widths: list[int] = []  # as drawn: the natural widths, or some cut short
        self._pad = PAD
        self._cursor = 0
        self._strips: dict[int, Strip] = {}  # row (-1: the header) → its drawn line

    # --- what is shown ----------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def show(self, lines: Sequence[LineView], *, insured: bool, highlight: int | None) -> None:
        """Fill the table; ``highlight`` is the line just ticked (the cursor goes there).

        When the lines are the ones shown already (a tick), only the rows that changed are
        redrawn."""
        same = [line.line_id for line in lines] == [line.line_id for line in self._lines]
        cursor = next(
            (row for row, line in enumerate(lines) if line.line_id == highlight),
            self._cursor if same else 0,
        )
        if same and lines and insured == self._insured:
            changed = [row for row, line in enumerate(lines) if line != self._lines[row]]
            self._lines = list(lines)
            for row in changed:
                self._rows[row] = self._cells(lines[row], insured)
            if self._fits(changed):
                self._move_cursor(cursor, changed)
                return
        self._lines, self._insured = list(lines), insured
        self._rows = [self._cells(line, insured) for line in lines]
        self._natural = self._measure()
        self._cursor = min(cursor, max(len(lines) - 1, 0))
        self._fit()
        self.refresh(layout=True)
        self.call_after_refresh(self._scroll_to_cursor)  # once the new height is laid out

    def _header(self) -> list[Text]:
        return [
            Text("#"),
            Text(_("SKU")),
            Text(_("Name")),
            Text(_("Spec")),
            Text(_("Wanted")),
            Text(_("Ticked")),
            Text(_("Marks")),
        ]

    @staticmethod
    def _style(line: LineView) -> str:
        return "bold green" if line.remaining <= 0 else ("bold" if line.packed else "")

    @classmethod
    def _cells(cls, line: LineView, insured: bool) -> list[Text]:
        done = line.remaining <= 0
        style = cls._style(line)
        marks = []
        if line.is_gift:
            marks.append(Text(_("GIFT"), style="bold magenta"))
        if line.fragile:
            marks.append(Text(_("FRAGILE"), style="bold yellow"))
        if insured:
            marks.append(Text(_("INSURED"), style="bold cyan"))
        return [
            Text(str(line.line_no)),
            Text(line.sku, style=style),
            Text(line.title, style=style),
            Text(line.spec),
            Text(str(line.quantity), style="bold"),
            Text(
                f"{line.packed}" + (" ✔" if done else "  "), style="bold green" if done else "bold"
            ),
            Text(" ").join(marks),
        ]

    def _measure(self) -> list[int]:
        rows = [self._header(), *self._rows]
        return [max(row[col].cell_len for row in rows) for col in range(len(rows[0]))]

    def _fits(self, rows: list[int]) -> bool:
        """Do the changed rows still fit the columns as they are?"""
        return all(
            cell.cell_len <= width
            for row in rows
            for cell, width in zip(self._rows[row], self._natural, strict=True)
        )

    def _fit(self) -> None:
        """The columns as drawn: as wide as their cells with two blank cells either side when
        the screen has the room; else one either side, and then the wider of the name and the
        spec cut short, a cell at a time, until the row fits or both are at their shortest."""
        widths = list(self._natural)
        room = self.size.width or 10_000
        pad = PAD if sum(widths) + 2 * PAD * len(widths) <= room else 1
        over = sum(widths) + 2 * pad * len(widths) - room
        while over > 0:
            col = max(SHORTEST, key=lambda c: widths[c] - SHORTEST[c])
            if widths[col] <= SHORTEST[col]:
                break
            widths[col] -= 1
            over -= 1
        self._pad, self._widths = pad, widths
        self._strips.clear()
        self.virtual_size = Size(sum(widths) + 2 * pad * len(widths), len(self._rows) + 1)

    def on_resize(self) -> None:
        if self._natural:
            self._fit()
            self.refresh()

    def _move_cursor(self, cursor: int, changed: list[int]) -> None:
        redraw = set(changed)
        if cursor != self._cursor:
            redraw |= {cursor, self._cursor}
            self._cursor = cursor
        for row in redraw:
            self._strips.pop(row, None)
            self._refresh_row(row)
        self._scroll_to_cursor()

    def _refresh_row(self, row: int) -> None:
        y = row + 1 - self.scroll_offset.y  # line 0 is the header
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        body = max(self.size.height - 1, 1)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False)

    # --- drawing ----------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows) + 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        row = -1 if y == 0 else y - 1 + self.scroll_offset.y
        if row >= len(self._rows) or not self._widths:
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._strips[row] = self._draw(row)
        x = self.scroll_offset.x
        return strip.crop_extend(x, x + self.size.width, self._row_style(row))

    def _row_style(self, row: int) -> Style:
        base = self.rich_style
        if row == -1:
            return base + self.get_component_rich_style("pick-list--header")
        if row == self._cursor and self._rows:
            return base + self.get_component_rich_style("pick-list--cursor")
        if row % 2 == 0:  # zebra stripes, as the lead's tables have them
            return base + self.get_component_rich_style("pick-list--even-row")
        return base

    def _draw(self, row: int) -> Strip:
        cells = self._header() if row == -1 else self._rows[row]
        style = self._row_style(row)
        segments: list[Segment] = []
        for col, (cell, width) in enumerate(zip(cells, self._widths, strict=True)):
            if cell.cell_len > width:  # a name or spec on a narrow screen
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
            gap = width - cell.cell_len
            left = self._pad + (gap if col in RIGHT else 0)
            right = self._pad + (0 if col in RIGHT else gap)
            segments.append(Segment(" " * left, style))
            segments.extend(
                Segment(seg.text, style + seg.style if seg.style else style)
                for seg in cell.render(self.app.console)
                if seg.text
            )
            segments.append(Segment(" " * right, style))
        return Strip(segments)
