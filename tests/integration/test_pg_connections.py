"""PostgreSQL connections as the benches use them: read-only units run without a transaction
and keep the driver's prepared statements, while writing units on the same connection keep
theirs; a pooled connection is checked only after it sat idle; a silent network is given up
on in seconds."""

from __future__ import annotations

import os
import socket
import time

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from packstation.services.retry import is_connection_problem
from packstation.store import engine as engine_module
from packstation.store.engine import make_engine
from packstation.store.models import Product
from packstation.store.uow import UnitOfWork
from tests.conftest import new_pg_database

pytestmark = pytest.mark.postgres


def _read_products(engine: Engine) -> None:
    with UnitOfWork(engine, readonly=True) as uow:
        list(uow.session.exec(select(Product.sku).where(Product.sku == "NONE")))


def _in_transaction(uow: UnitOfWork) -> bool:
    """Did the unit's statements begin a transaction?  ``now()`` is the time its transaction
    began, which is a statement's own start only when that statement is the transaction."""
    connection = uow.connection()
    connection.execute(text("SELECT pg_sleep(0.01)"))
    return bool(connection.execute(text("SELECT now() < statement_timestamp()")).scalar_one())


def test_reads_run_without_a_transaction_and_writes_within_one(pg_engine: Engine) -> None:
    with UnitOfWork(pg_engine, readonly=True) as uow:
        assert not _in_transaction(uow)
        reader = uow.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
    with UnitOfWork(pg_engine, bench="b1") as uow:  # the same pooled connection
        assert uow.connection().execute(text("SELECT pg_backend_pid()")).scalar_one() == reader
        assert _in_transaction(uow)
        uow.session.add(Product(sku="GONE", name="rolled back"))
        uow.flush()
    with UnitOfWork(pg_engine, readonly=True) as uow:
        assert uow.session.exec(select(Product).where(Product.sku == "GONE")).first() is None


def test_reads_keep_the_prepared_statements(pg_engine: Engine) -> None:
    """The driver prepares a statement run five times, and forgets all of them at a ROLLBACK:
    a read has no transaction to roll back."""
    for _ in range(6):
        _read_products(pg_engine)
    with UnitOfWork(pg_engine, readonly=True) as uow:
        prepared = uow.connection().execute(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared.scalar_one() >= 1


def test_a_connection_used_a_moment_ago_is_not_pinged(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[object] = []
    real_ping = pg_engine.dialect.do_ping
    monkeypatch.setattr(
        pg_engine.dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn)
    )
    for _ in range(5):
        _read_products(pg_engine)
    assert pings == []
    monkeypatch.setattr(engine_module, "IDLE_CHECK_S", 0.05)
    time.sleep(0.1)
    _read_products(pg_engine)
    assert len(pings) == 1


def test_an_idle_connection_whose_session_was_killed_is_replaced(
    pg_engine: Engine, pg_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server ended the pooled session while it sat idle: the check finds out and the unit
    gets a fresh connection, with no error for the bench to see."""
    monkeypatch.setattr(engine_module, "IDLE_CHECK_S", 0.05)
    with UnitOfWork(pg_engine, readonly=True) as uow:
        pid = uow.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = make_engine(pg_server)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
    finally:
        admin.dispose()
    time.sleep(0.1)
    with UnitOfWork(pg_engine, readonly=True) as uow:
        now = uow.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert now != pid


def test_a_connection_whose_socket_went_without_a_word_is_replaced(pg_engine: Engine) -> None:
    """The driver finds the socket gone before libpq has read why ("connection socket closed",
    no SQLSTATE: seen when the server ends a stopped bench's session a moment before it wakes).
    Closing the socket under the driver gives the same error here."""
    connection = pg_engine.connect()
    pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    os.close(connection.connection.dbapi_connection.fileno())  # type: ignore[union-attr]
    with pytest.raises(DBAPIError) as lost:
        connection.execute(text("SELECT 1"))
    assert str(lost.value.orig) == "connection socket closed"
    assert lost.value.connection_invalidated  # replaced, not handed out again
    assert is_connection_problem(lost.value)  # the action is retried
    connection.close()
    with pg_engine.connect() as fresh:
        assert fresh.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def _tcp_options(engine: Engine) -> tuple[int, int, int, int, int]:
    """The kernel's settings of a pooled connection's socket: keepalive on, idle seconds before
    the first probe, seconds between probes, probes, and the user timeout in milliseconds."""
    with engine.connect() as connection:
        fd = connection.connection.dbapi_connection.fileno()  # type: ignore[union-attr]
        with socket.socket(fileno=os.dup(fd)) as sock:
            tcp = socket.IPPROTO_TCP
            return (
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                sock.getsockopt(tcp, socket.TCP_KEEPIDLE),
                sock.getsockopt(tcp, socket.TCP_KEEPINTVL),
                sock.getsockopt(tcp, socket.TCP_KEEPCNT),
                sock.getsockopt(tcp, socket.TCP_USER_TIMEOUT),
            )


def test_a_connection_gives_up_on_a_silent_network_in_seconds(pg_engine: Engine) -> None:
    """A network cut must not leave a statement waiting for minutes (and the bench's screen
    frozen): unacknowledged bytes fail after 5 s, and a connection waiting for an answer is
    probed after 5 s idle."""
    assert _tcp_options(pg_engine) == (1, 5, 2, 2, 5000)


def test_the_store_url_may_set_the_connection_timeouts(pg_server: str, pg_template: str) -> None:
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(f"{url}?tcp_user_timeout=9000&keepalives_idle=30")
    try:
        assert _tcp_options(engine) == (1, 30, 2, 2, 9000)
    finally:
        engine.dispose()


def _server_side(engine: Engine) -> tuple[str, ...]:
    """How the server watches this connection: keepalive idle, interval, count, user timeout."""
    names = ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
    with engine.connect() as connection:
        return tuple(
            str(connection.execute(text(f"SHOW {name}")).scalar_one())
            for name in (*names, "tcp_user_timeout")
        )


def test_the_server_gives_up_on_a_dead_bench_in_seconds(pg_engine: Engine) -> None:
    """A bench machine that dies inside a transaction must not hold its row locks (the order's,
    the carrier's waybill counter) for the two hours of the system's keepalive defaults."""
    assert _server_side(pg_engine) == ("5", "2", "3", "5000")


def test_the_store_url_may_set_the_servers_options(pg_server: str, pg_template: str) -> None:
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(f"{url}?options=-c%20tcp_keepalives_idle%3D60")
    try:
        assert _server_side(engine)[0] == "60"
    finally:
        engine.dispose()


def test_a_store_refused_for_its_name_or_rights_says_which(
    pg_server: str, pg_template: str
) -> None:
    """A database that does not exist, or a role without rights on the tables, were told to
    check "that the database server is running", which was."""
    from packstation.errors import StoreError
    from packstation.store.migrate import current_revision, upgrade

    missing = make_url(pg_server).set(database="no_such_store_here")
    engine = make_engine(missing.render_as_string(hide_password=False))
    with pytest.raises(StoreError, match="has no such database or user") as refused:
        current_revision(engine)
    assert "set-up does, or check the name in the URL" in str(refused.value)
    engine.dispose()
    url = make_url(new_pg_database(pg_server, pg_template))
    role = f"norights_{os.getpid()}"
    admin = make_engine(url.render_as_string(hide_password=False))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    admin.dispose()
    stranger = make_engine(url.set(username=role).render_as_string(hide_password=False))
    # a database made without --owner: the upgrade said "permission denied for schema
    # public" and no more
    server = create_engine(make_url(pg_server), isolation_level="AUTOCOMMIT")
    empty = f"not_owned_{os.getpid()}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{empty}"'))
    not_owned = make_engine(
        url.set(username=role, database=empty).render_as_string(hide_password=False)
    )
    try:
        with pytest.raises(StoreError, match="refuses this user") as refused:
            current_revision(stranger)
        assert "permission denied" in str(refused.value)
        with pytest.raises(StoreError) as refused:
            upgrade(not_owned)
        assert "Let the role own the database (createdb --owner ROLE" in str(refused.value)
    finally:
        stranger.dispose()
        not_owned.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)'))
        server.dispose()
        admin = make_engine(url.render_as_string(hide_password=False))
        with admin.begin() as conn:
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_a_server_that_refuses_this_machine_says_pg_hba_conf() -> None:
    """pg_hba.conf without a line for the bench's address read "check … that the database
    server is running", which it was."""
    from packstation.store.migrate import unreachable

    engine = make_engine("postgresql+psycopg://packstation@db.local/packstation")
    refused = OSError(
        'connection failed: FATAL:  no pg_hba.conf entry for host "10.0.0.7", user '
        '"packstation", database "packstation", no encryption'
    )
    said = str(unreachable(engine, refused))
    assert said.startswith("The database server of postgresql+psycopg://packstation@db.local/")
    assert "refuses connections from this machine" in said and "allow its address" in said
    engine.dispose()
