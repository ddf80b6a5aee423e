"""Scan to tick: from the last key of a 13-digit wedge scan to the tick on the bench screen.

The real bench application (headless, 120 × 36) on a SQLite store with 100,000 orders (and five
events each), beside a bare Textual app that receives the same keys into an Input and shows a
count.  Keys are sent as a scanner sends them; the clock runs from the Enter key until the screen
holds the new tick and has been refreshed.  The store is built in a child process so the bench's
memory figure is the bench's own.

    python -m benchmarks scan            # 100,000 orders, 300 scans
    python -m benchmarks scan --quick    # 5,000 orders, 60 scans
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from textual import events
from textual._wait import wait_for_idle
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from benchmarks.table import Row, percentile

BARCODE = "6901234567892"
SKUS = 20


def build_store(url: str, orders: int, scans: int) -> None:
    """A migrated store: SKUS products, ``orders`` ready orders of two lines with five events
    each, and order BENCH-1 whose one line wants more units than the benchmark scans."""
    from packstation.domain.status import Role
    from packstation.store.engine import make_engine
    from packstation.store.migrate import upgrade
    from packstation.store.models import Event, Order, OrderLine, Product, ProductBarcode, User

    engine = make_engine(url)
    upgrade(engine)
    paid = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Product),
            [
                {"sku": f"SKU-{i:03d}", "name": f"商品 {i}", "spec": "标准", "unit_weight_g": 200}
                for i in range(SKUS)
            ],
        )
        conn.execute(
            insert(ProductBarcode),
            [{"code": f"69012345{i:05d}", "sku": f"SKU-{i:03d}"} for i in range(SKUS)]
            + [{"code": BARCODE, "sku": "SKU-000", "multiplier": 1}],
        )
        conn.execute(
            insert(User),
            [{"name": "packer", "role": Role.PACKER, "badge": "B1", "created_at": paid}],
        )
        conn.execute(
            insert(Order),
            [
                {
                    "order_no": "BENCH-1",
                    "paid_at": paid,
                    "due_date": dt.date(2026, 11, 26),
                    "imported_at": paid,
                    "updated_at": paid,
                }
            ],
        )
        conn.execute(
            insert(OrderLine),
            [{"order_id": 1, "line_no": 1, "sku": "SKU-000", "quantity": scans + 10}],
        )
        batch = 10_000
        for start in range(0, orders, batch):
            rows = range(start, min(start + batch, orders))
            conn.execute(
                insert(Order),
                [
                    {
                        "order_no": f"T{n:09d}",
                        "paid_at": paid,
                        "due_date": dt.date(2026, 11, 26),
                        "imported_at": paid,
                        "updated_at": paid,
                        "recipient_name": "张三",
                        "province": "浙江省",
                    }
                    for n in rows
                ],
            )
            conn.execute(
                insert(OrderLine),
                [
                    {
                        "order_id": n + 2,
                        "line_no": k,
                        "sku": f"SKU-{(n + k) % SKUS:03d}",
                        "quantity": 1,
                    }
                    for n in rows
                    for k in (1, 2)
                ],
            )
            conn.execute(
                insert(Event),
                [
                    {"at": paid, "bench": "import", "kind": "order_imported", "order_id": n + 2}
                    for n in rows
                    for _ in range(5)
                ],
            )
    engine.dispose()


async def scan_once(app: App[None], done: Callable[[], bool]) -> float:
    """Send a wedge scan as key events (a burst, as a scanner types it) and return the ms from
    the Enter key to the first screen update that shows ``done()``."""
    driver = app._driver
    assert driver is not None
    for digit in BARCODE:
        driver.send_message(events.Key(digit, digit))
    await wait_for_idle(0)
    shown: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and done():
            shown.append(time.perf_counter())

    app._display = display  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        driver.send_message(events.Key("enter", "\r"))
        while not shown:
            await asyncio.sleep(0)
    finally:
        app._display = original  # type: ignore[method-assign]
    return (shown[0] - started) * 1000


async def bench_latencies(url: str, scans: int) -> list[float]:
    from packstation.app import BenchApp
    from packstation.config import Settings
    from packstation.screens.bench.packing import BenchScreen

    settings = Settings().with_store_url(url)
    app = BenchApp(settings, devices=False)
    times: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"B1", "enter")
        await pilot.pause()
        await pilot.press(*"BENCH-1", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BenchScreen) and screen.view is not None
        for _ in range(scans):
            before = screen.view.ticked

            def ticked(before: int = before) -> bool:
                return screen.view is not None and screen.view.ticked > before

            times.append(await scan_once(app, ticked))
            await pilot.pause()
    return times


class Bare(App[None]):
    """The least a Textual app does with the same keys: an Input and a counter."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("0", id="count")
        yield Input(id="scan")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.count += 1
        event.input.value = ""
        self.query_one("#count", Static).update(str(self.count))


async def bare_latencies(scans: int) -> list[float]:
    app = Bare()
    times: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for _ in range(scans):
            before = app.count

            def counted(before: int = before) -> bool:
                return app.count > before

            times.append(await scan_once(app, counted))
            await pilot.pause()
    return times


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace) -> list[Row]:
    orders, scans = (5_000, 60) if args.quick else (100_000, 300)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(
            target=build_store, args=(url, orders, scans)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("building the benchmark store failed")
        built = time.perf_counter() - started
        bare = asyncio.run(bare_latencies(scans))
        real = asyncio.run(bench_latencies(url, scans))
    p95_real, p95_bare = percentile(real, 95), percentile(bare, 95)
    ratio = p95_real / p95_bare if p95_bare else float("inf")
    memory = peak_rss_mb()
    return [
        Row("orders in the store", orders, "n"),
        Row("store built in", built, "s"),
        Row("scans", scans, "n"),
        Row("bench scan→tick p50", percentile(real, 50), "ms"),
        Row("bench scan→tick p95", p95_real, "ms", "<= 25 ms", p95_real <= 25),
        Row("bare Textual p50", percentile(bare, 50), "ms"),
        Row("bare Textual p95", p95_bare, "ms"),
        Row("p95 ratio bench / bare", ratio, "x", "<= 2", ratio <= 2),
        Row("bench process peak memory", memory, "MB", "<= 200 MB", memory <= 200),
    ]
