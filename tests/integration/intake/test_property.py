"""Mangled exports: the store is either fully updated or untouched, never half (Hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from packstation.config import Settings
from packstation.services.intake import import_orders, import_products
from packstation.store.engine import make_engine
from packstation.store.models import Event, Order, OrderLine
from packstation.store.uow import UnitOfWork
from tests.integration.intake.conftest import PRODUCTS
from tests.integration.intake.exports import CLOSED, PAID, UNPAID, Item, TOrder, write_taobao

SKUS = ["TS-WHT-L", "TS-BLK-M", "MUG-01", "GIFT-STK"]

items = st.builds(
    Item,
    sku=st.sampled_from(SKUS),
    qty=st.integers(1, 5),
    price=st.sampled_from(["0.00", "9.90", "39.90"]),
)
orders = st.lists(
    st.builds(
        TOrder,
        no=st.integers(10**17, 10**17 + 50).map(str),
        items=st.lists(items, min_size=1, max_size=3),
        status=st.sampled_from([PAID, PAID, PAID, UNPAID, CLOSED]),
        buyer_message=st.sampled_from(["", "请尽快, 谢谢", '多行\n"留言"']),
    ),
    min_size=1,
    max_size=8,
)


@st.composite
def mangles(draw: st.DrawFn) -> tuple[int, str, int, bytes]:
    which = draw(st.integers(0, 1))
    op = draw(st.sampled_from(["none", "truncate", "delete", "insert", "utf8", "swap_line"]))
    at = draw(st.integers(0, 10_000))
    junk = draw(
        st.binary(min_size=1, max_size=30) | st.sampled_from([b",", b'"', b"\r\n", b"\xff\xfe"])
    )
    return which, op, at, junk


def _mangle(data: bytes, op: str, at: int, junk: bytes) -> bytes:
    at = at % (len(data) + 1)
    if op == "truncate":
        return data[:at]
    if op == "delete":
        return data[:at] + data[at + len(junk) :]
    if op == "insert":
        return data[:at] + junk + data[at:]
    if op == "utf8":
        return data.decode("gb18030").encode("utf-8")
    if op == "swap_line":
        lines = data.split(b"\r\n")
        i = at % len(lines)
        lines[i], lines[0] = lines[0], lines[i]
        return b"\r\n".join(lines)
    return data


def _counts(engine_url: str) -> tuple[int, int, int]:
    engine = make_engine(engine_url)
    try:
        with UnitOfWork(engine, readonly=True) as uow:
            s = uow.session
            return (
                s.exec(select(func.count()).select_from(Order)).one(),
                s.exec(select(func.count()).select_from(OrderLine)).one(),
                s.exec(select(func.count()).select_from(Event)).one(),
            )
    finally:
        engine.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=orders, mangle=mangles())
def test_mangled_exports_update_the_store_fully_or_not_at_all(
    sqlite_url: str, data: list[TOrder], mangle: tuple[int, str, int, bytes]
) -> None:
    engine = make_engine(sqlite_url)
    shop = Settings().with_store_url(sqlite_url)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if _counts(sqlite_url)[0] == 0 and not (folder / "p.csv").exists():
            (folder / "p.csv").write_text(PRODUCTS, encoding="utf-8")
            import_products(UnitOfWork(engine), folder / "p.csv")
        paths = list(write_taobao(folder, data))
        which, op, at, junk = mangle
        paths[which].write_bytes(_mangle(paths[which].read_bytes(), op, at, junk))
        before = _counts(sqlite_url)
        report = import_orders(UnitOfWork(engine, bench="b"), paths, settings=shop)
        after = _counts(sqlite_url)
    engine.dispose()
    if report.stored:
        assert report.ok
        assert report.reconciled
        orders_added, lines_added, events_added = (
            a - b for a, b in zip(after, before, strict=True)
        )
        assert orders_added == report.orders_imported
        # new orders' lines, and the lines of known orders the marketplace changed
        assert lines_added == report.lines_imported - report.lines_removed
        assert events_added >= 1  # the import's own event
    else:
        assert after == before
        assert report.errors
        assert all(p.problem for p in report.errors)
