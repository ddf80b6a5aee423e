"""The benchmark's account of a server's processor time: a process tree read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from benchmarks.server_cpu import server_seconds, wait_for_clients

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# A stand-in for a postmaster: one child spends 0.3 s of processor time and is reaped, another
# lives with a backend's process title ("postgres: USER DATABASE HOST") until it is killed.
PARENT = """
import subprocess, sys, time
subprocess.run([sys.executable, "-c",
    "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.3: pass"])
backend = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(60)", "postgres:", "u", "shopdb", "local"])
print(backend.pid, flush=True)
backend.wait()
time.sleep(60)
"""


@pytest.fixture
def tree() -> Iterator[tuple[int, int]]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    backend = int(parent.stdout.readline())
    try:
        yield parent.pid, backend
    finally:
        parent.kill()
        parent.wait()
        if os.path.exists(f"/proc/{backend}"):
            os.kill(backend, signal.SIGKILL)


def test_a_reaped_childs_time_is_counted(tree: tuple[int, int]) -> None:
    parent, _backend = tree
    assert 0.25 <= server_seconds(parent) < 5


def test_waits_for_the_databases_backends_to_end(tree: tuple[int, int]) -> None:
    parent, backend = tree
    with pytest.raises(TimeoutError, match="shopdb"):
        wait_for_clients(parent, "shopdb", timeout_s=0.2)
    wait_for_clients(parent, "otherdb", timeout_s=0.2)  # another database's: not waited for
    os.kill(backend, signal.SIGTERM)
    wait_for_clients(parent, "shopdb", timeout_s=5)


def test_a_server_that_is_gone_is_named() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with pytest.raises(RuntimeError, match=str(gone.pid)):
        server_seconds(gone.pid)
