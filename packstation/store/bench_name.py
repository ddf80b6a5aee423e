"""One running bench per bench name.

Two bench processes under one name would share one claim (each resumes the order the other is
packing) and one numbering of events, and the lead would see one bench where two work: the
usual cause is a configuration file copied to a new machine.  A bench holds its name while it
runs, and a second one under that name is refused with a sentence saying where the first runs.

On PostgreSQL the name is a session advisory lock on a connection of its own: the server lets
go of it when the process ends, and within seconds when its machine dies (the connection's
keepalives, ``engine.PG_CONNECT``).  A lost connection (the server restarted, the session
killed) takes the lock with it: the running bench asks every few seconds (``keep``) and takes
its name again, or stops when another bench took it meanwhile.  On SQLite every bench is on one
machine: an ``flock`` on a file next to the store, ``<store>-bench-<key>.lock``, held as long
as the process lives.
"""

from __future__ import annotations

import os
import time
import zlib
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from packstation.errors import StoreError
from packstation.i18n import _
from packstation.store.engine import sqlite_path

try:
    import fcntl
except ImportError:  # no flock (Windows): the name is not guarded on SQLite
    fcntl = None  # type: ignore[assignment]

# advisory locks of bench names are (this, key of the name); other locks use one bigint
LOCK_CLASS = 0x5053
# a bench killed a moment ago may still hold its name while the server ends its session
WAIT_S = 3.0


def name_key(name: str) -> int:
    """The name's key: the same on every machine, and positive, as ``pg_locks`` shows it."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


class BenchName:
    """The bench's hold on its name, from ``hold()`` to ``release()``."""

    def __init__(self, engine: Engine, name: str, *, wait_s: float = WAIT_S) -> None:
        self.engine = engine
        self.name = name
        self.wait_s = wait_s
        self._connection: Connection | None = None
        self._held = False  # the session holds the name's lock
        self._fd: int | None = None

    def hold(self) -> None:
        """Take the name, or raise ``StoreError`` saying where another bench holds it."""
        deadline = time.monotonic() + self.wait_s
        while True:
            holder = self._try()
            if holder is None:
                return
            if time.monotonic() >= deadline:
                self.release()
                raise self._taken(holder)
            time.sleep(0.2)

    def keep(self) -> None:
        """Still hold the name.  On PostgreSQL the lock lives in a session: when that session
        was lost (the server restarted, the session killed), take the name again.  Raises
        ``StoreError`` when another bench took it meanwhile, and ``DBAPIError`` while the store
        cannot be reached (the next call tries again)."""
        if self.engine.dialect.name != "postgresql":
            return  # the flock lasts as long as this process
        if self._connection is not None and self._held:
            try:
                if self._connection.execute(_OURS, self._lock).scalar_one():
                    return
            except DBAPIError:
                pass  # the session is gone, and its lock with it
            self._connection.invalidate()
            self._connection, self._held = None, False
        holder = self._try_postgres()
        if holder is not None:
            raise self._taken(holder)

    @property
    def _lock(self) -> dict[str, int]:
        """The name's advisory lock, as the statements take it."""
        return {"class": LOCK_CLASS, "key": name_key(self.name)}

    def _taken(self, holder: str) -> StoreError:
        return StoreError(
            _(
                "Another bench named {name} is running{where}; give this bench its own "
                "name ([bench] name in its configuration, or --bench NAME)."
            ).format(name=self.name, where=holder)
        )

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                if self._held:  # the connection goes back to the pool without it
                    connection.execute(_GIVE_BACK, self._lock)
                connection.close()
            except DBAPIError:
                connection.invalidate()  # a lost session held nothing any more
            self._held = False
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _try(self) -> str | None:
        """None when the name is now ours; else where its holder runs ('' when unknown)."""
        if self.engine.dialect.name == "postgresql":
            return self._try_postgres()
        path = sqlite_path(str(self.engine.url))
        if path is None or fcntl is None:
            return None  # a store in memory: one process
        return self._try_file(path.with_name(f"{path.name}-bench-{name_key(self.name):08x}.lock"))

    def _try_postgres(self) -> str | None:
        if self._connection is None:
            self._connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if self._connection.execute(_TAKE, self._lock).scalar_one():
            self._held = True
            return None
        row = self._connection.execute(_HOLDER, self._lock).first()
        if row is None or not (row[0] or row[1]):
            return ""  # on the server's own machine, through its socket
        return _(" on {host}").format(host=row[0] or row[1])

    def _try_file(self, lock_file: Path) -> str | None:
        if self._fd is None:
            self._fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _(" on this machine")
        return None


def benches_running(engine: Engine) -> int:
    """How many benches hold their names on this store now (each runs while it holds it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return int(connection.execute(_NAMES_HELD, {"class": LOCK_CLASS}).scalar_one())
    path = sqlite_path(str(engine.url))
    if path is None or fcntl is None:
        return 0
    return sum(1 for lock_file in path.parent.glob(f"{path.name}-bench-*.lock") if _held(lock_file))


def _held(lock_file: Path) -> bool:
    """Does a running bench hold this name's file lock?"""
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False  # gone meanwhile
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing lets go of the lock, when it was ours
    return False


_TAKE = text("SELECT pg_try_advisory_lock(:class, :key)")
# the bench names held in this store's database: pg_locks shows a lock taken with two keys as
# (classid, objid) with objsubid 2
_NAME_LOCKS = (
    "l.locktype = 'advisory' AND l.granted AND l.classid = :class AND l.objsubid = 2 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
# does this session hold the name? (a connection the pool opened again would hold nothing)
_OURS = text(
    f"SELECT count(*) > 0 FROM pg_locks l WHERE {_NAME_LOCKS} "
    "AND l.objid = :key AND l.pid = pg_backend_pid()"
)
_GIVE_BACK = text("SELECT pg_advisory_unlock(:class, :key)")
_HOLDER = text(
    "SELECT a.client_hostname, host(a.client_addr) "
    f"FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE {_NAME_LOCKS} "
    "AND l.objid = :key"
)
# how many bench names are held in this store's database (``benches_running``)
_NAMES_HELD = text(f"SELECT count(*) FROM pg_locks l WHERE {_NAME_LOCKS}")
