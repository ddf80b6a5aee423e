"""The line of writers of a SQLite store: writing transactions take their turn in order.

SQLite lets one transaction write at a time.  A writer that finds the lock taken at ``BEGIN
IMMEDIATE`` sleeps and tries again, sleeping longer each time (up to 100 ms a turn), so with
several benches a writer can sleep through many turns: most transactions take a few
milliseconds and the slowest hundreds.  Here a writing transaction first takes an exclusive
``flock`` on ``<store file>-writers``; the kernel wakes the next writer in line the moment the
holder lets go, so the lock passes from writer to writer without sleeps.

The line comes on top of SQLite's own lock, never in its place.  A writer that has waited in
line for the busy timeout (a bench stuck inside a transaction), a program that does not queue
(the ``sqlite3`` shell, a backup), a folder where the lock file cannot be made or a system
without ``flock`` leaves the waiting to SQLite's busy handler, with its errors, as without the
line.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from packstation.errors import StoreError
from packstation.i18n import _

try:
    import fcntl
except ImportError:  # no flock (Windows): writers wait in SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]


class WriterLine:
    """The line for one store file, shared by every connection of this process to it.

    A process is in line once: its connections take turns on a thread lock, and the one whose
    turn it is holds the file lock for the whole process."""

    def __init__(self, store: Path, timeout: float) -> None:
        self.path = store.with_name(store.name + "-writers")
        self.timeout = timeout
        self._fd: int | None = None
        self._turn = threading.Lock()  # the connection of this process that is in line
        self._guard = threading.Lock()  # a wait given up against the turn that came meanwhile
        self._holder: int | None = None  # the thread whose transaction holds the turn
        # how long this process's writers held the turn, in all (for the benchmarks)
        self.held_s = 0.0
        self._since = 0.0

    def enter(self) -> bool:
        """Wait for the turn to write; False when it did not come (the caller then leaves the
        waiting to SQLite).  A thread already holding the turn does not queue behind itself."""
        if self._holder == threading.get_ident():
            return False
        if not self._turn.acquire(timeout=self.timeout):
            return False
        fd = self._file()
        if fd is None:
            self._turn.release()
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self._wait(fd):
                return False  # the waiting thread gives the turn back once the lock comes
        self._holder = threading.get_ident()
        self._since = time.perf_counter()
        return True

    def leave(self) -> None:
        """The transaction ended: the next writer's turn."""
        self.held_s += time.perf_counter() - self._since
        self._holder = None
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._turn.release()

    def _file(self) -> int | None:
        if self._fd is None and fcntl is not None:
            with contextlib.suppress(OSError):
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
        return self._fd

    def _wait(self, fd: int) -> bool:
        """Wait in the kernel's queue for at most the timeout.  ``flock`` cannot time out, so
        a thread waits for it; a wait given up releases the lock as soon as it comes."""
        came = threading.Event()
        given_up = False

        def wait() -> None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with self._guard:
                if not given_up:
                    came.set()
                    return
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._turn.release()

        threading.Thread(target=wait, name="store-writer-line", daemon=True).start()
        if came.wait(self.timeout):
            return True
        with self._guard:
            if came.is_set():
                return True
            given_up = True
        return False


class LinedConnection(sqlite3.Connection):
    """A pysqlite connection that leaves the writers' line when its transaction ends."""

    line: WriterLine | None = None
    in_line = False
    # the store's file as it was opened: a file removed or put back from a backup while the
    # bench ran is not written to (the writes went to the removed file, and were lost)
    path: str = ""
    identity: tuple[int, int] | None = None

    def check_file(self) -> None:
        """Refuse to write when the store's file is gone or is another file now."""
        if self.identity is None:
            return
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            found = None
        if found is None or (found.st_dev, found.st_ino) != self.identity:
            raise StoreError(
                _(
                    "The store file {path} was removed or replaced while this program had it "
                    "open; nothing more is written. Put the store back, run packstation audit, "
                    "then start the program again."
                ).format(path=self.path)
            )

    def queue(self) -> None:
        """Take this connection's turn to write (before ``BEGIN IMMEDIATE``)."""
        if self.line is not None and not self.in_line:
            self.in_line = self.line.enter()

    def step_out(self) -> None:
        if self.in_line and self.line is not None:
            self.in_line = False
            self.line.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.step_out()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.step_out()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.step_out()


_LINES: dict[Path, WriterLine] = {}
_LINES_LOCK = threading.Lock()


def line_for(store: Path, timeout: float) -> WriterLine:
    """This process's line for the store file (one per file, whatever the engines)."""
    key = store.resolve()
    with _LINES_LOCK:
        line = _LINES.get(key)
        if line is None:
            line = _LINES[key] = WriterLine(key, timeout)
        return line


def held_seconds(store: Path) -> float:
    """How long this process's writers held the store's line so far (0 without one)."""
    line = _LINES.get(store.resolve())
    return line.held_s if line is not None else 0.0


def join_line(dbapi_connection: Any, line: WriterLine, path: Path | None = None) -> None:
    if isinstance(dbapi_connection, LinedConnection):
        dbapi_connection.line = line
        if path is not None:
            found = os.stat(path)
            dbapi_connection.path, dbapi_connection.identity = (
                str(path),
                (found.st_dev, found.st_ino),
            )
