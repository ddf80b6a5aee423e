"""Print first, pick after: a batch of waybills and slips with a pick list on top; the bench
then opens an order by its waybill and the first parcel adopts what was printed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, PrintKind
from packstation.errors import UserError
from packstation.labels import zpl
from packstation.services import printing
from packstation.services.audit import audit
from packstation.services.batch import print_batch, reprint_batch
from packstation.store.engine import make_engine
from packstation.store.models import Order, OrderLine, Parcel, ParcelItem, PrintJob
from packstation.store.uow import UnitOfWork

NewOrder = Callable[..., tuple[int, list[int]]]
Uow = Callable[..., UnitOfWork]
DAY = dt.date(2026, 11, 26)


def ready(uow_factory: Uow, order_ids: list[int]) -> None:
    with uow_factory() as uow:
        for order_id in order_ids:
            order = uow.session.get(Order, order_id)
            assert order is not None
            order.status = OrderStatus.READY
            uow.session.add(order)
        uow.commit()


def test_batch_prints_pick_list_then_a_label_and_slip_per_order(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    ids = [new_order(order_no=f"B{n}", parcels=0)[0] for n in range(3)]
    ready(uow_factory, ids)
    result = print_batch(uow_factory(), print_settings, due=DAY, limit=2)
    assert result.order_nos == ("B0", "B1")
    with uow_factory(readonly=True) as uow:
        jobs = list(uow.session.exec(select(PrintJob).order_by(col(PrintJob.id))))
        assert [j.kind for j in jobs] == [
            PrintKind.PICK_LIST,
            PrintKind.LABEL,
            PrintKind.SLIP,
            PrintKind.LABEL,
            PrintKind.SLIP,
        ]
        assert {j.batch for j in jobs} == {result.batch}
        numbers = [
            zpl.parse(j.content)[0].barcode_data[0] for j in jobs if j.kind == PrintKind.LABEL
        ]
        assert numbers == ["YT7000000000000", "YT7000000000001"]
        # the waybill opens its order at the bench
        assert printing.find_order_id_by_tracking(uow, numbers[1]) == ids[1]
    # the next batch takes the orders not yet printed
    assert print_batch(uow_factory(), print_settings, due=DAY).order_nos == ("B2",)
    with pytest.raises(UserError, match="nothing to print"):
        print_batch(uow_factory(), print_settings, due=DAY)


def _first_parcel(
    uow_factory: Uow, order_id: int, settings: Settings, *, units: int | None = None
) -> tuple[Parcel, list[PrintJob]]:
    """The order's first parcel, weighed, with every unit of the order (``units``: that many of
    its first line alone), and its documents (a batch's, adopted when it holds the order)."""
    with uow_factory() as uow:
        parcel = Parcel(order_id=order_id, seq=1, carrier="YTO", measured_weight_g=800)
        uow.session.add(parcel)
        uow.flush()
        assert parcel.id is not None
        lines = uow.session.exec(select(OrderLine).where(OrderLine.order_id == order_id)).all()
        for line in lines[:1] if units is not None else lines:
            quantity = line.quantity if units is None else units
            uow.session.add(ParcelItem(parcel_id=parcel.id, line_id=line.id, quantity=quantity))
        uow.flush()
        jobs = printing.add_parcel_documents(uow, parcel_id=parcel.id, settings=settings)
        uow.commit()
    return parcel, jobs


def test_the_first_parcel_adopts_the_batch_waybill(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    order_id, _ = new_order(order_no="P1", parcels=0)
    ready(uow_factory, [order_id])
    print_batch(uow_factory(), print_settings, due=DAY)
    parcel, jobs = _first_parcel(uow_factory, order_id, print_settings)
    assert [j.kind for j in jobs] == [PrintKind.LABEL, PrintKind.SLIP]
    assert all(j.parcel_id == parcel.id for j in jobs)
    with uow_factory(readonly=True) as uow:
        stored = uow.session.get(Parcel, parcel.id)
        assert stored is not None and stored.tracking_no == "YT7000000000000"
        assert stored.measured_weight_g == 800
        assert len(list(uow.session.exec(select(PrintJob)))) == 3  # nothing printed twice


def test_a_first_box_of_several_gets_its_own_label_with_the_batch_s_number(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    """Box 1 of an order packed in several kept the waybill the batch drew for the order as one
    parcel: "件 1/1", every item and the whole insured value on a box holding one cup."""
    order_id, _ = new_order(order_no="P2", parcels=0)
    ready(uow_factory, [order_id])
    batch = print_batch(uow_factory(), print_settings, due=DAY)
    parcel, jobs = _first_parcel(uow_factory, order_id, print_settings, units=1)
    assert [j.kind for j in jobs] == [PrintKind.LABEL, PrintKind.SLIP]  # the buyer's slip too
    label = jobs[0]
    assert label.parcel_id == parcel.id and not label.batch  # drawn for this box
    drawn = zpl.parse(label.content)[0]
    assert drawn.barcode_data[0] == "YT7000000000000"  # the number printed first, kept
    with uow_factory(readonly=True) as uow:
        first = uow.session.exec(
            select(PrintJob).where(
                col(PrintJob.id).in_(batch.jobs), PrintJob.kind != PrintKind.PICK_LIST
            )
        ).all()
        assert {j.status for j in first} == {"void"}  # the batch's, never adopted
        stored = uow.session.get(Parcel, parcel.id)
        assert stored is not None and stored.tracking_no == "YT7000000000000"


def test_a_batch_can_be_reprinted(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    order_id, _ = new_order(order_no="R1", parcels=0)
    ready(uow_factory, [order_id])
    first = print_batch(uow_factory(), print_settings, due=DAY)
    with pytest.raises(UserError, match="reason"):
        reprint_batch(uow_factory(), batch=first.batch, reason="")
    # still in the queue (the printer off): a reprint would print every page twice
    with pytest.raises(UserError, match="has not printed yet: it waits in the queue for"):
        reprint_batch(uow_factory(), batch=first.batch, reason="printer jammed")
    with uow_factory() as uow:  # printed, as the sender records it
        for job in uow.session.exec(select(PrintJob).where(col(PrintJob.id).in_(first.jobs))):
            job.status = "sent"
            uow.session.add(job)
            uow.record("print_sent", order_id=job.order_id, job_id=job.id, printer=job.printer)
        uow.commit()
    again = reprint_batch(uow_factory(), batch=first.batch, reason="printer jammed")
    with uow_factory(readonly=True) as uow:
        originals = {
            j.id: j
            for j in uow.session.exec(select(PrintJob).where(col(PrintJob.id).in_(first.jobs)))
        }
        for job in uow.session.exec(select(PrintJob).where(col(PrintJob.id).in_(again.jobs))):
            assert job.reprint_of in originals
            assert job.content == originals[job.reprint_of].content
            assert job.reason == "printer jammed"
    # every reprint is on record (the audit found each "without a reason or a reprint
    # record"), and still once the order's first parcel adopts the batch's jobs (it counted
    # the reprints among the parcel's documents)
    assert audit(uow_factory().engine).ok, audit(uow_factory().engine).findings
    _parcel, jobs = _first_parcel(uow_factory, order_id, print_settings)
    assert len(jobs) == 4  # the batch's label and slip, and their reprints
    report = audit(uow_factory().engine)
    # (the parcel was made here, filled and weighed without scans or a weighing: only its
    # items and weight are told apart, no print job)
    checks = {f.check for f in report.findings}
    assert checks == {"box_items", "lines", "weights"}, report.findings


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_batch_skips_an_order_a_bench_is_claiming(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings, store_url: str
) -> None:
    """An order locked by another transaction (a bench claiming it, another batch printing it)
    is left out of the batch at once, not printed twice and not waited for."""
    ids = [new_order(order_no=f"B{n}", parcels=0)[0] for n in range(3)]
    ready(uow_factory, ids)
    engine = make_engine(store_url)
    try:
        with engine.connect() as claiming:
            claiming.execute(
                text('SELECT id FROM "order" WHERE id = :id FOR UPDATE'), {"id": ids[0]}
            )
            printed: list[tuple[str, ...]] = []
            batch = threading.Thread(
                target=lambda: printed.append(
                    print_batch(uow_factory(), print_settings, due=DAY).order_nos
                )
            )
            batch.start()
            batch.join(timeout=10)
            assert not batch.is_alive(), "the batch waited for the order being claimed"
            assert printed == [("B1", "B2")]
        batch.join()
        assert print_batch(uow_factory(), print_settings, due=DAY).order_nos == ("B0",)
    finally:
        engine.dispose()


def test_an_order_whose_carrier_has_no_range_is_named(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    """The batch stopped with 'YUNDA has no waybill number range …', naming no order."""
    first, _ = new_order(order_no="Y1", parcels=0)
    second, _ = new_order(order_no="Y2", parcels=0, carrier="YUNDA")
    ready(uow_factory, [first, second])
    with pytest.raises(UserError) as refused:
        print_batch(uow_factory(), print_settings, due=DAY)
    assert str(refused.value).startswith("Order Y2 (YUNDA) stops the batch: YUNDA has no")
    assert str(refused.value).endswith("To print the others first, give --carrier.")
    # nothing of the batch was stored; the others print by their carrier
    assert print_batch(uow_factory(), print_settings, due=DAY, carrier="YTO").order_nos == ("Y1",)
