"""A bench that stops in the middle of a transaction (a frozen machine that still answers the
network, a paused process) while it holds a row lock: on PostgreSQL the server ends its session
and the benches waiting for the row go on."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from packstation.app import BenchApp
from packstation.config import Settings
from packstation.errors import StoreError
from packstation.lead_app import LeadApp
from packstation.services.retry import is_connection_problem, run_action
from packstation.store import engine as store_engine
from packstation.store.engine import make_engine
from packstation.store.uow import UnitOfWork
from tests.conftest import new_pg_database
from tests.support.lead_data import carriers

pytestmark = pytest.mark.postgres

LOCK_CARRIER = text("SELECT code FROM carrier WHERE code = 'YTO' FOR UPDATE")


@pytest.fixture
def pg_url(pg_server: str, pg_template: str) -> str:
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    with Session(engine) as s:
        carriers(s, "YTO")
        s.commit()
    engine.dispose()
    return url


@pytest.fixture
def engines(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Engine]]:
    """Two benches' engines, whose sessions the server ends after 1 s idle in a transaction."""
    monkeypatch.setattr(store_engine, "SCREEN_IDLE_IN_TRANSACTION_MS", 1000)
    stopped, waiting = make_engine(pg_url, screen=True), make_engine(pg_url, screen=True)
    yield stopped, waiting
    stopped.dispose()
    waiting.dispose()


def _show(engine: Engine, setting: str = "idle_in_transaction_session_timeout") -> str:
    with engine.connect() as connection:
        return str(connection.execute(text(f"SHOW {setting}")).scalar())


def test_a_stopped_bench_gives_its_row_lock_back(engines: tuple[Engine, Engine]) -> None:
    stopped, waiting = engines
    frozen = stopped.connect()
    frozen.execute(LOCK_CARRIER)  # a weighing took the carrier's waybill counter, then stopped
    started = time.monotonic()
    with waiting.connect() as connection:
        connection.execute(text("SET lock_timeout = '20s'"))  # fails the test rather than hangs
        assert connection.execute(LOCK_CARRIER).scalar() == "YTO"
        waited = time.monotonic() - started
        connection.rollback()
    assert 0.5 < waited < 10
    with pytest.raises(DBAPIError) as ended:
        frozen.execute(text("SELECT 1"))  # the stopped bench, woken: its session is gone
    assert ended.value.connection_invalidated  # replaced, not handed out again
    assert is_connection_problem(ended.value)  # and its action is retried, as after a restart
    frozen.close()


def test_the_applications_end_stopped_sessions_and_commands_do_not(pg_url: str) -> None:
    settings = Settings().with_store_url(pg_url)
    bench, lead = BenchApp(settings, devices=False), LeadApp(settings, user="王组长")
    command = make_engine(pg_url)  # an import or the audit may think between statements
    try:
        assert _show(bench.engine) == "15s" and _show(lead.engine) == "15s"
        assert _show(command) == "0"
    finally:
        for engine in (bench.engine, lead.engine, command):
            engine.dispose()


def test_a_screen_waits_for_rows_another_program_holds_a_while_then_says_so(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command stopped half-way (Ctrl+Z in the middle of an import) holds its rows for as
    long as it stays stopped: a bench's action gives up after the lock timeout with one
    sentence, stores nothing, and does not take the store for unreachable."""
    monkeypatch.setattr(store_engine, "SCREEN_LOCK_TIMEOUT_MS", 500)
    command, bench = make_engine(pg_url), make_engine(pg_url, screen=True)
    stopped = command.connect()
    stopped.execute(LOCK_CARRIER)
    states: list[str] = []
    attempts: list[float] = []

    def weigh(uow: UnitOfWork) -> None:
        attempts.append(time.monotonic())
        with uow:
            uow.record("weight_accepted")
            uow.session.execute(LOCK_CARRIER)
            uow.commit()

    try:
        assert _show(bench, "lock_timeout") == "500ms" and _show(command, "lock_timeout") == "0"
        with pytest.raises(StoreError) as refused:
            run_action(bench, weigh, bench="bench-1", user="小李", on_state=states.append)
        assert str(refused.value).startswith(
            "Another program has held what this needs for too long (an import, or a program stopped "
            "half-way); nothing was stored: try again, and tell the lead if it goes on ("
        )
        assert "lock timeout" in str(refused.value)
        assert len(attempts) == 1 and states == []  # not retried, not "unreachable"
        with bench.connect() as connection:  # the event of the refused attempt was not stored
            assert connection.execute(text("SELECT count(*) FROM event")).scalar() == 0
    finally:
        stopped.close()
        command.dispose()
        bench.dispose()
