"""``db upgrade`` while benches run on the store: refused, since they would go on with the old
schema, unless ``--force``; with no bench running, or nothing to upgrade, it goes ahead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine

from packstation.cli import main
from packstation.store.bench_name import BenchName, benches_running
from packstation.store.engine import make_engine
from packstation.store.migrate import alembic_config, current_revision, head_revision


@pytest.fixture
def old_store(store_url: str) -> Iterator[tuple[str, Engine]]:
    """A store behind the current schema (taken back to an empty one), and an engine on it."""
    engine = make_engine(store_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    yield store_url, engine
    engine.dispose()


def _upgrade(url: str, *extra: str) -> int:
    try:
        main(["--db", url, "--lang", "en", "db", "upgrade", *extra])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_an_upgrade_waits_for_the_benches_to_stop(
    old_store: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    url, engine = old_store
    names = [BenchName(engine, "bench-1"), BenchName(engine, "bench-2")]
    for name in names:
        name.hold()
    try:
        assert benches_running(engine) == 2
        assert _upgrade(url) == 3
        err = capsys.readouterr().err
        assert err == (
            "packstation: 2 benches are running on this store; stop them before the upgrade "
            "(they would go on with the old schema), then run it again, or add --force.\n"
        )
        assert current_revision(engine) is None  # nothing was changed
    finally:
        names[0].release()
    assert benches_running(engine) == 1
    assert _upgrade(url) == 3
    assert capsys.readouterr().err == (
        "packstation: 1 bench is running on this store; stop it before the upgrade "
        "(it would go on with the old schema), then run it again, or add --force.\n"
    )
    assert _upgrade(url, "--force") == 0
    assert current_revision(engine) == head_revision()
    assert _upgrade(url) == 0  # nothing to upgrade: a bench running does not matter
    assert "already at schema" in capsys.readouterr().out
    names[1].release()
    assert benches_running(engine) == 0
