"""The lead's application when the store drops the connection during a decision: what was
stored is not applied twice, and the lead reads one sentence saying what happened."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select
from textual.widgets import DataTable, Static

from packstation.config import Settings
from packstation.lead_app import LeadApp
from packstation.screens.lead import handover as handover_screen
from packstation.screens.lead import reprint as reprint_screen
from packstation.screens.lead.base import already_stored
from packstation.screens.lead.dialogs import TextPage
from packstation.services import retry
from packstation.services.handover import seal_handover
from packstation.services.reprints import reprint_label
from packstation.store.engine import make_engine
from packstation.store.models import PrintJob
from packstation.store.uow import UnitOfWork
from tests.conftest import new_pg_database
from tests.functional.lead.conftest import NOW, answer, seed_day, until
from tests.support.outage import AnswerLostOnce, Outage

TRACKING = "YT7000000000001"


def _message(app: LeadApp) -> str:
    return str(app.screen.query_one("#message", Static).render())


def _reprints(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(
            select(func.count()).select_from(PrintJob).where(col(PrintJob.reprint_of).is_not(None))
        ).one()


def _reprints_shown(app: LeadApp) -> str:
    return str(app.screen.query_one("#parcels", DataTable).get_row_at(0)[5])


async def _reprint(app: LeadApp, reason: str, *, shown: str) -> str:
    """Find the parcel on the reprint screen, ask for its reprint, wait until the screen has
    said how it went and shows ``shown`` reprints; returns what it said."""
    async with app.run_test(size=(120, 36)) as pilot:
        await answer(pilot, "f3", *TRACKING, "enter")
        await until(pilot, lambda: app.screen.query_one("#parcels", DataTable).row_count == 1)
        await answer(pilot, "f7", *reason, "enter")
        await until(pilot, lambda: _message(app) != "")
        await until(pilot, lambda: _reprints_shown(app) == shown)
        return _message(app)


def test_a_reprint_whose_answer_was_lost_is_stored_once_and_said_so(
    make_app: Callable[..., LeadApp], lead_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = AnswerLostOnce(reprint_label)
    monkeypatch.setattr(reprint_screen, "reprint_label", lost)
    app = make_app()
    said = asyncio.run(_reprint(app, "label smudged", shown="1"))
    assert lost.lost
    assert said == already_stored()
    assert _reprints(lead_engine) == 1


def test_a_store_that_stays_away_is_one_sentence_and_nothing_is_stored(
    make_app: Callable[..., LeadApp], lead_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "SCREEN_RETRY_S", 0.3)
    tries: list[int] = []

    def down(uow: UnitOfWork, *, parcel_id: int, reason: str, settings: object = None) -> int:
        tries.append(parcel_id)
        raise OperationalError(
            "INSERT INTO print_job (parcel_id) VALUES (?)",
            {},
            Exception("could not connect to server\nIs the server running?"),
        )

    monkeypatch.setattr(reprint_screen, "reprint_label", down)
    app = make_app()
    message = asyncio.run(_reprint(app, "label smudged", shown="0"))
    assert len(tries) > 1  # retried before giving up
    assert message.startswith("The store is unreachable")
    assert "could not connect to server" in message
    assert "\n" not in message and "INSERT" not in message and "Traceback" not in message
    assert _reprints(lead_engine) == 0


@pytest.fixture
def pg_lead(
    pg_server: str, pg_template: str, lead_settings: Settings, tmp_path: Path
) -> Iterator[tuple[LeadApp, Engine, Outage]]:
    """The lead's application on its own PostgreSQL database, which a test can switch off."""
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    seed_day(engine)
    app = LeadApp(
        lead_settings.with_store_url(url),
        engine=engine,
        clock=lambda: NOW,
        user="王组长",
        blink=False,
    )
    outage = Outage(pg_server, url)
    yield app, engine, outage
    outage.end()
    engine.dispose()
    outage.admin.dispose()


@pytest.mark.postgres
def test_a_reprint_during_a_brief_outage_is_printed_once_when_the_store_is_back(
    pg_lead: tuple[LeadApp, Engine, Outage],
) -> None:
    app, engine, outage = pg_lead
    back = threading.Timer(1.0, outage.end)

    async def scenario() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await answer(pilot, "f3", *TRACKING, "enter")
            await until(pilot, lambda: app.screen.query_one("#parcels", DataTable).row_count == 1)
            outage.start()
            back.start()
            started = time.monotonic()
            await answer(pilot, "f7", *"label torn", "enter")
            await until(pilot, lambda: "counted" in _message(app))
            assert time.monotonic() - started >= 0.9  # it waited for the store to come back
            await until(pilot, lambda: _reprints_shown(app) == "1")

    try:
        asyncio.run(scenario())
    finally:
        back.cancel()
    assert _reprints(engine) == 1


def test_a_seal_whose_answer_was_lost_still_shows_the_list(
    make_app: Callable[..., LeadApp], lead_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = AnswerLostOnce(seal_handover)
    monkeypatch.setattr(handover_screen, "seal_handover", lost)
    app = make_app()

    async def scenario() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("f5")
            await answer(pilot, "ctrl+n", "enter")
            flash = app.screen.query_one("#flash", Static)
            await until(pilot, lambda: "open" in str(flash.render()))
            await pilot.press(*"YT7000000000001", "enter")
            await until(pilot, lambda: "1 in the handover" in str(flash.render()))
            await answer(pilot, "ctrl+s", *"刘师傅", "enter")
            await until(pilot, lambda: isinstance(app.screen, TextPage))
            page = app.screen
            assert isinstance(page, TextPage)
            assert "YT7000000000001" in str(page.body)

    asyncio.run(scenario())
    assert lost.lost
    with Session(lead_engine) as s:
        lists = s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all()
        assert len(lists) == 1
