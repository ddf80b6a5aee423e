"""A pre-printed waybill scanned at the bench while the box waits to be weighed: the number of a
carrier without a range in the configuration, on both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, WeightSource
from packstation.errors import UserError
from packstation.services import packing
from packstation.services.claims import ClaimLost
from packstation.services.packing_view import Phase, read_order
from packstation.store.models import Event, Order, Parcel
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import add_order, change_order

SOAP = "6901234567922"


def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, bench="bench-1", user="王芳")


def _sf_box_waiting(engine: Engine, settings: Settings, order_no: str) -> int:
    """An SF order (SF has no number range here) packed to its weighing."""
    order_id = add_order(engine, order_no, [("SOAP-04", 1)])
    change_order(engine, order_id, carrier="SF")
    packing.open_order(uow(engine), code=order_no, settings=settings)
    assert packing.scan_item(uow(engine), order_id=order_id, code=SOAP, settings=settings).ok
    return order_id


def _weigh(engine: Engine, settings: Settings, order_id: int) -> packing.WeighResult:
    view = read_order(uow(engine), order_id, settings)
    assert view is not None and view.phase == Phase.WEIGHING and view.current is not None
    grams = view.current.expected_g or 0
    return packing.weigh(
        uow(engine), order_id=order_id, grams=grams, source=WeightSource.SCALE, settings=settings
    )


def test_a_scanned_waybill_numbers_the_box_and_its_label(shop: Engine, settings: Settings) -> None:
    order_id = _sf_box_waiting(shop, settings, "S1")
    with pytest.raises(UserError, match="SF has no waybill number range"):
        _weigh(shop, settings, order_id)
    # not an SF number (a product, a YTO waybill): not a waybill for this box
    for other in (SOAP, "YT7000000000123"):
        assert (
            packing.bind_waybill(uow(shop), order_id=order_id, code=other, settings=settings)
            is None
        )
    number = packing.bind_waybill(
        uow(shop), order_id=order_id, code="sf1234567890123", settings=settings
    )
    assert number == "SF1234567890123"
    weighed = _weigh(shop, settings, order_id)
    assert weighed.accepted and weighed.order_packed
    with UnitOfWork(shop) as unit:
        box = unit.session.exec(select(Parcel).where(Parcel.order_id == order_id)).one()
        assert box.tracking_no == "SF1234567890123"
        assigned = unit.session.exec(
            select(Event).where(Event.kind == "tracking_assigned", Event.order_id == order_id)
        ).all()
        assert len(assigned) == 1 and '"source": "scanned"' in assigned[0].payload
        assert unit.session.get(Order, order_id).status == OrderStatus.PACKED  # type: ignore[union-attr]
    # packed: the bench holds the order no more, and no waybill is taken for it
    with pytest.raises(ClaimLost):
        packing.bind_waybill(
            uow(shop), order_id=order_id, code="SF1234567890130", settings=settings
        )


def test_a_waybill_another_parcel_has_is_refused(shop: Engine, settings: Settings) -> None:
    first = _sf_box_waiting(shop, settings, "S1")
    packing.bind_waybill(uow(shop), order_id=first, code="SF1234567890123", settings=settings)
    _weigh(shop, settings, first)
    second = _sf_box_waiting(shop, settings, "S2")
    with pytest.raises(UserError, match="already used by another parcel"):
        packing.bind_waybill(uow(shop), order_id=second, code="SF1234567890123", settings=settings)


def test_a_box_still_being_filled_takes_no_waybill(shop: Engine, settings: Settings) -> None:
    order_id = add_order(shop, "S3", [("SOAP-04", 2)])
    packing.open_order(uow(shop), code="S3", settings=settings)
    code = "YT7000000000555"  # a YTO number, but the box is not closed yet
    assert packing.bind_waybill(uow(shop), order_id=order_id, code=code, settings=settings) is None


def test_a_product_scanned_again_on_the_closed_box_is_no_waybill(
    shop: Engine, settings: Settings
) -> None:
    """A product's EAN-13 is shaped like a YTO number: the packer's "did I scan that?" on the
    closed box made the soap's barcode the box's waybill, printed on the courier label."""
    order_id = add_order(shop, "S4", [("SOAP-04", 1)])
    packing.open_order(uow(shop), code="S4", settings=settings)
    assert packing.scan_item(uow(shop), order_id=order_id, code=SOAP, settings=settings).ok
    assert packing.bind_waybill(uow(shop), order_id=order_id, code=SOAP, settings=settings) is None
    with pytest.raises(UserError, match="Box 1 is closed: weigh and label it"):
        packing.scan_item(uow(shop), order_id=order_id, code=SOAP, settings=settings)
    weighed = _weigh(shop, settings, order_id)
    assert weighed.accepted and SOAP not in weighed.message
    with UnitOfWork(shop) as unit:
        box = unit.session.exec(select(Parcel).where(Parcel.order_id == order_id)).one()
        assert box.tracking_no and box.tracking_no != SOAP
