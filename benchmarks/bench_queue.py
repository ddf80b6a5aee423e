"""The lead's queue with a big day: how fast it opens and how fast a filter keystroke answers.

Targets (issue 7): with 50,000 orders due in a day the queue opens in at most 1 s and a filter
keystroke answers in at most 100 ms at p95.  The same figures are printed for 1,000 orders.
Measured on SQLite: the service alone (page + status counts, then one page per keystroke) and
the whole application opening headless until its first page is on screen.  A keystroke's answer
is the page; the screen asks for the "x of N" count in a second query right after it, whose
time is printed too, and so is the processor time of the page (on a machine shared with other
work, wall-clock times grow with the load; the processor time does not).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, select

from benchmarks.table import Row, percentile
from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from packstation.store.models import Carrier, Order, Parcel
from packstation.store.uow import UnitOfWork

ZONE = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=ZONE)
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴倩"]
STATUSES = [S.READY] * 6 + [S.PACKING, S.ON_HOLD, S.PACKED, S.PACKED, S.HANDED_OVER, S.CANCELLED]
# what a lead types, one keystroke at a time
TYPED = ["3364111", "YTO", "hold", "bench-3", "王芳", "5678", "YT70000012", "packed SF"]


def fill(engine: Engine, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with engine.begin() as conn:
        conn.execute(
            insert(Carrier),
            [{"code": c, "name": c, "label_template": "standard"} for c in ("YTO", "ZTO", "SF")],
        )
        rows = []
        for n in range(count):
            status = rng.choice(STATUSES)
            packing = status == S.PACKING
            due = DAY - dt.timedelta(days=1) if n % 50 == 0 else DAY
            rows.append(
                {
                    "platform": "taobao",
                    "order_no": str(3364111318168540000 + n * 7919),
                    "recipient_name": rng.choice(NAMES),
                    "phone": f"138{rng.randint(0, 99_999_999):08d}",
                    "paid_at": NOW - dt.timedelta(minutes=rng.randint(0, 1440)),
                    "due_date": due,
                    "carrier": "SF" if n % 9 == 0 else ("ZTO" if n % 7 == 0 else "YTO"),
                    "status": status,
                    "claimed_bench": f"bench-{n % 8}" if packing else None,
                    "claimed_user": "小李" if packing else None,
                    "hold_reason": "缺货" if status == S.ON_HOLD else "",
                    "imported_at": NOW,
                    "updated_at": NOW,
                    "buyer_note": "",
                    "seller_note": "",
                }
            )
        conn.execute(insert(Order), rows)
        ids = conn.execute(
            select(Order.id, Order.status, Order.carrier).where(  # type: ignore[call-overload]
                Order.status.in_([S.PACKED, S.HANDED_OVER])  # type: ignore[attr-defined]
            )
        ).all()
        conn.execute(
            insert(Parcel),
            [
                {
                    "order_id": order_id,
                    "seq": 1,
                    "carrier": carrier,
                    "tracking_no": f"YT7{order_id:012d}",
                    "status": "packed" if status == S.PACKED else "handed_over",
                    "bench": f"bench-{order_id % 8}",
                    "packer": "小张",
                    "measured_weight_g": 500,
                    "created_at": NOW,
                    "carton": "",
                    "weight_source": "scale",
                }
                for order_id, status, carrier in ids
            ],
        )


def _service(
    engine: Engine, settings: Settings
) -> tuple[float, list[float], list[float], list[float]]:
    from packstation.services.queue import queue_counts, queue_page, queue_total

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, readonly=True)

    started = time.perf_counter()
    queue_page(uow(), day=DAY, settings=settings, limit=30, now=NOW)
    queue_counts(uow(), day=DAY, settings=settings)
    opened = time.perf_counter() - started
    keystrokes = []  # until the page is on screen
    counted = []  # until the "x of N" line is too
    cpu = []  # the page's processor time: what the wall time would be on an idle machine
    for word in TYPED:
        for end in range(1, len(word) + 1):
            text = word[:end]
            started = time.perf_counter()
            cpu_started = time.process_time()
            page = queue_page(
                uow(), day=DAY, settings=settings, filter_text=text, limit=30, now=NOW, count=False
            )
            keystrokes.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            if page.total is None:
                queue_total(uow(), day=DAY, settings=settings, filter_text=text)
            counted.append((time.perf_counter() - started) * 1000)
    return opened, keystrokes, counted, cpu


def _app_open(engine: Engine, settings: Settings) -> float:
    from packstation.lead_app import LeadApp
    from packstation.screens.lead.queue import QueueScreen

    app = LeadApp(settings, engine=engine, clock=lambda: NOW, refresh_seconds=60, blink=False)
    result: list[float] = []

    async def scenario() -> None:
        started = time.perf_counter()
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            while screen.refreshes < 1:
                await pilot.pause(0.005)
            result.append(time.perf_counter() - started)

    asyncio.run(scenario())
    return result[0]


def _measure(count: int, folder: Path) -> list[Row]:
    url = f"sqlite:///{folder / f'queue-{count}.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, count)
    settings = Settings().with_store_url(url)
    opened, keystrokes, counted, cpu = _service(engine, settings)
    app_opened = _app_open(engine, settings)
    engine.dispose()
    p95 = percentile(keystrokes, 95)
    big = count >= 50_000
    return [
        Row(
            f"{count:,} orders: queue opens (service)",
            opened * 1000,
            "ms",
            "<= 1000 ms" if big else "",
            opened <= 1 if big else None,
        ),
        Row(
            f"{count:,} orders: queue opens (app, first page)",
            app_opened * 1000,
            "ms",
            "<= 1000 ms" if big else "",
            app_opened <= 1 if big else None,
        ),
        Row(f"{count:,} orders: keystroke p50", percentile(keystrokes, 50), "ms"),
        Row(
            f"{count:,} orders: keystroke p95, page ({len(keystrokes)} keys)",
            p95,
            "ms",
            "<= 100 ms" if big else "",
            p95 <= 100 if big else None,
        ),
        Row(f"{count:,} orders: keystroke p95, page + count", percentile(counted, 95), "ms"),
        Row(f"{count:,} orders: keystroke p95, page, CPU time", percentile(cpu, 95), "ms"),
    ]


def run(args: argparse.Namespace) -> list[Row]:
    sizes = [1_000, 5_000] if args.quick else [1_000, 50_000]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            rows.extend(_measure(count, Path(folder)))
    return rows
