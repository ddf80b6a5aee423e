"""The writers' line of a SQLite store: a writing transaction holds the line's file lock from
its BEGIN to its end, reads never take it, and a line that does not move (a bench stuck inside
a transaction) leaves the waiting to SQLite after the timeout."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from packstation.cli import main
from packstation.errors import StoreBusy
from packstation.services.retry import run_action
from packstation.store import engine as store_engine
from packstation.store.engine import make_engine, readonly, sqlite_path
from packstation.store.uow import UnitOfWork
from packstation.store.writers import held_seconds, line_for
from tests.integration.intake.conftest import PRODUCTS

INSERT = text(
    "INSERT INTO carrier (code, name, name_en, tracking_pattern, label_template) "
    "VALUES (:code, 'c', '', '', 's')"
)


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def _line_file(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    assert path is not None
    return path.with_name(path.name + "-writers")


def _taken(lock_file: Path) -> bool:
    """Whether someone holds the line (tried from a file description of our own)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_writer_holds_the_line_until_its_transaction_ends(engine: Engine) -> None:
    lock_file = _line_file(engine)
    with engine.begin() as conn:
        conn.execute(INSERT, {"code": "A"})
        assert _taken(lock_file)
    assert not _taken(lock_file)  # committed
    with engine.connect() as conn:
        conn.begin()
        conn.execute(INSERT, {"code": "B"})
        assert _taken(lock_file)
        conn.rollback()
        assert not _taken(lock_file)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(INSERT, {"code": "A"})  # a duplicate: the transaction fails
    assert not _taken(lock_file)
    with readonly(engine).connect() as reader:
        assert reader.execute(text("SELECT count(*) FROM carrier WHERE code = 'A'")).scalar() == 1
        assert not _taken(lock_file)  # reads stay out of the line


def test_writers_of_two_threads_take_turns(engine: Engine) -> None:
    """The second writer waits in the line while the first writes, and writes once it ends."""
    steps: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        first_in.wait()
        with engine.begin() as conn:
            steps.append("second writes")
            conn.execute(INSERT, {"code": "S"})

    worker = threading.Thread(target=second)
    worker.start()
    with engine.begin() as conn:
        conn.execute(INSERT, {"code": "F"})
        first_in.set()
        worker.join(timeout=0.3)
        assert worker.is_alive()  # still in line
        steps.append("first ends")
    worker.join(timeout=5)
    assert steps == ["first ends", "second writes"]


def test_a_line_that_does_not_move_leaves_the_waiting_to_sqlite(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone holds the line but not SQLite's lock: after the timeout the writer goes ahead;
    when the line frees, the turn given up is handed back and the next writer queues again."""
    lock_file = _line_file(engine)
    path = sqlite_path(str(engine.url))
    assert path is not None
    line = line_for(path, 10.0)
    monkeypatch.setattr(line, "timeout", 0.2)
    stuck = os.open(lock_file, os.O_RDWR | os.O_CREAT)
    fcntl.flock(stuck, fcntl.LOCK_EX)
    try:
        with engine.begin() as conn:
            conn.execute(INSERT, {"code": "X"})
            assert not conn.connection.dbapi_connection.in_line  # type: ignore[union-attr]
    finally:
        fcntl.flock(stuck, fcntl.LOCK_UN)
        os.close(stuck)
    with engine.begin() as conn:
        conn.execute(INSERT, {"code": "Y"})
        assert conn.connection.dbapi_connection.in_line  # type: ignore[union-attr]
        assert _taken(lock_file)
    assert not _taken(lock_file)
    with readonly(engine).connect() as reader:
        assert (
            reader.execute(text("SELECT count(*) FROM carrier WHERE code IN ('X', 'Y')")).scalar()
            == 2
        )


def test_one_line_per_store_file(tmp_path: Path) -> None:
    a = line_for(tmp_path / "a.db", 1.0)
    assert line_for(tmp_path / "a.db", 1.0) is a
    assert line_for(tmp_path / "b.db", 1.0) is not a


def test_the_line_counts_how_long_this_process_held_it(engine: Engine) -> None:
    """The benchmarks' figure: the time writing transactions held the line, reads not counted."""
    path = sqlite_path(str(engine.url))
    assert path is not None
    with engine.begin() as conn:
        conn.execute(INSERT, {"code": "W"})  # the line exists once a writer joined it
    before = held_seconds(path)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(INSERT, {"code": "X"})
        time.sleep(0.05)
    took = time.perf_counter() - started
    held = held_seconds(path) - before
    assert 0.05 <= held <= took  # the transaction's time, however slow the machine
    with readonly(engine).connect() as reader:
        reader.execute(text("SELECT count(*) FROM carrier")).scalar()
        time.sleep(0.05)
    assert held_seconds(path) - before == held  # a read does not take the line
    assert held_seconds(path.with_name("elsewhere.db")) == 0.0


def test_a_write_lock_held_elsewhere_past_the_timeouts_is_busy_not_lost(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that does not queue holds SQLite's write lock (an import stopped half-way, the
    sqlite3 shell): a bench's action gives up after the line's and SQLite's timeouts with the
    one sentence of rows held elsewhere, stores nothing, and the store is not called
    unreachable (reads still work)."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 200)
    engine = make_engine(sqlite_url)
    path = sqlite_path(sqlite_url)
    assert path is not None
    monkeypatch.setattr(line_for(path, 10.0), "timeout", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    states: list[str] = []
    tries: list[int] = []

    def add_carrier(uow: UnitOfWork) -> None:
        tries.append(1)
        with uow:
            uow.connection().execute(INSERT, {"code": "Z"})
            uow.commit()

    try:
        with pytest.raises(StoreBusy) as busy:
            run_action(engine, add_carrier, bench="bench-1", user="小李", on_state=states.append)
        assert str(busy.value).endswith(
            "nothing was stored: try again, and tell the lead if it goes on (database is locked)."
        )
        assert len(tries) == 1 and states == []
    finally:
        holder.rollback()
        holder.close()
    with readonly(engine).connect() as reader:
        assert reader.execute(text("SELECT count(*) FROM carrier WHERE code = 'Z'")).scalar() == 0
    engine.dispose()


def test_a_command_that_waits_past_the_timeouts_says_so_in_one_line(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A command (not a bench's action) that cannot get the write lock from a program holding
    it says who is in the way and what to do, in one line: not that the store was lost (reads
    still work), and with no traceback; run again once the lock is free, it stores."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 200)
    path = sqlite_path(sqlite_url)
    assert path is not None
    monkeypatch.setattr(line_for(path, 10.0), "timeout", 0.2)
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    command = ["--db", sqlite_url, "--lang", "en", "import", "products", str(products)]
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SystemExit) as stopped:
            main(command)
    finally:
        holder.rollback()
        holder.close()
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("packstation: Another program has held what this command needs")
    assert err.rstrip().endswith("run it again once that program is done (database is locked).")
    with sqlite3.connect(path) as reader:
        assert reader.execute("SELECT count(*) FROM product").fetchone() == (0,)
    main(command)
    assert "4 products added" in capsys.readouterr().out
