"""Labels and slips queued in the caller's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlmodel import col, select

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import ParcelStatus, PrintKind, PrintStatus
from packstation.errors import UserError
from packstation.labels import zpl
from packstation.labels.render import pages_of
from packstation.services import printing
from packstation.store.models import Event, Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.printed import all_printed

NewOrder = Callable[..., tuple[int, list[int]]]
Uow = Callable[..., UnitOfWork]


def queue(uow: UnitOfWork, parcel_id: int, settings: Settings) -> list[PrintJob]:
    with uow:
        jobs = printing.add_parcel_documents(uow, parcel_id=parcel_id, settings=settings)
        uow.commit()
    return jobs


def test_label_and_slip_are_queued_with_a_number_from_the_range(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _order_id, (parcel_id,) = new_order()
    jobs = queue(uow_factory(), parcel_id, print_settings)
    assert [j.kind for j in jobs] == [PrintKind.LABEL, PrintKind.SLIP]
    assert all(j.status == PrintStatus.QUEUED and j.printer == "test://label" for j in jobs)
    (fmt,) = zpl.parse(jobs[0].content)
    assert fmt.barcode_data == ["YT7000000000000"] * 2
    with uow_factory(readonly=True) as uow:
        parcel = uow.session.get(Parcel, parcel_id)
        assert parcel is not None
        assert parcel.tracking_no == "YT7000000000000"
        assert parcel.status == ParcelStatus.LABELLED
        kinds = [e.kind for e in uow.session.exec(select(Event).order_by(col(Event.id)))]
    assert "tracking_assigned" in kinds and kinds.count("print_queued") == 2


def test_nothing_is_queued_when_the_caller_rolls_back(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _order_id, (parcel_id,) = new_order()
    with uow_factory() as uow:
        printing.add_parcel_documents(uow, parcel_id=parcel_id, settings=print_settings)
    with uow_factory(readonly=True) as uow:
        assert uow.session.exec(select(PrintJob)).first() is None
        parcel = uow.session.get(Parcel, parcel_id)
        assert parcel is not None and parcel.tracking_no is None


def test_a_pre_assigned_number_is_kept_and_a_used_one_refused(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _a, (first,) = new_order(order_no="A1", tracking_no="YT1234567890123")
    jobs = queue(uow_factory(), first, print_settings)
    assert zpl.parse(jobs[0].content)[0].barcode_data[0] == "YT1234567890123"
    _b, (second,) = new_order(order_no="A2", tracking_no="YT1234567890123")
    with pytest.raises(UserError, match="already used"), uow_factory() as uow:
        printing.add_parcel_documents(uow, parcel_id=second, settings=print_settings)


def test_a_number_in_the_wrong_format_is_refused(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _a, (parcel_id,) = new_order(tracking_no="12AB")
    with pytest.raises(UserError, match="not a YTO tracking number"), uow_factory() as uow:
        printing.add_parcel_documents(uow, parcel_id=parcel_id, settings=print_settings)


def test_an_exhausted_range_says_what_to_do(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    settings = print_settings.model_copy(
        update={
            "carriers": {
                "YTO": CarrierSettings(waybill_range=["YT7000000000000", "YT7000000000001"])
            }
        }
    )
    _o, parcels = new_order(parcels=3)
    queue(uow_factory(), parcels[0], settings)
    queue(uow_factory(), parcels[1], settings)
    with pytest.raises(UserError, match="used up"), uow_factory() as uow:
        printing.add_parcel_documents(uow, parcel_id=parcels[2], settings=settings)


def test_no_range_and_no_number_is_one_sentence(
    new_order: NewOrder, uow_factory: Uow, settings: Settings
) -> None:
    _o, (parcel_id,) = new_order(carrier="ZTO")
    with pytest.raises(UserError, match="waybill_range"), uow_factory() as uow:
        printing.add_parcel_documents(uow, parcel_id=parcel_id, settings=settings)


def test_second_parcel_gets_a_label_without_a_slip(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _o, parcels = new_order(parcels=2)
    queue(uow_factory(), parcels[0], print_settings)
    jobs = queue(uow_factory(), parcels[1], print_settings)
    assert [j.kind for j in jobs] == [PrintKind.LABEL]
    assert zpl.parse(jobs[0].content)[0].barcode_data[0] == "YT7000000000001"


def test_reprint_sends_the_same_bytes_with_a_reason_and_a_count(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    order_id, (parcel_id,) = new_order()
    label = queue(uow_factory(), parcel_id, print_settings)[0]
    with pytest.raises(UserError, match="reason"):
        printing.reprint(uow_factory(), parcel_id=parcel_id, reason=" ")
    # still waiting for its printer (off, say): a reprint would come out beside it
    with pytest.raises(UserError) as waiting:
        printing.reprint(uow_factory(), parcel_id=parcel_id, reason="nothing came out")
    assert str(waiting.value) == (
        f"The label has not printed yet: it waits in the queue for {label.printer} and prints "
        "when that printer is ready; a reprint now would print it twice."
    )
    all_printed(uow_factory().engine, print_settings, simulated=True)
    again = printing.reprint(uow_factory(), parcel_id=parcel_id, reason="smudged")
    all_printed(uow_factory().engine, print_settings, simulated=True)
    third = printing.reprint(uow_factory(), parcel_id=parcel_id, reason="torn")
    assert again.content == label.content and third.content == label.content
    assert again.reprint_of == label.id and third.reprint_of == label.id
    with uow_factory(readonly=True) as uow:
        counts = printing.label_counts(uow, order_id)
        events = [
            json.loads(e.payload)
            for e in uow.session.exec(select(Event).where(Event.kind == "label_reprinted"))
        ]
    assert counts == {"labels": 1, "reprints": 2, "voids": 0}
    assert [e["count"] for e in events] == [1, 2]


def test_void_keeps_queued_labels_from_going_out(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    order_id, (parcel_id,) = new_order()
    queue(uow_factory(), parcel_id, print_settings)
    with uow_factory() as uow:
        assert printing.void_parcel_labels(uow, parcel_id=parcel_id, reason="cancelled") == 1
        uow.commit()
    with uow_factory(readonly=True) as uow:
        statuses = {
            j.kind: j.status
            for j in uow.session.exec(select(PrintJob).where(PrintJob.parcel_id == parcel_id))
        }
        assert printing.label_counts(uow, order_id)["voids"] == 1
    assert statuses[PrintKind.LABEL] == PrintStatus.VOID


def test_label_check(new_order: NewOrder, uow_factory: Uow, print_settings: Settings) -> None:
    order_id, (parcel_id,) = new_order()
    queue(uow_factory(), parcel_id, print_settings)
    with uow_factory() as uow:
        assert printing.check_label_scan(uow, parcel_id=parcel_id, scanned="yt7000000000000")
        assert not printing.check_label_scan(uow, parcel_id=parcel_id, scanned="YT7000000000999")
        uow.commit()
    with uow_factory(readonly=True) as uow:
        jobs = printing.label_jobs(uow, parcel_id)
        assert [j.status for j in jobs] == [PrintStatus.VOID, PrintStatus.QUEUED]
        assert "YT7000000000999" in jobs[1].reason and jobs[1].reprint_of == jobs[0].id
        assert jobs[1].content == jobs[0].content
        assert printing.find_order_id_by_tracking(uow, "YT7000000000000") == order_id
        assert printing.find_order_id_by_tracking(uow, "YT7000000000999") is None


def test_previews_show_what_prints(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _o, (parcel_id,) = new_order()
    with uow_factory(readonly=True) as uow:
        before = printing.parcel_label_preview_png(
            uow, parcel_id=parcel_id, settings=print_settings
        )
        assert uow.session.exec(select(PrintJob)).first() is None
    label = queue(uow_factory(), parcel_id, print_settings)[0]
    assert label.id is not None
    with uow_factory(readonly=True) as uow:
        stored = printing.preview_png(uow, job_id=label.id)
        again = printing.parcel_label_preview_png(uow, parcel_id=parcel_id, settings=print_settings)
    assert stored == again
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    assert pages_of("zpl", label.content)[0].size == (800, 1200)


def test_masking_can_be_turned_off(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    from packstation.services import documents

    _o, (parcel_id,) = new_order()
    plain = print_settings.model_copy(
        update={"printing": print_settings.printing.model_copy(update={"mask_recipient": False})}
    )
    with uow_factory(readonly=True) as uow:
        parcel = uow.session.get(Parcel, parcel_id)
        assert parcel is not None
        masked = documents.label_data(uow, print_settings, parcel, "YT1")
        clear = documents.label_data(uow, plain, parcel, "YT1")
        order = uow.session.get(Order, parcel.order_id)
        assert order is not None
    assert masked.recipient.name == "张**" and masked.recipient.phone == "138****5678"
    assert clear.recipient.name == "张三丰" and clear.recipient.phone == "13812345678"


def test_preview_opens_its_own_transaction_when_given_none(
    new_order: NewOrder, uow_factory: Uow, print_settings: Settings
) -> None:
    _o, (parcel_id,) = new_order()
    label = queue(uow_factory(), parcel_id, print_settings)[0]
    assert label.id is not None
    png = printing.preview_png(uow_factory(readonly=True), job_id=label.id)
    assert png[:4] == b"\x89PNG"
