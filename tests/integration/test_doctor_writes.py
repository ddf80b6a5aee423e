"""``doctor``: can the store take the benches' changes?  A PostgreSQL server that only reads is
named, and so is a SQLite store whose disk is nearly full."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from packstation.config import Settings
from packstation.services import doctor
from packstation.services.doctor import Check, check_store
from tests.conftest import new_pg_database


def _line(settings: Settings, name: str) -> Check:
    found = [c for c in check_store(settings) if c.name == name]
    assert len(found) == 1
    return found[0]


@pytest.mark.postgres
def test_a_server_that_only_reads_is_named(pg_server: str, pg_template: str) -> None:
    url = new_pg_database(pg_server, pg_template)
    settings = Settings().with_store_url(url)
    assert _line(settings, "writes") == Check("writes", True, "the server takes changes")
    admin = create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        database = make_url(url).database
        connection.execute(
            text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
        )
    admin.dispose()
    assert _line(settings, "writes") == Check(
        "writes",
        False,
        "the server only reads (default_transaction_read_only is on): point the store URL at "
        "the primary server",
    )


def test_a_sqlite_store_whose_disk_is_nearly_full_is_named(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings().with_store_url(sqlite_url)
    folder = Path(make_url(sqlite_url).database or "").resolve().parent
    roomy = _line(settings, "disk")
    assert roomy.ok and roomy.detail.endswith(f" MB free in {folder}")
    monkeypatch.setattr(doctor, "disk_free", lambda _folder: 50 * 2**20)
    assert _line(settings, "disk") == Check(
        "disk",
        False,
        f"50 MB free in {folder}; free space there: a full disk stops every scan",
    )


def test_a_sqlite_store_this_user_cannot_write_is_named(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only store file (chattr +i, a read-only mount) passed every check."""
    settings = Settings().with_store_url(sqlite_url)
    file = Path(make_url(sqlite_url).database or "").resolve()
    assert _line(settings, "writes") == Check("writes", True, f"this user can write {file}")
    checked = doctor.os.access
    for locked in (file, file.parent):  # the folder holds SQLite's journal
        monkeypatch.setattr(
            doctor.os,
            "access",
            lambda path, mode, locked=locked: Path(path) != locked and checked(path, mode),
        )
        assert _line(settings, "writes") == Check(
            "writes",
            False,
            f"{locked} cannot be written by this user: every change would be refused; let "
            "this user write it (its permissions, or chattr -i)",
        )


def _stopped(settings: Settings) -> Check:
    return _line(settings, "stopped programs")


def test_a_program_holding_a_sqlite_stores_write_lock_is_named(sqlite_url: str) -> None:
    """A program stopped inside BEGIN holds the write lock every bench's write waits for:
    doctor names it and its process, from /proc/locks."""
    settings = Settings().with_store_url(sqlite_url)
    assert _stopped(settings) == Check("stopped programs", True, "none holds the write lock")
    path = make_url(sqlite_url).database
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        found = _stopped(settings)
        assert not found.ok
        assert found.detail.startswith(f"{sys.executable} -c ")
        assert found.detail.endswith(
            f"(process {holder.pid}) has held the store's write lock for more than 2 s; resume "
            f"or end it: kill {holder.pid}"
        )
    finally:
        holder.communicate(b"")  # it lets go and ends
    assert _stopped(settings).ok


# a program that takes a store's write lock, says so, and holds it until its input ends
HOLD = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)
