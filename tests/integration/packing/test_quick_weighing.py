"""The weighing that packs an order in plain statements writes what the full weighing writes,
and leaves every other case to it with nothing written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, ParcelStatus, WeightSource
from packstation.services import packing
from packstation.services.audit import audit
from packstation.services.packing import quick_weighing, weighing
from packstation.services.packing.weights import Weight
from packstation.services.packing_view import read_order
from packstation.store.models import Event, Order, Parcel, PrintJob
from packstation.store.types import utcnow
from tests.integration.packing.factories import add_order
from tests.integration.packing.test_void_and_pack_again import CUP, TEA, uow

# differ from order to order, whichever way it was weighed (the label's bytes too: it prints the
# order's number and its waybill's)
_OWN = {"job_id", "tracking_no", "parcel_id", "line_id", "bytes"}


def ticked(shop: Engine, settings: Settings, order_no: str, codes: list[str]) -> tuple[int, int]:
    """An order opened at bench-1 with ``codes`` scanned: (its id, the live box's expected g)."""
    oid = add_order(shop, order_no, [("TEA-001", 1), ("CUP-002", 1)])
    packing.open_order(uow(shop), code=order_no, settings=settings)
    for code in codes:
        assert packing.scan_item(uow(shop), order_id=oid, code=code, settings=settings).ok
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None
    return oid, view.current.expected_g or 0


def weigh(shop: Engine, oid: int, grams: int, settings: Settings) -> packing.WeighResult:
    return packing.weigh(
        uow(shop), order_id=oid, grams=grams, source=WeightSource.SCALE, settings=settings
    )


def written(shop: Engine, oid: int) -> dict[str, Any]:
    """What the store holds of the order after it was weighed, without what is its own."""
    with uow(shop) as u:
        order = u.session.get(Order, oid)
        parcels = u.session.exec(
            select(Parcel).where(Parcel.order_id == oid).order_by(col(Parcel.seq))
        ).all()
        jobs = u.session.exec(
            select(PrintJob).where(PrintJob.order_id == oid).order_by(col(PrintJob.id))
        ).all()
        events = u.session.exec(
            select(Event).where(Event.order_id == oid).order_by(col(Event.id))
        ).all()
    assert order is not None and all(p.tracking_no for p in parcels)
    seq_of = {p.id: p.seq for p in parcels}
    for job in jobs:
        assert job.sha256 == hashlib.sha256(job.content).hexdigest()
    return {
        "order": (order.status, order.claimed_bench, order.lease_until, order.packed_at is None),
        "parcels": [
            (
                p.seq,
                p.status,
                p.measured_weight_g,
                p.weight_source,
                p.weighed_at is None,
                p.packed_at is None,
            )
            for p in parcels
        ],
        "jobs": [
            (j.kind, seq_of[j.parcel_id or 0], j.printer, j.language, j.status, j.created_by)
            for j in jobs
        ],
        "events": [
            (e.kind, e.bench, e.user, seq_of.get(e.parcel_id or 0), _payload(e.payload))
            for e in events
        ],
    }


def _payload(raw: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(raw).items() if k not in _OWN}


@pytest.mark.parametrize("boxes", [1, 2], ids=["one box", "the last of two boxes"])
def test_the_plain_weighing_writes_what_the_full_one_writes(
    shop: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, boxes: int
) -> None:
    full, plain = (
        two_boxes_to_weigh(shop, settings, no)
        if boxes == 2
        else ticked(shop, settings, no, [TEA, CUP])[0]
        for no in ("Q1", "Q2")
    )
    grams = expected_g(shop, full, settings)
    assert expected_g(shop, plain, settings) == grams
    with monkeypatch.context() as m:
        m.setattr(weighing, "weigh_plainly", lambda *a, **k: None)
        by_full = weigh(shop, full, grams, settings)
    taken: list[packing.WeighResult | None] = []
    pack = quick_weighing._pack

    def spy(*args: Any, **kwargs: Any) -> packing.WeighResult | None:
        taken.append(pack(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(quick_weighing, "_pack", spy)
    by_plain = weigh(shop, plain, grams, settings)
    assert taken and taken[0] is not None  # the plain way was taken, and packed the order
    assert by_full.order_packed and by_plain.order_packed
    assert dataclasses.replace(by_plain, message="") == dataclasses.replace(by_full, message="")
    assert written(shop, plain) == written(shop, full)
    assert written(shop, plain)["order"] == (OrderStatus.PACKED, None, None, False)
    assert [p[1] for p in written(shop, plain)["parcels"]] == [ParcelStatus.PACKED] * boxes
    report = audit(shop)
    assert report.ok, report.findings


def two_boxes_to_weigh(shop: Engine, settings: Settings, order_no: str) -> int:
    """An order whose box 1 (the tea) is packed and whose box 2 (the cup) waits for its weight."""
    oid, _grams = ticked(shop, settings, order_no, [TEA])
    packing.close_box(uow(shop), order_id=oid, settings=settings)
    first = weigh(shop, oid, expected_g(shop, oid, settings), settings)
    assert first.accepted and not first.order_packed
    assert packing.scan_item(uow(shop), order_id=oid, code=CUP, settings=settings).box_closed
    return oid


def expected_g(shop: Engine, oid: int, settings: Settings) -> int:
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None and view.current.expected_g
    return view.current.expected_g


def plainly(shop: Engine, oid: int, grams: int, settings: Settings, **weight: Any) -> object:
    """``weigh_plainly`` alone, and the number of events it wrote (0 when it declined)."""

    def count() -> int:
        with uow(shop) as u:
            return len(u.session.exec(select(Event.id)).all())

    before = count()
    given = Weight(oid, grams, weight.get("source", WeightSource.SCALE), "", "", utcnow())
    numbering = not weighing.guesses_numbers(uow(shop))
    result = quick_weighing.weigh_plainly(uow(shop), given, settings, number_first=numbering)
    assert count() == before or result is not None
    return result


def test_a_box_that_is_not_the_last_goes_the_full_way(shop: Engine, settings: Settings) -> None:
    oid, _grams = ticked(shop, settings, "Q1", [TEA])
    packing.close_box(uow(shop), order_id=oid, settings=settings)
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None and view.current.expected_g
    assert plainly(shop, oid, view.current.expected_g, settings) is None
    done = weigh(shop, oid, view.current.expected_g, settings)
    assert done.accepted and not done.order_packed  # box 2 opens for the cup


def test_a_weight_outside_the_tolerance_or_an_override_goes_the_full_way(
    shop: Engine, settings: Settings
) -> None:
    oid, grams = ticked(shop, settings, "Q1", [TEA, CUP])
    assert plainly(shop, oid, grams * 3, settings) is None
    assert plainly(shop, oid, grams, settings, source=WeightSource.OVERRIDE) is None
    refused = weigh(shop, oid, grams * 3, settings)
    assert not refused.accepted


def test_the_label_check_goes_the_full_way(shop: Engine, settings: Settings) -> None:
    checking = settings.model_copy(
        update={"bench": settings.bench.model_copy(update={"label_check": True})}
    )
    oid, grams = ticked(shop, checking, "Q1", [TEA, CUP])
    assert plainly(shop, oid, grams, checking) is None
    done = weigh(shop, oid, grams, checking)
    assert done.accepted and done.await_label_scan and not done.order_packed


def test_an_order_with_its_own_waybill_goes_the_full_way(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "Q1", [("TEA-001", 1)], tracking_no="YT7000001000000")
    packing.open_order(uow(shop), code="Q1", settings=settings)
    assert packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings).box_closed
    view = read_order(uow(shop), oid, settings)
    assert view is not None and view.current is not None and view.current.expected_g
    assert plainly(shop, oid, view.current.expected_g, settings) is None
    done = weigh(shop, oid, view.current.expected_g, settings)
    assert done.order_packed and "YT7000001000000" in done.message


def test_a_claim_another_bench_took_goes_the_full_way(shop: Engine, settings: Settings) -> None:
    oid, grams = ticked(shop, settings, "Q1", [TEA, CUP])
    with uow(shop) as u:
        order = u.session.get(Order, oid)
        assert order is not None
        order.claimed_bench = "bench-2"
        order.lease_until = utcnow() + dt.timedelta(minutes=5)
        u.session.add(order)
        u.commit()
    assert plainly(shop, oid, grams, settings) is None
    with pytest.raises(packing.ClaimLost):
        weigh(shop, oid, grams, settings)
