"""The top line of the bench: bench, packer, printer and scale at a glance, and the store when it
cannot be reached."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive

from packstation.i18n import _
from packstation.widgets.pieces import Pieces, lay_out, lines_of


class StatusBar(Pieces):
    DEFAULT_CSS = """
    StatusBar { height: auto; background: $primary; color: $text; padding: 0 1; }
    """

    bench: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    printer: reactive[str] = reactive("")
    printer_ok: reactive[bool] = reactive(True)
    scale: reactive[str] = reactive("")
    store_down: reactive[bool] = reactive(False)

    _line_count = 1

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(gap="  │  ", id=id)

    def _rows(self, width: int) -> list[Text]:
        """One row when the screen is wide enough (the program's name goes first when it is
        not), else wrapped between its parts: a printer or store in trouble is never cut off,
        nor split from what it says."""
        parts = self._parts()
        branded = [Text.assemble(("packstation  ", "bold"), parts[0]), *parts[1:]]
        rows = lay_out(branded, width, gap=self.gap)
        return rows if len(rows) == 1 else lay_out(parts, width, gap=self.gap)

    def render(self) -> Text:
        width = self.content_size.width or 10_000
        rows = self._rows(width)
        # a reading or a state wrapped (or unwrapped) the line, or a longer message wraps its
        # row into more lines (the same count of rows, one line more: the scale was cut off)
        lines = lines_of(rows, width)
        if lines != self._line_count:
            self._line_count = lines
            self.call_later(self.refresh, layout=True)
        return Text("\n").join(rows)

    def _parts(self) -> list[Text]:
        parts = [Text(f"{_('Bench')} {self.bench}")]
        if self.user:
            parts.append(Text(self.user, style="bold"))
        printer = self.printer or "—"
        # "Printer: …" with the colon the language writes (打印机：…)
        parts.append(
            Text.assemble(
                _("{what}: ").format(what=_("Printer")),
                (printer, "" if self.printer_ok else "bold red reverse"),
            )
        )
        parts.append(Text(_("{what}: ").format(what=_("Scale")) + (self.scale or "—")))
        if self.store_down:
            parts.append(Text(_("Store: unreachable"), style="bold red reverse"))
        return parts
