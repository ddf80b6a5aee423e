"""The first parcel that goes, not parcel number 1, takes what belongs to the whole order (both
stores): the waybill a batch printed first and the packing slip.  A box voided while open (the
packer put the order back, or raised an exception) leaves its number behind, and the next box
of the order is number 2."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import ParcelStatus, PrintKind, PrintStatus, WeightSource
from packstation.errors import UserError
from packstation.services import lead, packing
from packstation.services.audit import audit
from packstation.services.batch import print_batch
from packstation.services.packing_view import Phase, read_order
from packstation.services.reprints import void_label
from packstation.store.models import Carrier, Order, OrderLine, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import TODAY, add_order
from tests.integration.packing.test_drafts import count_renders

TEA, CUP = "6901234567892", "6901234567908"


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents the bench draws from now on, by kind ("label", "slip")."""
    return count_renders(monkeypatch)


def uow(engine: Engine, bench: str = "bench-1") -> UnitOfWork:
    return UnitOfWork(engine, bench=bench, user="王芳")


def put_back_after_one(engine: Engine, order_no: str, settings: Settings) -> int:
    """The packer opens the order, ticks one tea and puts the order back (box 1 void); it is
    opened again.  Returns the order's id."""
    with UnitOfWork(engine) as u:
        order_id = u.session.exec(select(Order.id).where(Order.order_no == order_no)).one()
        assert order_id is not None
    assert packing.open_order(uow(engine), code=order_no, settings=settings) is not None
    assert packing.scan_item(uow(engine), order_id=order_id, code=TEA, settings=settings).ok
    packing.release_order(uow(engine), order_id=order_id, reason="called away")
    assert packing.open_order(uow(engine), code=order_no, settings=settings) is not None
    return order_id


SAID: list[str] = []  # what each weighing told the packer


def weigh(engine: Engine, order_id: int, codes: list[str], settings: Settings) -> bool:
    """Tick ``codes`` into the open box (closing it if they leave units for another box) and
    weigh it; True when the order is packed.  What the bench said is kept in ``SAID``."""
    for code in codes:
        assert packing.scan_item(uow(engine), order_id=order_id, code=code, settings=settings).ok
    view = read_order(uow(engine), order_id, settings)
    assert view is not None and view.current is not None
    if view.phase != Phase.WEIGHING:
        packing.close_box(uow(engine), order_id=order_id, settings=settings)
        view = read_order(uow(engine), order_id, settings)
        assert view is not None and view.current is not None
    weighed = packing.weigh(
        uow(engine),
        order_id=order_id,
        grams=view.current.expected_g or 0,
        source=WeightSource.SCALE,
        settings=settings,
    )
    assert weighed.accepted, weighed.message
    SAID.append(weighed.message)
    return weighed.order_packed


def parcels(engine: Engine, order_id: int) -> list[Parcel]:
    with UnitOfWork(engine) as u:
        query = select(Parcel).where(Parcel.order_id == order_id).order_by(col(Parcel.seq))
        return list(u.session.exec(query))


def jobs(engine: Engine, order_id: int) -> list[PrintJob]:
    with UnitOfWork(engine) as u:
        query = select(PrintJob).where(PrintJob.order_id == order_id).order_by(col(PrintJob.id))
        return list(u.session.exec(query))


def order_number(engine: Engine, order_id: int) -> str:
    with UnitOfWork(engine) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.tracking_no
        return order.tracking_no


def next_in_range(engine: Engine) -> str | None:
    with UnitOfWork(engine) as u:
        carrier = u.session.get(Carrier, "YTO")
        return carrier.range_next if carrier else None


def audited(engine: Engine) -> None:
    report = audit(engine)
    assert report.ok, report.as_dict()


def live_slips(engine: Engine, order_id: int) -> list[PrintJob]:
    return [
        j
        for j in jobs(engine, order_id)
        if j.kind == PrintKind.SLIP and j.status != PrintStatus.VOID
    ]


def test_printed_first_then_put_back_the_box_that_goes_adopts_the_waybill(
    shop: Engine, settings: Settings, drawn: list[str]
) -> None:
    order_id = add_order(shop, "F1", [("TEA-001", 2)])
    batch = print_batch(uow(shop), settings, due=TODAY)
    printed, taken = order_number(shop, order_id), next_in_range(shop)
    put_back_after_one(shop, "F1", settings)
    drawn.clear()  # the batch drew the waybill and the slip

    assert weigh(shop, order_id, [TEA, TEA], settings)
    void, box = parcels(shop, order_id)
    assert (void.seq, void.status, void.tracking_no) == (1, ParcelStatus.VOID, None)
    assert (box.seq, box.status, box.tracking_no) == (2, ParcelStatus.PACKED, printed)
    # nothing queued at the bench: it said "label … queued"
    assert SAID[-1].endswith(f"its label {printed} was printed with the batch.")
    # nothing drawn or numbered at the bench: the batch's waybill and slip are the box's
    assert drawn == []
    assert next_in_range(shop) == taken
    assert [(j.kind, j.batch, j.parcel_id) for j in jobs(shop, order_id)] == [
        (PrintKind.LABEL, batch.batch, box.id),
        (PrintKind.SLIP, batch.batch, box.id),
    ]
    audited(shop)


def test_a_put_back_box_leaves_the_slip_to_the_box_that_goes(
    shop: Engine, settings: Settings, drawn: list[str]
) -> None:
    order_id = add_order(shop, "S1", [("TEA-001", 2)])
    put_back_after_one(shop, "S1", settings)

    assert weigh(shop, order_id, [TEA, TEA], settings)
    box = parcels(shop, order_id)[-1]
    assert box.seq == 2 and box.tracking_no
    assert [(j.kind, j.status, j.parcel_id) for j in jobs(shop, order_id)] == [
        (PrintKind.LABEL, PrintStatus.QUEUED, box.id),
        (PrintKind.SLIP, PrintStatus.QUEUED, box.id),
    ]
    # drawn once, before the weighing: the transaction found the drafts still right
    assert drawn == ["label", "slip"]
    audited(shop)


def test_after_a_put_back_only_the_first_box_that_goes_takes_the_waybill_and_slip(
    shop: Engine, settings: Settings
) -> None:
    order_id = add_order(shop, "M1", [("TEA-001", 2), ("CUP-002", 1)])
    batch = print_batch(uow(shop), settings, due=TODAY)
    printed = order_number(shop, order_id)
    put_back_after_one(shop, "M1", settings)

    assert not weigh(shop, order_id, [TEA], settings)
    assert weigh(shop, order_id, [TEA, CUP], settings)
    void, first, second = parcels(shop, order_id)
    assert void.status == ParcelStatus.VOID
    assert first.tracking_no == printed
    assert second.tracking_no and second.tracking_no != printed
    # the first box holds part of the order: the batch's waybill (drawn for the whole order
    # as one parcel) is void, and the box gets its own label with that number, and the slip
    assert [(j.kind, bool(j.batch), j.parcel_id, j.status) for j in jobs(shop, order_id)] == [
        (PrintKind.LABEL, True, None, PrintStatus.VOID),
        (PrintKind.SLIP, True, None, PrintStatus.VOID),
        (PrintKind.LABEL, False, first.id, PrintStatus.QUEUED),
        (PrintKind.SLIP, False, first.id, PrintStatus.QUEUED),
        (PrintKind.LABEL, False, second.id, PrintStatus.QUEUED),  # no second slip
    ]
    assert batch.batch
    audited(shop)


def test_a_corrected_address_after_a_put_back_prints_no_second_slip(
    shop: Engine, settings: Settings
) -> None:
    order_id = add_order(shop, "A1", [("TEA-001", 2), ("CUP-002", 1)])
    put_back_after_one(shop, "A1", settings)
    assert not weigh(shop, order_id, [TEA], settings)
    first = parcels(shop, order_id)[1]

    relabelled = lead.correct_address(
        UnitOfWork(shop, bench="office", user="陈主管"),
        order_id=order_id,
        changes={"address": "文一路 8 号"},
        settings=settings,
    )
    assert relabelled == [first.id]
    assert weigh(shop, order_id, [TEA, CUP], settings)
    second = parcels(shop, order_id)[2]
    assert [(j.kind, j.status, j.parcel_id) for j in jobs(shop, order_id)] == [
        (PrintKind.LABEL, PrintStatus.VOID, first.id),
        (PrintKind.SLIP, PrintStatus.QUEUED, first.id),
        (PrintKind.LABEL, PrintStatus.QUEUED, first.id),  # the new address, same number
        (PrintKind.LABEL, PrintStatus.QUEUED, second.id),
    ]
    assert len({p.tracking_no for p in parcels(shop, order_id)[1:]}) == 2
    audited(shop)


def test_a_box_whose_adopted_waybill_was_voided_keeps_it_and_the_next_gets_a_new_one(
    shop: Engine, settings: Settings
) -> None:
    """The order's number stays on the void box it was printed for: the box that goes now is
    the first, but takes a number of its own (the slip adopted with the waybill still stands)."""
    order_id = add_order(shop, "V1", [("TEA-001", 1)])
    print_batch(uow(shop), settings, due=TODAY)
    printed = order_number(shop, order_id)
    assert packing.open_order(uow(shop), code=printed, settings=settings) is not None
    assert weigh(shop, order_id, [TEA], settings)
    dead = parcels(shop, order_id)[0]
    assert dead.id is not None and dead.tracking_no == printed
    void_label(uow(shop), parcel_id=dead.id, reason="torn")
    lead.release(UnitOfWork(shop, bench="office", user="陈主管"), order_id=order_id)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None

    assert weigh(shop, order_id, [TEA], settings)
    box = parcels(shop, order_id)[1]
    assert box.tracking_no and box.tracking_no != printed
    assert [j.parcel_id for j in live_slips(shop, order_id)] == [dead.id]
    audited(shop)


def test_after_a_put_back_the_packer_hears_of_box_1_not_box_2(
    shop: Engine, settings: Settings
) -> None:
    """Box 1 was undone; the box the packer fills now is the first that goes, and what the
    bench says about it calls it box 1, as its label will."""
    order_id = add_order(shop, "N1", [("TEA-001", 2), ("CUP-002", 1)])
    put_back_after_one(shop, "N1", settings)
    with pytest.raises(UserError, match="Box 1 is empty"):
        packing.close_box(uow(shop), order_id=order_id, settings=settings)
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    assert packing.close_box(uow(shop), order_id=order_id, settings=settings) == 1
    with pytest.raises(UserError, match="Box 1 is already closed"):
        packing.close_box(uow(shop), order_id=order_id, settings=settings)
    with pytest.raises(UserError, match="Box 1 is closed: weigh and label it"):
        packing.tick_manually(
            uow(shop),
            order_id=order_id,
            line_id=_line_id(shop, order_id, "CUP-002"),
            reason="barcode torn",
            settings=settings,
        )


def _line_id(engine: Engine, order_id: int, sku: str) -> int:
    with UnitOfWork(engine) as u:
        line_id = u.session.exec(
            select(OrderLine.id).where(OrderLine.order_id == order_id, OrderLine.sku == sku)
        ).one()
        assert line_id is not None
        return line_id
