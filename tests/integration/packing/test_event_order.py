"""The event log tells what happened in the order it happened (both stores): the scan, or the
tick by hand, that fills a box comes before the box's closing it causes — on the quick path
and on the full one."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from packstation.config import Settings
from packstation.services import packing
from packstation.store.models import Event, OrderLine
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import add_order
from tests.integration.packing.test_void_and_pack_again import CUP, TEA, uow


def _kinds(shop: Engine) -> list[str]:
    with UnitOfWork(shop) as u:
        return list(u.session.exec(select(Event.kind).order_by(col(Event.id))))


@pytest.mark.parametrize("last", ["scan", "by hand"])
def test_the_last_unit_comes_before_the_box_it_closes(
    shop: Engine, settings: Settings, last: str
) -> None:
    order_id = add_order(shop, "E1", [("TEA-001", 1), ("CUP-002", 1)])
    assert packing.open_order(uow(shop), code="E1", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    if last == "scan":
        assert packing.scan_item(uow(shop), order_id=order_id, code=CUP, settings=settings).ok
    else:
        with UnitOfWork(shop) as u:
            cup = u.session.exec(select(OrderLine.id).where(OrderLine.sku == "CUP-002")).one()
        assert cup is not None
        packing.tick_manually(
            uow(shop), order_id=order_id, line_id=cup, reason="barcode torn", settings=settings
        )
    tick = "item_scanned" if last == "scan" else "item_ticked_by_hand"
    assert _kinds(shop)[-2:] == [tick, "box_closed"]
