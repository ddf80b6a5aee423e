"""SVG snapshots of each bench screen, in English and in Simplified Chinese.

Update them after a deliberate change of the screens with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot

from packstation.config import Settings
from packstation.i18n import set_language
from tests.functional.bench.conftest import (
    PAN,
    SIZE,
    TEA,
    bench,
    make_app,
    put_on_scale,
    scan,
    sign_in,
)


@pytest.fixture
def store_url(sqlite_url: str) -> str:
    """The screens look the same whatever the store: their snapshots are taken on SQLite."""
    return sqlite_url


Steps = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the red flash of a refusal is over, so the picture does not depend on timing."""
    await pilot.pause()
    screen = pilot.app.screen
    while screen.has_class("flash"):
        await pilot.pause(0.05)


async def signin(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def idle(pilot: Pilot[None]) -> None:
    await sign_in(pilot)


async def picking(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await scan(pilot, "TB1001")
    await scan(pilot, TEA)
    await scan(pilot, PAN)  # refused: the message says what is wanted
    await settle(pilot)


async def blocked(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await scan(pilot, "TB1002")
    await scan(pilot, PAN)
    await scan(pilot, PAN)
    view = bench(pilot.app).view  # type: ignore[arg-type]
    assert view is not None and view.current is not None
    await put_on_scale(pilot, pilot.app, (view.current.expected_g or 0) + 700)  # type: ignore[arg-type]
    await settle(pilot)


async def override(pilot: Pilot[None]) -> None:
    await blocked(pilot)
    await pilot.press("f8")
    await pilot.pause()


async def exception(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await scan(pilot, "TB1001")
    await pilot.press("f6")
    await pilot.pause()


async def stop(pilot: Pilot[None]) -> None:
    from sqlmodel import select

    from packstation.domain.status import OrderStatus
    from packstation.store.models import Order
    from packstation.store.uow import UnitOfWork

    await sign_in(pilot)
    await scan(pilot, "TB1002")
    app: Any = pilot.app
    with UnitOfWork(app.engine) as uow:
        order = uow.session.exec(select(Order).where(Order.order_no == "TB1002")).one()
        order.status = OrderStatus.CANCELLED
        uow.session.add(order)
        uow.commit()
    bench(app).poll_order()
    await pilot.pause()


SCREENS: dict[str, Steps] = {
    "signin": signin,
    "idle": idle,
    "picking": picking,
    "blocked": blocked,
    "override": override,
    "exception": exception,
    "stop": stop,
}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any, shop: Engine, bench_settings: Settings, screen: str, language: str
) -> None:
    set_language(language)
    app = make_app(shop, bench_settings)
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[screen])


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_picking_on_an_80_by_24_terminal(
    snap_compare: Any, shop: Engine, bench_settings: Settings, language: str
) -> None:
    """No frames, names cut short where needed: every line of the order and its marks in view."""
    set_language(language)
    app = make_app(shop, bench_settings)
    assert snap_compare(app, terminal_size=(80, 24), run_before=picking)
