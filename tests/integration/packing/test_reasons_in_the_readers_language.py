"""What a bench writes when an order leaves it (an exception's hold, a put back) is read in the
reader's language, whatever the bench's (both stores).  It was stored in the bench's words: a
Chinese lead read "damaged …" from an English bench, and the reverse."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from packstation.config import Settings
from packstation.domain.status import ExceptionKind
from packstation.i18n import set_language
from packstation.services import packing
from packstation.services.lead import held_orders
from packstation.services.orders import order_details
from packstation.services.queue import queue_page
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import TODAY, add_order
from tests.integration.packing.steps import weigh_the_box

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
