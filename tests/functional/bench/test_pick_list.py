"""The pick list widget: columns line up in terminal cells, a tick redraws one row, and a long
order scrolls under a header that stays."""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.strip import Strip

from packstation.services.packing_view import LineView
from packstation.widgets.pick_list import PickList


def line(n: int, title: str = "青瓷茶杯", quantity: int = 2, packed: int = 0) -> LineView:
    return LineView(
        line_id=n,
        line_no=n,
        sku=f"SKU-{n:03d}",
        title=title,
        spec="2只装",
        quantity=quantity,
        packed=packed,
        in_box=packed,
        is_gift=n == 2,
        fragile=False,
        unit_weight_g=100,
        location="",
    )


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        yield PickList(id="picklist")


def at_cell(text: str, cell: int) -> str:
    """The character covering terminal cell ``cell`` of a line."""
    used = 0
    for char in text:
        used += cell_len(char)
        if used > cell:
            return char
    return ""


def texts(table: PickList) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_columns_line_up_with_chinese_names() -> None:
    app = Bench()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PickList)
        table.show(
            [line(1, "西湖龙井 明前特级"), line(2, "手工皂"), line(3, "Mug")],
            insured=False,
            highlight=None,
        )
        await pilot.pause()
        shown = texts(table)
        assert shown[0].split() == ["#", "SKU", "Name", "Spec", "Wanted", "Ticked", "Marks"]
        # each row's "wanted" figure ends in the cell where the header's "Wanted" ends,
        # whatever the name's width
        end = cell_len(shown[0][: shown[0].index("Wanted") + len("Wanted")])
        assert [at_cell(text, end - 1) for text in shown[1:4]] == ["2", "2", "2"]
        assert "GIFT" in shown[2]


async def test_a_tick_redraws_only_its_row() -> None:
    app = Bench()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PickList)
        lines = [line(1), line(2), line(3)]
        table.show(lines, insured=False, highlight=2)
        await pilot.pause()
        drawn: list[int] = []
        draw = table._draw

        def spy(row: int) -> Strip:
            drawn.append(row)
            return draw(row)

        table._draw = spy  # type: ignore[method-assign]
        table.show([lines[0], replace(lines[1], packed=1), lines[2]], insured=False, highlight=2)
        await pilot.pause()
        assert drawn == [1]  # the ticked row (the cursor is on it already), not the rest
        assert table.render_line(2).text.split()[5] == "1"  # line 2: wanted 2, ticked 1
        drawn.clear()
        table.show(
            [lines[0], replace(lines[1], packed=1), replace(lines[2], packed=2)],
            insured=False,
            highlight=3,
        )
        await pilot.pause()
        assert sorted(drawn) == [1, 2]  # the row ticked and the one the cursor left
        assert table.cursor_row == 2
        assert "2 ✔" in table.render_line(3).text


async def test_a_long_order_scrolls_under_a_fixed_header() -> None:
    app = Bench()
    async with app.run_test(size=(100, 14)) as pilot:
        table = app.query_one(PickList)
        lines = [line(n) for n in range(1, 31)]
        table.show(lines, insured=True, highlight=None)
        await pilot.pause()
        assert 1 < table.size.height < 31  # at most 70% of the screen
        table.show([*lines[:29], replace(lines[29], packed=1)], insured=True, highlight=30)
        await pilot.pause()
        await pilot.pause()
        shown = texts(table)
        assert shown[0].split()[:2] == ["#", "SKU"]
        assert any("SKU-030" in text for text in shown[1:])
        assert "INSURED" in shown[-1]
