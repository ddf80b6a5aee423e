"""Claims between benches (DESIGN §4, §8) on both stores: each bench its own order, a lease that
renewals keep and expiry gives up, a takeover, and a bench that finds its claim lost stops."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import update as sa_update
from sqlmodel import col, func, select

from packstation.config import Settings
from packstation.errors import UserError
from packstation.services.claims import (
    Claim,
    ClaimLost,
    claim_next_due,
    claim_order,
    renew_lease,
)
from packstation.services.packing import release_order, scan_item
from packstation.store.engine import make_engine
from packstation.store.models import Event, Order, OrderLine, Product
from packstation.store.uow import UnitOfWork
from tests.conftest import new_pg_database
from tests.integration.packing.factories import add_order, seed_catalogue
from tests.stress.pgdb import drop_pg_database

T0 = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
LEASE = 60
TEA = "6901234567892"


def _uow(engine: Engine, bench: str) -> UnitOfWork:
    return UnitOfWork(engine, bench=bench, user=f"packer at {bench}")


def _at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together; their results (or exceptions)."""
    barrier = threading.Barrier(count, timeout=10)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return results


def test_benches_asking_at_once_each_get_a_different_order(engine: Engine) -> None:
    seed_catalogue(engine)
    for n in range(6):
        add_order(engine, f"A{n}", [("TEA-001", 1)])
    results = _at_once(
        8, lambda i: claim_next_due(_uow(engine, f"bench-{i}"), lease_seconds=LEASE, now=T0)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    claims = [r for r in results if isinstance(r, Claim)]
    assert len(claims) == 6 and results.count(None) == 2
    assert len({c.order_id for c in claims}) == 6
    with UnitOfWork(engine, readonly=True) as uow:
        benches = uow.session.exec(select(Order.claimed_bench)).all()
    assert len(set(benches)) == 6


@pytest.mark.postgres
def test_a_locked_order_is_skipped_not_waited_for(pg_engine: Engine) -> None:
    """SKIP LOCKED: while one bench's transaction holds the first due order, another bench gets
    the second at once instead of queueing behind it."""
    engine = pg_engine
    seed_catalogue(engine)
    first = add_order(engine, "S1", [("TEA-001", 1)])
    second = add_order(engine, "S2", [("TEA-001", 1)])
    got: list[Claim | None] = []
    with engine.connect() as holder:
        holder.execute(text('SELECT id FROM "order" WHERE id = :id FOR UPDATE'), {"id": first})
        worker = threading.Thread(
            target=lambda: got.append(
                claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE, now=T0)
            )
        )
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the claim waited for the locked row"
        holder.rollback()
    assert got and got[0] is not None and got[0].order_id == second


def test_a_claim_is_held_renewed_and_taken_over_after_expiry(engine: Engine) -> None:
    seed_catalogue(engine)
    order_id = add_order(engine, "L1", [("TEA-001", 2)])
    settings = Settings()
    first = claim_next_due(_uow(engine, "bench-1"), lease_seconds=LEASE, now=T0)
    assert first is not None and first.order_id == order_id

    # inside the lease another bench is told who has it, and the queue has nothing for it
    with pytest.raises(UserError, match="bench-1"):
        claim_order(
            _uow(engine, "bench-2"),
            order_id=order_id,
            lease_seconds=LEASE,
            now=T0 + dt.timedelta(seconds=30),
        )
    later = T0 + dt.timedelta(seconds=50)
    assert claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE, now=later) is None

    # the holder renews; past the first lease the order is still its own
    assert renew_lease(_uow(engine, "bench-1"), order_id=order_id, lease_seconds=LEASE, now=later)
    past_first = T0 + dt.timedelta(seconds=LEASE + 5)
    assert claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE, now=past_first) is None
    scan_item(_uow(engine, "bench-1"), order_id=order_id, code=TEA, settings=settings)

    # bench-1 goes silent; after its renewed lease runs out bench-2 takes the order over
    expired = later + dt.timedelta(seconds=LEASE + 1)
    taken = claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE, now=expired)
    assert taken is not None and taken.order_id == order_id
    assert taken.taken_over_from == "bench-1"
    assert taken.left_in_box == 1  # the unit bench-1 ticked is in its box, at bench-1

    # bench-1 comes back: it is told its claim is lost and changes nothing
    with pytest.raises(ClaimLost):
        scan_item(_uow(engine, "bench-1"), order_id=order_id, code=TEA, settings=settings)
    assert not renew_lease(
        _uow(engine, "bench-1"), order_id=order_id, lease_seconds=LEASE, now=expired
    )
    with UnitOfWork(engine, readonly=True) as uow:
        packed = uow.session.exec(
            select(OrderLine.quantity_packed).where(OrderLine.order_id == order_id)
        ).one()
        kinds = list(
            uow.session.exec(
                select(Event.bench, Event.kind)
                .where(Event.order_id == order_id)
                .order_by(col(Event.id))
            )
        )
    assert packed == 1  # the scan before the takeover counts, nothing after it
    assert kinds[-2:] == [("bench-2", "claim_taken_over"), ("bench-2", "order_claimed")]

    # the new holder carries on where bench-1 stopped
    done = scan_item(_uow(engine, "bench-2"), order_id=order_id, code=TEA, settings=settings)
    assert done.ok and done.box_closed


def test_many_threads_scanning_one_order_never_pass_its_quantity(engine: Engine) -> None:
    """The same bench's scanner fired from many threads at once: the line stops at its quantity."""
    seed_catalogue(engine)
    order_id = add_order(engine, "Q1", [("TEA-001", 3)])
    settings = Settings()
    assert claim_next_due(_uow(engine, "bench-1"), lease_seconds=LEASE) is not None
    results = _at_once(
        8,
        lambda _i: scan_item(
            _uow(engine, "bench-1"), order_id=order_id, code=TEA, settings=settings
        ),
    )
    errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, UserError)]
    assert not errors, errors
    ticked = [r for r in results if getattr(r, "ok", False)]
    assert len(ticked) == 3
    with UnitOfWork(engine, readonly=True) as uow:
        assert (
            uow.session.exec(
                select(OrderLine.quantity_packed).where(OrderLine.order_id == order_id)
            ).one()
            == 3
        )
        scanned = uow.session.exec(
            select(func.count()).select_from(Event).where(Event.kind == "item_scanned")
        ).one()
    assert scanned == 3


def test_benches_ticking_and_putting_back_one_product_keep_its_stock(engine: Engine) -> None:
    """Six benches at once, each with its own order of the same product: they tick its units
    and put some orders back (the units return) — no bench's change to the stock is lost."""
    seed_catalogue(engine)
    orders = [add_order(engine, f"K{i}", [("TEA-001", 3)]) for i in range(6)]
    with UnitOfWork(engine) as uow:
        uow.session.execute(sa_update(Product).values(on_hand=100))
        uow.commit()
    settings = Settings()

    def pack(i: int) -> None:
        bench = f"bench-{i}"
        claim_order(_uow(engine, bench), order_id=orders[i], lease_seconds=LEASE)
        for _round in range(2 if i % 2 else 1):
            for _unit in range(3 if i % 2 == 0 else 2):
                assert scan_item(
                    _uow(engine, bench), order_id=orders[i], code=TEA, settings=settings
                ).ok
            if i % 2:  # put back: its units return, and it is taken again
                release_order(_uow(engine, bench), order_id=orders[i], reason="break")
                claim_order(_uow(engine, bench), order_id=orders[i], lease_seconds=LEASE)

    results = _at_once(6, pack)
    assert not [r for r in results if isinstance(r, Exception)], results
    with UnitOfWork(engine, readonly=True) as uow:
        packed = uow.session.exec(select(func.sum(OrderLine.quantity_packed))).one()
        left = uow.session.exec(select(Product.on_hand).where(Product.sku == "TEA-001")).one()
    assert packed == 3 * 3  # the even benches' orders; the odd ones were put back empty
    assert left == 100 - packed


@pytest.mark.postgres
def test_a_bench_whose_clock_runs_ahead_does_not_take_a_live_claim(
    pg_server: str, pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Benches on several machines judge each other's leases by the server's clock: a bench
    whose clock is ten minutes ahead sees another bench's lease as still running."""
    from packstation.services import claims as claims_module
    from packstation.services.packing import opening
    from packstation.store import clock

    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    try:
        seed_catalogue(engine)
        order_id = add_order(engine, "SKEW1", [("TEA-001", 1)])
        clock.forget_offsets()
        first = claim_next_due(_uow(engine, "bench-1"), lease_seconds=LEASE)
        assert first is not None and first.order_id == order_id

        # the other machine: its clock ten minutes ahead, far past the lease
        ahead = dt.timedelta(minutes=10)
        for module in (clock, claims_module, opening):  # every reading of this machine's clock
            monkeypatch.setattr(
                module, "utcnow", lambda: dt.datetime.now(dt.UTC) + ahead, raising=False
            )
        clock.forget_offsets()
        assert claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE) is None
        with pytest.raises(UserError, match="bench-1"):
            claim_order(_uow(engine, "bench-2"), order_id=order_id, lease_seconds=LEASE)
        assert renew_lease(_uow(engine, "bench-2"), order_id=order_id, lease_seconds=LEASE) is False

        # and the lease it writes is by the server's clock too
        with _uow(engine, "bench-1") as uow:
            uow.connection().execute(
                text("UPDATE \"order\" SET lease_until = now() - interval '1 second'")
            )
            uow.commit()
        taken = claim_next_due(_uow(engine, "bench-2"), lease_seconds=LEASE)
        assert taken is not None and taken.order_id == order_id
        with UnitOfWork(engine, readonly=True) as uow:
            lease_until = uow.session.get(Order, order_id).lease_until  # type: ignore[union-attr]
        assert lease_until is not None
        server_now = dt.datetime.now(dt.UTC)  # this test's machine is the server's
        assert abs((lease_until - server_now).total_seconds() - LEASE) < 5
    finally:
        clock.forget_offsets()
        engine.dispose()
        drop_pg_database(pg_server, url)
