"""PostgreSQL going away under many benches: sessions killed with ``pg_terminate_backend`` in the
middle of claims and scans, and the server restarted mid-drain.  The benches say the store is
unreachable, retry with back-off, lose no committed action, apply nothing twice and carry on."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from tests.stress.invariants import assert_all_hold
from tests.stress.seed import seed_store
from tests.stress.supervisor import Benches
from tests.support.pgcluster import Cluster

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WAIT_S = 300.0


class Terminator:
    """Kills ``limit`` bench sessions of one database, a random one every 0.1–0.4 s, from a
    thread.  (Killing faster than the benches can work would only measure the back-off.)"""

    def __init__(self, server_url: str, database: str, seed: int, limit: int = 40) -> None:
        self.admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
        self.database = database
        self.rng = random.Random(seed)
        self.limit = limit
        self.killed = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.admin.connect() as conn:
            while self.killed < self.limit and not self.stop.wait(self.rng.uniform(0.1, 0.4)):
                # only sessions in a transaction or running a statement: the middle of an action
                done = conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid() "
                        "AND state IN ('active', 'idle in transaction') "
                        "ORDER BY random() LIMIT 1"
                    ),
                    {"db": self.database},
                ).all()
                self.killed += sum(1 for (ok,) in done if ok)

    def __enter__(self) -> Terminator:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.admin.dispose()


def test_sessions_terminated_during_claims_and_scans(
    pg_server: str, pg_template: str, tmp_path: Path
) -> None:
    from tests.conftest import new_pg_database
    from tests.stress.pgdb import drop_pg_database

    url = new_pg_database(pg_server, pg_template)
    try:
        orders = 400
        seed_store(url, orders)
        with (
            Benches(url, tmp_path, 8, seed=3) as benches,
            Terminator(pg_server, str(make_url(url).database), seed=5) as terminator,
        ):
            results = benches.wait(WAIT_S)
        assert all(code == 0 for code, _err in results.values()), results
        assert terminator.killed >= 20, terminator.killed
        unreachable = assert_all_hold(url, benches, orders, exact=True)
        assert unreachable > 0  # the benches did notice, and said so
    finally:
        drop_pg_database(pg_server, url)


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of this test alone: restarting the shared one would break others."""
    try:
        cluster = Cluster()
        cluster.start()
    except Exception as exc:  # pragma: no cover - same rule as the shared server
        import os

        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not be started in CI: {exc}")
        pytest.skip(f"PostgreSQL not available here ({exc})")
    try:
        yield cluster
    finally:
        cluster.stop()


def test_postgres_restarted_mid_drain(own_cluster: Cluster, tmp_path: Path) -> None:
    admin = create_engine(make_url(own_cluster.url("postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE stress"))
    admin.dispose()
    url = own_cluster.url("stress")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    orders = 300
    seed_store(url, orders)
    with Benches(url, tmp_path, 4, seed=4) as benches:
        # restart once the benches are well into the queue, twice
        for _ in range(2):
            benches.wait_for_actions(150, timeout_s=WAIT_S)
            own_cluster.restart()
        results = benches.wait(WAIT_S)
    assert all(code == 0 for code, _err in results.values()), results
    unreachable = assert_all_hold(url, benches, orders, exact=True)
    assert unreachable > 0
