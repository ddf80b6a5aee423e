"""Click's help laid out by the cells a terminal draws, not by characters.

A Chinese character takes two columns.  Click counts one, so in a Chinese ``--help`` the
explanations after an option with a Chinese name (``-o, --output 文件``) started two columns
late, and a sentence of Chinese ran past the terminal's edge: click breaks lines only at spaces,
and a Chinese sentence has none.  Here a line may break between any two Chinese characters,
except before a closing sign (，。）…) or after an opening one (（“…), and every width is
measured in cells (``rich.cells.cell_len``).  The headings keep the language's own colon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import click
from rich.cells import cell_len

from packstation.i18n import _

# the CJK ideographs and the full-width signs: each breaks as a word of its own
_WIDE = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
# signs a line does not start with, and signs it does not end with
_NO_LINE_START = frozenset("，。、；：？！）」』》】…")
_NO_LINE_END = frozenset("（「『《【“‘")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells; a blank line between its paragraphs."""
    lines: list[str] = []
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if number:
            lines.append("")
        lines += _wrap_paragraph(paragraph, max(width, 4))
    return lines


def _wrap_paragraph(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in _TOKENS.findall(text):
        if word.isspace():  # kept as written (click's two spaces before "[required]")
            line += "" if not line else " " if "\n" in word else word
            continue
        # a word wider than a whole line (a long path) is cut where it must be
        for piece in list(word) if cell_len(word) > width else [word]:
            if cell_len(line) + cell_len(piece) <= width:
                line += piece
                continue
            line = line.rstrip(" ")
            carried = ""
            if piece in _NO_LINE_START and len(line) > 1 and cell_len(line[-1]) == 2:
                line, carried = line[:-1], line[-1]  # the character before goes down with it
            while len(line) > 1 and line[-1] in _NO_LINE_END:
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip(" "))
            line = carried + piece
    if line.strip():
        lines.append(line.rstrip(" "))
    return lines


class CellFormatter(click.HelpFormatter):
    """click's ``HelpFormatter`` measuring in cells: options, commands and text."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            label = _("Usage:")
            # a full-width colon carries its own space
            prefix = label if label.endswith("：") else f"{label} "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        titled = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{titled}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap_cells(text, self.width - self.current_indent):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((cell_len(term) for term, _text in rows), default=0), col_max)
        first_col += col_spacing
        indent = " " * self.current_indent
        under = " " * (self.current_indent + first_col)
        text_width = max(self.width - first_col - self.current_indent, 10)
        for term, text in rows:
            self.write(f"{indent}{term}")
            if not text:
                self.write("\n")
                continue
            gap = first_col - cell_len(term)
            lines = wrap_cells(text, text_width)
            self.write(" " * gap if gap >= col_spacing else f"\n{under}")
            self.write(f"{lines[0]}\n" if lines else "\n")
            self.write("".join(f"{under}{line}\n" if line else "\n" for line in lines[1:]))


def use_cell_formatter() -> None:
    """Every help from now on is laid out by ``CellFormatter``."""
    click.Context.formatter_class = CellFormatter
