"""Two benches driven through random actions (Hypothesis stateful), with an importer that
cancels orders and benches that crash and restart.

After every step: no order is held by two benches, no line is packed beyond its quantity (and
the boxes add up to the ticks), and every action that changed something wrote its event.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, func
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus, WeightSource
from packstation.errors import UserError
from packstation.services import claims, packing
from packstation.services.packing_view import OrderView, Phase, read_order
from packstation.store.engine import make_engine
from packstation.store.models import Event, Order, OrderLine, Parcel, ParcelItem
from packstation.store.uow import UnitOfWork
from tests.integration.packing.conftest import shop_settings
from tests.integration.packing.factories import CASE_BARCODE, add_order, seed_catalogue

BENCHES = ("bench-1", "bench-2")
CODES = ["6901234567892", "6901234567908", "6901234567915", "6901234567922", CASE_BARCODE, "999"]
ORDERS = ["H1", "H2", "H3"]
BARCODES = {
    "6901234567892": "TEA-001",
    "6901234567908": "CUP-002",
    "6901234567915": "PAN-003",
    "6901234567922": "SOAP-04",
    CASE_BARCODE: "SOAP-04",
}
T0 = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)
_n = itertools.count()


class TwoBenches(RuleBasedStateMachine):
    def __init__(self, template: Path, folder: Path, *, label_check: bool = False) -> None:
        super().__init__()
        path = folder / f"machine-{next(_n)}.db"
        shutil.copyfile(template, path)
        self.engine: Engine = make_engine(f"sqlite:///{path}")
        shop = shop_settings(f"sqlite:///{path}")
        bench = shop.bench.model_copy(update={"label_check": label_check})
        self.settings: Settings = shop.model_copy(update={"bench": bench})
        seed_catalogue(self.engine)
        add_order(self.engine, "H1", [("TEA-001", 2), ("CUP-002", 1)])
        add_order(self.engine, "H2", [("SOAP-04", 7)])
        add_order(self.engine, "H3", [("PAN-003", 1), ("TEA-001", 1)])
        self.holding: dict[str, int | None] = dict.fromkeys(BENCHES)
        self.now = T0

    def teardown(self) -> None:
        self.engine.dispose()

    # --- helpers ----------------------------------------------------------------------

    def uow(self, bench: str) -> UnitOfWork:
        return UnitOfWork(self.engine, bench=bench, user=f"packer-{bench}")

    def events(self) -> int:
        with UnitOfWork(self.engine) as uow:
            return uow.session.exec(select(func.count()).select_from(Event)).one()

    def act(self, bench: str, call, *, must_record: bool = True) -> object:  # type: ignore[no-untyped-def]
        """Run an action; one that succeeds must have written at least one event."""
        before = self.events()
        try:
            result = call()
        except claims.ClaimLost:
            self.holding[bench] = None
            return None
        except UserError:
            return None
        if must_record:
            assert self.events() > before, call
        return result

    def busy(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from([b for b in BENCHES if self.holding[b] is not None]))

    def at(self, data: st.DataObject, phase: Phase) -> tuple[str, OrderView] | None:
        """A bench holding an order whose box is at ``phase``, and the order; None if the
        drawn bench's order is elsewhere in its flow."""
        bench = self.busy(data)
        order_id = self.holding[bench]
        view = read_order(self.uow(bench), order_id, self.settings) if order_id else None
        if view is None or view.phase != phase or view.current is None:
            return None
        return bench, view

    # --- rules ------------------------------------------------------------------------

    @rule(bench=st.sampled_from(BENCHES), no=st.sampled_from(ORDERS))
    def open_order(self, bench: str, no: str) -> None:
        if self.holding[bench] is not None:
            return
        claim = self.act(
            bench,
            lambda: packing.open_order(
                self.uow(bench), code=no, settings=self.settings, now=self.now
            ),
        )
        if isinstance(claim, claims.Claim):
            self.holding[bench] = claim.order_id

    @rule(bench=st.sampled_from(BENCHES))
    def next_due(self, bench: str) -> None:
        if self.holding[bench] is not None:
            return
        claim = self.act(
            bench,
            lambda: claims.claim_next_due(
                self.uow(bench), lease_seconds=self.settings.store.lease_seconds, now=self.now
            ),
            must_record=False,
        )
        if isinstance(claim, claims.Claim):
            self.holding[bench] = claim.order_id
            self.act(
                bench,
                lambda: packing.prepare(
                    self.uow(bench), order_id=claim.order_id, settings=self.settings
                ),
                must_record=False,
            )

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data(), count=st.integers(1, 4))
    def scan(self, data: st.DataObject, count: int) -> None:
        """A burst of scans, mostly of the order's own items (so lines fill up and overflow)."""
        bench = self.busy(data)
        order_id = self.holding[bench]
        assert order_id is not None
        with UnitOfWork(self.engine) as uow:
            skus = set(
                uow.session.exec(select(OrderLine.sku).where(OrderLine.order_id == order_id))
            )
        own = [code for code, sku in BARCODES.items() if sku in skus]
        for _ in range(count):
            code = data.draw(st.sampled_from(own) | st.sampled_from(CODES))
            self.act(
                bench,
                lambda code=code: packing.scan_item(
                    self.uow(bench), order_id=order_id, code=code, settings=self.settings
                ),
            )
            if self.holding[bench] is None:
                return

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data())
    def tick_first_open_line_by_hand(self, data: st.DataObject) -> None:
        bench = self.busy(data)
        order_id = self.holding[bench]
        if order_id is None:
            return
        view = read_order(self.uow(bench), order_id, self.settings)
        if view is not None:
            self.tick_first_open_line_by_hand_at(bench, view)

    def tick_first_open_line_by_hand_at(self, bench: str, view: OrderView) -> None:
        order_id = view.order_id
        line = next((x for x in view.lines if x.remaining > 0), None)
        if line is None:
            return
        self.act(
            bench,
            lambda: packing.tick_manually(
                self.uow(bench),
                order_id=order_id,
                line_id=line.line_id,
                reason="torn",
                settings=self.settings,
            ),
        )

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data())
    def tick_all_the_rest(self, data: st.DataObject) -> None:
        """A packer at speed: every unit still wanted, so the flow gets past the ticking."""
        bench = self.busy(data)
        for _unit in range(12):
            order_id = self.holding[bench]
            view = read_order(self.uow(bench), order_id, self.settings) if order_id else None
            if view is None or view.phase != Phase.PICKING:
                return
            self.tick_first_open_line_by_hand_at(bench, view)

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data())
    def new_box(self, data: st.DataObject) -> None:
        bench = self.busy(data)
        order_id = self.holding[bench]
        if order_id is not None:
            self.act(
                bench,
                lambda: packing.close_box(
                    self.uow(bench), order_id=order_id, settings=self.settings
                ),
            )

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data(), off=st.sampled_from([0, 30, 2000]))
    def weigh(self, data: st.DataObject, off: int) -> None:
        at = self.at(data, Phase.WEIGHING)
        if at is None:
            return
        bench, view = at
        order_id = view.order_id
        assert view.current is not None
        grams = (view.current.expected_g or 0) + off
        result = self.act(
            bench,
            lambda: packing.weigh(
                self.uow(bench),
                order_id=order_id,
                grams=max(grams, 1),
                source=WeightSource.SCALE,
                settings=self.settings,
                now=self.now,
            ),
        )
        if isinstance(result, packing.WeighResult) and result.order_packed:
            self.holding[bench] = None

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data(), right=st.booleans())
    def scan_the_label_back(self, data: st.DataObject, right: bool) -> None:
        """With the label check on: the box's own label packs it, another is voided."""
        at = self.at(data, Phase.LABEL_CHECK)
        if at is None:
            return
        bench, view = at
        order_id = view.order_id
        assert view.current is not None
        code = view.current.tracking_no if right else "YT7999999999999"
        result = self.act(
            bench,
            lambda: packing.check_label(
                self.uow(bench), order_id=order_id, code=code, settings=self.settings
            ),
        )
        if isinstance(result, tuple) and result[1]:
            self.holding[bench] = None

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data())
    def put_back(self, data: st.DataObject) -> None:
        bench = self.busy(data)
        order_id = self.holding[bench]
        if order_id is not None:
            self.act(
                bench,
                lambda: packing.release_order(self.uow(bench), order_id=order_id, reason="test"),
            )
            self.holding[bench] = None

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data(), kind=st.sampled_from(list(packing.EXCEPTION_KINDS)))
    def exception(self, data: st.DataObject, kind: ExceptionKind) -> None:
        bench = self.busy(data)
        order_id = self.holding[bench]
        if order_id is not None:
            self.act(
                bench,
                lambda: packing.raise_exception(self.uow(bench), order_id=order_id, kind=kind),
            )
            self.holding[bench] = None

    @rule(no=st.sampled_from(ORDERS))
    def importer_cancels(self, no: str) -> None:
        with UnitOfWork(self.engine, bench="import", user="importer") as uow:
            order = uow.session.exec(select(Order).where(Order.order_no == no)).one()
            if order.status in (OrderStatus.HANDED_OVER, OrderStatus.CONFIRMED):
                return
            order.status = OrderStatus.CANCELLED
            uow.session.add(order)
            uow.record("order_cancelled", order_id=order.id)
            uow.commit()
        for bench, held in self.holding.items():
            if held == order.id:  # the bench notices on its next poll
                packing.stop_cancelled(self.uow(bench), order_id=held)
                self.holding[bench] = None

    @rule(bench=st.sampled_from(BENCHES))
    def crash_and_restart(self, bench: str) -> None:
        self.holding[bench] = claims.claimed_here(self.uow(bench))

    @rule()
    def time_passes_beyond_the_lease(self) -> None:
        self.now += dt.timedelta(seconds=self.settings.store.lease_seconds + 1)

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def one_bench_per_order(self) -> None:
        with UnitOfWork(self.engine) as uow:
            for order in uow.session.exec(select(Order)):
                if order.status == OrderStatus.PACKING:
                    assert order.claimed_bench in BENCHES
                else:
                    assert order.claimed_bench is None
        held = [o for o in self.holding.values() if o is not None]
        # two benches may both *believe* they hold an order only after a takeover; the store
        # names one, and the other's next action is refused (ClaimLost)
        for order_id in set(held):
            if held.count(order_id) > 1:
                with UnitOfWork(self.engine) as uow:
                    order = uow.session.get(Order, order_id)
                    assert order is not None and order.claimed_bench in BENCHES

    @invariant()
    def a_box_not_yet_packed_is_at_the_bench_packing_its_order(self) -> None:
        """A box weighed (and labelled) but not packed yet is the live box of an order a bench
        holds: an order put back or on hold does not leave one behind for the next bench."""
        with UnitOfWork(self.engine) as uow:
            waiting = uow.session.exec(
                select(Parcel.order_id).where(
                    col(Parcel.status).in_([ParcelStatus.WEIGHED, ParcelStatus.LABELLED]),
                    col(Parcel.weighed_at).is_not(None),
                )
            ).all()
            for order_id in waiting:
                order = uow.session.get(Order, order_id)
                assert order is not None
                assert order.status in (OrderStatus.PACKING, OrderStatus.CANCELLED), order.status

    @invariant()
    def never_beyond_the_quantity(self) -> None:
        with UnitOfWork(self.engine) as uow:
            for line in uow.session.exec(select(OrderLine)):
                assert 0 <= line.quantity_packed <= line.quantity
                in_boxes = uow.session.exec(
                    select(func.coalesce(func.sum(ParcelItem.quantity), 0))
                    .join(Parcel, Parcel.id == ParcelItem.parcel_id)
                    .where(ParcelItem.line_id == line.id, Parcel.status != ParcelStatus.VOID)
                ).one()
                order = uow.session.get(Order, line.order_id)
                if order is not None and order.status != OrderStatus.CANCELLED:
                    assert in_boxes == line.quantity_packed


@pytest.mark.parametrize("label_check", [False, True])
def test_two_benches(sqlite_template: Path, tmp_path: Path, label_check: bool) -> None:
    run_state_machine_as_test(
        lambda: TwoBenches(sqlite_template, tmp_path, label_check=label_check),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
