"""Store fixtures for every test: a fresh, migrated store per test, on SQLite and PostgreSQL.

``store_url`` is parametrised over both stores.  PostgreSQL comes from ``PACKSTATION_TEST_PG`` (a
server URL whose user may create databases) or from a throwaway cluster the tests start; in CI
(``CI`` set) a PostgreSQL that cannot be had fails the run instead of skipping.
"""

from __future__ import annotations

import itertools
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from packstation.config import Settings
from packstation.i18n import set_language
from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from packstation.store.uow import UnitOfWork
from tests.stress.pgdb import drop_pg_database
from tests.support.pgcluster import Cluster

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's admin database."""
    given = os.environ.get("PACKSTATION_TEST_PG")
    if given:
        yield given
        return
    cluster = Cluster()
    try:
        url = cluster.start()
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not be started in CI: {exc}")
        pytest.skip(f"PostgreSQL not available here ({exc}); CI runs these tests")
    cluster_ref.append(cluster)
    try:
        yield url
    finally:
        cluster_ref.remove(cluster)
        cluster.stop()


cluster_ref: list[Cluster] = []


def _admin(server_url: str) -> Engine:
    return create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    name = f"pstemplate_{os.getpid()}"
    admin = _admin(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        str(make_url(pg_server).set(database=name).render_as_string(hide_password=False))
    )
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


def new_pg_database(pg_server: str, template: str) -> str:
    name = f"ps_{os.getpid()}_{next(_counter)}"
    admin = _admin(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(pg_server).set(database=name).render_as_string(hide_password=False)


def new_sqlite_store(template: Path, folder: Path) -> str:
    path = folder / f"store-{next(_counter)}.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh store at head, on each backend.  A PostgreSQL one is dropped after its test (the
    fixtures that use it are torn down first): hundreds of databases of 12 MB each, kept to the
    end, had the disk writing gigabytes while the tests ran."""
    if request.param == "sqlite":
        yield new_sqlite_store(sqlite_template, tmp_path)
        return
    server = request.getfixturevalue("pg_server")
    url = new_pg_database(server, request.getfixturevalue("pg_template"))
    yield url
    try:
        drop_pg_database(server, url)
    except Exception as exc:  # a test that stopped the server: it is removed with the cluster
        warnings.warn(f"test database not dropped: {exc}", stacklevel=1)


@pytest.fixture
def pg_engine(pg_server: str, pg_template: str) -> Iterator[Engine]:
    """A fresh store at head on PostgreSQL alone (row locks, sessions and the like are its own);
    its database is dropped afterwards."""
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_database(pg_server, url)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh SQLite store at head (for tests that are about SQLite alone)."""
    return new_sqlite_store(sqlite_template, tmp_path)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(store_url: str) -> Settings:
    return Settings().with_store_url(store_url)


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[..., UnitOfWork]:
    def make(bench: str = "bench-test", user: str = "tester", readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, bench=bench, user=user, readonly=readonly)

    return make
