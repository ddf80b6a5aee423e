"""What a packer types or a marketplace wrote is shown as written: brackets are no markup."""

from __future__ import annotations

import html
import re

from sqlalchemy import Engine, update
from textual.widgets import OptionList

from packstation.config import Settings
from packstation.store.models import OrderLine
from packstation.store.uow import UnitOfWork
from packstation.widgets.feedback import Feedback
from tests.functional.bench.conftest import bench, feedback, packing, scan


async def test_a_code_with_brackets_is_said_as_typed(
    shop: Engine, bench_settings: Settings
) -> None:
    """A code typed as "[/]x" stopped the bench with a traceback (the message line read it
    as markup); "[b]" vanished from what it said."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        for code in ("[/]x", "[b]6921234599999"):
            await scan(pilot, code)
            await pilot.pause()
            assert code in feedback(app)
            shown = str(bench(app).query_one(Feedback).render())
            assert code in shown


async def test_an_item_title_with_brackets_is_listed_as_written(
    shop: Engine, bench_settings: Settings
) -> None:
    """F6 lists the order's lines by their marketplace titles: one with "[/]" in it stopped the
    bench when the packer raised an exception."""
    with UnitOfWork(shop) as uow:
        uow.session.execute(update(OrderLine).values(title="[/]平底锅 [b]"))
        uow.commit()
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await pilot.press("f6")
        await pilot.pause()
        lines = app.screen.query_one("#lines", OptionList)
        shown = [str(lines.get_option_at_index(i).prompt) for i in range(lines.option_count)]
        assert any("[/]平底锅 [b]" in prompt for prompt in shown)
        drawn = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot()))
        assert "[/]平底锅\xa0[b]" in drawn
