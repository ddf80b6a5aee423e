"""The real bench application while its PostgreSQL store goes away and comes back: it says so
in one line, applies nothing twice, and carries on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.pilot import Pilot

from packstation import app as bench_app
from packstation.app import BenchApp
from packstation.config import Settings
from packstation.errors import StoreError
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine
from packstation.store.models import OrderLine
from packstation.store.uow import UnitOfWork
from packstation.widgets.status_bar import StatusBar
from tests.conftest import new_pg_database
from tests.functional.bench.conftest import (
    SIZE,
    TEA,
    bench,
    feedback,
    make_app,
    scan,
    sign_in,
)
from tests.integration.packing.conftest import shop_settings
from tests.integration.packing.factories import add_order, seed_catalogue
from tests.support.bench_names import end_session_holding, holders
from tests.support.outage import Outage

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_shop(
    pg_server: str, pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, Settings, Outage]]:
    """A shop on its own PostgreSQL database, and a bench that retries a lost store briefly."""
    from packstation.services import retry

    monkeypatch.setattr(retry, "SCREEN_RETRY_S", 0.5)
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    seed_catalogue(engine)
    add_order(engine, "TB2001", [("TEA-001", 2)])
    outage = Outage(pg_server, url)
    yield engine, shop_settings(url), outage
    outage.end()
    engine.dispose()
    outage.admin.dispose()


def status(app: BenchApp) -> str:
    return str(bench(app).query_one(StatusBar).render())


def _tea_packed(engine: Engine) -> int:
    with UnitOfWork(engine, readonly=True) as uow:
        line = uow.session.exec(select(OrderLine).where(OrderLine.sku == "TEA-001")).one()
        return line.quantity_packed


async def test_the_bench_says_the_store_is_unreachable_and_carries_on(
    pg_shop: tuple[Engine, Settings, Outage],
) -> None:
    engine, settings, outage = pg_shop
    app = make_app(engine, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert bench(app).order_id is not None
        outage.start()
        await scan(pilot, TEA)
        assert "store is unreachable" in feedback(app)
        await pilot.pause(1.5)  # the order is polled every second meanwhile
        assert bench(app).order_id is not None
        assert "Store: unreachable" in status(app)  # stays said, whatever the feedback says
        outage.end()
        await scan(pilot, TEA)
        assert "TEA-001" in feedback(app) and "unreachable" not in feedback(app)
        assert "unreachable" not in status(app)
        assert bench(app).view is not None
    assert _tea_packed(engine) == 1


async def test_signing_in_while_the_store_is_down_says_so(
    pg_shop: tuple[Engine, Settings, Outage],
) -> None:
    from packstation.screens.bench.signin import SignInScreen

    engine, settings, outage = pg_shop
    app = make_app(engine, settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        outage.start()
        await sign_in(pilot)
        assert isinstance(app.screen, SignInScreen)
        error = str(app.screen.query_one("#error").render())
        assert "store is unreachable" in error
        outage.end()
        await sign_in(pilot)
        assert bench(app).packer.name == "王芳"


async def test_after_the_store_restarted_the_bench_holds_its_name_again(
    pg_shop: tuple[Engine, Settings, Outage], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, settings, outage = pg_shop
    monkeypatch.setattr(bench_app, "NAME_CHECK_S", 0.2)
    name = BenchName(engine, "bench-1", wait_s=0.0)
    name.hold()
    other = make_engine(settings.store.url)
    try:
        app = make_app(engine, settings, name=name)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot)
            [before] = holders(other, "bench-1")
            outage.start()  # every session ends, the name's too
            await pilot.pause(0.5)
            outage.end()
            other.dispose()  # its pooled connection ended with the outage too
            for _ in range(50):  # the name went with the session: the bench takes it again
                await pilot.pause(0.1)
                if holders(other, "bench-1") not in ([], [before]):
                    break
            with pytest.raises(StoreError, match="bench-1"):
                BenchName(other, "bench-1", wait_s=0.0).hold()
            [now] = holders(other, "bench-1")
            assert now != before  # held again, by a session of its own
            assert bench(app).packer.name == "王芳"  # and it carried on
    finally:
        name.release()
        other.dispose()


async def test_a_bench_whose_name_another_bench_took_stops_saying_where(
    pg_shop: tuple[Engine, Settings, Outage], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, settings, _outage = pg_shop
    monkeypatch.setattr(bench_app, "NAME_CHECK_S", 3600.0)  # checked below, when the test says
    name = BenchName(engine, "bench-1", wait_s=0.0)
    name.hold()
    other = make_engine(settings.store.url)
    second = BenchName(other, "bench-1", wait_s=0.0)
    try:
        app = make_app(engine, settings, name=name)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot)
            end_session_holding(other, "bench-1")  # lost with the server's restart …
            second.hold()  # … and a bench copied under the same name started meanwhile
            app.keep_name()  # the bench's next check of its name
            for _ in range(100):
                if app.name_lost is not None:
                    break
                await pilot.pause(0.1)
            await pilot.pause()
        assert app.return_code == 3
        assert str(app.name_lost).startswith("Another bench named bench-1 is running on ")
    finally:
        second.release()
        name.release()
        other.dispose()


async def test_an_idle_bench_says_when_the_store_is_back(
    pg_shop: tuple[Engine, Settings, Outage], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no order open the top line kept "Store: unreachable" after the server was back,
    until the packer pressed a key."""
    from packstation.screens.bench import store_link

    monkeypatch.setattr(store_link, "DOWN_RETRY_S", 0.2)
    engine, settings, outage = pg_shop
    app = make_app(engine, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        outage.start()
        await pilot.press("f2")
        await pilot.pause()
        assert "Store: unreachable" in status(app) and bench(app).order_id is None
        outage.end()
        for _ in range(40):  # the poll asks each second: a few seconds at most
            await pilot.pause(0.1)
            if "unreachable" not in status(app):
                break
        assert "unreachable" not in status(app)


async def _tea_scanned_in_an_outage(pilot: Pilot[None], app: BenchApp, outage: Outage) -> None:
    """An order opened (F2), the store gone, then the tea scanned: answered in red."""
    await sign_in(pilot)
    await pilot.press("f2")
    await pilot.pause()
    outage.start()
    await scan(pilot, TEA)
    assert "store is unreachable" in feedback(app)


async def test_the_store_back_names_the_scan_it_did_not_store(
    pg_shop: tuple[Engine, Settings, Outage], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan made while the store was unreachable was answered in red; seconds after the store
    came back, "The store is reachable again." replaced that line, and nothing said the scan
    had not been stored (only the Ticked count, unchanged)."""
    from packstation.screens.bench import store_link

    monkeypatch.setattr(store_link, "DOWN_RETRY_S", 0.2)
    engine, settings, outage = pg_shop
    app = make_app(engine, settings)
    async with app.run_test(size=SIZE) as pilot:
        await _tea_scanned_in_an_outage(pilot, app, outage)
        outage.end()
        for _ in range(40):  # the order's poll finds the store back within seconds
            await pilot.pause(0.1)
            if "reachable again" in feedback(app):
                break
        assert feedback(app) == (
            f"The store is reachable again, but the scan of {TEA} was not stored: do it again."
        )
        await scan(pilot, TEA)  # done again: stored, and said as any scan
        assert "TEA-001" in feedback(app) and "not stored" not in feedback(app)
    assert _tea_packed(engine) == 1


async def test_the_scan_that_finds_the_store_back_says_what_it_did_not_store(
    pg_shop: tuple[Engine, Settings, Outage],
) -> None:
    """The store found back by the next action: what that action said replaced the word that
    the earlier one was lost; the one done again is not named."""
    engine, settings, outage = pg_shop
    app = make_app(engine, settings)
    async with app.run_test(size=SIZE) as pilot:
        await _tea_scanned_in_an_outage(pilot, app, outage)
        await pilot.press("f3")
        await pilot.pause()
        assert "store is unreachable" in feedback(app)
        outage.end()
        await scan(pilot, TEA)
        said = feedback(app)
        assert said.startswith("The store is reachable again, but F3 (New box) was not stored")
        assert "TEA-001" in said and TEA not in said
    assert _tea_packed(engine) == 1
