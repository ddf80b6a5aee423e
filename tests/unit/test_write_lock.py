"""Reading the holder of a SQLite store's WAL write lock from /proc/locks."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.store.write_lock import Holder, write_lock_holder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    """A WAL store with its shared-memory file (it lives while a connection is open)."""
    path = tmp_path / "shop.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    yield path
    connection.close()


def _device(store: Path) -> str:
    shm = os.stat(store.with_name(store.name + "-shm"))
    return f"{os.major(shm.st_dev):02x}:{os.minor(shm.st_dev):02x}:{shm.st_ino}"


def test_the_holder_of_byte_120_of_the_shared_memory_file(store: Path) -> None:
    device = _device(store)
    me = os.getpid()
    locks = "\n".join(
        [
            f"1: POSIX  ADVISORY  READ {me + 1} {device} 123 123",  # a reader
            f"2: -> POSIX  ADVISORY  WRITE {me + 2} {device} 120 120",  # a writer waiting
            f"3: POSIX  ADVISORY  WRITE {me + 3} fe:00:1 120 120",  # another file
            f"4: POSIX  ADVISORY  WRITE {me} {device} 120 120",
        ]
    )
    found = write_lock_holder(store, locks)
    assert found is not None and found.pid == me and "python" in found.program
    assert len(found.program) <= 80
    assert write_lock_holder(store, locks.replace(f"{me} {device}", f"999999999 {device}")) == (
        Holder(999999999, "")  # gone meanwhile: no command line to read
    )


def test_no_holder_when_none_is_listed_or_there_is_no_shared_memory(store: Path) -> None:
    assert write_lock_holder(store, "1: FLOCK  ADVISORY  WRITE 1 fe:00:2 0 EOF") is None
    assert write_lock_holder(store.with_name("elsewhere.db"), "") is None
