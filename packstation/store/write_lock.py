"""Who holds a SQLite store's write lock, for ``doctor``.

The benches hold it for milliseconds at a time.  A program that holds it for seconds is stuck or
stopped (an import suspended with Ctrl+Z, the ``sqlite3`` shell left inside ``BEGIN``), and
every bench's next write waits for it and then gives up.  In WAL mode the lock is a POSIX lock
on byte 120 of ``<store>-shm``; Linux lists the process that holds it in ``/proc/locks``.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from packstation.store.driver_errors import SQLITE_BUSY, SQLITE_LOCKED, sqlite_code

# the WAL write lock's byte in the shared-memory file (SQLite's WALINDEX_LOCK_OFFSET + 0)
_BYTE = "120"


@dataclass(frozen=True)
class Holder:
    pid: int
    program: str  # its command line, '' when it cannot be read


def write_lock_free(store: Path, wait_s: float) -> bool:
    """Does a writer get the store's write lock within ``wait_s``?  (It is let go at once.)
    A store that cannot be opened or written here counts as free: other checks say why."""
    try:
        connection = sqlite3.connect(store, timeout=wait_s, isolation_level=None)
    except sqlite3.Error:
        return True
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return sqlite_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED)
    finally:
        connection.close()
    return True


def write_lock_holder(store: Path, locks_text: str | None = None) -> Holder | None:
    """The process holding the store's WAL write lock, from ``/proc/locks`` (``locks_text`` in
    tests); None when it cannot be told (not Linux, no shared-memory file, not listed)."""
    try:
        shm = os.stat(store.with_name(store.name + "-shm"))
        if locks_text is None:
            locks_text = Path("/proc/locks").read_text(encoding="ascii")
    except OSError:
        return None
    device = f"{os.major(shm.st_dev):02x}:{os.minor(shm.st_dev):02x}:{shm.st_ino}"
    for line in locks_text.splitlines():
        # "1: POSIX  ADVISORY  WRITE 4321 fd:01:1234567 120 120" (a waiter's line has "->")
        fields = line.split()
        if fields[1:4] == ["POSIX", "ADVISORY", "WRITE"] and fields[5:7] == [device, _BYTE]:
            pid = int(fields[4])
            return Holder(pid, _command_line(pid))
    return None


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = " ".join(raw.replace(b"\0", b" ").decode("utf-8", "replace").split())
    return words if len(words) <= 80 else words[:79] + "…"
