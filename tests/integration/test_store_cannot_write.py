"""A store that answers but cannot write — SQLite's disk full, a PostgreSQL server that only
reads — is not a lost store: an action is tried once and says why in one line, a command too,
nothing is half-written, and reads go on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from packstation.cli import main
from packstation.errors import StoreCannotWrite
from packstation.services.retry import run_action
from packstation.store import engine as store_engine
from packstation.store.engine import make_engine
from packstation.store.models import User
from packstation.store.uow import UnitOfWork
from tests.integration.intake.conftest import PRODUCTS

SAYS = {
    # SQLite, its file allowed no more pages than it has: as a full disk
    "sqlite": "The store cannot write to its disk (database or disk is full): free space on "
    "that disk (or let this user write the store's files), then try again; what was stored "
    "before stays stored.",
    "postgresql": "The database server only reads (cannot execute INSERT in a read-only "
    "transaction): point the store URL at the primary server, not a standby, then try again; "
    "what was stored before stays stored.",
}


@pytest.fixture
def cannot_write(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store's dialect, after the store stopped taking writes (for the engines made from now)."""
    if store_url.startswith("sqlite"):
        pragmas = store_engine._sqlite_pragmas

        def no_page_more(dbapi_connection: Any, record: Any) -> None:
            pragmas(dbapi_connection, record)
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        monkeypatch.setattr(store_engine, "_sqlite_pragmas", no_page_more)
        return "sqlite"
    url = make_url(store_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        )
    admin.dispose()
    return "postgresql"


def _carriers(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM carrier")).scalar_one())


def test_an_action_is_tried_once_and_says_why(store_url: str, cannot_write: str) -> None:
    engine = make_engine(store_url)
    states: list[str] = []
    tries: list[int] = []
    before = _carriers(engine)

    def add_carrier(uow: UnitOfWork) -> None:
        tries.append(1)
        with uow:
            uow.connection().execute(
                text(
                    "INSERT INTO carrier (code, name, name_en, tracking_pattern, label_template) "
                    "VALUES ('NEW', 'c', '', '', 's')"
                )
            )
            uow.record("carrier_added", note="x" * 200_000)  # more pages than the file may have
            uow.commit()

    try:
        with pytest.raises(StoreCannotWrite) as refused:
            run_action(engine, add_carrier, bench="bench-1", user="小李", on_state=states.append)
        assert str(refused.value) == SAYS[cannot_write]
        assert len(tries) == 1 and states == []
        assert _carriers(engine) == before  # reads go on, and nothing was half-written
    finally:
        engine.dispose()


def test_a_command_says_why_in_one_line(
    store_url: str, cannot_write: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    products = tmp_path / "products.csv"
    header = PRODUCTS.splitlines()[0]
    rows = [f"SKU-{n:05d},69{n:011d},商品 {n},,100,0,,,,10,A-01-01" for n in range(3000)]
    products.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["--db", store_url, "--lang", "en", "import", "products", str(products)])
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.strip() == f"packstation: {SAYS[cannot_write]}"


def test_a_sqlite_file_opened_read_only_is_opened_again_once_it_can_be_written(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that could not be written when the bench started (made read-only, or on a disk
    mounted so) gave connections that stay read-only: once it could be written again, the
    bench refused every change until it was restarted.  Such a connection opens as one with
    ``query_only`` on, here."""
    read_only = [True]
    pragmas = store_engine._sqlite_pragmas

    def opened(dbapi_connection: Any, record: Any) -> None:
        pragmas(dbapi_connection, record)
        if read_only[0]:
            dbapi_connection.execute("PRAGMA query_only = ON")

    monkeypatch.setattr(store_engine, "_sqlite_pragmas", opened)
    engine = make_engine(sqlite_url)

    def add_user(name: str) -> Callable[[UnitOfWork], None]:
        def action(uow: UnitOfWork) -> None:
            with uow:
                uow.session.add(User(name=name))
                uow.commit()

        return action

    try:
        with pytest.raises(StoreCannotWrite) as refused:
            run_action(engine, add_user("first"), bench="b", user="u")
        # what to do about a file that cannot be written (it said to free space on the disk)
        assert str(refused.value).startswith(
            "The store's file cannot be written (attempt to write a readonly database): let "
            "this user write it"
        )
        read_only[0] = False  # the file can be written again
        run_action(engine, add_user("second"), bench="b", user="u")
        with engine.connect() as connection:
            names = connection.execute(text('SELECT name FROM "user"')).scalars().all()
        assert names == ["second"]
    finally:
        engine.dispose()
