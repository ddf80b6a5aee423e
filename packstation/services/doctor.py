"""``doctor``: is this bench ready to work?  Each check is one line, OK or what to do.

Called by ``packstation doctor``; the checks of fonts and devices come from ``labels`` and
``devices``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.exc import DBAPIError

from packstation.config import Settings
from packstation.devices.doctor import device_checks
from packstation.errors import StoreError
from packstation.i18n import _
from packstation.labels.fonts import font_check
from packstation.store.bench_name import benches_running
from packstation.store.clock import clock_offset
from packstation.store.engine import POOL_SIZE, make_engine, require_existing_store, store_label
from packstation.store.migrate import current_revision, head_revision, made_by_newer, unreachable
from packstation.store.write_lock import write_lock_free, write_lock_holder

# how far this machine's clock may be from the store's before ``doctor`` says so
CLOCK_TOLERANCE_S = 5
# the room a SQLite store's disk should have left before ``doctor`` says to free some (a day of
# one bench's events, labels and slips takes a few megabytes)
DISK_ROOM_BYTES = 200 * 2**20
# how many more benches' worth of connections the server should have left before ``doctor``
# says to raise its limit (a bench keeps up to its pool's worth open)
BENCHES_OF_ROOM = 2


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_config(settings: Settings) -> list[Check]:
    if settings.source:
        return [Check(_("configuration"), True, _("read from {file}").format(file=settings.source))]
    return [
        Check(
            _("configuration"),
            True,
            _(
                "no file found; using the defaults (copy config.example.toml to configure this bench)"
            ),
        )
    ]


def check_store(settings: Settings) -> list[Check]:
    label = store_label(settings.store.url)
    try:
        require_existing_store(settings.store.url)
        engine = make_engine(settings.store.url)
    except StoreError as exc:
        return [Check(_("store"), False, str(exc))]
    try:
        current = current_revision(engine)
        server = (
            _writes_check(engine)
            + _clock_check(engine)
            + _connections_check(engine)
            + _stopped_check(engine)
        )
    except StoreError as exc:
        return [Check(_("store"), False, str(exc))]
    finally:
        engine.dispose()
    checks = [Check(_("store"), True, _("{url} is reachable").format(url=label))]
    head = head_revision()
    if current == head:
        checks.append(Check(_("schema"), True, _("at the current schema {rev}").format(rev=head)))
    else:
        checks.append(Check(_("schema"), False, _schema_problem(current, head)))
    return checks + server


def _schema_problem(current: str | None, head: str) -> str:
    """What to do about a store that is not at ``head``: empty, older, or a newer one's."""
    if current is None:
        return _("the store is empty; run 'packstation db upgrade'")
    if made_by_newer(current):
        return _(
            "at {current}, which a newer packstation made; install that version here too "
            "(this one needs {head})"
        ).format(current=current, head=head)
    return _("at {current}, this version needs {head}; run 'packstation db upgrade'").format(
        current=current, head=head
    )


def _writes_check(engine: Engine) -> list[Check]:
    """Can the store take the benches' changes?  PostgreSQL: not a standby, and not read-only
    by default; SQLite: room on the disk of its folder, since a full one stops every scan."""
    if engine.dialect.name == "sqlite":
        return _file_check(engine) + _disk_check(engine)
    [(recovering, read_only)] = _ask(engine, _READ_ONLY)
    if not recovering and read_only != "on":
        return [Check(_("writes"), True, _("the server takes changes"))]
    why = _("it is a standby") if recovering else _("default_transaction_read_only is on")
    return [
        Check(
            _("writes"),
            False,
            _("the server only reads ({why}): point the store URL at the primary server").format(
                why=why
            ),
        )
    ]


_READ_ONLY = text("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")


def _file_check(engine: Engine) -> list[Check]:
    """Can this user write the store's file, and its folder (where SQLite keeps its journal)?
    A read-only file passed every check, and every change at the bench was refused."""
    path = engine.url.database
    if not path or path == ":memory:":
        return []
    file = Path(path).resolve()
    for where in (file, file.parent):
        if not os.access(where, os.W_OK):
            return [
                Check(
                    _("writes"),
                    False,
                    _(
                        "{path} cannot be written by this user: every change would be refused; "
                        "let this user write it (its permissions, or chattr -i)"
                    ).format(path=where),
                )
            ]
    return [Check(_("writes"), True, _("this user can write {path}").format(path=file))]


def _disk_check(engine: Engine) -> list[Check]:
    path = engine.url.database
    if not path or path == ":memory:":
        return []
    folder = Path(path).resolve().parent
    free = disk_free(folder)
    values = {"free": f"{free // 2**20:,}", "folder": folder}
    if free >= DISK_ROOM_BYTES:
        return [Check(_("disk"), True, _("{free} MB free in {folder}").format(**values))]
    detail = _("{free} MB free in {folder}; free space there: a full disk stops every scan")
    return [Check(_("disk"), False, detail.format(**values))]


def disk_free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _clock_check(engine: Engine) -> list[Check]:
    """Benches on several machines: this machine's clock against the server's (leases follow
    the server's clock; cut-offs, label times and the lead's screens follow this one)."""
    if engine.dialect.name != "postgresql":
        return []  # one machine, one clock
    try:
        seconds = clock_offset(engine).total_seconds()
    except DBAPIError as exc:
        raise unreachable(engine, exc) from None  # gone since the schema was read
    off = round(abs(seconds))
    if off <= CLOCK_TOLERANCE_S:
        return [Check(_("clock"), True, _("within {seconds} s of the store's").format(seconds=off))]
    detail = (
        _("this machine's clock is {seconds} s behind the store's; set it (NTP)")
        if seconds > 0
        else _("this machine's clock is {seconds} s ahead of the store's; set it (NTP)")
    )
    return [Check(_("clock"), False, detail.format(seconds=off))]


def _connections_check(engine: Engine) -> list[Check]:
    """PostgreSQL: the connections the server allows against those in use; every bench keeps a
    few open, and a server out of them refuses the next bench ("too many clients")."""
    if engine.dialect.name != "postgresql":
        return []
    [(room, used)] = _ask(engine, _CONNECTIONS)
    try:
        benches = benches_running(engine)
    except DBAPIError as exc:
        raise unreachable(engine, exc) from None
    return [connection_room(int(used), int(room), benches)]


def _ask(engine: Engine, statement: TextClause, **values: object) -> list[tuple[Any, ...]]:
    """The server's rows for a question about itself (one sentence if it went away)."""
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(statement, values)]
    except DBAPIError as exc:
        raise unreachable(engine, exc) from None


def connection_room(used: int, room: int, benches: int) -> Check:
    """The verdict on ``used`` of ``room`` connections, with ``benches`` benches running."""
    detail = _("in use: {used} of {room}; benches running: {benches}").format(
        used=used, room=room, benches=benches
    )
    if room - used >= POOL_SIZE * BENCHES_OF_ROOM:
        return Check(_("connections"), True, detail)
    return Check(
        _("connections"),
        False,
        detail
        + _(
            "; a bench keeps up to {per} open: raise max_connections in postgresql.conf (and "
            "restart the server) before more benches start"
        ).format(per=POOL_SIZE),
    )


# what the server allows clients (less the superusers' reserve), and what its clients use
_CONNECTIONS = text(
    "SELECT current_setting('max_connections')::int"
    " - current_setting('superuser_reserved_connections')::int,"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
)


def _stopped_check(engine: Engine) -> list[Check]:
    """PostgreSQL: programs stopped inside a transaction, holding what they changed (a command
    suspended half-way; the benches' and the lead's own sessions are ended by the server after
    ``SCREEN_IDLE_IN_TRANSACTION_MS``).  The benches waiting for those rows say so; this names
    the program."""
    if engine.dialect.name == "sqlite":
        return _write_lock_check(engine)
    stopped = _ask(engine, _STOPPED, seconds=STOPPED_AFTER_S)
    if not stopped:
        return [Check(_("stopped programs"), True, _("none inside a transaction"))]
    return [
        Check(
            _("stopped programs"),
            False,
            _(
                "{program} on {host} (server session {pid}) has been stopped inside a "
                "transaction for {seconds} s, holding what it changed; resume or end it, or end "
                "its session: SELECT pg_terminate_backend({pid})"
            ).format(program=program or _("a program"), host=host, pid=pid, seconds=seconds),
        )
        for pid, program, host, seconds in stopped
    ]


def _write_lock_check(engine: Engine) -> list[Check]:
    """SQLite: a program that holds the store's write lock for seconds (a bench holds it for
    milliseconds) is stopped or stuck, and the benches' writes wait for it and give up."""
    path = engine.url.database
    if not path or path == ":memory:" or write_lock_free(Path(path), WRITE_LOCK_WAIT_S):
        return [Check(_("stopped programs"), True, _("none holds the write lock"))]
    holder = write_lock_holder(Path(path))
    if holder is None:
        detail = _(
            "another program has held the store's write lock for more than {seconds} s (an "
            "import stopped half-way, the sqlite3 shell inside BEGIN); resume or end it"
        ).format(seconds=f"{WRITE_LOCK_WAIT_S:g}")
    else:
        detail = _(
            "{program} (process {pid}) has held the store's write lock for more than {seconds} "
            "s; resume or end it: kill {pid}"
        ).format(
            program=holder.program or _("a program"),
            pid=holder.pid,
            seconds=f"{WRITE_LOCK_WAIT_S:g}",
        )
    return [Check(_("stopped programs"), False, detail)]


# how long doctor waits for a SQLite store's write lock before it names the holder
WRITE_LOCK_WAIT_S = 2.0
# a session idle inside a transaction this long is a stopped program, not one between statements
STOPPED_AFTER_S = 30
# the server's process for each such session, its program's name, its client's address
# ("localhost" for a socket) and how long it has been idle
_STOPPED = text(
    "SELECT pid, application_name, coalesce(client_hostname, host(client_addr), 'localhost'),"
    " floor(extract(epoch FROM now() - state_change))::int"
    " FROM pg_stat_activity"
    " WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')"
    " AND now() - state_change > make_interval(secs => :seconds) AND pid <> pg_backend_pid()"
    " AND datname = current_database()"
    " ORDER BY state_change"
)


def check_font(settings: Settings) -> list[Check]:
    ok, detail = font_check(settings)
    return [Check(_("CJK font"), ok, detail)]


def check_devices(settings: Settings) -> list[Check]:
    return [Check(name, ok, detail) for name, ok, detail in device_checks(settings)]


CHECKS: list[Callable[[Settings], list[Check]]] = [
    check_config,
    check_store,
    check_font,
    check_devices,
]


def run_checks(settings: Settings) -> list[Check]:
    return [found for found in each_check(settings)]


def each_check(settings: Settings) -> Iterator[Check]:
    """The checks one by one, as each is done: a store or device that does not answer takes
    seconds, and the lines before it are said meanwhile."""
    for check in CHECKS:
        yield from check(settings)
