"""The stock figures follow the units packed, on both stores: a tick takes from stock, a box
undone and a cancelled order give back, and the shortages report sees what is left."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, update
from sqlmodel import select

from packstation.config import Settings
from packstation.domain.status import ExceptionKind
from packstation.services import packing
from packstation.services.lead import cancel_order, resolve_exception
from packstation.services.packing_view import read_order
from packstation.services.reports import shortages
from packstation.store.models import Event, OrderException, Product
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import CASE_BARCODE, TODAY, add_order, seed_catalogue
from tests.integration.packing.steps import weigh_the_box

TEA, SOAP = "6901234567892", "6901234567922"


@pytest.fixture
def shop(engine: Engine) -> Engine:
    seed_catalogue(engine)
    with UnitOfWork(engine) as uow:
        uow.session.execute(update(Product).values(on_hand=20))
        uow.commit()
    return engine


def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, bench="bench-1", user="王芳")


def on_hand(engine: Engine) -> dict[str, int]:
    with UnitOfWork(engine, readonly=True) as u:
        return {p.sku: p.on_hand for p in u.session.exec(select(Product))}


def payload(engine: Engine, kind: str) -> dict[str, object]:
    with UnitOfWork(engine, readonly=True) as u:
        event = u.session.exec(select(Event).where(Event.kind == kind)).one()
    loaded: dict[str, object] = json.loads(event.payload)
    return loaded


def one_tea_then_short(engine: Engine, order_no: str, teas: int, settings: Settings) -> None:
    """An order of ``teas`` teas: one is ticked, then the packer finds the rest short."""
    oid = add_order(engine, order_no, [("TEA-001", teas)])
    packing.open_order(uow(engine), code=order_no, settings=settings)
    packing.scan_item(uow(engine), order_id=oid, code=TEA, settings=settings)
    view = read_order(uow(engine), oid, settings)
    assert view is not None
    packing.raise_exception(
        uow(engine), order_id=oid, kind=ExceptionKind.SHORT, line_id=view.lines[0].line_id
    )


def test_a_tick_takes_its_units_from_stock(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "K1", [("SOAP-04", 8), ("TEA-001", 1)])
    packing.open_order(uow(shop), code="K1", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=CASE_BARCODE, settings=settings)  # six
    packing.scan_item(uow(shop), order_id=oid, code=SOAP, settings=settings)
    refused = packing.scan_item(uow(shop), order_id=oid, code=CASE_BARCODE, settings=settings)
    assert not refused.ok  # an over-scan takes nothing
    view = read_order(uow(shop), oid, settings)
    assert view is not None
    tea = next(line.line_id for line in view.lines if line.sku == "TEA-001")
    packing.tick_manually(
        uow(shop), order_id=oid, line_id=tea, reason="条码破损", settings=settings
    )
    assert on_hand(shop) == {"TEA-001": 19, "CUP-002": 20, "PAN-003": 20, "SOAP-04": 13}


def test_an_undone_box_gives_its_units_back(shop: Engine, settings: Settings) -> None:
    put_back = add_order(shop, "K2", [("TEA-001", 3), ("SOAP-04", 2)])
    packing.open_order(uow(shop), code="K2", settings=settings)
    packing.scan_item(uow(shop), order_id=put_back, code=TEA, settings=settings)
    packing.scan_item(uow(shop), order_id=put_back, code=TEA, settings=settings)
    packing.scan_item(uow(shop), order_id=put_back, code=SOAP, settings=settings)
    assert on_hand(shop)["TEA-001"] == 18
    packing.release_order(uow(shop), order_id=put_back, reason="sign out")
    assert on_hand(shop) == {"TEA-001": 20, "CUP-002": 20, "PAN-003": 20, "SOAP-04": 20}
    assert payload(shop, "box_voided")["to_stock"] == {"SOAP-04": 1, "TEA-001": 2}

    one_tea_then_short(shop, "K3", 2, settings)
    assert on_hand(shop)["TEA-001"] == 20


def test_a_box_already_weighed_stays_out_of_stock_when_the_order_is_put_back(
    shop: Engine, settings: Settings
) -> None:
    oid = add_order(shop, "K4", [("TEA-001", 1), ("SOAP-04", 1)])
    packing.open_order(uow(shop), code="K4", settings=settings)
    packing.scan_item(uow(shop), order_id=oid, code=TEA, settings=settings)
    packing.close_box(uow(shop), order_id=oid, settings=settings)
    weighed = weigh_the_box(shop, oid, settings)
    assert weighed.accepted and not weighed.order_packed
    packing.scan_item(uow(shop), order_id=oid, code=SOAP, settings=settings)
    packing.release_order(uow(shop), order_id=oid, reason="sign out")
    # the labelled first box is kept; only the open one goes back
    assert (on_hand(shop)["TEA-001"], on_hand(shop)["SOAP-04"]) == (19, 20)


def test_a_cancelled_order_returns_what_was_packed(shop: Engine, settings: Settings) -> None:
    oid = add_order(shop, "K5", [("TEA-001", 2), ("CUP-002", 1)])
    packing.open_order(uow(shop), code="K5", settings=settings)
    for code in (TEA, TEA, "6901234567908"):
        packing.scan_item(uow(shop), order_id=oid, code=code, settings=settings)
    assert weigh_the_box(shop, oid, settings).order_packed
    assert (on_hand(shop)["TEA-001"], on_hand(shop)["CUP-002"]) == (18, 19)
    cancel_order(UnitOfWork(shop, user="陈主管"), order_id=oid, reason="buyer cancelled")
    assert on_hand(shop) == {"TEA-001": 20, "CUP-002": 20, "PAN-003": 20, "SOAP-04": 20}
    assert payload(shop, "order_cancelled")["to_stock"] == {"CUP-002": 1, "TEA-001": 2}


def test_shortages_count_the_units_already_packed(shop: Engine, settings: Settings) -> None:
    with UnitOfWork(shop) as u:
        u.session.execute(update(Product).where(Product.sku == "TEA-001").values(on_hand=3))
        u.commit()
    first = add_order(shop, "K6", [("TEA-001", 2)])
    add_order(shop, "K7", [("TEA-001", 2)])
    before = shortages(UnitOfWork(shop, readonly=True), settings=settings, today=TODAY)
    assert [(r["sku"], r["needed"], r["on_hand"], r["to_buy"]) for r in before] == [
        ("TEA-001", 4, 3, 1)
    ]
    packing.open_order(uow(shop), code="K6", settings=settings)
    packing.scan_item(uow(shop), order_id=first, code=TEA, settings=settings)
    packing.scan_item(uow(shop), order_id=first, code=TEA, settings=settings)
    # two units left the shelf with K6; K7 still needs two and one is there
    after = shortages(UnitOfWork(shop, readonly=True), settings=settings, today=TODAY)
    assert [(r["sku"], r["needed"], r["on_hand"], r["to_buy"], r["orders"]) for r in after] == [
        ("TEA-001", 2, 1, 1, ["K7"])
    ]


def test_a_short_found_at_a_bench_is_on_the_purchasing_list(
    shop: Engine, settings: Settings
) -> None:
    """The stock figure says 20, but the packer finds the shelf short: purchasing hears of it
    at once, until a lead resolves the exception."""
    one_tea_then_short(shop, "K8", 3, settings)
    rows = shortages(UnitOfWork(shop, readonly=True), settings=settings, today=TODAY)
    assert [
        (r["sku"], r["needed"], r["on_hand"], r["reported_short"], r["to_buy"]) for r in rows
    ] == [("TEA-001", 3, 20, 2, 2)]
    with UnitOfWork(shop, readonly=True) as u:
        exception = u.session.exec(select(OrderException)).one()
    resolve_exception(
        UnitOfWork(shop, user="陈主管"), exception_id=exception.id or 0, resolution="补货到了"
    )
    assert shortages(UnitOfWork(shop, readonly=True), settings=settings, today=TODAY) == []
