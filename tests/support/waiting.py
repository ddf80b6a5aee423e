"""Two transactions on PostgreSQL, one waiting for the rows the other holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


def waits_then(holder: Connection, work: Callable[[], T]) -> T:
    """Run ``work`` in a thread while ``holder``'s transaction holds its locks; commit the
    holder once ``work`` is seen waiting for them, and return what ``work`` then gave (or raise
    what it raised)."""
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(_outcome(work)))
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive(), "it should wait for the rows the other transaction holds"
    holder.commit()
    worker.join(timeout=30)
    assert outcome and not worker.is_alive()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[return-value]


def _outcome(work: Callable[[], T]) -> object:
    try:
        return work()
    except BaseException as exc:  # handed to the test's thread
        return exc
