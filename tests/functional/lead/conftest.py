"""A small shop day for the lead's screens: a fixed clock and orders in every state."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Static

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.lead_app import LeadApp
from packstation.store.engine import make_engine
from packstation.store.models import OrderException, PrintJob
from tests.support.lead_data import DAY, carriers, event, hold, local, order, parcel

NOW = local(15, 10)


def seed_day(engine: Engine) -> None:
    with Session(engine) as s:
        carriers(s, "YTO", "ZTO", "SF")
        for n in range(12):
            order(
                s,
                f"TB{n:04d}",
                paid=local(8, n * 4),
                recipient_name=f"顾客{n}",
                phone=f"1380000{n:04d}",
            )
        order(
            s,
            "TB-OLD",
            due=DAY - dt.timedelta(days=1),
            paid=local(17, 0, DAY - dt.timedelta(days=1)),
        )
        held = order(s, "TB-HOLD", paid=local(9, 30))
        hold(s, held, "short", "SKU-1 缺货 1 件")
        order(s, "TB-SF", carrier="SF", paid=local(10, 0))
        packing = order(
            s,
            "TB-PACKING",
            status=S.PACKING,
            claimed_bench="bench-2",
            claimed_user="小张",
            lease_until=local(15, 2),  # bench-2 went silent: its lease ran out 8 minutes ago
        )
        for n in range(3):
            packed = order(s, f"TB-PACKED{n}", status=S.PACKED, qty=2)
            p = parcel(
                s,
                packed,
                f"YT700000000000{n}",
                weight_g=500 + n * 100,
                bench="bench-1",
                packer="小李",
                packed_at=local(10 + n, 15),
            )
            s.add(
                PrintJob(
                    parcel_id=p.id,
                    order_id=packed.id,
                    kind="label",
                    printer="sim://",
                    language="zpl",
                    content=f"^XA^FO50,50^A0N,40,40^FDYT700000000000{n}^FS^XZ".encode(),
                    sha256="x",
                    status="sent",
                    created_by="小李",
                    created_at=local(11, n),
                )
            )
            event(s, "order_packed", at=local(10 + n, 15), user="小李", order_id=packed.id)
        zto = order(s, "TB-ZTO", status=S.PACKED, carrier="ZTO")
        parcel(s, zto, "731000000001", bench="bench-2", packer="小张", packed_at=local(11, 40))
        event(s, "order_packed", at=local(11, 40), user="小张", bench="bench-2", order_id=zto.id)
        event(
            s, "scan_refused", at=local(11, 30), user="小张", bench="bench-2", order_id=packing.id
        )
        s.add(
            OrderException(
                order_id=zto.id or 0, kind="weight", raised_by="小张", raised_at=local(11, 35)
            )
        )
        order(s, "TB-GONE", status=S.HANDED_OVER)
        order(s, "TB-CANCEL", status=S.CANCELLED)
        order(s, "TB-TOMORROW", due=DAY + dt.timedelta(days=1), paid=local(16, 30))
        s.commit()


@pytest.fixture
def lead_settings(store_url: str, tmp_path: Path) -> Settings:
    settings = Settings().with_store_url(store_url)
    return settings.model_copy(
        update={
            "carriers": {
                "YTO": CarrierSettings(name="圆通速递", pickup="18:00"),
                "ZTO": CarrierSettings(name="中通快递", pickup="17:30"),
                "SF": CarrierSettings(name="顺丰速运", pickup="19:00"),
            },
            "shipping": settings.shipping.model_copy(
                update={"manifest_dir": str(tmp_path / "lists")}
            ),
        }
    )


@pytest.fixture
def lead_engine(lead_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(lead_settings.store.url)
    seed_day(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(lead_settings: Settings, lead_engine: Engine) -> Callable[..., LeadApp]:
    def make(refresh_seconds: float = 60.0) -> LeadApp:
        return LeadApp(
            lead_settings,
            engine=lead_engine,
            clock=lambda: NOW,
            user="王组长",
            refresh_seconds=refresh_seconds,
            blink=False,
        )

    return make


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (workers post their results as messages)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the screen did not reach the expected state in time: {_showing(pilot)}"
            )
        await pilot.pause(0.02)
    await pilot.pause()


def _showing(pilot: Pilot[None]) -> str:
    """What the app showed when a wait ran out, for the failure's message."""
    app = pilot.app
    screen = app.screen
    said = [str(w.render()) for w in screen.query("#message, #flash, #hint").results(Static)]
    focused = type(app.focused).__name__ if app.focused is not None else "nothing"
    return f"{type(screen).__name__}, focus on {focused}, saying {said}"


async def answer(pilot: Pilot[None], key: str, *typed: str) -> None:
    """Press ``key``, wait until the prompt or screen it opens has the keyboard, then type
    ``typed`` into it, as a person waits for the prompt before answering.  The pilot does not
    pace its keys by the screen: on a busy machine a key sent before the new screen has mounted
    lands on no field."""
    app = pilot.app
    before = app.screen
    await pilot.press(key)
    await until(
        pilot,
        lambda: (
            app.screen is not before
            and app.focused is not None
            and app.focused.screen is app.screen
        ),
    )
    await pilot.press(*typed)
