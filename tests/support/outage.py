"""A PostgreSQL store that goes away and comes back, for the tests of lost connections."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from packstation.store.engine import make_engine


class Outage:
    """Switch the store's database off (sessions ended, no new ones) and on again."""

    def __init__(self, server: str, url: str) -> None:
        self.admin = make_engine(server)
        self.name = make_url(url).database

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql), {"db": self.name})
            conn.commit()

    def start(self) -> None:
        self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :db AND pid <> pg_backend_pid()"
        )

    def end(self) -> None:
        self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
