"""What each screen of the lead's application looks like, in English and in Chinese."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable

from packstation.i18n import set_language
from packstation.lead_app import LeadApp
from packstation.screens.lead.queue import QueueScreen
from tests.functional.lead.conftest import answer, until


@pytest.fixture
def store_url(sqlite_url: str) -> str:
    """The screens look the same whatever the store: their snapshots are taken on SQLite."""
    return sqlite_url


SCREENS = {
    "queue": ("f1", "#queue"),
    "exceptions": ("f2", "#unshipped"),
    "people": ("f4", "#packers"),
    "handover": ("f5", "#waiting"),
    "closing": ("f6", "#figures"),
}


def _filled(app: LeadApp, table_id: str) -> bool:
    tables = app.screen.query(table_id)
    return bool(tables) and app.screen.query_one(table_id, DataTable).row_count > 0


def _show(app: LeadApp, name: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """The keys that open screen ``name``, and the waits until it is filled."""

    async def show(pilot: Pilot[None]) -> None:
        if name == "reprint":
            await answer(pilot, "f3", *"YT7000000000000", "enter")
            await until(pilot, lambda: _filled(app, "#parcels"))
            await until(pilot, lambda: "FD" in str(app.screen.query_one("#preview").render()))
        else:
            key, table = SCREENS[name]
            await pilot.press(key)
            await until(pilot, lambda: _filled(app, table))
            if name == "queue":
                screen = app.screen
                assert isinstance(screen, QueueScreen)
                await until(pilot, lambda: screen.counted >= 1)
            if name == "people":
                benches = app.screen.query_one("#benches", DataTable)
                await until(pilot, lambda: "bench-1" in benches.render_line(1).text)
        await pilot.pause()
        # A table sizes its columns to new rows when next idle; rows drawn before that can stay
        # cut on a busy machine (LeadTable redraws them; this makes sure before the snapshot).
        for table in app.screen.query(DataTable):
            if table.row_count and table.columns:
                table.update_cell_at(Coordinate(0, 0), table.get_cell_at(Coordinate(0, 0)))
        await pilot.pause()

    return show


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("name", [*SCREENS, "reprint"])
def test_screen(
    snap_compare: Any, make_app: Callable[..., LeadApp], name: str, language: str
) -> None:
    set_language(language)
    app = make_app()
    assert snap_compare(app, terminal_size=(120, 36), run_before=_show(app, name))


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("name", ["exceptions", "people"])
def test_a_screen_on_an_80_by_24_terminal(
    snap_compare: Any, make_app: Callable[..., LeadApp], name: str, language: str
) -> None:
    """Every column in view: who raised each exception and when, beside the exception and its
    reason; each packer's and bench's counts with their rates per hour, and their reprints."""
    set_language(language)
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_show(app, name))
