"""What a bench writes when an order leaves it (an exception's hold, a put back) is read in the
reader's language, whatever the bench's (both stores).  It was stored in the bench's words: a
Chinese lead read "damaged …" from an English bench, and the reverse."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind, PrintStatus
from packstation.i18n import as_read, set_language
from packstation.services import packing
from packstation.services.batch import print_batch
from packstation.services.lead import held_orders
from packstation.services.orders import order_details
from packstation.services.queue import queue_page
from packstation.store.models import Order, PrintJob
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import TODAY, add_order
from tests.integration.packing.steps import weigh_the_box
from tests.integration.packing.test_first_parcel import CUP, put_back_after_one, weigh

TEA = "6901234567892"

LANGUAGES = [("en", "zh_CN"), ("zh_CN", "en")]


def _opened(shop: Engine, settings: Settings, order_no: str) -> int:
    order_id = add_order(shop, order_no, [("TEA-001", 1)])
    assert packing.open_order(UnitOfWork(shop, bench="bench-1"), code=order_no, settings=settings)
    return order_id


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_bench_exceptions_hold_is_read_in_the_readers_language(
    shop: Engine, settings: Settings, writer: str, reader: str
) -> None:
    order_id = _opened(shop, settings, "E-1")
    set_language(writer)
    held = packing.raise_exception(
        UnitOfWork(shop, bench="bench-1"),
        order_id=order_id,
        kind=ExceptionKind.DAMAGED,
        note="杯子碎了 cracked",
    )
    assert (
        held.reason == {"en": "damaged 杯子碎了 cracked", "zh_CN": "破损 杯子碎了 cracked"}[writer]
    )
    set_language(reader)
    said = {"en": "damaged 杯子碎了 cracked", "zh_CN": "破损 杯子碎了 cracked"}[reader]
    (lead_view,) = held_orders(UnitOfWork(shop))
    assert lead_view.reason == said  # the packer's note as typed
    assert [e.note for e in lead_view.exceptions] == ["杯子碎了 cracked"]
    assert order_details(UnitOfWork(shop), order_id)["hold_reason"] == said
    page = queue_page(UnitOfWork(shop, readonly=True), day=TODAY, settings=settings)
    assert [r.reason for r in page.rows if r.order_id == order_id] == [said]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_put_back_is_read_in_the_readers_language(
    shop: Engine, settings: Settings, writer: str, reader: str
) -> None:
    order_id = _opened(shop, settings, "P-1")
    set_language(writer)
    packing.release_order(
        UnitOfWork(shop, bench="bench-1"), order_id=order_id, reason=packing.PUT_BACK
    )
    set_language(reader)
    events = order_details(UnitOfWork(shop), order_id)["events"]
    released = [e["details"]["reason"] for e in events if e["kind"] == "order_released"]
    assert released == [{"en": "put back", "zh_CN": "退回队列"}[reader]]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_wrong_label_scans_reprint_reason_is_read_in_the_readers_language(
    shop: Engine, settings: Settings, writer: str, reader: str
) -> None:
    checking = settings.model_copy(
        update={"bench": settings.bench.model_copy(update={"label_check": True})}
    )
    order_id = _opened(shop, checking, "L-1")
    assert packing.scan_item(
        UnitOfWork(shop, bench="bench-1"), order_id=order_id, code=TEA, settings=checking
    ).ok
    assert weigh_the_box(shop, order_id, checking).await_label_scan
    set_language(writer)
    right, _packed = packing.check_label(
        UnitOfWork(shop, bench="bench-1"),
        order_id=order_id,
        code="YT7000000999999",
        settings=checking,
    )
    assert not right
    set_language(reader)
    (box,) = order_details(UnitOfWork(shop), order_id)["parcels"]
    reasons = [label["reason"] for label in box["labels"] if label["reprint_of"]]
    assert reasons == [
        {
            "en": "label check: scanned YT7000000999999, expected YT7000000000000",
            "zh_CN": "面单核对：扫描到 YT7000000999999，应为 YT7000000000000",
        }[reader]
    ]


def _voided(shop: Engine, order_id: int) -> list[str]:
    """Why each of the order's voided print jobs was voided, as stored."""
    with UnitOfWork(shop) as u:
        return list(
            u.session.exec(
                select(PrintJob.error)
                .where(PrintJob.order_id == order_id, PrintJob.status == PrintStatus.VOID)
                .order_by(col(PrintJob.id))
            )
        )


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_batch_label_voided_for_a_reprint_here_is_read_in_the_readers_language(
    shop: Engine, settings: Settings, tmp_path: Path, writer: str, reader: str
) -> None:
    """The copy of a batch's waybill waiting at the office's printer, voided when the bench
    printed it on its own, said "printed at … instead" in English whatever the language."""
    office = f"dir://{tmp_path / 'office'}"
    elsewhere = settings.model_copy(
        update={"devices": settings.devices.model_copy(update={"printer": office})}
    )
    order_id = add_order(shop, "O-1", [("TEA-001", 1)])
    print_batch(UnitOfWork(shop, bench="office"), elsewhere, due=TODAY)
    with UnitOfWork(shop) as u:
        number = u.session.exec(select(Order.tracking_no)).one()
    assert packing.open_order(UnitOfWork(shop, bench="bench-1"), code=number, settings=settings)
    assert packing.scan_item(
        UnitOfWork(shop, bench="bench-1"), order_id=order_id, code=TEA, settings=settings
    ).ok
    assert weigh_the_box(shop, order_id, settings).order_packed
    set_language(writer)
    packing.reprint(
        UnitOfWork(shop, bench="bench-1"), order_id=order_id, reason="复印", settings=settings
    )
    (stored,) = _voided(shop, order_id)
    assert stored.startswith("\ue000")  # kept in no language
    set_language(reader)
    said = {
        "en": f"printed at {settings.devices.printer} instead",
        "zh_CN": f"已改在 {settings.devices.printer} 打印",
    }[reader]
    assert as_read(stored) == said
    # order show's events give the copy's reason too, not the reprint's ("复印")
    events = order_details(UnitOfWork(shop), order_id)["events"]
    assert [e["details"]["reason"] for e in events if e["kind"] == "label_voided"] == [said]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_batch_waybill_voided_for_a_box_of_several_is_read_in_the_readers_language(
    shop: Engine, settings: Settings, writer: str, reader: str
) -> None:
    """The waybill a batch drew for the whole order, voided when the order left in several
    boxes, said "box of several: …" in English to a Chinese lead (order show's events too)."""
    order_id = add_order(shop, "B-1", [("TEA-001", 2), ("CUP-002", 1)])
    print_batch(UnitOfWork(shop, bench="office"), settings, due=TODAY)
    put_back_after_one(shop, "B-1", settings)
    set_language(writer)
    assert not weigh(shop, order_id, [TEA], settings)
    assert weigh(shop, order_id, [TEA, CUP], settings)
    set_language(reader)
    said = {
        "en": "box of several: printed again with its contents",
        "zh_CN": "多箱之一：按箱内物品重新打印",
    }[reader]
    assert [as_read(why) for why in _voided(shop, order_id)] == [said, said]  # waybill, slip
    events = order_details(UnitOfWork(shop), order_id)["events"]
    assert [e["details"]["reason"] for e in events if e["kind"] == "label_voided"] == [said]
