"""The stock figures: each product's ``on_hand`` follows the units packed (in transaction).

A unit ticked into a box leaves the stock; units given back to their lines (a box undone when
the order is put back or put on hold) and the packed units of a cancelled order return to it.
Each change is one ``UPDATE … SET on_hand = on_hand ± n`` on the product's row, in the
transaction that moves the units, so concurrent benches never lose one another's changes (the
row is locked until the commit).  Several products are updated in the order of their ids, as
an import of the catalogue (a stock-take: it sets the figures again) updates them, so two
transactions never wait for each other's rows; a scan locks one product only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Connection, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col

from packstation.services.claims import lock_order
from packstation.store.models import OrderLine, Product
from packstation.store.uow import UnitOfWork


def take(conn: Connection, *, line_id: int, units: int) -> None:
    """``units`` of the line's product went into a box."""
    conn.execute(_TAKE, {"line": line_id, "units": units})


def give_back(conn: Connection, units_by_sku: Mapping[str, int]) -> None:
    """Units back on the shelves (or in the tote, to be packed again)."""
    units = {sku: n for sku, n in units_by_sku.items() if n}
    if not units:
        return
    # the rows in the order of their ids, as an import of the catalogue updates them
    for sku in conn.execute(_IN_ID_ORDER, {"skus": sorted(units)}).scalars():
        conn.execute(_GIVE_BACK, {"product": sku, "units": units[sku]})


def return_cancelled(
    uow: UnitOfWork, order_id: int, *, later: Counter[str] | None = None
) -> dict[str, int]:
    """The cancelled order's packed units go back to stock; returns them by SKU.  The order's
    row is locked first, so no bench ticks a unit of it meanwhile.  ``later``: add them there
    instead, for one ``give_back`` of a transaction that cancels several orders (its rows are
    then taken in the order of their ids too)."""
    lock_order(uow, order_id)
    conn = uow.connection()
    units: Counter[str] = Counter()
    for sku, packed in conn.execute(_PACKED, {"order_id": order_id}):
        units[sku] += packed
    if later is None:
        give_back(conn, units)
    else:
        later.update(units)
    return dict(units)


_TAKE = (
    update(Product)
    .where(
        col(Product.sku)
        == sa_select(col(OrderLine.sku))
        .where(col(OrderLine.id) == bindparam("line"))
        .scalar_subquery()
    )
    .values(on_hand=col(Product.on_hand) - bindparam("units"))
)
_GIVE_BACK = (
    update(Product)
    .where(col(Product.sku) == bindparam("product"))
    .values(on_hand=col(Product.on_hand) + bindparam("units"))
)
_IN_ID_ORDER = (
    sa_select(col(Product.sku))
    .where(col(Product.sku).in_(bindparam("skus", expanding=True)))
    .order_by(col(Product.id))
)
_PACKED = sa_select(col(OrderLine.sku), col(OrderLine.quantity_packed)).where(
    col(OrderLine.order_id) == bindparam("order_id"), col(OrderLine.quantity_packed) > 0
)
