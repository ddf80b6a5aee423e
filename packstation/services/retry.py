"""Running one bench action against a store that may drop the connection.

A bench calls a service through ``run_action``: the action gets an id that the unit of work stamps
on its first event (a unique column).  When the connection breaks — PostgreSQL restarted, the
session killed, SQLite busy for too long — the action is retried with back-off; before a retry we
look for the id, so an action whose commit did reach the store before the connection broke is
never applied twice.  Errors a user caused are not retried.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import select

from packstation.errors import StoreBusy, StoreCannotWrite, StoreError, StoreRefused
from packstation.i18n import _
from packstation.store.driver_errors import (
    SQLITE_BUSY,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    SQLITE_READONLY,
    first_line,
    sqlite_code,
    sqlstate,
)
from packstation.store.engine import no_connection_left
from packstation.store.models import Event
from packstation.store.uow import UnitOfWork

T = TypeVar("T")

# How long an action asked for on a screen (the bench's, the lead's) retries a lost store before
# the person is told: long enough to bridge a server restart, short enough to keep working.
SCREEN_RETRY_S = 5.0


class AlreadyApplied(Exception):
    """An earlier attempt of this action committed; re-read the state instead of applying it."""

    @property
    def action_id(self) -> str:
        return str(self.args[0]) if self.args else ""


def new_action_id() -> str:
    return uuid.uuid4().hex


def is_connection_problem(exc: BaseException) -> bool:
    """A broken or busy connection, worth retrying (not a constraint or a user's mistake)."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError)


def unreachable(exc: BaseException) -> StoreError:
    """The one sentence for a store that cannot be reached, with the driver's reason last (it
    can be long, and what to do must show first)."""
    full = no_connection_left(exc)
    if full is not None:
        return full
    return StoreError(
        _(
            "The store is unreachable: the screen keeps what it shows; try again when it is back ({reason})."
        ).format(reason=first_line(exc))
    )


def lost_mid_command(exc: BaseException) -> StoreError:
    """The one sentence for a command whose store went away while it ran."""
    return StoreError(
        _(
            "The store was lost while the command ran ({reason}); what it had stored stays stored: run it again when the store is back."
        ).format(reason=first_line(exc))
    )


# PostgreSQL ended the transaction because another one was changing the same rows: a deadlock,
# or a serialization failure; doing it again is all there is to do
CONFLICT_STATES = frozenset({"40P01", "40001"})


# a statement gave up waiting for a row lock (``lock_timeout``)
LOCK_NOT_AVAILABLE = "55P03"
# PostgreSQL: the server's disk is full; a change on a server that only reads (a standby)
DISK_FULL, READ_ONLY_SQL_TRANSACTION = "53100", "25006"


def conflicted(exc: BaseException) -> bool:
    """Did the store end the transaction over another one's rows (not a lost connection)?"""
    return sqlstate(exc) in CONFLICT_STATES


def waited_for_rows(exc: BaseException) -> bool:
    """A statement that gave up waiting for what another program holds: rows on PostgreSQL
    (``lock_timeout``, set for the screens), the write lock on SQLite (``SQLITE_BUSY`` after
    the writers' line and the busy timeout)."""
    return sqlstate(exc) == LOCK_NOT_AVAILABLE or sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def cannot_write(exc: BaseException) -> StoreCannotWrite | None:
    """The one sentence for a store that answered but cannot write (its disk full or not
    writable, or a PostgreSQL server that only reads), for a screen and a command alike; None
    for any other failure.  Retrying would not help, and the store is not lost."""
    reason = first_line(exc)
    if sqlite_code(exc) == SQLITE_READONLY:  # it said to free space on the disk first
        return StoreCannotWrite(
            _(
                "The store's file cannot be written ({reason}): let this user write it (its "
                "permissions, chattr -i, a disk mounted read-only), then try again; what was "
                "stored before stays stored."
            ).format(reason=reason)
        )
    if sqlite_code(exc) in (SQLITE_IOERR, SQLITE_FULL) or (sqlstate(exc) == DISK_FULL):
        return StoreCannotWrite(
            _(
                "The store cannot write to its disk ({reason}): free space on that disk (or let "
                "this user write the store's files), then try again; what was stored before "
                "stays stored."
            ).format(reason=reason)
        )
    if sqlstate(exc) == READ_ONLY_SQL_TRANSACTION:
        return StoreCannotWrite(
            _(
                "The database server only reads ({reason}): point the store URL at the primary "
                "server, not a standby, then try again; what was stored before stays stored."
            ).format(reason=reason)
        )
    return None


def rows_held(exc: BaseException) -> StoreBusy:
    """The one sentence for an action that waited too long for what another program holds."""
    return StoreBusy(
        _(
            "Another program has held what this needs for too long (an import, or a program "
            "stopped half-way); nothing was stored: try again, and tell the lead if it goes on "
            "({reason})."
        ).format(reason=first_line(exc))
    )


def refusal(exc: BaseException) -> StoreRefused | None:
    """The sentence for a store that answered but refused the action (what it needs held
    elsewhere too long, or a store that cannot write), None for any other failure: the store
    is not lost, and trying again at once would fail again."""
    if waited_for_rows(exc):
        return rows_held(exc)
    return cannot_write(exc)


def busy_mid_command(exc: BaseException) -> StoreError:
    """The one sentence for a command that waited too long for what another program holds
    (SQLite's write lock after the busy timeout; rows, where a lock timeout is set)."""
    return StoreError(
        _(
            "Another program has held what this command needs for too long (an import, or a "
            "program stopped half-way); what the command had stored stays stored: run it again "
            "once that program is done ({reason})."
        ).format(reason=first_line(exc))
    )


def conflict_mid_command(exc: BaseException) -> StoreError:
    """The one sentence for a command the store stopped over another transaction's rows."""
    return StoreError(
        _(
            "Another transaction was changing the same rows at the same moment and the store stopped this one ({reason}); what the command had stored stays stored: run it again."
        ).format(reason=first_line(exc))
    )


def ping(uow: UnitOfWork) -> bool:
    """Is the store there?  (A bench with no order open asks, while the store is known to be
    down, to say when it is back.)"""
    with uow:
        uow.connection().exec_driver_sql("SELECT 1")
    return True


def already_stored() -> str:
    """The one sentence for an action whose retry found that its first attempt committed."""
    return _("That was stored before the connection broke; the screen shows it now.")


def _is_duplicate_action(exc: IntegrityError) -> bool:
    return "action_id" in str(exc.orig) or "ix_event_action_id" in str(exc.orig)


def action_committed(engine: Engine, action_id: str) -> bool:
    return applied_event(engine, action_id) is not None


def applied_event(engine: Engine, action_id: str) -> tuple[str, dict[str, Any]] | None:
    """The kind and payload of the event an earlier attempt of the action stamped (what it
    did, when its answer was lost: a refusal is recorded too); None when there is none."""
    with UnitOfWork(engine, readonly=True) as uow:
        found = uow.session.exec(
            select(Event.kind, Event.payload).where(Event.action_id == action_id)
        ).first()
    if found is None:
        return None
    return found[0], json.loads(found[1] or "{}")


def run_action(
    engine: Engine,
    action: Callable[[UnitOfWork], T],
    *,
    bench: str,
    user: str,
    action_id: str | None = None,
    deadline_s: float = 60.0,
    on_state: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    gave_up: Callable[[BaseException], StoreError] = unreachable,
    readonly: bool = False,
) -> T:
    """Run ``action`` in a fresh unit of work until it commits, retrying lost connections.

    Raises ``AlreadyApplied`` when a retry finds that an earlier attempt committed, and
    ``StoreError`` (``gave_up``'s sentence: a screen's, by default) when the store stays
    unreachable past ``deadline_s``.  ``readonly``: the action only reads, in a read-only unit
    of work (on SQLite it takes no turn in the writers' line); it stamps nothing, and a retry
    simply reads again.
    """
    action_id = action_id or new_action_id()
    started = time.monotonic()
    delay = 0.1
    attempt = 0
    while True:
        attempt += 1
        try:
            if attempt > 1 and not readonly and action_committed(engine, action_id):
                raise AlreadyApplied(action_id)
            uow = UnitOfWork(
                engine,
                bench=bench,
                user=user,
                readonly=readonly,
                action_id=None if readonly else action_id,
            )
            result = action(uow)
        except IntegrityError as exc:
            if _is_duplicate_action(exc):
                raise AlreadyApplied(action_id) from None
            raise
        except (OperationalError, DBAPIError) as exc:
            refused = refusal(exc)
            if refused is not None:
                raise refused from None  # the store is there: retrying would fail again
            if not is_connection_problem(exc):
                raise
            if time.monotonic() - started > deadline_s:
                raise gave_up(exc) from None
            if on_state:
                on_state("unreachable")
            sleep(delay)
            delay = min(delay * 2, 5.0)
            continue
        if attempt > 1 and on_state:
            on_state("reachable")
        return result
