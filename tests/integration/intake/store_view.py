"""Reading the store back in the intake tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from packstation.store.models import (
    Event,
    Order,
    OrderException,
    OrderLine,
    Product,
    ProductBarcode,
)
from packstation.store.uow import UnitOfWork

Factory = Callable[..., UnitOfWork]


def snapshot(uow_factory: Factory) -> dict[str, Any]:
    """Everything an import may touch, to tell "untouched" from "changed"."""
    with uow_factory(readonly=True) as uow:
        s = uow.session
        return {
            "orders": sorted(
                (o.platform, o.order_no, o.status, o.address, o.buyer_note, o.seller_note)
                for o in s.exec(select(Order))
            ),
            "lines": s.exec(select(func.count()).select_from(OrderLine)).one(),
            "events": s.exec(select(func.count()).select_from(Event)).one(),
            "exceptions": s.exec(select(func.count()).select_from(OrderException)).one(),
            "products": sorted(
                (p.sku, p.name, p.unit_weight_g, p.on_hand) for p in s.exec(select(Product))
            ),
            "barcodes": sorted(
                (b.code, b.sku, b.multiplier) for b in s.exec(select(ProductBarcode))
            ),
        }


def order(uow_factory: Factory, order_no: str) -> Order:
    with uow_factory(readonly=True) as uow:
        found = uow.session.exec(select(Order).where(Order.order_no == order_no)).one()
        return found


def lines(uow_factory: Factory, order_no: str) -> list[OrderLine]:
    with uow_factory(readonly=True) as uow:
        o = uow.session.exec(select(Order).where(Order.order_no == order_no)).one()
        return list(
            uow.session.exec(
                select(OrderLine).where(OrderLine.order_id == o.id).order_by(col(OrderLine.line_no))
            )
        )


def events(uow_factory: Factory, kind: str) -> list[tuple[int | None, dict[str, Any]]]:
    with uow_factory(readonly=True) as uow:
        return [
            (e.order_id, json.loads(e.payload))
            for e in uow.session.exec(
                select(Event).where(Event.kind == kind).order_by(col(Event.id))
            )
        ]


def set_order(uow_factory: Factory, order_no: str, **values: Any) -> None:
    """Simulate what the bench does (packing is another part's work)."""
    with uow_factory() as uow:
        o = uow.session.exec(select(Order).where(Order.order_no == order_no)).one()
        for k, v in values.items():
            setattr(o, k, v)
        uow.session.add(o)
        uow.commit()
