"""SQLite with several benches on one machine: the deferred-transaction upgrade trap.

Two deferred transactions that both read and then both write: the second writer gets
SQLITE_BUSY at once (its snapshot is stale; waiting cannot help), whatever the busy timeout.
The application's engine begins every writing transaction IMMEDIATE, so through it the same
read-then-write work from many threads never meets SQLITE_BUSY and loses no update.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from packstation.store.engine import make_engine
from packstation.store.models import Product
from packstation.store.uow import UnitOfWork


def test_the_trap_exists_with_deferred_transactions(sqlite_url: str) -> None:
    path = make_url(sqlite_url).database
    assert path
    first = sqlite3.connect(path, timeout=5, isolation_level=None)
    second = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        for conn in (first, second):
            conn.execute("BEGIN")  # deferred, as pysqlite does by itself
            conn.execute("SELECT count(*) FROM product").fetchone()
        first.execute(
            "INSERT INTO product (sku, name, name_en, spec, unit_weight_g, fragile, location, on_hand) VALUES ('A', 'a', '', '', 0, 0, '', 0)"
        )
        first.execute("COMMIT")
        with pytest.raises(sqlite3.OperationalError, match=r"locked|busy"):
            second.execute(
                "INSERT INTO product (sku, name, name_en, spec, unit_weight_g, fragile, location, on_hand) VALUES ('B', 'b', '', '', 0, 0, '', 0)"
            )
    finally:
        first.close()
        second.close()


def test_read_then_write_from_many_benches_never_busy_and_loses_nothing(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with UnitOfWork(engine) as uow:
        uow.session.add(Product(sku="STOCK", name="stock", on_hand=0))
        uow.commit()
    threads_n, rounds = 8, 25
    failures: list[BaseException] = []
    barrier = threading.Barrier(threads_n, timeout=10)

    def bench(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                # read, then write from what was read: the shape that trips deferred transactions
                with UnitOfWork(engine, bench=f"bench-{n}", user="u") as uow:
                    product = uow.session.exec(select(Product).where(Product.sku == "STOCK")).one()
                    product.on_hand += 1
                    uow.session.add(product)
                    uow.record("stock_counted", sku="STOCK")
                    uow.commit()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=bench, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    assert failures == []
    with UnitOfWork(engine, readonly=True) as uow:
        assert (
            uow.session.exec(select(Product.on_hand).where(Product.sku == "STOCK")).one()
            == threads_n * rounds
        )
    engine.dispose()
