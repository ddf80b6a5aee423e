"""A lead's split packed otherwise at the bench (both stores): the packer is told the lead's
plan in one line, and the lead finds the change in the order's log."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import select

from packstation.config import Settings
from packstation.services import lead, packing
from packstation.services.audit import audit
from packstation.services.orders import order_details
from packstation.services.status_names import event_label
from packstation.store.models import Event
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import add_order
from tests.integration.packing.steps import weigh_the_box
from tests.integration.packing.test_void_and_pack_again import TEA, uow


def _changes(shop: Engine) -> list[dict[str, int]]:
    with UnitOfWork(shop) as u:
        rows = u.session.exec(select(Event.payload).where(Event.kind == "split_changed")).all()
    return [{k: v for k, v in json.loads(p).items() if k in ("planned", "boxes")} for p in rows]


def test_a_split_packed_in_fewer_boxes_is_said_and_recorded(
    shop: Engine, settings: Settings
) -> None:
    """Three teas the lead split into three boxes, all ticked into the first: the empty boxes
    went without a word, and nothing told the lead."""
    order_id = add_order(shop, "S1", [("TEA-001", 3)])
    lead.split_order(uow(shop), order_id=order_id, parcels=3)
    assert packing.open_order(uow(shop), code="S1", settings=settings) is not None
    results = [
        packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings)
        for _ in range(3)
    ]
    assert [r.plan for r in results[:2]] == ["", ""]
    assert results[2].box_closed
    assert results[2].plan == (
        "The lead planned 3 boxes for this order; it goes in 1: the lead is told."
    )
    assert weigh_the_box(shop, order_id, settings).order_packed
    assert _changes(shop) == [{"planned": 3, "boxes": 1}]
    shown = order_details(uow(shop), order_id)
    assert "split_changed" in [e["kind"] for e in shown["events"]]
    assert event_label("split_changed") == "packed in other boxes than the lead's split"
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_split_packed_in_more_boxes_is_said_once_and_recorded(
    shop: Engine, settings: Settings
) -> None:
    """Three teas the lead split into two boxes; the packer closes each box after one tea
    (F3) and needs a third."""
    order_id = add_order(shop, "S2", [("TEA-001", 3)])
    lead.split_order(uow(shop), order_id=order_id, parcels=2)
    assert packing.open_order(uow(shop), code="S2", settings=settings) is not None
    said = []
    for _ in range(3):
        scanned = packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings)
        assert scanned.ok and not scanned.plan
        if not scanned.box_closed:
            packing.close_box(uow(shop), order_id=order_id, settings=settings)
        said.append(weigh_the_box(shop, order_id, settings).message)
    assert "The lead planned" not in said[0]
    assert said[1].endswith(
        "The lead planned 2 boxes for this order; it goes in 3: the lead is told."
    )
    assert "The lead planned" not in said[2]  # said once
    assert _changes(shop) == [{"planned": 2, "boxes": 3}]
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_split_kept_says_nothing(shop: Engine, settings: Settings) -> None:
    order_id = add_order(shop, "S3", [("TEA-001", 2)])
    lead.split_order(uow(shop), order_id=order_id, parcels=2)
    assert packing.open_order(uow(shop), code="S3", settings=settings) is not None
    for _ in range(2):
        scanned = packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings)
        assert not scanned.plan
        if not scanned.box_closed:
            packing.close_box(uow(shop), order_id=order_id, settings=settings)
        assert "The lead planned" not in weigh_the_box(shop, order_id, settings).message
    assert _changes(shop) == []
