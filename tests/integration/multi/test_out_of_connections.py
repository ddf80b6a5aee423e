"""A PostgreSQL server with no connection left: a command says so, and what to do, in one line
(the server's limit is ``max_connections``; every bench keeps a few open)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from packstation.cli import main
from packstation.config import Settings
from packstation.errors import StoreError
from packstation.services import retry
from packstation.store import migrate
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine, no_connection_left
from tests.support.pgcluster import Cluster

FULL = (
    "The database server has no connection left for this program: raise max_connections in "
    "postgresql.conf (and restart the server), or close a program that holds connections, then "
    "try again ("
)
TOO_MANY = "FATAL:  sorry, too many clients already"


# how the server says it: in English, or in Chinese when it was set up in a Chinese locale
SAYS = {None: "too many clients already", "zh_CN": "对不起, 已经有太多的客户"}


@pytest.fixture(params=[None, "zh_CN"], ids=["en", "zh_CN"])
def full_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A store on a server of its own whose connections are all taken: its URL, and the words
    of the server's refusal."""
    said = SAYS[request.param]
    cluster = Cluster(max_connections=6, language=request.param)
    held: list[psycopg.Connection[tuple[object, ...]]] = []
    try:
        server = cluster.start()
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE shop"))
        admin.dispose()
        url = cluster.url("shop")
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with pytest.raises(psycopg.OperationalError, match=said):
            while True:
                held.append(psycopg.connect(dsn))
        yield url, said
    finally:
        for connection in held:
            connection.close()
        cluster.stop()


@pytest.mark.postgres
def test_a_command_on_a_full_server_says_what_to_do(
    full_server: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, said = full_server
    with pytest.raises(SystemExit) as stopped:
        main(["--db", url, "--lang", "en", "stock", "show"])
    assert stopped.value.code != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"packstation: {FULL}") and said in err


@pytest.mark.parametrize(
    "said",
    [
        "FATAL:  sorry, too many clients already",
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        "FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute",
        # a server set up in a Chinese locale (PostgreSQL 15's zh_CN catalogue)
        "致命错误:  对不起, 已经有太多的客户",
        "致命错误:  已保留的连接位置为执行非复制请求的超级用户预留",
    ],
    ids=["too-many", "reserved-15", "reserved-16", "too-many-zh_CN", "reserved-15-zh_CN"],
)
def test_the_servers_words_for_no_connection_left(said: str) -> None:
    failure = OperationalError("connect", {}, Exception(f"connection failed: {said}\nmore"))
    for sentence in (
        retry.unreachable(failure),
        migrate.unreachable(make_engine("sqlite://"), failure),
    ):
        assert str(sentence) == f"{FULL}connection failed: {said})."


def test_other_failures_keep_their_sentences() -> None:
    failure = OperationalError("connect", {}, Exception("connection refused"))
    assert no_connection_left(failure) is None
    assert str(retry.unreachable(failure)).startswith("The store is unreachable")
    server = make_engine("postgresql+psycopg://packstation@127.0.0.1:1/shop")  # not connected
    assert "cannot be reached" in str(migrate.unreachable(server, failure))
    assert "cannot be opened" in str(migrate.unreachable(make_engine("sqlite://"), failure))


def test_a_bench_refused_at_its_start_says_so_before_any_screen(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    from packstation import app

    def refused(_name: BenchName) -> None:
        raise OperationalError("SELECT pg_try_advisory_lock", {}, Exception(TOO_MANY))

    monkeypatch.setattr(app, "log_to_file", lambda _name: None)
    monkeypatch.setattr(BenchName, "hold", refused)
    with pytest.raises(StoreError) as stopped:
        app.run_bench(Settings().with_store_url(sqlite_url))
    assert str(stopped.value) == f"{FULL}{TOO_MANY})."
