"""The stock figures: each product's ``on_hand`` follows the units packed (in transaction).

A unit ticked into a box leaves the stock; units given back to their lines (a box undone when
the order is put back or put on hold) and the packed units of a cancelled order return to it.
Each change is one ``UPDATE … SET on_hand = on_hand ± n`` on the product's row, in the
transaction that moves the units, so concurrent benches never lose one another's changes (the
row is locked until the commit).  Several products are updated in the order of their ids, as
an import of the catalogue (a stock-take: it sets the figures again) updates them, so two
transactions never wait for each other's rows; a scan locks one product only.

Outside packing, a lead adds or removes units with a reason (``adjust``: a buyer's return, a
write-off) or counts one shelf (``count``); each records its event for the audit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.errors import UserError
from packstation.i18n import _
from packstation.services.claims import lock_order
from packstation.store.models import OrderLine, Product
from packstation.store.uow import UnitOfWork


@dataclass(frozen=True)
class Figure:
    """One product's stock figure, as ``packstation stock show`` lists it."""

    sku: str
    name: str
    spec: str
    location: str
    on_hand: int


def figures(uow: UnitOfWork, skus: Sequence[str] = ()) -> list[Figure]:
    """The stock of ``skus`` (every product when empty), by location then SKU; an unknown SKU
    is an error."""
    with uow:
        query = select(Product).order_by(col(Product.location), col(Product.sku))
        if skus:
            query = query.where(col(Product.sku).in_(sorted(set(skus))))
        products = list(uow.session.exec(query))
    unknown = sorted(set(skus) - {p.sku for p in products})
    if unknown:
        raise UserError(_unknown(unknown[0]))
    return [Figure(p.sku, p.name, p.spec, p.location, p.on_hand) for p in products]


# No shelf holds more: a larger figure is a typing slip (and beyond the store's integers).
MAX_ON_HAND = 10_000_000


def _too_many(sku: str, figure: int) -> str:
    return _("{sku} cannot have {figure} on hand: at most {most}; check the figure.").format(
        sku=sku, figure=figure, most=MAX_ON_HAND
    )


def adjust(uow: UnitOfWork, *, sku: str, units: int, reason: str) -> int:
    """Units into (+) or out of (-) the stock outside packing: a buyer's return put back on the
    shelf, a damaged unit written off.  Returns the new figure."""
    reason = reason.strip()
    if units == 0:
        raise UserError(_("Give how many units come in (+) or go out (-), not 0."))
    if abs(units) > MAX_ON_HAND:
        raise UserError(_too_many(sku, abs(units)))
    if not reason:
        raise UserError(_("Say why the stock changes (e.g. buyer return, damaged)."))
    with uow:
        conn = uow.connection()
        before = _locked_figure(conn, sku)
        if before + units > MAX_ON_HAND:
            raise UserError(_too_many(sku, before + units))
        if before + units < 0:
            raise UserError(
                _(
                    "{sku} has {on_hand} on hand, fewer than {units}; if the shelf holds more, count it (packstation stock count)."
                ).format(sku=sku, on_hand=before, units=-units)
            )
        conn.execute(_ADD, {"product": sku, "units": units})
        on_hand = before + units
        uow.record("stock_adjusted", sku=sku, units=units, reason=reason, on_hand=on_hand)
        uow.commit()
    return on_hand


def count(uow: UnitOfWork, *, sku: str, on_hand: int, reason: str = "") -> int:
    """The shelf was counted: the figure becomes ``on_hand`` (a stock-take of one product).
    Returns the figure it had."""
    if on_hand < 0:
        raise UserError(_("A counted stock cannot be below 0."))
    if on_hand > MAX_ON_HAND:
        raise UserError(_too_many(sku, on_hand))
    with uow:
        conn = uow.connection()
        before = _locked_figure(conn, sku)
        conn.execute(_COUNTED, {"product": sku, "counted": on_hand})
        uow.record("stock_counted", stock={sku: on_hand}, before=before, reason=reason.strip())
        uow.commit()
    return before


def _locked_figure(conn: Connection, sku: str) -> int:
    """The SKU's figure, its row locked for the rest of the transaction; an unknown SKU is an
    error."""
    figure = conn.execute(_ON_HAND_LOCKED, {"product": sku}).scalar_one_or_none()
    if figure is None:
        raise UserError(_unknown(sku))
    return int(figure)


def _unknown(sku: str) -> str:
    return _("No product has SKU {sku}; import it with the catalogue first.").format(sku=sku)


def take(conn: Connection, *, sku: str, units: int) -> None:
    """``units`` of the product went into a box."""
    conn.execute(_ADD, {"product": sku, "units": -units})


def give_back(conn: Connection, units_by_sku: Mapping[str, int]) -> None:
    """Units back on the shelves (or in the tote, to be packed again)."""
    units = {sku: n for sku, n in units_by_sku.items() if n}
    if not units:
        return
    # the rows in the order of their ids, as an import of the catalogue updates them
    for sku in conn.execute(_IN_ID_ORDER, {"skus": sorted(units)}).scalars():
        conn.execute(_ADD, {"product": sku, "units": units[sku]})


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


_ADD = (  # units may be negative (a write-off)
    update(Product)
    .where(col(Product.sku) == bindparam("product"))
    .values(on_hand=col(Product.on_hand) + bindparam("units"))
)
_ON_HAND_LOCKED = (
    sa_select(col(Product.on_hand))
    .where(col(Product.sku) == bindparam("product"))
    .with_for_update()
)
_COUNTED = (
    update(Product)
    .where(col(Product.sku) == bindparam("product"))
    .values(on_hand=bindparam("counted"))
)
_IN_ID_ORDER = (
    sa_select(col(Product.sku))
    .where(col(Product.sku).in_(bindparam("skus", expanding=True)))
    .order_by(col(Product.id))
)
_PACKED = sa_select(col(OrderLine.sku), col(OrderLine.quantity_packed)).where(
    col(OrderLine.order_id) == bindparam("order_id"), col(OrderLine.quantity_packed) > 0
)
