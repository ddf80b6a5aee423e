"""The day's queue: window, urgency, filters and paging, on both stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus as P
from packstation.services.queue import LEASE_RAN_OUT, deadlines, queue_counts, queue_page
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, local, order, parcel

Factory = Callable[..., UnitOfWork]


def _settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "carriers": {
                "YTO": CarrierSettings(pickup="18:00"),
                "SF": CarrierSettings(pickup="19:00"),
            }
        }
    )


def _seed(engine: Engine) -> None:
    with Session(engine) as s:
        order(s, "T-READY", paid=local(9))
        order(s, "T-EARLY", paid=local(8))
        order(s, "T-HOLD", status=S.ON_HOLD, hold_reason="short SKU-1")
        packed = order(s, "T-PACKED", status=S.PACKED, carrier="SF", recipient_name="王小明")
        # box 1 packed at bench-5 before it died, box 2 at bench-2 after the takeover: the
        # bench that finished it is named (the first box's was)
        parcel(s, packed, "SF1234567889", bench="bench-5", packer="li", seq=1)
        parcel(s, packed, "SF1234567890", bench="bench-2", packer="wang", seq=2)
        order(s, "T-DONE", status=S.HANDED_OVER)
        order(s, "OLD-OPEN", due=DAY - dt.timedelta(days=1))
        order(s, "OLD-GONE", status=S.HANDED_OVER, due=DAY - dt.timedelta(days=1))
        order(s, "NEXT-DAY", due=DAY + dt.timedelta(days=1), phone="13900005678")
        order(s, "T-PACKING", status=S.PACKING, claimed_bench="bench-3", claimed_user="zhao")
        put_back = order(s, "T-PUT-BACK", paid=local(10))  # its box went void at bench-4
        parcel(s, put_back, None, status=P.VOID, bench="bench-4", packer="zhou")
        s.commit()


def test_window_and_urgency(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    _seed(engine)
    page = queue_page(
        uow_factory(readonly=True), day=DAY, settings=_settings(settings), now=local(11)
    )
    numbers = [r.order_no for r in page.rows]
    assert page.total == 8
    assert numbers[0] == "OLD-OPEN"  # overdue first
    assert "OLD-GONE" not in numbers and "NEXT-DAY" not in numbers
    assert numbers.index("T-HOLD") < numbers.index("T-EARLY") < numbers.index("T-READY")
    assert numbers.index("T-READY") < numbers.index("T-PACKING") < numbers.index("T-PACKED")
    assert numbers.index("T-PACKED") < numbers.index("T-DONE")
    overdue = page.rows[0]
    assert overdue.at_risk
    packed = next(r for r in page.rows if r.order_no == "T-PACKED")
    assert (packed.bench, packed.packer) == ("bench-2", "wang")
    packing = next(r for r in page.rows if r.order_no == "T-PACKING")
    assert (packing.bench, packing.packer) == ("bench-3", "zhao")
    put_back = next(r for r in page.rows if r.order_no == "T-PUT-BACK")
    assert (put_back.bench, put_back.packer) == ("", "")  # nobody is packing it
    held = next(r for r in page.rows if r.order_no == "T-HOLD")
    assert held.reason == "short SKU-1"


def test_tomorrow_on_request(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    _seed(engine)
    page = queue_page(uow_factory(), day=DAY, settings=settings, include_tomorrow=True)
    assert "NEXT-DAY" in [r.order_no for r in page.rows]
    assert page.total == 9


def test_filters(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    _seed(engine)
    s = _settings(settings)

    def numbers(text: str) -> list[str]:
        return sorted(
            r.order_no
            for r in queue_page(uow_factory(), day=DAY, settings=s, filter_text=text).rows
        )

    assert numbers("hold") == ["T-HOLD"]
    # typed as the queue shows the status (it found nothing: "on" was looked for in names)
    assert numbers("on hold") == numbers("On  Hold") == ["T-HOLD"]
    assert numbers("ready to pack t-e") == numbers("ready t-e")
    assert numbers("挂起") == ["T-HOLD"]
    assert numbers("sf") == ["T-PACKED"]
    assert numbers("顺丰") == numbers("顺丰速运") == ["T-PACKED"]  # found nothing
    assert numbers("中通") == []
    assert numbers("bench-3") == ["T-PACKING"]
    assert numbers("zhao") == ["T-PACKING"]
    assert numbers("bench-4") == numbers("zhou") == []  # a void box's bench and packer
    assert numbers("1234567890") == ["T-PACKED"]  # a parcel's tracking number
    assert numbers("王") == ["T-PACKED"]
    assert numbers("t-ear") == ["T-EARLY"]
    assert numbers("1234") == [
        "OLD-OPEN",
        "T-DONE",
        "T-EARLY",
        "T-HOLD",
        "T-PACKED",
        "T-PACKING",
        "T-PUT-BACK",
        "T-READY",
    ]
    assert numbers("ready t-e") == ["T-EARLY"]
    assert numbers("100%") == []


def test_paging(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    with Session(engine) as s:
        for n in range(30):
            order(s, f"P-{n:03d}", paid=local(8, n))
        s.commit()
    first = queue_page(uow_factory(), day=DAY, settings=settings, limit=10)
    third = queue_page(uow_factory(), day=DAY, settings=settings, offset=20, limit=10)
    assert first.total == third.total == 30
    assert [r.order_no for r in first.rows] == [f"P-{n:03d}" for n in range(10)]
    assert [r.order_no for r in third.rows] == [f"P-{n:03d}" for n in range(20, 30)]


def test_counts(engine: Engine, uow_factory: Factory, settings: Settings) -> None:
    _seed(engine)
    counts = queue_counts(uow_factory(), day=DAY, settings=settings)
    assert counts["ready"] == 4 and counts["on_hold"] == 1 and counts["handed_over"] == 1


def test_deadlines(settings: Settings) -> None:
    s = _settings(settings)
    found = deadlines(s, day=DAY, now=local(15, 30))
    assert [d.key for d in found] == ["cutoff", "pickup:YTO", "pickup:SF", "confirm"]
    cutoff = found[0]
    assert cutoff.remaining == dt.timedelta(minutes=30) and cutoff.near and not cutoff.passed
    assert found[-1].remaining == dt.timedelta(hours=5, minutes=30)


def test_a_bench_whose_lease_ran_out(
    engine: Engine, uow_factory: Factory, settings: Settings
) -> None:
    """A packing order whose bench stopped renewing its lease says when it ran out (by the
    store's clock, as the benches judge it); one whose bench is at work does not."""
    ran_out = utcnow().replace(microsecond=0) - dt.timedelta(minutes=5)
    with Session(engine) as s:
        for number, lease in (("T-GONE", ran_out), ("T-AT-WORK", utcnow() + dt.timedelta(2))):
            order(s, number, status=S.PACKING, claimed_bench=number, lease_until=lease)
        order(s, "T-WAITING", lease_until=ran_out)  # not being packed: no bench to lose
        s.commit()
    page = queue_page(uow_factory(readonly=True), day=DAY, settings=settings)
    lapsed = {r.order_no: r.lease_ran_out for r in page.rows}
    assert lapsed == {"T-GONE": ran_out, "T-AT-WORK": None, "T-WAITING": None}
    counts = queue_counts(uow_factory(readonly=True), day=DAY, settings=settings)
    assert counts[S.PACKING] == 2 and counts[LEASE_RAN_OUT] == 1
    for word in ("lease", "过期", "LEASE T-G"):  # the lead types it, alone or with others
        found = queue_page(uow_factory(readonly=True), day=DAY, settings=settings, filter_text=word)
        assert [r.order_no for r in found.rows] == ["T-GONE"] and found.total == 1
