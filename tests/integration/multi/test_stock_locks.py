"""Stock figures changed by several transactions at once on PostgreSQL: every transaction that
changes several products takes their rows in the order of their ids, so a stock-take (an import of
the catalogue) and a put-back never wait for each other's rows (a deadlock PostgreSQL would end by
cancelling one of them)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import select

from packstation.services import stock
from packstation.services.intake import import_products
from packstation.services.intake.products import ProductReport
from packstation.store.models import Product
from packstation.store.uow import UnitOfWork

HEADER = "sku,barcode,name,weight_g,on_hand\n"


def _catalogue(path: Path, skus: list[str], on_hand: int) -> Path:
    """A catalogue file listing ``skus`` (P1, P2…) in that order, each with ``on_hand``."""
    rows = [f"{sku},69000000{int(sku[1:]):05d},{sku},10,{on_hand}\n" for sku in skus]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _stock(engine: Engine) -> dict[str, int]:
    with UnitOfWork(engine, readonly=True) as uow:
        return dict(uow.session.exec(select(Product.sku, Product.on_hand)).all())


@pytest.mark.postgres
def test_a_stock_take_and_a_put_back_do_not_deadlock(pg_engine: Engine, tmp_path: Path) -> None:
    engine = pg_engine
    assert import_products(UnitOfWork(engine), _catalogue(tmp_path / "a.csv", ["P1", "P2"], 5)).ok
    # the put-back: it has given back P1 (the first by id) and holds that row
    giving = engine.connect()
    giving.execute(text("UPDATE product SET on_hand = on_hand + 1 WHERE sku = 'P1'"))
    # the stock-take lists P2 before P1; it must wait for P1 before it touches P2
    report: list[ProductReport | BaseException] = []
    started = threading.Event()

    def stock_take() -> None:
        started.set()
        try:
            path = _catalogue(tmp_path / "b.csv", ["P2", "P1"], 9)
            report.append(import_products(UnitOfWork(engine), path))
        except BaseException as exc:
            report.append(exc)

    worker = threading.Thread(target=stock_take)
    worker.start()
    started.wait(5)
    _wait_for_a_lock_wait(engine)
    # the put-back goes on to P2, as stock.give_back would: it must not meet the stock-take there
    stock.give_back(giving, {"P2": 1})
    giving.commit()
    giving.close()
    worker.join(30)
    assert not worker.is_alive()
    assert len(report) == 1 and isinstance(report[0], ProductReport), report
    assert report[0].ok
    assert _stock(engine) == {"P1": 9, "P2": 9}  # the stock-take came last: its figures stand


def _wait_for_a_lock_wait(engine: Engine) -> None:
    """Until a session of the store's database waits for a row lock (the stock-take)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        with engine.connect() as conn:
            if conn.execute(query).scalar_one():
                return
        threading.Event().wait(0.05)
    raise AssertionError("the stock-take never waited for the put-back's row")


def test_several_products_are_given_back_in_the_order_of_their_ids(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_products(
        UnitOfWork(engine), _catalogue(tmp_path / "a.csv", ["P3", "P1", "P2"], 5)
    ).ok
    with UnitOfWork(engine, readonly=True) as uow:
        ids = dict(uow.session.exec(select(Product.sku, Product.id)).all())
    updated: list[str] = []

    def seen(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if statement.startswith("UPDATE product"):
            updated.append(str(params))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with UnitOfWork(engine) as uow:
            stock.give_back(uow.connection(), {"P1": 1, "P2": 2, "P3": 3})
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    by_id = sorted(ids, key=lambda sku: ids[sku])
    assert [next(s for s in by_id if f"'{s}'" in p) for p in updated] == by_id
    assert _stock(engine) == {"P1": 6, "P2": 7, "P3": 8}
