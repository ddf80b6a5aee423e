"""Stores for the stress tests: a fresh one per test, and its PostgreSQL database dropped after
(the benches are separate processes, so the database outlives no test that made it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import new_pg_database, new_sqlite_store
from tests.stress.pgdb import drop_pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stress_store(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh store at head on each backend; a PostgreSQL database is dropped afterwards."""
    if request.param == "sqlite":
        yield new_sqlite_store(sqlite_template, tmp_path)
        return
    server = request.getfixturevalue("pg_server")
    url = new_pg_database(server, request.getfixturevalue("pg_template"))
    try:
        yield url
    finally:
        drop_pg_database(server, url)
