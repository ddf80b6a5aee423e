"""A line of pieces wraps between pieces, never inside one, and is as tall as it wraps."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size

from packstation.widgets.pieces import Pieces, lay_out

COUNTS = [Text(t) for t in ("ready to pack 58", "packing 0", "on hold 0", "packed 1")]


def test_rows_break_between_pieces_only() -> None:
    assert [r.plain for r in lay_out(COUNTS, 200, gap="   ")] == [
        "ready to pack 58   packing 0   on hold 0   packed 1"
    ]
    # "packing 0" would fit the first row only without its gap: it starts the second
    rows = [r.plain for r in lay_out(COUNTS, 27, gap="   ")]
    assert rows == ["ready to pack 58", "packing 0   on hold 0", "packed 1"]
    assert lay_out(COUNTS, 28, gap="   ")[0].plain == "ready to pack 58   packing 0"


def test_styles_stay_with_their_piece() -> None:
    (row,) = lay_out([Text("cut-off 16:00", style="red"), Text("confirm 21:00")], 80)
    assert row.plain == "cut-off 16:00  confirm 21:00"
    assert [(s.start, s.end, str(s.style)) for s in row.spans] == [(0, 13, "red")]


def test_height_counts_a_piece_wider_than_the_row() -> None:
    pieces = Pieces(gap=" ")
    pieces.show([Text("x" * 25), Text("short")])
    size = Size(10, 10)
    assert pieces.get_content_height(size, size, 10) == 3 + 1  # 25 cells take 3 rows of 10
    assert pieces.get_content_height(size, size, 40) == 1
