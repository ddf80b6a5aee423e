"""Which server sessions hold a bench's name, and ending them as a server restart would, for
the tests of bench names on PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from packstation.store.bench_name import LOCK_CLASS, name_key

# the sessions holding a name in this database (advisory locks are per database)
_HOLDERS = (
    "FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND classid = :class AND objid = :key AND objsubid = 2 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def holders(engine: Engine, name: str, *, end: bool = False) -> list[int]:
    """The server sessions (pids) that hold ``name``; with ``end``, end them too (as a server
    restart would)."""
    what = "pid, pg_terminate_backend(pid)" if end else "pid"
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT {what} {_HOLDERS}"), {"class": LOCK_CLASS, "key": name_key(name)}
        ).all()
    return [row[0] for row in found]


def end_session_holding(engine: Engine, name: str) -> int:
    """End the server session that holds ``name`` and wait until it is gone (the server ends
    a session a moment after it is asked to); how many ended."""
    ended = holders(engine, name, end=True)
    deadline = time.monotonic() + 10
    while holders(engine, name) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not holders(engine, name), "the session holding the name did not end"
    return len(ended)
