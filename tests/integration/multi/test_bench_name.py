"""One running bench per bench name, on both stores: a second bench under a name in use is
refused with where the first runs; a name is free again when its bench stops or is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from packstation.errors import StoreError
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine
from tests.conftest import new_pg_database
from tests.support.bench_names import end_session_holding

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def other(store_url: str) -> Iterator[Engine]:
    """Another bench process's engine on the same store."""
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def test_a_second_bench_under_a_name_in_use_is_refused(engine: Engine, other: Engine) -> None:
    first = BenchName(engine, "bench-3", wait_s=0.0)
    first.hold()
    try:
        second = BenchName(other, "bench-3", wait_s=0.3)
        with pytest.raises(StoreError) as refused:
            second.hold()
        said = str(refused.value)
        assert said.startswith("Another bench named bench-3 is running")
        expected_where = " on this machine" if engine.dialect.name == "sqlite" else " on 127.0.0.1"
        assert expected_where + ";" in said and "[bench] name" in said
        BenchName(other, "bench-4", wait_s=0.0).hold()  # another name is free
    finally:
        first.release()
    again = BenchName(other, "bench-3", wait_s=0.0)
    again.hold()  # the first bench stopped: its name is free
    again.release()


def test_a_killed_bench_gives_its_name_back(store_url: str, other: Engine) -> None:
    holder = textwrap.dedent(
        f"""
        import sys, time
        from packstation.store.bench_name import BenchName
        from packstation.store.engine import make_engine
        BenchName(make_engine({store_url!r}), "bench-7", wait_s=0.0).hold()
        print("held", flush=True)
        time.sleep(60)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="bench-7"):
            BenchName(other, "bench-7", wait_s=0.0).hold()
        process.kill()  # SIGKILL: no goodbye to the store
        process.wait(10)
        name = BenchName(other, "bench-7")  # waits the few moments the server may take
        name.hold()
        name.release()
    finally:
        process.kill()
        process.wait(10)


def test_the_bench_command_refuses_a_name_in_use_in_one_line(
    store_url: str, engine: Engine, tmp_path: Path
) -> None:
    """A configuration copied to a second machine: its bench stops before the screen opens."""
    held = BenchName(engine, "bench-2", wait_s=0.0)
    held.hold()
    try:
        env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-m", "packstation", "--db", store_url, "bench", "--bench", "bench-2"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
    finally:
        held.release()
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "Another bench named bench-2 is running" in result.stderr


@pytest.fixture
def pg_url(pg_server: str, pg_template: str) -> str:
    return new_pg_database(pg_server, pg_template)


@pytest.mark.postgres
def test_a_bench_takes_its_name_again_after_its_session_was_lost(pg_url: str) -> None:
    engine, other = make_engine(pg_url), make_engine(pg_url)
    name = BenchName(engine, "bench-5", wait_s=0.0)
    name.hold()
    try:
        assert end_session_holding(other, "bench-5") == 1  # the server restarted, say
        name.keep()
        with pytest.raises(StoreError, match="bench-5"):
            BenchName(other, "bench-5", wait_s=0.0).hold()
        name.keep()  # still held: taken once, by one session
        assert end_session_holding(other, "bench-5") == 1
    finally:
        name.release()
        engine.dispose()
        other.dispose()


@pytest.mark.postgres
def test_a_bench_whose_name_was_taken_meanwhile_is_told_where(pg_url: str) -> None:
    engine, other = make_engine(pg_url), make_engine(pg_url)
    name = BenchName(engine, "bench-5", wait_s=0.0)
    name.hold()
    second = BenchName(other, "bench-5", wait_s=0.0)
    try:
        end_session_holding(other, "bench-5")
        second.hold()  # a bench under the same name started while the name was free
        with pytest.raises(StoreError) as taken:
            name.keep()
        assert str(taken.value).startswith("Another bench named bench-5 is running on 127.0.0.1;")
        second.release()
        name.keep()  # free again: taken
        with pytest.raises(StoreError):
            BenchName(other, "bench-5", wait_s=0.0).hold()
    finally:
        second.release()
        name.release()
        engine.dispose()
        other.dispose()
