"""The lead's decisions on exceptions, on both stores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus as P
from packstation.errors import UserError
from packstation.services.lead import (
    cancel_order,
    change_courier,
    correct_address,
    held_orders,
    not_shipping_today,
    release,
    settle,
    split_order,
    unshipped_without_reason,
)
from packstation.store.models import Event, Order, OrderException, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, hold, label, order, parcel
from tests.support.waiting import waits_then

Factory = Callable[..., UnitOfWork]


@pytest.fixture
def lead_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"carriers": {"YTO": CarrierSettings(), "ZTO": CarrierSettings()}}
    )


def _ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {o.order_no: o.id or 0 for o in s.exec(select(Order)).all()}


def _seed(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        held = order(s, "H-1")
        hold(s, held, "short", "SKU-1 short by 1")
        labelled = order(s, "L-1", status=S.PACKED)
        p = parcel(s, labelled, "YT1")
        label(s, p)
        order(s, "R-1", qty=3)  # three units: a split into three parcels
        s.commit()
    return _ids(engine)


def _events(engine: Engine, kind: str) -> list[dict[str, object]]:
    with Session(engine) as s:
        return [
            json.loads(e.payload) for e in s.exec(select(Event).where(Event.kind == kind)).all()
        ]


def test_release(engine: Engine, uow_factory: Factory) -> None:
    ids = _seed(engine)
    held = held_orders(uow_factory())
    assert [(h.order_no, h.exceptions[0].kind, h.exceptions[0].note) for h in held] == [
        ("H-1", "short", "SKU-1 short by 1")
    ]
    release(uow_factory(user="lead-wu"), order_id=ids["H-1"], note="found on shelf B")
    assert held_orders(uow_factory()) == []
    with Session(engine) as s:
        o = s.get(Order, ids["H-1"])
        assert o is not None and o.status == S.READY and o.hold_reason == ""
        ex = s.exec(select(OrderException)).one()
        assert ex.resolved_by == "lead-wu" and ex.resolution == "found on shelf B"
    assert _events(engine, "order_released")
    # it said "R-1 is ready to pack and cannot become ready"
    with pytest.raises(UserError, match="R-1 is ready to pack, not on hold: there is nothing"):
        release(uow_factory(), order_id=ids["R-1"])


def test_an_order_the_marketplace_closed_after_a_parcel_left_is_not_released(
    engine: Engine, uow_factory: Factory
) -> None:
    """Two boxes, one with the courier, and the marketplace closed the order: R put it back to
    packed, and the box still here went into the handover and the ship-confirm file."""
    with Session(engine) as s:
        closed = order(s, "C-1", status=S.PACKED)
        parcel(s, closed, "YT0000000001", status=P.HANDED_OVER, seq=1)
        parcel(s, closed, "YT0000000002", seq=2)
        hold(s, closed, "cancelled", "closed on the marketplace after it was handed over")
        s.commit()
        order_id = closed.id or 0
    with pytest.raises(UserError) as refused:
        release(uow_factory(), order_id=order_id, note="ok")
    assert str(refused.value) == (
        "The marketplace closed order C-1: released, its boxes here would ship. Recall the "
        "parcel with the courier and keep the rest here; the order stays on hold."
    )
    with Session(engine) as s:
        kept = s.get(Order, order_id)
        assert kept is not None and kept.status == S.ON_HOLD
        assert s.exec(select(OrderException)).one().resolved_at is None


def test_change_courier_voids_the_label(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    ids = _seed(engine)
    change_courier(uow_factory(), order_id=ids["R-1"], carrier="zto", settings=lead_settings)
    change_courier(uow_factory(), order_id=ids["L-1"], carrier="ZTO", settings=lead_settings)
    with Session(engine) as s:
        r1 = s.get(Order, ids["R-1"])
        l1 = s.get(Order, ids["L-1"])
        assert r1 is not None and r1.carrier == "ZTO" and r1.status == S.READY
        assert l1 is not None and l1.carrier == "ZTO" and l1.status == S.ON_HOLD
        assert s.exec(select(Parcel)).one().status == P.VOID
        assert s.exec(select(PrintJob)).one().status == "void"
    assert {e["after"] for e in _events(engine, "courier_changed")} == {"ZTO"}
    # held by the lead's change, with no exception: the list says what held it, who and when
    # (its columns were empty)
    held = {h.order_no: h for h in held_orders(uow_factory())}
    assert not held["L-1"].exceptions
    assert (held["L-1"].held_kind, held["L-1"].held_by) == ("courier_changed", "tester")
    assert held["L-1"].held_at is not None
    assert held["H-1"].held_kind == ""  # its exception says it
    with pytest.raises(UserError, match="unknown"):
        change_courier(uow_factory(), order_id=ids["R-1"], carrier="XX", settings=lead_settings)


def test_correct_address_voids_and_relabels(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    ids = _seed(engine)
    relabelled = correct_address(
        uow_factory(),
        order_id=ids["L-1"],
        changes={"address": "文一西路 2号"},
        settings=lead_settings,
    )
    assert len(relabelled) == 1
    with Session(engine) as s:
        o = s.get(Order, ids["L-1"])
        assert o is not None and o.address == "文一西路 2号" and o.status == S.PACKED
        jobs = s.exec(select(PrintJob).order_by(PrintJob.id)).all()  # type: ignore[arg-type]
        assert jobs[0].status == "void"
    [change] = _events(engine, "address_corrected")
    assert change["after"] == {"address": "文一西路 2号"}
    with pytest.raises(UserError, match="Nothing changed"):
        correct_address(
            uow_factory(),
            order_id=ids["L-1"],
            changes={"address": "文一西路 2号"},
            settings=lead_settings,
        )
    # what the courier cannot deliver to is refused, and nothing is voided or printed (an
    # empty address and a phone "abc" were stored, and the label printed without them)
    for changes, said in (
        ({"address": "  "}, "may not be empty"),
        ({"recipient_name": ""}, "may not be empty"),
        ({"phone": "abc"}, "The phone abc is too short for a courier to call"),
        ({"address": "路" * 401}, "The address is longer than 400 characters"),
        ({"postcode": "abc"}, "The postcode abc is not six digits"),
        ({"postcode": "3100001"}, "The postcode 3100001 is not six digits"),
    ):
        with pytest.raises(UserError, match=said):
            correct_address(
                uow_factory(), order_id=ids["L-1"], changes=changes, settings=lead_settings
            )
    assert len(_events(engine, "address_corrected")) == 1


def test_split_cancel_and_reasons(engine: Engine, uow_factory: Factory) -> None:
    ids = _seed(engine)
    parcels = split_order(uow_factory(), order_id=ids["R-1"], parcels=3)
    assert len(parcels) == 3
    with Session(engine) as s:
        seqs = sorted(
            p.seq for p in s.exec(select(Parcel).where(Parcel.order_id == ids["R-1"])).all()
        )
        assert seqs == [1, 2, 3]
    # split again into fewer: the boxes beyond go (the second split was ignored, 3 stayed)
    assert len(split_order(uow_factory(), order_id=ids["R-1"], parcels=2)) == 2
    with Session(engine) as s:
        going = s.exec(
            select(Parcel.seq).where(Parcel.order_id == ids["R-1"], Parcel.status != P.VOID)
        ).all()
        assert sorted(going) == [1, 2]
    with pytest.raises(UserError, match="has 3 units to pack: it cannot go in 4 parcels"):
        split_order(uow_factory(), order_id=ids["R-1"], parcels=4)
    with pytest.raises(UserError, match=r"cannot be split|before a bench"):
        split_order(uow_factory(), order_id=ids["L-1"], parcels=2)
    cancel_order(uow_factory(), order_id=ids["L-1"], reason="buyer cancelled")
    with Session(engine) as s:
        l1 = s.get(Order, ids["L-1"])
        assert l1 is not None and l1.status == S.CANCELLED
    # H-1 is on hold with its reason: only R-1 has none
    count, missing = unshipped_without_reason(uow_factory(), day=DAY)
    assert count == 1 and [m.order_no for m in missing] == ["R-1"]
    with pytest.raises(UserError, match="reason"):
        not_shipping_today(uow_factory(), order_id=ids["R-1"], reason="  ", day=DAY)
    not_shipping_today(uow_factory(), order_id=ids["R-1"], reason="waiting for stock", day=DAY)
    assert unshipped_without_reason(uow_factory(), day=DAY) == (0, [])
    # the reason was for that day: the next day the order needs shipping or a reason again
    count, missing = unshipped_without_reason(uow_factory(), day=DAY + dt.timedelta(days=1))
    assert [m.order_no for m in missing] == ["R-1"]
    with pytest.raises(UserError, match="is cancelled and cannot become cancelled"):
        cancel_order(uow_factory(), order_id=ids["L-1"], reason="again")


@pytest.mark.postgres
def test_a_cancel_waits_for_the_benchs_action_and_sees_what_it_did(pg_engine: Engine) -> None:
    """The lead cancels an order while a bench is packing it (its weighing not committed yet):
    the cancel waits for it, then cancels the order as the bench left it (packed, its label to
    void), not as it was when the lead pressed the key."""
    with Session(pg_engine) as s:
        packing = order(s, "P-1", status=S.PACKING)
        label(s, parcel(s, packing, None, status=P.OPEN))
        s.commit()
        order_id = packing.id or 0
    with pg_engine.connect() as weighing:  # the bench's weighing, not committed yet
        weighing.execute(text('SELECT id FROM "order" WHERE id = :id FOR UPDATE'), {"id": order_id})
        weighing.execute(
            text("UPDATE \"order\" SET status = 'packed' WHERE id = :id"), {"id": order_id}
        )
        weighing.execute(
            text("UPDATE parcel SET status = 'packed', tracking_no = 'YT9' WHERE order_id = :id"),
            {"id": order_id},
        )
        waits_then(
            weighing,
            lambda: cancel_order(UnitOfWork(pg_engine), order_id=order_id, reason="buyer asked"),
        )
    [cancelled] = _events(pg_engine, "order_cancelled")
    assert cancelled["before"] == "packed"
    with Session(pg_engine) as s:
        assert s.exec(select(Parcel.status).where(Parcel.order_id == order_id)).one() == P.VOID
        jobs = s.exec(select(PrintJob.status).join(Parcel)).all()
        assert jobs and set(jobs) == {"void"}


def test_an_order_closed_after_the_handover_is_listed_until_settled(
    engine: Engine, uow_factory: Factory
) -> None:
    """The marketplace closed an order the courier already had: the import raised an exception
    ("recall the parcel") that no lead screen showed, for the order is not on hold."""
    _seed(engine)
    with Session(engine) as s:
        gone = order(s, "G-1", status=S.HANDED_OVER)
        assert gone.id is not None
        s.add(OrderException(order_id=gone.id, kind="cancelled", note="recall the parcel"))
        s.commit()
        gone_id = gone.id
    listed = {h.order_no: h for h in held_orders(uow_factory())}
    assert set(listed) == {"H-1", "G-1"}
    assert listed["G-1"].status == S.HANDED_OVER and listed["H-1"].status == S.ON_HOLD
    assert [e.note for e in listed["G-1"].exceptions] == ["recall the parcel"]
    with pytest.raises(UserError, match="Say what was done"):
        settle(uow_factory(), order_id=gone_id, resolution=" ")
    assert settle(uow_factory(), order_id=gone_id, resolution="parcel recalled") == 1
    assert {h.order_no for h in held_orders(uow_factory())} == {"H-1"}
    with Session(engine) as s:
        assert s.get(Order, gone_id).status == S.HANDED_OVER  # type: ignore[union-attr]
    assert _events(engine, "exceptions_settled")[0]["resolution"] == "parcel recalled"
    with pytest.raises(UserError, match="has no open exception"):
        settle(uow_factory(), order_id=gone_id, resolution="again")
