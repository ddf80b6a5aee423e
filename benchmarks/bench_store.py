"""Store baseline: how fast a unit of work that writes one event commits on SQLite."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.table import Row, percentile
from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from packstation.store.uow import UnitOfWork


def run(args: argparse.Namespace) -> list[Row]:
    count = 200 if args.quick else 2000
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        times = []
        for _ in range(count):
            started = time.perf_counter()
            uow = UnitOfWork(engine, bench="bench-1", user="bench")
            with uow:
                uow.record("benchmark")
                uow.commit()
            times.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    return [
        Row("event commits", count, "n"),
        Row("commit p50", percentile(times, 50), "ms"),
        Row("commit p99", percentile(times, 99), "ms"),
    ]
