"""The engine factory: an engine is built from settings when asked, never at import time.

SQLite gets WAL, ``busy_timeout``, foreign keys and ``synchronous=FULL``, and every transaction
that may write begins ``IMMEDIATE`` so that two benches never meet in the deferred-upgrade trap
(SQLITE_BUSY on the first write of a transaction that began reading).  Read-only units of work
begin a plain deferred transaction and never block writers.  Writers wait their turn in a line
(``store.writers``) rather than in SQLite's sleeping busy handler.  A SQLite file on a network
filesystem is refused: several machines must share PostgreSQL instead.

PostgreSQL connections are checked (one round trip) only when they sat idle in the pool; read-only
units of work run without a transaction; a network cut is noticed in seconds (``PG_CONNECT``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.pool import NullPool

from packstation.errors import StoreError
from packstation.i18n import _
from packstation.store.driver_errors import SQLITE_READONLY, first_line, sqlite_code, sqlstate
from packstation.store.writers import LinedConnection, join_line, line_for

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb3",
        "smbfs",
        "fuse",
        "sshfs",
        "9p",
        "afs",
        "glusterfs",
        "ceph",
        "davfs",
    }
)
READONLY = "packstation_readonly"
BUSY_TIMEOUT_MS = 10_000
# A pooled PostgreSQL connection that came back less than this ago is used without a check.
IDLE_CHECK_S = 1.0
# libpq's settings for a bench's connections (the store URL's query may set others).
#
# Without the TCP ones, a network cut between a bench and the server leaves a statement waiting
# for its answer for many minutes (the kernel's retransmissions), and the bench frozen with it:
# with them, a statement whose bytes the server does not acknowledge fails after 5 s, and a
# connection waiting for an answer is probed after 5 s idle and given up 4 s later.
#
# ``options`` asks the same of the server's end of the connection: a bench machine that dies
# (power, network) in the middle of a transaction holds its row locks — the order's, the
# carrier's waybill counter — until the server notices, which by the operating system's
# defaults takes two hours, with every bench of that carrier waiting at its next weighing.
# With these the server gives up on the dead session, and its locks, within about 15 s.
PG_CONNECT: dict[str, str | int] = {
    "connect_timeout": 5,
    "application_name": "packstation",
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,  # milliseconds
    "options": (
        "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 "
        "-c tcp_user_timeout=5000"
    ),
}
# A screen's transactions (the bench's, the lead's) last milliseconds, and nothing a person does
# happens inside one.  One that sits idle this long belongs to a process that stopped in the
# middle (a frozen machine that still answers keepalives, a paused process): the server ends that
# session, and the row locks it held (an order, a carrier's waybill counter) go to the benches
# waiting for them, which would otherwise wait as long as the stopped one.  Commands (an import,
# the audit) may think between statements and keep the server's default.
SCREEN_IDLE_IN_TRANSACTION_MS = 15_000
# How long a screen's statement waits for a row another program holds.  Benches and leads hold
# rows for milliseconds; a command can hold them for seconds (an import) or, stopped in the
# middle (Ctrl+Z, a laptop put to sleep), for as long as it stays stopped.  Past this the
# statement gives up (SQLSTATE 55P03) and the screen says so, instead of freezing with it.
SCREEN_LOCK_TIMEOUT_MS = 10_000


# The server's codes for a session it ended on a timeout (idle in a transaction, idle): the
# connection is gone, as after a restart, and is replaced; the action is retried.
SESSION_TIMED_OUT = frozenset({"25P03", "57P05"})
_RETURNED = "packstation_returned"
# the PostgreSQL connections a process keeps open at most between uses (a bench holds about
# three: its screen's, its print sender's and its name's; more only for a moment)
POOL_SIZE = 5


def filesystem_type(path: Path, mounts_text: str | None = None) -> str:
    """The type of the filesystem holding ``path`` (from /proc/mounts), or '' when unknown."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    target = str(path.resolve())
    best, best_type = "", ""
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def is_network_filesystem(fs_type: str) -> bool:
    return (
        fs_type in NETWORK_FILESYSTEMS or fs_type.startswith("fuse.") or fs_type.startswith("nfs")
    )


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, None for an in-memory database."""
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _check_sqlite_location(path: Path, mounts_text: str | None = None) -> None:
    # where the file really is: a link to a file on a network filesystem was opened there
    folder = path.resolve().parent if path.is_symlink() else path.parent
    folder = folder if str(folder) else Path(".")
    if not folder.exists():
        raise StoreError(
            _(
                "The folder {folder} of the SQLite store does not exist; create it or fix the store URL."
            ).format(folder=folder)
        )
    fs_type = filesystem_type(folder, mounts_text)
    if is_network_filesystem(fs_type):
        raise StoreError(
            _(
                "The SQLite store {path} is on a network filesystem ({fs}), where SQLite can lose data; "
                "share PostgreSQL between machines instead."
            ).format(path=path, fs=fs_type)
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start (pysqlite would otherwise
    # issue a deferred BEGIN by itself).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(READONLY):
        connection.exec_driver_sql("BEGIN")
        return
    raw = connection.connection.dbapi_connection
    if isinstance(raw, LinedConnection):
        raw.check_file()
        raw.queue()  # wait in the writers' line, then SQLite's lock is free or nearly
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if isinstance(raw, LinedConnection):
            raw.step_out()
        raise


def make_engine(
    url: str, *, echo: bool = False, mounts_text: str | None = None, screen: bool = False
) -> Engine:
    """An engine for the store at ``url``: ``sqlite:///FILE`` or ``postgresql+psycopg://…``.
    ``screen``: for a bench's or the lead's application, whose sessions the PostgreSQL server
    ends when they stop inside a transaction (``SCREEN_IDLE_IN_TRANSACTION_MS``), and whose
    statements wait for a row lock at most ``SCREEN_LOCK_TIMEOUT_MS``."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number (5543x, or a
        # password's ':' taken for the port's)
        raise _invalid(url) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite" and (parsed.host or parsed.port):
        raise _invalid(url)  # sqlite://packstation.db: two slashes read it as a host
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_location(path, mounts_text)
        connect_args: dict[str, Any] = {
            "check_same_thread": False,
            "timeout": BUSY_TIMEOUT_MS / 1000,
        }
        if path is not None:
            connect_args["factory"] = LinedConnection
        engine = create_engine(
            url,
            echo=echo,
            connect_args=connect_args,
            poolclass=NullPool if path is None else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if path is not None:
            line = line_for(path, BUSY_TIMEOUT_MS / 1000)
            event.listen(engine, "connect", lambda raw, _record: join_line(raw, line, path))
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _opened_read_only)
        return engine
    if backend in ("postgresql", "postgres"):  # postgres://, as Heroku and psql write it
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername != "postgresql+psycopg":
            raise StoreError(
                _(
                    "The store URL '{url}' names the driver '{driver}'; packstation talks to "
                    "PostgreSQL through psycopg: begin it with postgresql:// or "
                    "postgresql+psycopg://."
                ).format(url=store_label(url), driver=parsed.get_driver_name())
            )
        connect_args = {k: v for k, v in PG_CONNECT.items() if k not in parsed.query}
        if screen and "options" in connect_args:
            connect_args["options"] = (
                f"{connect_args['options']} "
                f"-c idle_in_transaction_session_timeout={SCREEN_IDLE_IN_TRANSACTION_MS} "
                f"-c lock_timeout={SCREEN_LOCK_TIMEOUT_MS}"
            )
        engine = create_engine(parsed, echo=echo, pool_size=POOL_SIZE, connect_args=connect_args)
        _check_when_idle(engine)
        event.listen(engine, "handle_error", _session_timed_out)
        return engine
    raise StoreError(
        _(
            "The store URL '{url}' names an unsupported database; use sqlite:///FILE or "
            "postgresql://USER@HOST/DB."
        ).format(url=store_label(url))
    )


# What a PostgreSQL server out of connections answers a new one.  The SQLSTATE (53300) is not
# given to a connection refused at its start, so the message is read: in the server's language
# (its lc_messages, from the locale it was set up in), English or Simplified Chinese here.
_NO_CONNECTION_LEFT = (
    "too many clients",
    "connection slots are reserved",
    "已经有太多的客户",  # sorry, too many clients already
    "的超级用户预留",  # remaining connection slots are reserved for … superuser connections
)


def no_connection_left(exc: BaseException) -> StoreError | None:
    """The one sentence for a server that refused a connection because it has none left (its
    ``max_connections``), or None for any other failure.  What to do comes first, the server's
    words last (they are long)."""
    if not any(words in str(getattr(exc, "orig", exc)) for words in _NO_CONNECTION_LEFT):
        return None
    return StoreError(
        _(
            "The database server has no connection left for this program: raise "
            "max_connections in postgresql.conf (and restart the server), or close a program "
            "that holds connections, then try again ({reason})."
        ).format(reason=first_line(exc))
    )


def _invalid(url: str) -> StoreError:
    return StoreError(
        _(
            "The store URL '{url}' is not valid; use sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB, with any @ : / # in the password "
            "written %40 %3A %2F %23."
        ).format(url=store_label(url))
    )


def require_existing_store(url: str) -> None:
    """Refuse a SQLite file that does not exist yet instead of silently creating an empty one."""
    try:
        is_sqlite = make_url(url).get_backend_name() == "sqlite"
    except (ArgumentError, ValueError):
        return  # make_engine reports the bad URL
    path = sqlite_path(url) if is_sqlite else None
    if path is not None:
        _check_sqlite_location(path)  # on a network filesystem: said before "create it"
    if path is not None and not path.exists():
        raise StoreError(
            _(
                "There is no store at {path}; run 'packstation db upgrade' to create it (or 'packstation demo')."
            ).format(path=path)
        )


def _session_timed_out(context: ExceptionContext) -> None:
    """A session the server ended on a timeout is a lost connection (SQLAlchemy knows the
    other ways a connection goes, not these).  So is a connection whose statement failed with
    no SQLSTATE: every error the server sends has one, so the failure came from the socket.
    psycopg raises "connection socket closed" when the socket reports only a hang-up before
    libpq has read the server's goodbye (a session ended a moment before, as above); libpq has
    not marked it bad yet, so SQLAlchemy would hand it out again."""
    error = context.original_exception
    code = sqlstate(error)
    from_the_socket = code is None and context.connection is not None
    if code in SESSION_TIMED_OUT or (
        from_the_socket and isinstance(error, context.dialect.loaded_dbapi.OperationalError)
    ):
        context.is_disconnect = True


def _opened_read_only(context: ExceptionContext) -> None:
    """A SQLite file that could not be written when a connection opened it is opened for
    reading only, and that connection stays so: a bench started on it refused every change
    until it was restarted, long after the file could be written again.  Such a connection is
    thrown away (it alone), and the next action opens the file afresh; the error is said as
    before (``retry.cannot_write``)."""
    if sqlite_code(context.original_exception) == SQLITE_READONLY:
        context.invalidate_pool_on_disconnect = False
        context.is_disconnect = True


def _check_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat in the pool ``IDLE_CHECK_S`` or
    more: that is where a restarted server or a killed session shows up, and the pool then
    opens a fresh connection instead.  ``pool_pre_ping`` would ping at every checkout, a third
    of a bench's round trips, when a connection used a moment ago fails no more often than one
    mid-transaction, which ``services.retry`` handles anyway."""
    dialect = engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_RETURNED)
        if since is None or time.monotonic() - since < IDLE_CHECK_S:
            return  # new, or in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", checkout)


def readonly(engine: Engine) -> Engine:
    """The same engine for reads only.  SQLite: its transactions begin deferred.  PostgreSQL:
    no transaction, each statement commits by itself: no BEGIN and ROLLBACK round trips, and
    psycopg keeps its prepared statements (it forgets them all at a ROLLBACK).  At READ
    COMMITTED, PostgreSQL's default, each statement of a transaction takes a snapshot of its
    own anyway, so the reads see what they would inside one.  (The audit asks for one
    snapshot: ``REPEATABLE READ`` on its connection.)"""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{READONLY: True}, isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{READONLY: True})


def store_label(url: str) -> str:
    """The URL without its password, for messages and the screen (also one that does not
    parse, as far as it reads as a URL)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # to the last @: a password with @ or / in it (why the URL does not parse) is hidden
        return re.sub(r"(//[^/:@]*:).*@", r"\1***@", url)
