"""What a packer types or a marketplace wrote is shown as written: brackets are no markup."""

from __future__ import annotations

from sqlalchemy import Engine

from packstation.config import Settings
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
