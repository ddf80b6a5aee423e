"""The store's clock, for times that benches on several machines compare: a lease written by one
bench is judged by another, so both must read the same clock.

On PostgreSQL that is the server's: this machine's UTC clock moved by how far it is from the
server's, measured with one statement the first time and again every ``RECHECK_S`` (a clock that
is set meanwhile is followed).  On SQLite every bench is on one machine, whose clock it is.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import Engine, text

from packstation.store.types import utcnow

# how often the distance to the server's clock is measured again
RECHECK_S = 600.0

_OFFSETS: dict[str, tuple[float, dt.timedelta]] = {}
_LOCK = threading.Lock()


def store_now(engine: Engine) -> dt.datetime:
    """Now, by the store's clock (UTC)."""
    if engine.dialect.name != "postgresql":
        return utcnow()
    return utcnow() + clock_offset(engine)


def clock_offset(engine: Engine) -> dt.timedelta:
    """How far the server's clock is ahead of this machine's (negative: behind)."""
    key = engine.url.render_as_string(hide_password=True)
    with _LOCK:
        known = _OFFSETS.get(key)
    if known is not None and time.monotonic() - known[0] < RECHECK_S:
        return known[1]
    with engine.connect() as connection:
        before = utcnow()
        server: dt.datetime = connection.execute(_SERVER_NOW).scalar_one()
        after = utcnow()
    # the server read its clock about halfway through the round trip
    offset = server - (before + (after - before) / 2)
    with _LOCK:
        _OFFSETS[key] = (time.monotonic(), offset)
    return offset


def forget_offsets() -> None:
    """Measure again at the next call (tests that move this machine's clock)."""
    with _LOCK:
        _OFFSETS.clear()


_SERVER_NOW = text("SELECT clock_timestamp()")
