"""A line of pieces wraps between pieces, never inside one, and is as tall as it wraps."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size

from packstation.widgets.pieces import Pieces, lay_out
from packstation.widgets.status_bar import StatusBar

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
    pieces.show([Text("aaaaaa bbbbbb cccccc"), Text("short")])  # 20 cells, 3 rows
    assert pieces.get_content_height(size, size, 10) == 3 + 1  # wrapped at its spaces
    assert pieces.get_content_height(size, size, 40) == 1


def test_the_bench_s_status_bar_wraps_between_its_parts() -> None:
    bar = StatusBar()
    bar.bench, bar.user = "bench-1", "王芳 (packer)"
    bar.printer, bar.printer_ok, bar.scale = "out of paper", False, "1.234 kg stable"
    (wide,) = bar._rows(120)
    assert wide.plain.startswith("packstation  Bench bench-1  │  王芳 (packer)  │  Printer: ")
    rows = [row.plain for row in bar._rows(40)]  # the program's name makes way first
    assert rows == [
        "Bench bench-1  │  王芳 (packer)",
        "Printer: out of paper",
        "Scale: 1.234 kg stable",
    ]


def test_the_status_bar_grows_when_a_longer_message_wraps_its_row() -> None:
    """The printer's message grew from one that fills its row to one that wraps it: the rows
    were as many as before, the bar did not grow, and the scale's line was cut off."""
    import asyncio

    from textual.app import App, ComposeResult

    class Top(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusBar(id="bar")

    async def scenario() -> None:
        app = Top()
        async with app.run_test(size=(60, 12)) as pilot:
            bar = app.query_one(StatusBar)
            bar.bench, bar.user, bar.scale = "bench-1", "王芳", "1000 g stable"
            bar.printer, bar.printer_ok = "paper out: load a roll and close the head", False
            await pilot.pause()
            await pilot.pause()
            assert bar.size.height == 3
            bar.printer = (
                "The printer at tcp://127.0.0.1:35229 cannot be reached (connection refused)"
            )
            for _ in range(3):
                await pilot.pause()
            assert bar.size.height == 4
            assert "Scale: 1000 g stable" in bar.render().plain

    asyncio.run(scenario())
