"""A bench on a fresh SQLite store with the test catalogue, and Pilot helpers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from textual import events
from textual._wait import wait_for_idle
from textual.keys import _character_to_key
from textual.pilot import Pilot

from packstation.app import BenchApp
from packstation.config import Settings
from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.screens.bench.packing import BenchScreen
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine
from tests.integration.packing.conftest import shop_settings
from tests.integration.packing.factories import add_order, seed_catalogue

NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
SIZE = (120, 36)
TEA, CUP, PAN, SOAP = "6901234567892", "6901234567908", "6901234567915", "6901234567922"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests of this folder on a fresh event loop (Pilot needs one)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def shop(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    seed_catalogue(engine)
    add_order(
        engine,
        "TB1001",
        [("TEA-001", 2), ("CUP-002", 1), ("SOAP-04", 6)],
        buyer_note="易碎品请多包几层",
        seller_note="送试用装",
        gift=["SOAP-04"],
        due=dt.date(2026, 11, 25),
        tracking_no="YT7000000000123",
    )
    add_order(engine, "TB1002", [("PAN-003", 2)])
    yield engine
    engine.dispose()


@pytest.fixture
def bench_settings(store_url: str) -> Settings:
    return shop_settings(store_url)


def make_app(
    engine: Engine, settings: Settings, bench: str = "bench-1", name: BenchName | None = None
) -> BenchApp:
    settings = settings.model_copy(
        update={"bench": settings.bench.model_copy(update={"name": bench})}
    )
    app = BenchApp(settings, engine=engine, devices=False, clock=lambda: NOW, name=name)
    app.scale_reading(EMPTY)  # the scale was empty when the bench started
    return app


async def scan(pilot: Pilot[None], code: str) -> None:
    """A wedge scan: the code's keys, then Enter, in one burst as a scanner sends them, then the
    bench's answer (``pilot.press`` waits for the application to go idle after each key: 70 ms
    a key, a second a scan)."""
    driver = pilot.app._driver
    assert driver is not None
    for key in [*code, "enter"]:
        driver.send_message(_key(key))
    # then as Pilot.press waits after its last key, and the pause the scan always had
    await wait_for_idle(0)
    await pilot.app._animator.wait_until_complete()
    await wait_for_idle(0)
    await pilot._wait_for_screen()
    await pilot.pause()


def _key(key: str) -> events.Key:
    """The event of ``key`` (a character, or a key's name such as "enter"), as Pilot makes it."""
    if len(key) == 1:
        return events.Key(key if key.isalnum() else _character_to_key(key), key)
    return events.Key(key, None)


def bench(app: BenchApp) -> BenchScreen:
    screen = app.screen
    assert isinstance(screen, BenchScreen), type(screen)
    return screen


def feedback(app: BenchApp) -> str:
    from packstation.widgets.feedback import Feedback

    return str(bench(app).query_one(Feedback).render())


EMPTY = ScaleReading(Decimal(0), ScaleStatus.STABLE)


async def put_on_scale(pilot: Pilot[None], app: BenchApp, grams: int) -> None:
    app.scale_reading(ScaleReading(Decimal(grams), ScaleStatus.STABLE))
    await pilot.pause()


@contextlib.asynccontextmanager
async def packing(
    engine: Engine, settings: Settings, order: str, size: tuple[int, int] = SIZE
) -> AsyncIterator[tuple[BenchApp, Pilot[None]]]:
    """A bench (a terminal of ``size``) where BADGE-001 signed in and scanned ``order``."""
    app = make_app(engine, settings)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot)
        await scan(pilot, order)
        yield app, pilot


async def sign_in(pilot: Pilot[None], badge: str = "BADGE-001") -> None:
    await pilot.pause()
    await scan(pilot, badge)
