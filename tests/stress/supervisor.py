"""Bench processes for the stress tests: start N drivers, SIGKILL them at random steps and start
them again, wait for them to drain the queue, and never leave one behind.

Each bench is an OS process of its own, forked from a server that has loaded the driver's
modules once (``multiprocessing``'s forkserver): a bench started again after a kill begins
packing at once, where a new interpreter spent a second and a half of processor time loading
packstation, SQLAlchemy and Pillow, fifty times in a crash test.  Nothing is shared: the server
never opens the store, and each bench makes its own engine as a bench application does.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections import Counter
from pathlib import Path

from tests.stress.driver import run_forked

# the benches' fork server, with the driver's modules loaded before the first bench starts
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["tests.stress.driver"])
POLL_S = 0.005
# the share of kills that may land while a bench starts (loading, finding its order again);
# the rest go to benches already packing, so the kills do not wait on each restart in turn
START_KILLS = 0.15


class Benches:
    """``count`` bench processes on one store; use as a context manager so every child dies."""

    def __init__(
        self,
        url: str,
        folder: Path,
        count: int,
        *,
        lease_seconds: int = 30,
        seed: int = 0,
        deadline_s: float = 900.0,
        printing: bool = True,
        barrier: bool = False,
    ) -> None:
        self.url = url
        self.folder = folder
        self.count = count
        self.lease_seconds = lease_seconds
        self.seed = seed
        self.deadline_s = deadline_s
        self.printing = printing
        # with a barrier, the benches wait after loading until ``release()``: a benchmark times
        # them working together, not Python starting up
        self.start_file = folder / "start" if barrier else None
        self.stop_file = folder / "stop"  # ``stop()``: each bench stops between two orders
        self.procs: dict[int, Bench] = {}
        self.kill_steps: Counter[str] = Counter()
        self.starts = 0

    def journal(self, index: int) -> Path:
        return self.folder / f"bench-{index}.jsonl"

    def journals(self) -> list[Path]:
        return [self.journal(i) for i in range(self.count)]

    def start(self, index: int) -> None:
        self.starts += 1
        argv = [
            "--db",
            self.url,
            "--bench",
            f"bench-{index}",
            "--seed",
            str(self.seed * 1000 + self.starts),
            "--journal",
            str(self.journal(index)),
            "--lease",
            str(self.lease_seconds),
            "--deadline",
            str(self.deadline_s),
            "--printer-dir",
            str(self.printer_dir(index)),
            *([] if self.printing else ["--no-print"]),
            *(["--start-file", str(self.start_file)] if self.start_file else []),
            "--stop-file",
            str(self.stop_file),
        ]
        self.procs[index] = Bench(argv, self.errors(index))

    def release(self, timeout_s: float = 300.0) -> None:
        """Start every bench at once, when all have loaded (with ``barrier``)."""
        assert self.start_file is not None
        deadline = time.monotonic() + timeout_s
        while not all(self._ready(i) for i in range(self.count)):
            if time.monotonic() > deadline:
                raise TimeoutError("benches did not get ready")
            if any(proc.poll() not in (None, 0) for proc in self.procs.values()):
                raise RuntimeError("a bench died while starting")
            time.sleep(POLL_S)
        self.start_file.touch()

    def stop(self) -> None:
        """Each bench packs the order in its hands to the end, sends its labels and stops, the
        rest of the queue left as it is."""
        self.stop_file.touch()

    def _ready(self, index: int) -> bool:
        try:
            return '"ready"' in self.journal(index).read_text(encoding="utf-8")
        except FileNotFoundError:
            return False

    def printer_dir(self, index: int) -> Path:
        return self.folder / f"printer-{index}"

    def printed(self) -> list[Path]:
        """Every job any bench's printer printed (the folder printer writes one file a job)."""
        return sorted(
            path
            for index in range(self.count)
            for path in self.printer_dir(index).glob("*")
            if not path.name.startswith(".")
        )

    def errors(self, index: int) -> Path:
        return self.folder / f"bench-{index}.err"

    def __enter__(self) -> Benches:
        for index in range(self.count):
            self.start(index)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill_all()

    def kill_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs.values():
            proc.wait(timeout=30)

    def _lines(self, index: int) -> int:
        try:
            with self.journal(index).open("rb") as f:
                return sum(1 for _ in f)
        except FileNotFoundError:
            return 0

    def _working(self, index: int) -> bool:
        """Has the bench's current process begun an action (it is past starting)?"""
        try:
            text = self.journal(index).read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        return '"phase"' in text[text.rfind('"pid"') :]

    def _last_step(self, index: int) -> str:
        try:
            lines = self.journal(index).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return "before start"
        for raw in reversed(lines):
            try:
                record = json.loads(raw)
            except ValueError:
                return "mid-write"
            if "phase" in record:
                if record["phase"] == "start":
                    return f"in {record['step']}"
                return f"after {record['step']}"
            if "pid" in record:
                return "starting"
        return "starting"

    def kill_randomly(self, kills: int, rng: random.Random, *, timeout_s: float) -> int:
        """SIGKILL a random running bench after it wrote a random number of journal lines (so
        the kill lands at a random step, often inside a transaction) and start it again, until
        ``kills`` kills or every bench has finished.  Returns the kills done."""
        done = 0
        give_up = time.monotonic() + timeout_s
        while done < kills and time.monotonic() < give_up:
            running = [i for i, p in self.procs.items() if p.poll() is None]
            if not running:
                break
            working = [i for i in running if self._working(i)]
            victim = rng.choice(working if working and rng.random() >= START_KILLS else running)
            target = self._lines(victim) + rng.randint(1, 6)
            proc = self.procs[victim]
            while (
                proc.poll() is None and self._lines(victim) < target and time.monotonic() < give_up
            ):
                time.sleep(POLL_S)
            # a short random extra delay moves the kill off the journal line into the action
            time.sleep(rng.uniform(0, 0.01))
            if proc.poll() is not None:
                continue
            proc.kill()
            proc.wait(timeout=30)
            self.kill_steps[self._last_step(victim)] += 1
            done += 1
            self.start(victim)
        return done

    def wait_for_actions(self, more: int, *, timeout_s: float) -> None:
        """Wait until the benches together wrote ``more`` further journal lines."""
        target = sum(self._lines(i) for i in range(self.count)) + more
        give_up = time.monotonic() + timeout_s
        while sum(self._lines(i) for i in range(self.count)) < target:
            if time.monotonic() > give_up or all(p.poll() is not None for p in self.procs.values()):
                return
            time.sleep(POLL_S * 10)

    def wait(self, timeout_s: float) -> dict[int, tuple[int | None, str]]:
        """Wait for every bench to finish; (exit code, stderr tail) of each."""
        give_up = time.monotonic() + timeout_s
        results: dict[int, tuple[int | None, str]] = {}
        for index, proc in self.procs.items():
            code = proc.wait(timeout=max(give_up - time.monotonic(), 0.1))
            if code is None:
                results[index] = (None, "still running at the deadline")
                continue
            err = self.errors(index).read_text(encoding="utf-8", errors="replace")
            results[index] = (code, err[-2000:])
        return results


class Bench:
    """One bench process, forked from ``FORKS``: its output to nowhere, its errors to a file."""

    def __init__(self, argv: list[str], errors: Path) -> None:
        self.process = FORKS.Process(target=run_forked, args=(argv, str(errors)))
        self.process.start()

    def poll(self) -> int | None:
        """The exit code (negative: the signal that killed it), None while it runs."""
        return self.process.exitcode

    def kill(self) -> None:
        """SIGKILL, as a power cut or ``kill -9`` would."""
        self.process.kill()

    def wait(self, timeout: float) -> int | None:
        self.process.join(timeout)
        return self.process.exitcode
