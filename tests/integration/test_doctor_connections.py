"""``doctor`` on a PostgreSQL store: the connections the server allows against those in use,
and the benches running (each holds its name on a connection of its own)."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text

from packstation.config import Settings
from packstation.services import doctor
from packstation.services.doctor import check_store, connection_room
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine
from tests.conftest import new_pg_database


def _connections(settings: Settings) -> tuple[bool, str]:
    found = [c for c in check_store(settings) if c.name == "connections"]
    assert len(found) == 1
    return found[0].ok, found[0].detail


@pytest.mark.postgres
def test_counts_the_connections_and_the_running_benches(pg_server: str, pg_template: str) -> None:
    settings = Settings().with_store_url(new_pg_database(pg_server, pg_template))
    engines = [make_engine(settings.store.url) for _ in range(2)]
    names = [BenchName(engine, f"bench-{n}") for n, engine in enumerate(engines, 1)]
    try:
        ok, detail = _connections(settings)
        assert ok and detail.endswith("benches running: 0")
        for name in names:
            name.hold()
        ok, detail = _connections(settings)
        found = re.fullmatch(r"in use: (\d+) of (\d+); benches running: (\d+)", detail)
        assert ok and found is not None, detail
        used, room, benches = map(int, found.groups())
        with engines[0].connect() as connection:
            limit = connection.execute(text("SHOW max_connections")).scalar_one()
            reserved = connection.execute(text("SHOW superuser_reserved_connections")).scalar_one()
        assert (room, benches) == (int(limit) - int(reserved), 2)
        # each name's connection and the doctor's own (other tests' databases may hold more)
        assert 3 <= used < room
    finally:
        for name in names:
            name.release()
        for engine in engines:
            engine.dispose()


def test_a_server_nearly_out_of_connections_says_to_raise_the_limit() -> None:
    assert connection_room(used=87, room=97, benches=17).ok
    short = connection_room(used=90, room=97, benches=18)
    assert not short.ok
    assert short.detail == (
        "in use: 90 of 97; benches running: 18; a bench keeps up to 5 open: raise "
        "max_connections in postgresql.conf (and restart the server) before more benches start"
    )


def test_a_sqlite_store_has_no_connections_to_count() -> None:
    settings = Settings().with_store_url("sqlite://")
    assert [c.name for c in check_store(settings) if c.name == "connections"] == []


@pytest.mark.postgres
def test_names_a_program_stopped_inside_a_transaction(
    pg_server: str, pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command suspended half-way holds the rows it changed (the benches waiting for them
    give up after their lock timeout and say to tell the lead): doctor names it."""
    monkeypatch.setattr(doctor, "STOPPED_AFTER_S", 1)
    settings = Settings().with_store_url(new_pg_database(pg_server, pg_template))
    stopped = make_engine(settings.store.url)  # a command's engine: no idle timeout
    try:
        assert _stopped(settings) == [(True, "none inside a transaction")]
        with stopped.connect() as connection:
            connection.execute(text("SET application_name = 'packstation-import'"))
            connection.execute(text("UPDATE carrier SET name = name"))
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            time.sleep(1.5)
            [(ok, detail)] = _stopped(settings)
            connection.rollback()
        assert not ok
        assert re.fullmatch(
            rf"packstation-import on \S+ \(server session {pid}\) has been stopped inside a "
            rf"transaction for \d+ s, holding what it changed; resume or end it, or end its "
            rf"session: SELECT pg_terminate_backend\({pid}\)",
            detail,
        ), detail
        assert _stopped(settings) == [(True, "none inside a transaction")]
    finally:
        stopped.dispose()


def _stopped(settings: Settings) -> list[tuple[bool, str]]:
    return [(c.ok, c.detail) for c in check_store(settings) if c.name == "stopped programs"]
