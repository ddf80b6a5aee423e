"""The next due order a bench claims: the queue's order (overdue first, then by paid time, an
order without a due day or a paid time last), a dead bench's order in its place among the
ready ones, and read from an index rather than by sorting the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import update as sa_update
from sqlmodel import col

from packstation.domain.status import OrderStatus
from packstation.services.claims import _NEXT_DUE, claim_next_due
from packstation.store.models import Order
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import PAID, TODAY, add_order, seed_catalogue

T0 = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def _without(engine: Engine, order_id: int, **values: Any) -> None:
    """The order's due day or paid time taken away (as an export can leave them)."""
    with UnitOfWork(engine) as uow:
        uow.connection().execute(sa_update(Order).where(col(Order.id) == order_id).values(values))
        uow.commit()


def test_benches_take_orders_in_the_queues_order(engine: Engine) -> None:
    seed_catalogue(engine)
    one = [("TEA-001", 1)]
    add_order(engine, "today-late", one, paid_at=PAID + 2 * HOUR)
    add_order(engine, "overdue", one, due=TODAY - DAY, paid_at=PAID + 5 * HOUR)
    add_order(engine, "today-early", one, paid_at=PAID)
    _without(engine, add_order(engine, "no-day", one, paid_at=PAID - DAY), due_date=None)
    _without(engine, add_order(engine, "today-unpaid", one), paid_at=None)
    add_order(engine, "tomorrow", one, due=TODAY + DAY, paid_at=PAID - DAY)
    # a bench took this one and died: its lease ran out, so it is due again, in its place
    dead = add_order(engine, "today-dead-bench", one, paid_at=PAID + HOUR)
    with UnitOfWork(engine) as uow:
        uow.connection().execute(
            sa_update(Order)
            .where(col(Order.id) == dead)
            .values(status=OrderStatus.PACKING, claimed_bench="bench-9", lease_until=T0 - HOUR)
        )
        uow.commit()
    taken = []
    while claim := claim_next_due(
        UnitOfWork(engine, bench="bench-1", user="王芳"), lease_seconds=60, now=T0
    ):
        taken.append(claim.order_no)
    assert taken == [
        "overdue",
        "today-early",
        "today-dead-bench",
        "today-late",
        "today-unpaid",
        "tomorrow",
        "no-day",
    ]


def test_the_next_due_order_is_read_from_the_index(engine: Engine) -> None:
    """No sort of the queue: each question reads the first rows of ``ix_order_next_due``."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if postgres:
            # the test's table is small enough to read whole: ask what a large queue gets
            connection.execute(text("SET enable_seqscan = off"))
        for query in _NEXT_DUE[postgres]:
            compiled = query.compile(engine)
            params = compiled.construct_params({"now": T0, "day": T0.date()})
            given: Any = params
            if not postgres:  # qmark: the values in their places (they do not change the plan)
                given = tuple(str(params[name]) for name in compiled.positiontup or ())
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + str(compiled), given)
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "ix_order_next_due" in plan, plan
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_index_is_in_a_migrated_store(engine: Engine) -> None:
    """SQLite's reflection cannot compare an index on expressions with the models (the
    migrations test skips it there): ask the store itself."""
    with engine.connect() as connection:
        sql = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_order_next_due'")
        ).scalar_one()
    assert "due_date IS NULL" in sql and "paid_at IS NULL" in sql
