"""SQLite specifics: pragmas, BEGIN IMMEDIATE, refusal of network filesystems, upgrade of an
empty file through the command line."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from packstation.cli import build_cli
from packstation.errors import StoreError
from packstation.store.engine import filesystem_type, make_engine, readonly

MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
server:/export /mnt/share nfs4 rw 0 0
//nas/packing /mnt/nas cifs rw 0 0
sshfs#me@host: /mnt/remote fuse.sshfs rw 0 0
"""


def test_pragmas_are_set(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_writing_transactions_begin_immediate(sqlite_url: str) -> None:
    """A transaction holds the write lock from its first statement: a second writer waits at
    BEGIN, so the deferred read-then-write upgrade (SQLITE_BUSY) cannot happen."""
    engine = make_engine(sqlite_url)
    order: list[str] = []
    first_has_begun = threading.Event()

    def second() -> None:
        first_has_begun.wait()
        with engine.begin() as conn:
            order.append("second begins")
            conn.execute(
                text(
                    "INSERT INTO carrier (code, name, name_en, tracking_pattern, label_template) VALUES ('B', 'b', '', '', 's')"
                )
            )

    worker = threading.Thread(target=second)
    worker.start()
    with engine.begin() as conn:
        conn.execute(text("SELECT count(*) FROM carrier")).scalar()  # a read first
        first_has_begun.set()
        worker.join(timeout=0.5)  # the second writer is blocked at BEGIN IMMEDIATE
        order.append("first writes")
        conn.execute(
            text(
                "INSERT INTO carrier (code, name, name_en, tracking_pattern, label_template) VALUES ('A', 'a', '', '', 's')"
            )
        )
    worker.join()
    assert order == ["first writes", "second begins"]
    # readers do not take the write lock
    with engine.begin() as writer:
        writer.execute(text("SELECT 1"))
        with readonly(engine).connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM carrier")).scalar() == 2
    engine.dispose()


@pytest.mark.parametrize(
    ("folder", "fs"),
    [("/mnt/share/x", "nfs4"), ("/mnt/nas", "cifs"), ("/mnt/remote/db", "fuse.sshfs")],
)
def test_network_filesystems_are_recognised(folder: str, fs: str) -> None:
    assert filesystem_type(Path(folder), MOUNTS) == fs


@pytest.mark.parametrize("fs", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "fuse"])
def test_sqlite_on_a_network_filesystem_is_refused(tmp_path: Path, fs: str) -> None:
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/export {tmp_path} {fs} rw 0 0\n"
    with pytest.raises(StoreError, match=r"network filesystem.*PostgreSQL"):
        make_engine(f"sqlite:///{tmp_path}/packstation.db", mounts_text=mounts)
    assert not (tmp_path / "packstation.db").exists()


def test_a_link_to_a_store_on_a_network_filesystem_is_refused(tmp_path: Path) -> None:
    """The folder of the link was looked at, on a local disk: the store was opened on the
    share (and the bench died of a bus error)."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "packstation.db").write_bytes(b"")
    link = tmp_path / "local" / "packstation.db"
    link.parent.mkdir()
    link.symlink_to(share / "packstation.db")
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/export {share} nfs4 rw 0 0\n"
    with pytest.raises(StoreError, match=r"network filesystem \(nfs4\)"):
        make_engine(f"sqlite:///{link}", mounts_text=mounts)


def test_local_filesystem_is_accepted(tmp_path: Path) -> None:
    assert filesystem_type(Path("/var/lib"), MOUNTS) == "ext4"
    make_engine(f"sqlite:///{tmp_path}/a.db", mounts_text=MOUNTS).dispose()


def test_db_upgrade_on_an_empty_file_and_refusals(tmp_path: Path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path}/fresh.db"
    result = runner.invoke(build_cli(), ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded from empty to" in result.output
    again = runner.invoke(build_cli(), ["--db", url, "db", "upgrade"])
    assert "already at schema" in again.output
    missing = runner.invoke(
        build_cli(), ["--db", f"sqlite:///{tmp_path}/nope/x.db", "db", "upgrade"]
    )
    assert missing.exit_code != 0
    assert isinstance(missing.exception, StoreError)
    assert not (tmp_path / "nope").exists()
    # another program's database: the store's tables were added among its own, unsaid
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE foo (x)")
    refused = runner.invoke(build_cli(), ["--db", f"sqlite:///{other}", "db", "upgrade"])
    assert isinstance(refused.exception, StoreError)
    assert "holds tables of another program (foo)" in str(refused.exception)
    with sqlite3.connect(other) as conn:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["foo"]


def test_a_store_file_removed_or_replaced_is_not_written(sqlite_url: str) -> None:
    """The store's files were deleted mid-shift: the bench went on, writing to the removed
    file, and printed a waybill that the restored backup did not know; printed again later."""
    import shutil

    from packstation.store.uow import UnitOfWork

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    engine = make_engine(sqlite_url)
    try:
        with UnitOfWork(engine) as uow:  # a write, as the bench made before
            uow.record("note", text="before")
            uow.commit()
        backup = path.with_suffix(".bak")
        shutil.copyfile(path, backup)
        path.unlink()
        for then, said in (
            (lambda: None, "was removed or replaced while this program"),
            (lambda: backup.rename(path), "run packstation audit, then start the program"),
        ):
            then()  # the second: put back from a backup, another file with the same name
            with pytest.raises(StoreError, match=said), UnitOfWork(engine) as uow:
                uow.record("note", text="written after")
                uow.commit()
    finally:
        engine.dispose()
    again = make_engine(sqlite_url)  # started again: it writes
    with UnitOfWork(again) as uow:
        uow.record("note", text="after a restart")
        uow.commit()
    again.dispose()
