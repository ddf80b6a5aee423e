"""Many benches on one store: aggregate orders per second, the latency of each bench
transaction and the processor time the bench processes spent per order, for SQLite (4 bench
processes on one machine) and PostgreSQL (16 bench processes).

Each bench is the stress tests' simulated packer (``tests.stress.driver``) in its own process:
claim the next due order, scan its items, weigh, queue and print the label and slip, next.
The clock starts when every bench has loaded (they wait at a barrier), so Python starting up
sixteen times is not counted as packing.
PostgreSQL comes from ``PACKSTATION_TEST_PG`` (a server URL whose user may create databases) or a
throwaway cluster started here, with the server's default durability (``fsync``,
``synchronous_commit``), not the tests' faster settings.  ``--quick`` drains fewer orders;
``--benches N`` runs N benches on each store (the targets are judged at 4 and 16 only).

With its own cluster the benchmark also prints the processor time the server spent per order.
On this machine the benches and the server share the two cores, so the orders per second are
bounded by the bench processes' time plus the server's; benches on machines of their own leave
the server's cores to the server, and the server's time alone bounds the rate
(``server-bound orders per second``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import server_cpu
from benchmarks.table import Row, percentile
from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from tests.stress.seed import seed_store
from tests.stress.supervisor import Benches

# the bench transactions whose latencies are printed one by one (the packer's every order)
STEPS = ("claim", "scan", "weigh")
TARGETS = {  # store: (benches, orders/s at least, p99 ms at most)
    "sqlite": (4, 100.0, 50.0),
    "postgres": (16, 200.0, 50.0),
}


@dataclass
class Figures:
    benches: int
    orders: int
    seconds: float
    latencies_ms: list[float]
    busy: int  # SQLITE_BUSY or lost connections the benches met (retried)
    errors: int  # errors that reached a packer
    cpu_s: float  # processor time the bench processes spent packing (the store's not counted)
    held_s: float  # SQLite: how long the benches held the writers' line, in all
    server_s: float | None = None  # PostgreSQL started here: the server's processor time
    # each kind of bench transaction's latencies (claim, scan, weigh…): where the p99 comes from
    by_step: dict[str, list[float]] = field(default_factory=dict)


class ServerTime:
    """The processor seconds the PostgreSQL server started here has spent so far."""

    def __init__(self, data_dir: Path, database: str) -> None:
        self.postmaster = server_cpu.postmaster_pid(data_dir)
        self.database = database

    def seconds(self) -> float:
        return server_cpu.server_seconds(self.postmaster)

    def seconds_after_clients(self) -> float:
        """Once no backend of the database is left (a bench's ends a moment after the bench),
        so that the time of every backend is counted."""
        server_cpu.wait_for_clients(self.postmaster, self.database)
        return self.seconds()


def _drain(
    url: str,
    folder: Path,
    benches: int,
    orders: int,
    server: ServerTime | None = None,
) -> Figures:
    """``server``: the server's processor time, read once the benches are ready and again once
    they have gone."""
    seed_store(url, orders)
    with Benches(url, folder, benches, seed=7, deadline_s=900, barrier=True) as running:
        running.release()
        server_before = server.seconds() if server is not None else 0.0
        results = running.wait(900)
    server_s = server.seconds_after_clients() - server_before if server is not None else None
    failed = {i: r for i, r in results.items() if r[0] != 0}
    if failed:
        raise RuntimeError(f"benches failed: {failed}")
    ready: list[float] = []
    finished: list[float] = []
    latencies: list[float] = []
    by_step: dict[str, list[float]] = {}
    busy = errors = 0
    cpu = held = 0.0
    for path in running.journals():
        for raw in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(raw)
            if "started" in record:
                ready.append(float(record["started"]))
                cpu -= float(record["cpu"])
                held -= float(record["held"])
            elif "finished" in record:
                finished.append(float(record["t"]))
                cpu += float(record["cpu"])
                held += float(record["held"])
            elif record.get("phase") == "done":
                latencies.append(float(record["ms"]))
                by_step.setdefault(record["step"], []).append(float(record["ms"]))
                errors += record["outcome"] == "error"
            elif record.get("state") == "unreachable":
                busy += 1
    seconds = max(finished) - min(ready)
    return Figures(benches, orders, seconds, latencies, busy, errors, cpu, held, server_s, by_step)


def _sqlite(folder: Path, benches: int, orders: int) -> Figures:
    url = f"sqlite:///{folder / 'benches.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return _drain(url, folder, benches, orders)


def _postgres(folder: Path, benches: int, orders: int) -> Figures:
    from tests.support.pgcluster import Cluster

    cluster: Cluster | None = None
    server = os.environ.get("PACKSTATION_TEST_PG")
    if not server:
        cluster = Cluster(durable=True)  # commits reach the disk, as on a real server
        server = cluster.start()
    name = f"bench_benches_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        spent = None if cluster is None else ServerTime(cluster.data, name)
        return _drain(url, folder, benches, orders, spent)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if cluster is not None:
            cluster.stop()


def _rows(store: str, figures: Figures) -> list[Row]:
    benches, rate_target, p99_target = TARGETS[store]
    judged = figures.benches == benches  # the targets are for that many benches
    rate = figures.orders / figures.seconds
    p99 = percentile(figures.latencies_ms, 99)
    rows = [
        Row(f"{store}: benches", figures.benches, "n"),
        Row(f"{store}: orders drained", figures.orders, "n"),
        Row(
            f"{store}: orders per second",
            rate,
            "/s",
            f">= {rate_target:.0f}" if judged else "",
            rate >= rate_target if judged else None,
        ),
        Row(f"{store}: transaction p50", percentile(figures.latencies_ms, 50), "ms"),
        Row(
            f"{store}: bench processor time per order", figures.cpu_s / figures.orders * 1000, "ms"
        ),
        Row(
            f"{store}: transaction p99",
            p99,
            "ms",
            f"<= {p99_target:.0f}" if judged else "",
            p99 <= p99_target if judged else None,
        ),
        Row(f"{store}: errors reaching a packer", figures.errors, "n", "= 0", figures.errors == 0),
    ]
    for step in STEPS:
        taken = figures.by_step.get(step, [])
        if taken:
            rows.append(Row(f"{store}: {step} p50", percentile(taken, 50), "ms"))
            rows.append(Row(f"{store}: {step} p99", percentile(taken, 99), "ms"))
    if store == "sqlite":
        # one writer at a time: the line's time per order bounds the rate (1000 / ms per order)
        held_ms = figures.held_s / figures.orders * 1000
        rows.append(Row(f"{store}: writers' line held per order", held_ms, "ms"))
        rows.append(
            Row(
                f"{store}: writers' line held, share of the run",
                figures.held_s / figures.seconds * 100,
                "%",
            )
        )
    if figures.server_s is not None:
        server_ms = figures.server_s / figures.orders * 1000
        rows.append(Row(f"{store}: server processor time per order", server_ms, "ms"))
        # the server alone on this machine's cores, the benches on machines of their own
        bound = (os.cpu_count() or 1) * 1000 / server_ms if server_ms else float("inf")
        rows.append(Row(f"{store}: server-bound orders per second", bound, "/s"))
    label = "SQLITE_BUSY reaching the bench" if store == "sqlite" else "lost connections"
    rows.append(Row(f"{store}: {label}", figures.busy, "n", "= 0", figures.busy == 0))
    return rows


def run(args: argparse.Namespace) -> list[Row]:
    orders = 300 if args.quick else 2000
    rows: list[Row] = []
    for store, drain in (("sqlite", _sqlite), ("postgres", _postgres)):
        benches = getattr(args, "benches", None) or TARGETS[store][0]
        with tempfile.TemporaryDirectory(prefix=f"bench-{store}-") as folder:
            started = time.perf_counter()
            figures = drain(Path(folder), benches, orders)
            rows += _rows(store, figures)
            rows.append(Row(f"{store}: wall time", time.perf_counter() - started, "s"))
    return rows
