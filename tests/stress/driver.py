"""A simulated packer: one bench process draining the queue through the packing services.

Each bench is an OS process of its own: forked by the stress tests' supervisor (which the
many-benches benchmark uses too), or started by hand::

    python -m tests.stress.driver --db URL --bench bench-3 --seed 3 --journal FILE

It claims the next due order (or resumes the one its bench held when it was killed), scans the
items in a random order with some wrong and unknown barcodes, sometimes ticks by hand or starts
a new box, weighs each box (sometimes outside the tolerance first) and goes on until the queue is
empty.  Every call goes through ``run_action`` as a bench would, so lost connections are retried
and an action that did commit is never applied twice.

The journal gets one JSON line when an action starts and one when it returns, written straight
to the file (line-buffered), so a SIGKILL loses at most the answer of the action it interrupted:
the tests compare it with the event log.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import IO, Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from packstation.config import CarrierSettings, Settings
from packstation.domain.packing import tolerance
from packstation.domain.status import WeightSource
from packstation.errors import StoreError, UserError
from packstation.services.claims import ClaimLost, claimed_here, renew_lease
from packstation.services.outbox import OutboxSender
from packstation.services.packing import (
    ScanResult,
    close_box,
    scan_item,
    take_next,
    tick_manually,
    weigh,
)
from packstation.services.packing_view import OrderView, Phase, read_order
from packstation.services.retry import AlreadyApplied, new_action_id, run_action
from packstation.services.warm_up import warm_up
from packstation.store.engine import make_engine, sqlite_path
from packstation.store.models import ProductBarcode
from packstation.store.uow import UnitOfWork
from packstation.store.writers import held_seconds

T = TypeVar("T")

# the event kind each outcome must have written (checked against the log by tests.stress.invariants)
OUTCOME_EVENTS = {
    "claimed": "order_claimed",
    "ticked": "item_scanned",
    "refused": "scan_refused",
    "manual": "item_ticked_by_hand",
    "closed": "box_closed",
    "accepted": "weight_accepted",
    "weight_refused": "weight_refused",
}


class Packer:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        bench: str,
        rng: random.Random,
        journal: IO[str],
        mistakes: float = 0.08,
        deadline: float = 600.0,
        printing: bool = True,
        start_file: str = "",
        stop_file: str = "",
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.bench = bench
        self.user = f"packer-{bench}"
        self.rng = rng
        self.journal = journal
        self.mistakes = mistakes
        self.deadline = time.monotonic() + deadline
        self.outcomes: Counter[str] = Counter()
        self.unreachable = 0
        self.codes: dict[str, str] = {}
        self.last_renewal = 0.0
        self.last_outcome = ""
        self.sender = OutboxSender(engine, settings)
        self.printing = printing
        self.start_file = start_file
        self.stop_file = stop_file

    # --- plumbing ---------------------------------------------------------------------------

    def _write(self, record: dict[str, Any]) -> None:
        self.journal.write(json.dumps(record, separators=(",", ":")) + "\n")

    def _on_state(self, state: str) -> None:
        if state == "unreachable":
            self.unreachable += 1
            self._write({"state": state})

    def act(
        self,
        step: str,
        call: Callable[[UnitOfWork], T],
        outcome: Callable[[T], str],
        order_id: int | None = None,
    ) -> T | None:
        """One bench action: journaled, retried on lost connections; None when it had already
        been applied by an attempt whose answer was lost."""
        action_id = new_action_id()
        self._write({"id": action_id, "step": step, "order": order_id, "phase": "start"})
        started = time.perf_counter()
        result: T | None
        try:
            result = run_action(
                self.engine,
                call,
                bench=self.bench,
                user=self.user,
                action_id=action_id,
                deadline_s=max(self.deadline - time.monotonic(), 1.0),
                on_state=self._on_state,
            )
            what = outcome(result)
        except AlreadyApplied:
            result, what = None, "applied"
        except ClaimLost:
            self._done(action_id, step, "lost", started)
            raise
        except (UserError, StoreError) as exc:
            self._done(action_id, step, "error", started, message=str(exc))
            raise
        self._done(action_id, step, what, started)
        return result

    def _done(
        self, action_id: str, step: str, outcome: str, started: float, message: str = ""
    ) -> None:
        self.outcomes[outcome] += 1
        self.last_outcome = outcome
        record: dict[str, Any] = {
            "id": action_id,
            "step": step,
            "phase": "done",
            "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 3),
        }
        if message:
            record["message"] = message
        self._write(record)

    def read(self, order_id: int) -> OrderView:
        # a read, as the bench's screen reads: no write lock taken
        view = run_action(
            self.engine,
            lambda uow: read_order(uow, order_id, self.settings),
            bench=self.bench,
            user=self.user,
            on_state=self._on_state,
            readonly=True,
        )
        assert view is not None
        return view

    # --- the packer -------------------------------------------------------------------------

    def load_codes(self) -> None:
        def codes(uow: UnitOfWork) -> dict[str, str]:
            with uow:
                rows = uow.session.exec(
                    select(ProductBarcode).where(ProductBarcode.multiplier == 1)
                )
                return {row.sku: row.code for row in rows}

        self.codes = run_action(self.engine, codes, bench="", user=self.user, readonly=True)

    def run(self) -> None:
        self.load_codes()
        warm_up(self.settings)  # as the bench application does when it starts
        self._write({"ready": time.time()})
        while self.start_file and not os.path.exists(self.start_file):
            time.sleep(0.005)  # every bench starts together (the benchmark's barrier)
        self._write(
            {"started": time.time(), "cpu": time.process_time(), "held": self.line_held_s()}
        )
        order_id = self._held()  # after a crash: the order this bench was packing
        while time.monotonic() < self.deadline:
            if order_id is None and self.stop_file and os.path.exists(self.stop_file):
                # told to stop: between two orders, the one in hand packed to the end
                self.print_labels()
                self._write({"queue": "stopped"})
                return
            if order_id is None:
                claim = self.act(
                    "claim",
                    partial(take_next, settings=self.settings),
                    lambda c: "claimed" if c is not None else "empty",
                )
                if claim is None and self.last_outcome == "applied":
                    # the claim did commit but its answer was lost: ask the store which order
                    order_id = self._held()
                    continue
                if claim is None:
                    self.print_labels()
                    self._write({"queue": "empty"})
                    return
                order_id = claim.order_id
                self.last_renewal = time.monotonic()
            with contextlib.suppress(ClaimLost):  # another bench took it: leave it alone
                self.pack(order_id)
            order_id = None

    def line_held_s(self) -> float:
        """How long this bench held the SQLite store's writers' line so far (0 on PostgreSQL)."""
        path = sqlite_path(self.settings.store.url)
        return held_seconds(path) if path is not None else 0.0

    def print_labels(self) -> None:
        """Send the queued labels and slips, as the bench's sender thread would; a store that is
        unreachable leaves them queued for the next try."""
        if not self.printing:
            return
        try:
            self.sender.run_once()
        except DBAPIError:
            self._on_state("unreachable")

    def _held(self) -> int | None:
        return run_action(
            self.engine,
            claimed_here,
            bench=self.bench,
            user=self.user,
            on_state=self._on_state,
            readonly=True,
        )

    def _renew(self, order_id: int) -> None:
        lease = self.settings.store.lease_seconds
        if time.monotonic() - self.last_renewal < lease / 3:
            return
        held = self.act(
            "renew",
            lambda uow: renew_lease(uow, order_id=order_id, lease_seconds=lease),
            lambda ok: "renewed" if ok else "lost",
            order_id,
        )
        if held is False:
            raise ClaimLost("lease gone")
        self.last_renewal = time.monotonic()

    def pack(self, order_id: int) -> None:
        """Pack one order to the end.  The order is read when it is opened and whenever the
        bench cannot know the state from the answers it got (a box closed, a weight accepted, an
        answer lost); between, the answers are enough — as on the bench's screen."""
        settings = self.settings
        view: OrderView | None = None
        remaining: dict[str, int] = {}
        phase = ""
        while time.monotonic() < self.deadline:
            self._renew(order_id)
            if view is None:
                view = self.read(order_id)
                if view.status != "packing" or view.claimed_bench != self.bench:
                    if view.status == "packing":
                        raise ClaimLost("taken over")
                    return
                remaining = {line.sku: line.remaining for line in view.lines}
                phase = view.phase
            if phase == Phase.WEIGHING:
                box = view.current
                assert box is not None and box.expected_g is not None
                room = tolerance(
                    box.expected_g, settings.weighing.tolerance_g, settings.weighing.tolerance_pct
                )
                grams = box.expected_g + self.rng.randint(-room, room)
                if self.rng.random() < self.mistakes:
                    grams = box.expected_g + room + 1 + self.rng.randint(0, 500)
                weighed = self.act(
                    "weigh",
                    partial(
                        weigh,
                        order_id=order_id,
                        grams=max(grams, 1),
                        source=WeightSource.SCALE,
                        settings=settings,
                    ),
                    lambda r: "accepted" if r.accepted else "weight_refused",
                    order_id,
                )
                if weighed is not None and weighed.accepted:
                    self.print_labels()
                if weighed is not None and weighed.order_packed:
                    return
                if weighed is None or weighed.accepted:
                    view = None  # the next box opened, or the answer was lost
                continue
            if phase != Phase.PICKING:
                return
            wanted = [sku for sku, left in remaining.items() if left > 0]
            in_box = sum(line.in_box for line in view.lines) + sum(
                line.remaining - remaining[line.sku] for line in view.lines
            )
            roll = self.rng.random()
            if in_box and len(wanted) > 1 and roll < 0.03:
                self.act(
                    "new_box",
                    partial(close_box, order_id=order_id, settings=settings),
                    lambda _seq: "closed",
                    order_id,
                )
                view = None
                continue
            if roll < 0.03 + self.mistakes:
                step, sku = "scan", ""
                code = self._wrong_code(remaining)
                call: Callable[[UnitOfWork], ScanResult] = partial(
                    scan_item, order_id=order_id, code=code, settings=settings
                )
            elif roll < 0.05 + self.mistakes:
                step, sku = "manual", self.rng.choice(wanted)
                line_id = next(line.line_id for line in view.lines if line.sku == sku)
                call = partial(
                    tick_manually,
                    order_id=order_id,
                    line_id=line_id,
                    reason="barcode torn",
                    settings=settings,
                )
            else:
                step, sku = "scan", self.rng.choice(wanted)
                call = partial(
                    scan_item, order_id=order_id, code=self.codes[sku], settings=settings
                )
            result = self.act(
                step,
                call,
                _scan_outcome("manual" if step == "manual" else "ticked"),
                order_id,
            )
            if result is None:
                view = None
            elif result.ok:
                remaining[result.sku] -= result.units
                if result.box_closed:
                    view = None

    def _wrong_code(self, remaining: dict[str, int]) -> str:
        others = [code for s, code in self.codes.items() if s not in remaining]
        done = [self.codes[sku] for sku, left in remaining.items() if left <= 0]
        choice = self.rng.random()
        if choice < 0.3 or not others:
            return "0000000000000"  # no product has it
        if choice < 0.6 and done:
            return self.rng.choice(done)  # over-scan
        return self.rng.choice(others)  # wrong item


def _scan_outcome(ticked: str) -> Callable[[ScanResult], str]:
    return lambda result: ticked if result.ok else "refused"


# the warehouse ships with four couriers, each with its own range of self-assigned waybills
WAYBILLS = {
    "YTO": ("圆通速递", ["YT7000000000000", "YT7000009999999"]),
    "ZTO": ("中通快递", ["731000000000", "731009999999"]),
    "STO": ("申通快递", ["773000000000000", "773000009999999"]),
    "YUNDA": ("韵达快递", ["4300000000000", "4300009999999"]),
}


def settings_for(url: str, *, bench: str, lease_seconds: int, printer_dir: str) -> Settings:
    """The bench's settings: its name, a short lease, a waybill range and a folder printer."""
    base = Settings().with_store_url(url)
    return base.model_copy(
        update={
            "store": base.store.model_copy(update={"lease_seconds": lease_seconds}),
            "bench": base.bench.model_copy(update={"name": bench}),
            "devices": base.devices.model_copy(update={"printer": f"dir://{printer_dir}"}),
            "carriers": {
                code: CarrierSettings(name=name, waybill_range=numbers)
                for code, (name, numbers) in WAYBILLS.items()
            },
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--lease", type=int, default=30)
    parser.add_argument("--mistakes", type=float, default=0.04)
    parser.add_argument("--deadline", type=float, default=600.0)
    parser.add_argument("--printer-dir", required=True)
    parser.add_argument(
        "--start-file", default="", help="wait until this file exists before taking orders"
    )
    parser.add_argument(
        "--stop-file", default="", help="stop between two orders once this file exists"
    )
    parser.add_argument(
        "--no-print", action="store_true", help="leave the jobs queued (no sender in this bench)"
    )
    args = parser.parse_args(argv)
    engine = make_engine(args.db, screen=True)  # as a bench makes it
    os.makedirs(args.printer_dir, exist_ok=True)
    # a restarted bench appends to the journal of the one that was killed
    with open(args.journal, "a", buffering=1, encoding="utf-8") as journal:
        journal.write(json.dumps({"pid": os.getpid(), "bench": args.bench}) + "\n")
        packer = Packer(
            engine,
            settings_for(
                args.db, bench=args.bench, lease_seconds=args.lease, printer_dir=args.printer_dir
            ),
            bench=args.bench,
            rng=random.Random(f"{args.seed}-{os.getpid()}"),
            journal=journal,
            mistakes=args.mistakes,
            deadline=args.deadline,
            printing=not args.no_print,
            start_file=args.start_file,
            stop_file=args.stop_file,
        )
        try:
            packer.run()
        except (UserError, StoreError) as exc:
            journal.write(json.dumps({"fatal": str(exc)}, ensure_ascii=False) + "\n")
            return 1
        finally:
            engine.dispose()
        finished = {
            "finished": dict(packer.outcomes),
            "t": time.time(),
            "cpu": time.process_time(),
            "held": packer.line_held_s(),
        }
        journal.write(json.dumps(finished) + "\n")
    return 0


def run_forked(argv: list[str], errors: str) -> None:
    """A bench forked by the stress tests' supervisor: stdout to nowhere and stderr appended to
    ``errors`` (a pipe nobody reads could fill up and stall the bench), then ``main``."""
    with open(os.devnull, "wb") as nowhere, open(errors, "ab") as err:
        os.dup2(nowhere.fileno(), 1)
        os.dup2(err.fileno(), 2)
    sys.exit(main(argv))


if __name__ == "__main__":
    sys.exit(main())
