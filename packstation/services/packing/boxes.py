"""The boxes of an order at the bench: the open one, its items, its expected weight (in
transaction; shared by ticking, weighing and leaving)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.packing import Item, expected_weight, suggest_carton
from packstation.domain.status import FINISHED_BOXES
from packstation.services.packing_view import cartons
from packstation.store.models import Order, OrderLine, Parcel, ParcelItem, Product
from packstation.store.uow import UnitOfWork


def order_lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    """The order's lines, locked for the rest of the transaction."""
    return list(uow.session.exec(_LINES, params={"order_id": order_id}))


def live_box(uow: UnitOfWork, order_id: int) -> Parcel | None:
    """The box being packed: the order's last parcel that is neither packed nor void."""
    return uow.session.exec(_LIVE_BOX, params={"order_id": order_id}).first()


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def locked_lines(query: _Query) -> _Query:
    """``query`` narrowed to the lines of the order bound as ``order_id``, in line order and
    locked for the rest of the transaction."""
    return (
        query.where(col(OrderLine.order_id) == bindparam("order_id"))
        .order_by(col(OrderLine.line_no), col(OrderLine.id))
        .with_for_update()
    )


def _parcels_last_first(query: _Query) -> _Query:
    """``query`` narrowed to the parcels of the order bound as ``order_id``, the last first."""
    return query.where(col(Parcel.order_id) == bindparam("order_id")).order_by(
        col(Parcel.seq).desc()
    )


def the_live_box(query: _Query) -> _Query:
    """``query`` narrowed to the live box of the order bound as ``order_id``."""
    return _parcels_last_first(query).where(col(Parcel.status).not_in(FINISHED_BOXES)).limit(1)


# Built once: every scan, weighing and new box asks these, and building a statement costs
# more than running it.
_LINES = locked_lines(select(OrderLine))
_PARCELS_LAST_FIRST = _parcels_last_first(select(Parcel))
_LIVE_BOX = the_live_box(select(Parcel))


def find_products(uow: UnitOfWork, skus: set[str]) -> dict[str, Product]:
    if not skus:
        return {}
    return {p.sku: p for p in uow.session.exec(select(Product).where(col(Product.sku).in_(skus)))}


def box_items(uow: UnitOfWork, lines: list[OrderLine], units: dict[int, int]) -> list[Item]:
    products = find_products(uow, {line.sku for line in lines})
    result = []
    for line in lines:
        qty = units.get(line.id or 0, 0)
        product = products.get(line.sku)
        if qty <= 0:
            continue
        result.append(
            Item(
                quantity=qty,
                unit_weight_g=product.unit_weight_g if product else 0,
                length_mm=product.length_mm if product else None,
                width_mm=product.width_mm if product else None,
                height_mm=product.height_mm if product else None,
            )
        )
    return result


def ensure_box(uow: UnitOfWork, order: Order, settings: Settings) -> Parcel | None:
    """The box being packed, opened (with a suggested carton) when none is and units remain."""
    assert order.id is not None
    parcels = list(uow.session.exec(_PARCELS_LAST_FIRST, params={"order_id": order.id}))
    box = next((p for p in parcels if p.status not in FINISHED_BOXES), None)
    if box is not None:
        return box
    lines = order_lines(uow, order.id)
    remaining = {line.id or 0: line.quantity - line.quantity_packed for line in lines}
    if not any(qty > 0 for qty in remaining.values()):
        return None
    suggestion = suggest_carton(cartons(settings), box_items(uow, lines, remaining))
    box = Parcel(
        order_id=order.id,
        seq=parcels[0].seq + 1 if parcels else 1,
        carton=suggestion.code if suggestion else "",
        carrier=order.carrier,
        packer=uow.user,
        bench=uow.bench,
    )
    uow.insert(box)
    uow.record("box_opened", order_id=order.id, parcel_id=box.id, seq=box.seq, carton=box.carton)
    return box


def box_units(uow: UnitOfWork, parcel_id: int) -> dict[int, int]:
    return {
        item.line_id: item.quantity
        for item in uow.session.exec(select(ParcelItem).where(ParcelItem.parcel_id == parcel_id))
    }


def fix_expected_weight(uow: UnitOfWork, order_id: int, box: Parcel, settings: Settings) -> None:
    """Fix the box's expected weight: its items' unit weights plus the carton's tare."""
    assert box.id is not None
    contents = uow.connection().execute(_CONTENTS, {"box": box.id}).all()
    tare = next((c.tare_g for c in settings.cartons if c.code == box.carton), 0)
    box.expected_weight_g = expected_weight([(grams or 0, qty) for qty, grams in contents], tare)
    uow.session.add(box)
    uow.record(
        "box_closed",
        order_id=order_id,
        parcel_id=box.id,
        expected_g=box.expected_weight_g,
        carton=box.carton,
        units=sum(qty for qty, _grams in contents),
    )


# what is in a box, with each unit's weight (a product no longer in the catalogue weighs 0)
_CONTENTS = (
    sa_select(col(ParcelItem.quantity), col(Product.unit_weight_g))
    .join(OrderLine, col(OrderLine.id) == col(ParcelItem.line_id))
    .join(Product, col(Product.sku) == col(OrderLine.sku), isouter=True)
    .where(col(ParcelItem.parcel_id) == bindparam("box"), col(ParcelItem.quantity) > 0)
)
