"""The bench screen's way to the store, for a store that may go away (PostgreSQL restarted, the
network down, a session killed).

An action runs through ``services.retry.run_action``: a lost connection is retried with back-off,
under one action id, so an attempt whose commit reached the store is never applied again; after
``retry.SCREEN_RETRY_S`` the packer is told in one line and the screen keeps what it shows.
While the store is known to be down, an action is tried once.  A read that cannot reach the
store gives nothing, and the packer is told once per outage.  The screen waits while an action
retries: scans are handled in order on the event loop.  What a timer repeats (the order's poll, the
lease) is tried only every ``DOWN_RETRY_S`` while the store is down: a try can wait seconds for
a silent network, and the screen would wait with it every second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from packstation.errors import StoreError, StoreRefused
from packstation.services import retry
from packstation.services.retry import is_connection_problem, run_action, unreachable
from packstation.store.uow import UnitOfWork

T = TypeVar("T")

# How often a timer's call tries the store while it is down.
DOWN_RETRY_S = 5.0


class StoreLink:
    def __init__(
        self,
        engine: Engine,
        *,
        bench: str,
        user: str,
        on_lost: Callable[[StoreError], None],
        on_back: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.bench = bench
        self.user = user
        self.on_lost = on_lost
        self.on_back = on_back
        self.down = False
        self._failed_at = 0.0
        self._clock = clock

    def action(self, call: Callable[[UnitOfWork], T]) -> T:
        """``call`` in a unit of work that carries its action id, retried for
        ``retry.SCREEN_RETRY_S`` (tried once when the store is already known to be down: the
        packer hears at once, rather than after seconds of a frozen screen).  Raises what it
        raises, and ``StoreError`` when the store stayed unreachable; ``AlreadyApplied`` when a
        retry found that an attempt committed."""
        try:
            result = run_action(
                self.engine,
                call,
                bench=self.bench,
                user=self.user,
                deadline_s=0.0 if self.down else retry.SCREEN_RETRY_S,
                on_state=self._state,
            )
        except StoreRefused:
            raise  # the store answered: it is not lost
        except StoreError as exc:
            self._lost(exc)
            raise
        self._state("reachable")
        return result

    def read(self, call: Callable[[UnitOfWork], T]) -> T | None:
        """``call`` in a read-only unit of work; None when the store cannot be reached."""
        return self.once(call, readonly=True)

    def once(self, call: Callable[[UnitOfWork], T], *, readonly: bool = False) -> T | None:
        """``call`` tried once; None when the store cannot be reached."""
        try:
            result = call(
                UnitOfWork(self.engine, bench=self.bench, user=self.user, readonly=readonly)
            )
        except DBAPIError as exc:
            if retry.refusal(exc) is not None:
                return None  # the store answered: not lost (the next action says why)
            if not is_connection_problem(exc):
                raise
            self._lost(unreachable(exc))
            return None
        self._state("reachable")
        return result

    def timed(self, call: Callable[[UnitOfWork], T], *, readonly: bool = False) -> T | None:
        """``once``, for a timer: while the store is down, tried only every ``DOWN_RETRY_S``
        (None between)."""
        if self.down and self._clock() - self._failed_at < DOWN_RETRY_S:
            return None
        return self.once(call, readonly=readonly)

    def _lost(self, exc: StoreError) -> None:
        self._failed_at = self._clock()
        if not self.down:
            self.down = True
            self.on_lost(exc)

    def _state(self, state: str) -> None:
        if state == "reachable" and self.down:
            self.down = False
            self.on_back()
