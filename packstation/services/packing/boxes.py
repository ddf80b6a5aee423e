"""The boxes of an order at the bench: the open one, its items, its expected weight (in
transaction; shared by ticking, weighing and leaving)."""

from __future__ import annotations

from typing import Any, TypeGuard, TypeVar

from sqlalchemy import Select, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.packing import Item, courier_places, expected_weight, suggest_carton
from packstation.domain.status import FINISHED_BOXES, ParcelStatus
from packstation.services.packing_view import cartons
from packstation.store.models import OrderLine, Parcel, ParcelItem, Product
from packstation.store.uow import UnitOfWork


def order_lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    """The order's lines, locked for the rest of the transaction."""
    return list(uow.session.exec(_LINES, params={"order_id": order_id}))


def all_ticked(uow: UnitOfWork, order_id: int) -> bool:
    """Is every unit of the order ticked?  (Its lines change only under the order's row lock,
    which the caller holds.)"""
    return uow.connection().execute(_UNTICKED, {"order_id": order_id}).first() is None


def waits_for_weight(box: Parcel | None) -> TypeGuard[Parcel]:
    """Is ``box`` closed and waiting for its weight?"""
    return box is not None and box.expected_weight_g is not None and box.status == ParcelStatus.OPEN


def live_box(uow: UnitOfWork, order_id: int) -> Parcel | None:
    """The box being packed: the order's last parcel that is neither packed nor void."""
    return uow.session.exec(_LIVE_BOX, params={"order_id": order_id}).first()


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def locked_lines(query: _Query) -> _Query:
    """``query`` narrowed to the lines of the order bound as ``order_id``, in line order and
    locked for the rest of the transaction (the lines only, whatever else ``query`` joins)."""
    return (
        query.where(col(OrderLine.order_id) == bindparam("order_id"))
        .order_by(col(OrderLine.line_no), col(OrderLine.id))
        .with_for_update(of=OrderLine.__table__)  # type: ignore[attr-defined]
    )


def _parcels_last_first(query: _Query) -> _Query:
    """``query`` narrowed to the parcels of the order bound as ``order_id``, the last first."""
    return query.where(col(Parcel.order_id) == bindparam("order_id")).order_by(
        col(Parcel.seq).desc()
    )


def the_live_box(query: _Query) -> _Query:
    """``query`` narrowed to the live box of the order bound as ``order_id``: the first that is
    not finished (a lead's split opens several, filled in their order)."""
    return (
        query.where(
            col(Parcel.order_id) == bindparam("order_id"),
            col(Parcel.status).not_in(FINISHED_BOXES),
        )
        .order_by(col(Parcel.seq))
        .limit(1)
    )


# Built once: every scan, weighing and new box asks these, and building a statement costs
# more than running it.
_LINES = locked_lines(select(OrderLine))
_LIVE_BOX = the_live_box(select(Parcel))
_UNTICKED = (
    sa_select(col(OrderLine.id))
    .where(
        col(OrderLine.order_id) == bindparam("order_id"),
        col(OrderLine.quantity_packed) < col(OrderLine.quantity),
    )
    .limit(1)
)


def find_products(uow: UnitOfWork, skus: set[str]) -> dict[str, Product]:
    if not skus:
        return {}
    return {p.sku: p for p in uow.session.exec(select(Product).where(col(Product.sku).in_(skus)))}


def ensure_box(uow: UnitOfWork, order_id: int, carrier: str, settings: Settings) -> Parcel | None:
    """The box being packed, opened (with a suggested carton) when none is and units remain.

    Read with plain statements: every order opens a box, and the ORM objects cost more than
    the rows."""
    if uow.session.dirty or uow.session.new:
        uow.session.flush()  # a box just finished in this session: plain reads do not flush
    connection = uow.connection()
    parcels = connection.execute(_BOX_STATES, {"order_id": order_id}).all()
    live = next((p.id for p in reversed(parcels) if p.status not in FINISHED_BOXES), None)
    if live is not None:
        return uow.session.get(Parcel, live)
    items = [
        Item(
            quantity=row.quantity - row.quantity_packed,
            unit_weight_g=row.unit_weight_g or 0,
            length_mm=row.length_mm,
            width_mm=row.width_mm,
            height_mm=row.height_mm,
        )
        for row in connection.execute(_LINES_TO_BOX, {"order_id": order_id})
        if row.quantity > row.quantity_packed
    ]
    if not items:
        return None
    suggestion = suggest_carton(cartons(settings), items)
    box = Parcel(
        order_id=order_id,
        seq=parcels[0].seq + 1 if parcels else 1,
        carton=suggestion.code if suggestion else "",
        carrier=carrier,
        packer=uow.user,
        bench=uow.bench,
    )
    uow.insert(box)
    uow.record("box_opened", order_id=order_id, parcel_id=box.id, seq=box.seq, carton=box.carton)
    return box


_EMPTY_BOXES = sa_select(col(Parcel.id)).where(
    col(Parcel.order_id) == bindparam("order_id"),
    col(Parcel.status) == ParcelStatus.OPEN,
    ~sa_select(col(ParcelItem.id)).where(col(ParcelItem.parcel_id) == col(Parcel.id)).exists(),
)
# the order's parcels (last first), and its lines with what a carton is chosen from
_BOX_STATES = _parcels_last_first(sa_select(col(Parcel.id), col(Parcel.seq), col(Parcel.status)))
_LINES_TO_BOX = locked_lines(
    sa_select(
        col(OrderLine.quantity),
        col(OrderLine.quantity_packed),
        col(Product.unit_weight_g),
        col(Product.length_mm),
        col(Product.width_mm),
        col(Product.height_mm),
    ).outerjoin(Product, col(Product.sku) == col(OrderLine.sku))
)


def box_place(uow: UnitOfWork, box: Parcel) -> int:
    """The box's number as the bench and the courier count it (void boxes left out), for a
    message to the packer."""
    rows = uow.connection().execute(_BOX_STATES, {"order_id": box.order_id}).all()
    return courier_places((seq, status) for _id, seq, status in rows).get(box.seq, box.seq)


def empty_boxes(uow: UnitOfWork, order_id: int) -> list[Parcel]:
    """The order's open boxes with nothing ticked into them (a lead's split opens them; every
    order that is packed asks, so the rows are read only when there are some)."""
    ids = uow.connection().execute(_EMPTY_BOXES, {"order_id": order_id}).scalars().all()
    return [box for box in (uow.session.get(Parcel, i) for i in ids) if box is not None]


def box_units(uow: UnitOfWork, parcel_id: int) -> dict[int, int]:
    return {
        item.line_id: item.quantity
        for item in uow.session.exec(select(ParcelItem).where(ParcelItem.parcel_id == parcel_id))
    }


def fix_expected_weight(uow: UnitOfWork, order_id: int, box: Parcel, settings: Settings) -> None:
    """Fix the box's expected weight: its items' unit weights plus the carton's tare (a box
    without a carton, as a lead's split opens them, gets the one suggested for its items)."""
    assert box.id is not None
    box.expected_weight_g, box.carton = _expected_g(uow, order_id, box.id, box.carton, settings)
    uow.session.add(box)


def close_box_weight(
    uow: UnitOfWork, order_id: int, box_id: int, carton: str, settings: Settings
) -> None:
    """``fix_expected_weight`` for a box not loaded in the session (the quick scan)."""
    grams, carton = _expected_g(uow, order_id, box_id, carton, settings)
    uow.connection().execute(_SET_EXPECTED, {"box": box_id, "grams": grams, "box_carton": carton})


def _expected_g(
    uow: UnitOfWork, order_id: int, box_id: int, carton: str, settings: Settings
) -> tuple[int, str]:
    """The box's expected weight and its carton, with its ``box_closed`` event."""
    contents = uow.connection().execute(_CONTENTS, {"box": box_id}).all()
    if not carton:
        items = [Item(row.quantity, row.unit_weight_g or 0, *row[2:]) for row in contents]
        suggestion = suggest_carton(cartons(settings), items)
        carton = suggestion.code if suggestion else ""
    tare = next((c.tare_g for c in settings.cartons if c.code == carton), 0)
    grams = expected_weight([(row.unit_weight_g or 0, row.quantity) for row in contents], tare)
    uow.record(
        "box_closed",
        order_id=order_id,
        parcel_id=box_id,
        expected_g=grams,
        carton=carton,
        units=sum(row.quantity for row in contents),
    )
    return grams, carton


_SET_EXPECTED = (
    update(Parcel)
    .where(col(Parcel.id) == bindparam("box"))
    .values(expected_weight_g=bindparam("grams"), carton=bindparam("box_carton"))
)
# what is in a box, with each unit's weight and size (a product no longer in the catalogue
# weighs 0 and takes no room)
_CONTENTS = (
    sa_select(
        col(ParcelItem.quantity),
        col(Product.unit_weight_g),
        col(Product.length_mm),
        col(Product.width_mm),
        col(Product.height_mm),
    )
    .join(OrderLine, col(OrderLine.id) == col(ParcelItem.line_id))
    .join(Product, col(Product.sku) == col(OrderLine.sku), isouter=True)
    .where(col(ParcelItem.parcel_id) == bindparam("box"), col(ParcelItem.quantity) > 0)
)
