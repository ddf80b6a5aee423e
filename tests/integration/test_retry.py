"""Lost connections: an action is retried until it commits, and never applied twice."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Engine, func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from packstation.services.retry import AlreadyApplied, run_action
from packstation.store.engine import READONLY, make_engine, sqlite_path
from packstation.store.models import Event, Product
from packstation.store.uow import UnitOfWork


def _add_product(sku: str) -> object:
    def action(uow: UnitOfWork) -> str:
        with uow:
            uow.session.add(Product(sku=sku, name=sku))
            uow.record("product_added", sku=sku)
            uow.commit()
        return sku

    return action


def _count(engine: Engine) -> tuple[int, int]:
    with UnitOfWork(engine, readonly=True) as uow:
        products = uow.session.exec(select(func.count()).select_from(Product)).one()
        events = uow.session.exec(select(func.count()).select_from(Event)).one()
    return products, events


def test_a_lost_connection_is_retried_with_back_off(engine: Engine) -> None:
    failures = [
        OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
    ] * 2
    states: list[str] = []
    slept: list[float] = []
    inner = _add_product("A")

    def flaky(uow: UnitOfWork) -> object:
        if failures:
            raise failures.pop()
        return inner(uow)  # type: ignore[operator]

    assert (
        run_action(engine, flaky, bench="b", user="u", on_state=states.append, sleep=slept.append)
        == "A"
    )
    assert states == ["unreachable", "unreachable", "reachable"]
    assert slept == [0.1, 0.2]
    assert _count(engine) == (1, 1)


def test_an_action_that_did_commit_is_not_applied_again(engine: Engine) -> None:
    """The commit reached the store but the answer was lost: the retry must see it."""
    committed = _add_product("B")

    def commit_then_lose_answer(uow: UnitOfWork) -> object:
        committed(uow)  # type: ignore[operator]
        raise OperationalError("COMMIT", {}, Exception("connection lost after commit"))

    with pytest.raises(AlreadyApplied):
        run_action(
            engine,
            commit_then_lose_answer,
            bench="b",
            user="u",
            action_id="act-1",
            sleep=lambda _s: None,
        )
    assert _count(engine) == (1, 1)
    # the same action id replayed later is refused by the store itself
    with pytest.raises(AlreadyApplied):
        run_action(engine, _add_product("C"), bench="b", user="u", action_id="act-1")  # type: ignore[arg-type]
    assert _count(engine) == (1, 1)


def test_unreachable_past_the_deadline_is_one_sentence(engine: Engine) -> None:
    def down(uow: UnitOfWork) -> None:
        raise OperationalError("SELECT", {}, Exception("could not connect to server"))

    from packstation.errors import StoreError

    with pytest.raises(StoreError, match="The store is unreachable"):
        run_action(engine, down, bench="b", user="u", deadline_s=0.0, sleep=lambda _s: None)


def test_a_read_is_read_again_after_a_lost_connection(engine: Engine) -> None:
    """A read-only action stamps no action id: a retry reads again instead of looking for it."""
    run_action(engine, _add_product("R"), bench="b", user="u")  # type: ignore[arg-type]
    failures = [OperationalError("SELECT", {}, Exception("server closed the connection"))]
    seen: list[UnitOfWork] = []

    def count(uow: UnitOfWork) -> int:
        seen.append(uow)
        if failures:
            raise failures.pop()
        return _products(uow)

    assert run_action(engine, count, bench="b", user="u", readonly=True, sleep=lambda _s: 0) == 1
    assert len(seen) == 2 and all(u.action_id is None for u in seen)
    assert all(u.engine.get_execution_options().get(READONLY) for u in seen)
    assert _count(engine) == (1, 1)


def test_a_read_does_not_wait_for_a_writer(sqlite_url: str) -> None:
    """On SQLite a read-only action takes no write lock: it reads while another program
    holds one (a writing unit of work would wait out the busy timeout)."""
    engine = make_engine(sqlite_url)
    path = sqlite_path(sqlite_url)
    assert path is not None
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        products = run_action(
            engine,
            _products,
            bench="b",
            user="u",
            readonly=True,
            deadline_s=0.0,
        )
        assert products == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def _products(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.exec(select(func.count()).select_from(Product)).one())


@pytest.mark.postgres
def test_backend_terminated_mid_action(pg_server: str, pg_template: str) -> None:
    """pg_terminate_backend kills the bench's session in the middle of a transaction."""
    from packstation.store.engine import make_engine
    from tests.conftest import new_pg_database

    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    admin = make_engine(pg_server)
    killed: list[bool] = []

    def action(uow: UnitOfWork) -> str:
        with uow:
            uow.session.add(Product(sku="PG", name="pg"))
            uow.record("product_added")
            uow.flush()
            if not killed:
                pid = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with admin.connect() as conn:
                    conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                    conn.commit()
                killed.append(True)
            uow.commit()
        return "done"

    states: list[str] = []
    assert (
        run_action(
            engine, action, bench="b", user="u", on_state=states.append, sleep=lambda _s: None
        )
        == "done"
    )
    assert killed and states[0] == "unreachable" and states[-1] == "reachable"
    assert _count(engine) == (1, 1)
    engine.dispose()
    admin.dispose()
