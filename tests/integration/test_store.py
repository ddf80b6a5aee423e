"""The store on both backends: migrations match the models, the audit log is append-only,
the unit of work rolls back unless committed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, select

from packstation.store.migrate import current_revision, head_revision, require_head
from packstation.store.models import Event, Product
from packstation.store.uow import UnitOfWork


# SQLite cannot reflect an index on expressions, so it is not compared there
# (test_next_due checks that the migration made it)
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()
    require_head(engine)


def test_event_rows_cannot_be_updated_or_deleted(
    uow_factory: Callable[..., UnitOfWork], engine: Engine
) -> None:
    uow = uow_factory()
    with uow:
        uow.record("test_event", note="kept")
        uow.commit()
    for statement in ("UPDATE event SET kind = 'changed'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with uow_factory() as uow:
        kinds = [e.kind for e in uow.session.exec(select(Event))]
    assert kinds == ["test_event"]


def test_uow_rolls_back_unless_committed(uow_factory: Callable[..., UnitOfWork]) -> None:
    with uow_factory() as uow:
        uow.session.add(Product(sku="A1", name="未提交"))
        uow.flush()
    with uow_factory() as uow:
        uow.session.add(Product(sku="B2", name="已提交"))
        uow.commit()
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.session.add(Product(sku="C3", name="出错"))
        uow.flush()
        raise RuntimeError("boom")
    with uow_factory(readonly=True) as uow:
        skus = [p.sku for p in uow.session.exec(select(Product))]
    assert skus == ["B2"]


def test_an_inserted_row_is_stored_and_kept_in_the_session(
    uow_factory: Callable[..., UnitOfWork],
) -> None:
    """``UnitOfWork.insert`` writes the row at once (with its id) and the session then treats it
    as a stored row: a later change is written by an UPDATE, and a rollback leaves nothing."""
    with uow_factory() as uow:
        pending = Product(sku="P0", name="先加")
        uow.session.add(pending)  # still pending when the next row is inserted
        tea = Product(sku="T1", name="龙井", unit_weight_g=250)
        uow.insert(tea)
        assert tea.id is not None and pending.id is not None
        assert uow.session.get(Product, tea.id) is tea
        tea.unit_weight_g = 260  # changed after the insert: the commit writes it
        uow.commit()
    with uow_factory() as uow:
        uow.insert(Product(sku="R9", name="回滚"))
    with uow_factory(readonly=True) as uow:
        stored = {p.sku: p.unit_weight_g for p in uow.session.exec(select(Product))}
    assert stored == {"P0": 0, "T1": 260}


def test_each_bench_numbers_its_events(uow_factory: Callable[..., UnitOfWork]) -> None:
    for bench in ("b1", "b2", "b1"):
        uow = uow_factory(bench=bench)
        with uow:
            uow.record("tick")
            uow.commit()
    with uow_factory() as uow:
        rows = [(e.bench, e.bench_seq) for e in uow.session.exec(select(Event).order_by(Event.id))]
    assert rows == [("b1", 1), ("b2", 1), ("b1", 2)]


def test_a_transactions_events_are_written_together_in_the_order_recorded(
    engine: Engine, uow_factory: Callable[..., UnitOfWork]
) -> None:
    inserts: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO event"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with uow_factory(bench="b1") as uow:
            for kind in ("weight_accepted", "print_queued", "order_packed"):
                uow.record(kind, grams=1070)
            assert inserts == []  # nothing written before the commit
            uow.commit()
        with uow_factory(bench="b1") as uow:
            uow.record("never_committed")  # rolled back: never written
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(inserts) == 1
    with uow_factory() as uow:
        rows = [(e.kind, e.bench_seq) for e in uow.session.exec(select(Event).order_by(Event.id))]
    assert rows == [("weight_accepted", 1), ("print_queued", 2), ("order_packed", 3)]


def test_one_bench_numbers_its_events_without_collisions_from_threads(engine: Engine) -> None:
    """The bench screen and its print sender write events of the same bench at the same time."""
    import threading

    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(15):
                uow = UnitOfWork(engine, bench="busy", user="u")
                with uow:
                    uow.record("tick")
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with UnitOfWork(engine, readonly=True) as uow:
        seqs = sorted(
            e.bench_seq or 0 for e in uow.session.exec(select(Event).where(Event.bench == "busy"))
        )
    assert seqs == list(range(1, 61))
