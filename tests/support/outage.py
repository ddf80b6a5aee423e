"""A PostgreSQL store that goes away and comes back, and an answer lost after its commit, for
the tests of lost connections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from packstation.store.engine import make_engine

P = ParamSpec("P")
R = TypeVar("R")


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


class AnswerLostOnce(Generic[P, R]):
    """``service`` whose first call commits, then loses its answer: the connection breaks
    before the result comes back, as when the server restarts right after a COMMIT."""

    def __init__(self, service: Callable[P, R]) -> None:
        self.service = service
        self.lost = False

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        result = self.service(*args, **kwargs)
        if not self.lost:
            self.lost = True
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return result
