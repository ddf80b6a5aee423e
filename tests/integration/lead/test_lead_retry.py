"""The lead's decisions and commands against a store that drops the connection, on both stores.

Each runs as ``LeadApp.action`` runs it: one unit of work carrying one action id.  Each must be
one transaction, so that the id is stamped once and a retry can tell whether it committed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, event, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus as P
from packstation.domain.status import PrintKind
from packstation.lead_app import LeadApp
from packstation.services.audit import audit
from packstation.services.handover import (
    HandoverRefused,
    open_handover,
    remove_parcel,
    scan_parcel,
    seal_all_waiting,
    seal_handover,
)
from packstation.services.lead import (
    cancel_order,
    change_courier,
    correct_address,
    not_shipping_today,
    release,
    split_order,
)
from packstation.services.reprints import reprint_label, void_label
from packstation.services.retry import AlreadyApplied, applied_event, run_action
from packstation.store.engine import make_engine
from packstation.store.models import Event, Handover, Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.conftest import new_pg_database
from tests.support.lead_data import DAY, carriers, hold, label, order, parcel
from tests.support.outage import AnswerLostOnce, Outage
from tests.support.printed import all_printed

Call = Callable[[UnitOfWork], object]
T = TypeVar("T")


@dataclass(frozen=True)
class Shop:
    """What the seeded store holds, by name."""

    orders: dict[str, int]
    parcels: dict[str, int]  # by tracking number
    handover_id: int


@dataclass(frozen=True)
class LeadAction:
    name: str
    kind: str  # the event that says it happened
    make: Callable[[Shop, Settings], Call]


ACTIONS = [
    LeadAction(
        "reprint",
        "label_reprinted",
        lambda shop, _s: (
            lambda uow: reprint_label(uow, parcel_id=shop.parcels["YT0000000001"], reason="smudged")
        ),
    ),
    LeadAction(
        "void",
        "label_voided",
        lambda shop, _s: (
            lambda uow: void_label(uow, parcel_id=shop.parcels["YT0000000001"], reason="wrong box")
        ),
    ),
    LeadAction(
        "release",
        "order_released",
        lambda shop, _s: lambda uow: release(uow, order_id=shop.orders["H-1"], note="found"),
    ),
    LeadAction(
        "courier",
        "courier_changed",
        lambda shop, s: (
            lambda uow: change_courier(uow, order_id=shop.orders["L-1"], carrier="ZTO", settings=s)
        ),
    ),
    LeadAction(
        "address",
        "address_corrected",
        lambda shop, s: (
            lambda uow: correct_address(
                uow, order_id=shop.orders["L-1"], changes={"address": "文一西路 2号"}, settings=s
            )
        ),
    ),
    LeadAction(
        "split",
        "order_split",
        lambda shop, _s: lambda uow: split_order(uow, order_id=shop.orders["R-1"], parcels=3),
    ),
    LeadAction(
        "cancel",
        "order_cancelled",
        lambda shop, _s: (
            lambda uow: cancel_order(uow, order_id=shop.orders["R-1"], reason="buyer asked")
        ),
    ),
    LeadAction(
        "not_today",
        "not_shipping_today",
        lambda shop, _s: (
            lambda uow: not_shipping_today(uow, order_id=shop.orders["R-1"], reason="缺货", day=DAY)
        ),
    ),
    LeadAction(
        "open_handover",
        "handover_opened",
        lambda _shop, s: lambda uow: open_handover(uow, carrier="ZTO", day=DAY, settings=s),
    ),
    LeadAction(
        "scan",
        "handover_scanned",
        lambda shop, _s: (
            lambda uow: scan_parcel(uow, handover_id=shop.handover_id, code="YT0000000001")
        ),
    ),
    LeadAction(
        "take_out",
        "handover_removed",
        lambda shop, _s: (
            lambda uow: remove_parcel(uow, handover_id=shop.handover_id, code="YT0000000002")
        ),
    ),
    LeadAction(
        "seal",
        "handover_sealed",
        lambda shop, s: (
            lambda uow: seal_handover(
                uow, handover_id=shop.handover_id, settings=s, courier_name="刘师傅"
            )
        ),
    ),
]


@pytest.fixture
def lead_settings(settings: Settings, tmp_path: Path) -> Settings:
    return _shop_settings(settings, tmp_path)


def _shop_settings(settings: Settings, folder: Path) -> Settings:
    return settings.model_copy(
        update={
            "carriers": {"YTO": CarrierSettings(), "ZTO": CarrierSettings()},
            "shipping": settings.shipping.model_copy(
                update={"manifest_dir": str(folder / "lists")}
            ),
        }
    )


def _seed(engine: Engine) -> Shop:
    with Session(engine) as s:
        carriers(s, "YTO", "ZTO")
        held = order(s, "H-1")
        hold(s, held, "short", "SKU-1 short by 1")
        order(s, "R-1", qty=3)  # three units: a split into three parcels
        labelled = order(s, "L-1", status=S.PACKED)
        label(s, parcel(s, labelled, "YT0000000001"), b"^XA^FDYT0000000001^FS^XZ")
        bagged = order(s, "I-1", status=S.PACKED)
        handover = Handover(carrier="YTO", date=DAY, created_by="lead")
        s.add(handover)
        s.flush()
        inside = parcel(s, bagged, "YT0000000002")
        inside.handover_id = handover.id
        s.add(inside)
        s.commit()
        return Shop(
            orders={o.order_no: o.id or 0 for o in s.exec(select(Order)).all()},
            parcels={p.tracking_no or "": p.id or 0 for p in s.exec(select(Parcel)).all()},
            handover_id=handover.id or 0,
        )


@pytest.fixture
def lead(lead_settings: Settings, engine: Engine) -> LeadApp:
    """The lead's application, not running: its ``action`` is what every screen calls."""
    return LeadApp(lead_settings, engine=engine, user="王组长")


def _events(engine: Engine, kind: str | None = None) -> list[Event]:
    with Session(engine) as s:
        query = select(Event).where(Event.kind == kind) if kind else select(Event)
        return list(s.exec(query).all())


def _stamped(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [a for a in s.exec(select(Event.action_id).where(col(Event.action_id).is_not(None)))]


@pytest.fixture
def commits(engine: Engine) -> Iterator[list[object]]:
    """Every transaction the engine commits while the test runs."""
    seen: list[object] = []

    def count(conn: Any) -> None:
        seen.append(conn)

    event.listen(engine, "commit", count)
    yield seen
    event.remove(engine, "commit", count)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_each_lead_action_is_one_transaction_stamped_once(
    action: LeadAction,
    lead: LeadApp,
    engine: Engine,
    lead_settings: Settings,
    commits: list[object],
) -> None:
    shop = _seed(engine)
    commits.clear()
    lead.action(action.make(shop, lead_settings))
    assert len(commits) == 1
    assert len(_stamped(engine)) == 1
    assert len(_events(engine, action.kind)) == 1


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_an_answer_lost_after_the_commit_is_not_applied_again(
    action: LeadAction, lead: LeadApp, engine: Engine, lead_settings: Settings
) -> None:
    shop = _seed(engine)
    with pytest.raises(AlreadyApplied):
        lead.action(AnswerLostOnce(action.make(shop, lead_settings)))
    assert len(_events(engine, action.kind)) == 1
    assert len(_stamped(engine)) == 1


def _reprints(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(
            select(func.count()).select_from(PrintJob).where(col(PrintJob.reprint_of).is_not(None))
        ).one()


def test_a_reprint_whose_answer_was_lost_prints_once(
    lead: LeadApp, engine: Engine, lead_settings: Settings
) -> None:
    shop = _seed(engine)
    with pytest.raises(AlreadyApplied):
        lead.action(AnswerLostOnce(ACTIONS[0].make(shop, lead_settings)))
    assert _reprints(engine) == 1
    all_printed(engine, lead_settings)
    # the lead, told it was stored, does not reprint again; a new reprint is a new action
    lead.action(ACTIONS[0].make(shop, lead_settings))
    assert _reprints(engine) == 2


def test_a_lead_action_during_a_brief_outage_is_applied_once(
    lead: LeadApp, engine: Engine, lead_settings: Settings
) -> None:
    shop = _seed(engine)
    reprint = ACTIONS[0].make(shop, lead_settings)
    down = [OperationalError("BEGIN", {}, Exception("could not connect to server"))] * 2

    def while_down(uow: UnitOfWork) -> object:
        if down:
            raise down.pop()
        return reprint(uow)

    assert lead.action(while_down)
    assert not down
    assert _reprints(engine) == 1
    assert len(_events(engine, "label_reprinted")) == 1


@pytest.mark.postgres
def test_a_reprint_while_postgresql_is_briefly_away_is_applied_once_when_it_is_back(
    pg_server: str, pg_template: str, tmp_path: Path
) -> None:
    url = new_pg_database(pg_server, pg_template)
    engine = make_engine(url)
    settings = _shop_settings(Settings().with_store_url(url), tmp_path)
    shop = _seed(engine)
    lead = LeadApp(settings, engine=engine, user="王组长")
    outage = Outage(pg_server, url)
    back = threading.Timer(1.0, outage.end)
    try:
        outage.start()
        back.start()
        started = time.monotonic()
        lead.action(ACTIONS[0].make(shop, settings))
        assert time.monotonic() - started >= 0.9  # it waited for the store to come back
        assert _reprints(engine) == 1
        assert len(_events(engine, "label_reprinted")) == 1
    finally:
        back.cancel()
        outage.end()
        engine.dispose()
        outage.admin.dispose()


def test_a_refused_scan_whose_answer_was_lost_still_says_why(lead: LeadApp, engine: Engine) -> None:
    """A refusal is recorded and committed too: when its answer is lost, the retry finds the
    refusal, and the screen says it rather than 'stored'."""
    shop = _seed(engine)

    def refused_then_lost(uow: UnitOfWork) -> object:
        """The refusal is committed, then the connection breaks before its answer comes."""
        with pytest.raises(HandoverRefused):
            scan_parcel(uow, handover_id=shop.handover_id, code="NOSUCH-PARCEL")
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    with pytest.raises(AlreadyApplied) as applied:
        lead.action(refused_then_lost)
    stored = applied_event(engine, applied.value.action_id)
    assert stored is not None
    kind, payload = stored
    assert kind == "handover_refused" and payload["code"] == "NOSUCH-PARCEL"
    assert payload["reason"]
    assert len(_events(engine, "handover_refused")) == 1
    assert applied_event(engine, "no-such-action") is None


@pytest.mark.parametrize(
    "lost", [open_handover, scan_parcel, seal_handover], ids=lambda f: f.__name__
)
def test_the_manifest_whose_answer_is_lost_at_a_step_seals_every_parcel_once(
    lost: Callable[..., object], engine: Engine, lead_settings: Settings, tmp_path: Path
) -> None:
    """``packstation manifest``'s steps, each one action: the answer of one step is lost after
    it committed; the handover is still opened, filled and sealed once, and the list said."""
    shop = _seed(engine)
    seen: list[object] = []

    def run(action: Callable[[UnitOfWork], T], *, readonly: bool = False) -> T:
        call: Callable[[UnitOfWork], T] = action
        if getattr(action, "func", None) is lost and not seen:
            seen.append(action)
            call = AnswerLostOnce(action)
        return run_action(engine, call, bench="bench-lead", user="王组长", readonly=readonly)

    sealed = seal_all_waiting(
        run,
        carrier="YTO",
        day=DAY,
        settings=lead_settings,
        print_list=True,
        csv_file=tmp_path / "yto.csv",
    )
    assert seen  # the step's answer was lost
    assert sealed is not None
    assert [line.tracking_no for line in sealed.manifest.lines] == ["YT0000000001"]
    with Session(engine) as s:
        jobs = s.exec(select(PrintJob).where(PrintJob.kind == PrintKind.MANIFEST)).all()
        assert [job.id for job in jobs] == [sealed.print_job_id]
        handed = s.exec(select(Parcel).where(Parcel.status == P.HANDED_OVER)).all()
        assert [p.tracking_no for p in handed] == ["YT0000000001"]
        bagged = s.get(Parcel, shop.parcels["YT0000000002"])
        assert bagged is not None and bagged.status == P.PACKED  # the lead's bag is left alone
    assert sealed.csv_path == tmp_path / "yto.csv"
    assert "YT0000000001" in sealed.csv_path.read_text(encoding="utf-8")
    for kind in ("handover_opened", "handover_scanned", "handover_sealed"):
        assert len(_events(engine, kind)) == 1, kind


def test_the_lead_s_actions_go_under_its_own_name_not_the_bench_s(
    lead: LeadApp, engine: Engine, lead_settings: Settings
) -> None:
    """The lead's release, new courier or split was recorded as bench-1's (the configuration's
    bench name), though no bench did it: in the order's history and in bench-1's figures.
    Its events go under lead@<this machine>, numbered 1, 2, 3… of their own; bench-1's
    numbering goes on without a gap, and the audit finds none either."""
    shop = _seed(engine)
    bench = lead_settings.bench.name
    with UnitOfWork(engine, bench=bench, user="小李") as uow:  # a bench's scan meanwhile
        uow.record("scan_refused", code="123")
        uow.commit()
    chosen = ("release", "courier", "split", "open_handover")
    for action in (a for a in ACTIONS if a.name in chosen):
        lead.action(action.make(shop, lead_settings))
    with UnitOfWork(engine, bench=bench, user="小李") as uow:
        uow.record("scan_refused", code="456")
        uow.commit()
    numbered: dict[str, list[int | None]] = {}
    for row in sorted(_events(engine), key=lambda e: e.id or 0):
        numbered.setdefault(row.bench, []).append(row.bench_seq)
    ours = f"lead@{socket.gethostname()}"[:64]
    assert set(numbered) == {bench, ours}
    assert numbered[bench] == [1, 2]
    assert numbered[ours] == list(range(1, len(numbered[ours]) + 1))
    assert len(numbered[ours]) >= len(chosen)
    assert audit(engine).problems("bench_numbering") == 0
