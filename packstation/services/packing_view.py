"""What the bench screen shows of an order: a read-only snapshot, built in one transaction.

Called by the bench application after every action, and by tests.  The screen never touches
the ORM; it reads these frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.address import place_names
from packstation.domain.packing import Carton, LineState, courier_places
from packstation.domain.status import FINISHED_BOXES, ParcelStatus
from packstation.i18n import as_read
from packstation.store.models import Event, Order, OrderLine, Parcel, ParcelItem, Product
from packstation.store.uow import UnitOfWork


class Phase:
    PICKING = "picking"  # ticking items into the open box
    WEIGHING = "weighing"  # the box is closed: weigh it
    LABEL_CHECK = "label_check"  # scan the printed label back
    DONE = "done"  # nothing left to do at this bench


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    sku: str
    title: str
    spec: str
    quantity: int
    packed: int
    in_box: int  # units of this line in the open box
    is_gift: bool
    fragile: bool
    unit_weight_g: int
    location: str

    @property
    def remaining(self) -> int:
        return self.quantity - self.packed

    def state(self) -> LineState:
        return LineState(self.line_id, self.sku, self.quantity, self.packed)


@dataclass(frozen=True)
class ParcelView:
    parcel_id: int
    seq: int
    place: int  # as the courier counts it (件 n/m): void boxes left out, 0 for a void box
    carton: str
    status: str
    expected_g: int | None
    measured_g: int | None
    weight_source: str
    tracking_no: str
    units: int

    @property
    def closed(self) -> bool:
        """Closed for ticking: its expected weight is fixed and it waits for the scale."""
        return self.expected_g is not None


@dataclass(frozen=True)
class OrderView:
    order_id: int
    order_no: str
    platform: str
    status: str
    carrier: str
    recipient: str
    region: str
    due_date: dt.date | None
    paid_at: dt.datetime | None
    buyer_note: str
    seller_note: str
    insured_value_fen: int
    hold_reason: str
    claimed_bench: str
    claimed_user: str
    lines: tuple[LineView, ...]
    parcels: tuple[ParcelView, ...]
    tolerance_g: int = 0
    waybill: str = ""  # the order's own, given before packing (printed first, or exported)

    @property
    def ticked(self) -> int:
        return sum(line.packed for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def all_ticked(self) -> bool:
        return all(line.remaining <= 0 for line in self.lines)

    @property
    def current(self) -> ParcelView | None:
        """The box being worked on: the first one not yet packed or void."""
        live = [p for p in self.parcels if p.status not in FINISHED_BOXES]
        return live[0] if live else None

    @property
    def phase(self) -> str:
        box = self.current
        if box is None:
            return Phase.DONE if self.all_ticked else Phase.PICKING
        if box.status == ParcelStatus.LABELLED:
            return Phase.LABEL_CHECK
        if box.closed:
            return Phase.WEIGHING
        return Phase.PICKING

    def with_tick(self, line_id: int, units: int) -> OrderView:
        """This view after ``units`` more of line ``line_id`` went into the open box: what the
        store holds after a successful scan, without reading it back."""
        lines = tuple(
            replace(x, packed=x.packed + units, in_box=x.in_box + units)
            if x.line_id == line_id
            else x
            for x in self.lines
        )
        box = self.current
        parcels = tuple(
            replace(p, units=p.units + units)
            if box is not None and p.parcel_id == box.parcel_id
            else p
            for p in self.parcels
        )
        return replace(self, lines=lines, parcels=parcels)

    def line_states(self) -> list[LineState]:
        return [line.state() for line in self.lines]

    @property
    def box_count(self) -> int:
        """How many boxes go (void ones have no place)."""
        return sum(1 for p in self.parcels if p.place)


def cartons(settings: Settings) -> list[Carton]:
    return [
        Carton(c.code, c.length_mm, c.width_mm, c.height_mm, c.tare_g, c.max_weight_g)
        for c in settings.cartons
    ]


def read_order(uow: UnitOfWork, order_id: int, settings: Settings) -> OrderView | None:
    """A snapshot of one order for the screen (opens and closes its own transaction)."""
    with uow:
        return order_view(uow, order_id, settings)


def order_view(uow: UnitOfWork, order_id: int, settings: Settings) -> OrderView | None:
    """The snapshot, inside a transaction the caller holds.  Read as plain rows: the bench reads
    it after most actions, and ORM objects would cost several times more."""
    connection = uow.connection()
    given = {"order_id": order_id}
    order = connection.execute(_ORDER, given).first()
    if order is None:
        return None
    rows = connection.execute(_LINES, given).all()
    parcels = connection.execute(_PARCELS, given).all()
    items: dict[int, dict[int, int]] = {}
    if parcels:
        for parcel_id, line_id, quantity in connection.execute(_ITEMS, given):
            items.setdefault(parcel_id, {})[line_id] = quantity
    live = [p for p in parcels if p.status not in FINISHED_BOXES]
    current = live[0] if live else None  # the box being worked on (``OrderView.current``)
    open_items = items.get(current.id, {}) if current is not None else {}
    lines = tuple(
        LineView(
            line_id=line.id,
            line_no=line.line_no,
            sku=line.sku,
            title=(line.product_name if not line.title else line.title) or line.sku,
            spec=line.spec or line.product_spec or "",
            quantity=line.quantity,
            packed=line.quantity_packed,
            in_box=open_items.get(line.id, 0),
            is_gift=line.is_gift,
            fragile=bool(line.fragile),
            unit_weight_g=line.unit_weight_g or 0,
            location=line.location or "",
        )
        for line in rows
        if line.quantity  # a line refunded after a bench began keeps its row, at 0
    )
    places = courier_places((p.seq, p.status) for p in parcels)
    parcel_views = tuple(
        ParcelView(
            parcel_id=p.id,
            seq=p.seq,
            place=places.get(p.seq, 0),
            carton=p.carton,
            status=p.status,
            expected_g=p.expected_weight_g,
            measured_g=p.measured_weight_g,
            weight_source=p.weight_source,
            tracking_no=p.tracking_no or "",
            units=sum(items.get(p.id, {}).values()),
        )
        for p in parcels
    )
    tol = 0
    if current is not None and current.expected_weight_g is not None:
        tol = settings.weighing.room(current.expected_weight_g)
    return OrderView(
        order_id=order_id,
        order_no=order.order_no,
        platform=order.platform,
        status=order.status,
        carrier=order.carrier,
        recipient=order.recipient_name,
        region=" ".join(place_names(order.province, order.city, order.district)),
        due_date=order.due_date,
        paid_at=order.paid_at,
        buyer_note=order.buyer_note,
        seller_note=order.seller_note,
        insured_value_fen=order.insured_value_fen,
        hold_reason=as_read(order.hold_reason),
        claimed_bench=order.claimed_bench or "",
        claimed_user=order.claimed_user or "",
        lines=lines,
        parcels=parcel_views,
        tolerance_g=tol,
        waybill=order.tracking_no,
    )


# The snapshot's statements, built once: the bench reads an order after most actions.
_ORDER = sa_select(
    *(
        col(column)
        for column in (
            Order.order_no,
            Order.platform,
            Order.status,
            Order.carrier,
            Order.recipient_name,
            Order.province,
            Order.city,
            Order.district,
            Order.due_date,
            Order.paid_at,
            Order.buyer_note,
            Order.seller_note,
            Order.insured_value_fen,
            Order.hold_reason,
            Order.claimed_bench,
            Order.claimed_user,
            Order.tracking_no,
        )
    )
).where(col(Order.id) == bindparam("order_id"))
_LINES: Select[*tuple[Any, ...]] = (
    sa_select(
        col(OrderLine.id),
        col(OrderLine.line_no),
        col(OrderLine.sku),
        col(OrderLine.title),
        col(OrderLine.spec),
        col(OrderLine.quantity),
        col(OrderLine.quantity_packed),
        col(OrderLine.is_gift),
        col(Product.name).label("product_name"),
        col(Product.spec).label("product_spec"),
        col(Product.fragile),
        col(Product.unit_weight_g),
        col(Product.location),
    )
    .join(Product, col(Product.sku) == col(OrderLine.sku), isouter=True)
    .where(col(OrderLine.order_id) == bindparam("order_id"))
    .order_by(col(OrderLine.line_no), col(OrderLine.id))
)
_PARCELS = (
    sa_select(
        col(Parcel.id),
        col(Parcel.seq),
        col(Parcel.carton),
        col(Parcel.status),
        col(Parcel.expected_weight_g),
        col(Parcel.measured_weight_g),
        col(Parcel.weight_source),
        col(Parcel.tracking_no),
    )
    .where(col(Parcel.order_id) == bindparam("order_id"))
    .order_by(col(Parcel.seq))
)
_ITEMS = (
    select(ParcelItem.parcel_id, ParcelItem.line_id, ParcelItem.quantity)
    .join(Parcel, col(Parcel.id) == col(ParcelItem.parcel_id))
    .where(col(Parcel.order_id) == bindparam("order_id"))
)


def order_status(uow: UnitOfWork, order_id: int) -> tuple[str, str]:
    """The order's status and the bench holding it (a cheap poll for cancellations)."""
    with uow:
        row = uow.session.exec(
            select(Order.status, Order.claimed_bench).where(Order.id == order_id)
        ).first()
        if row is None:
            return "", ""
        return row[0], row[1] or ""


def blocked_weight(uow: UnitOfWork, parcel_id: int) -> int | None:
    """The weight last refused for a box still waiting for one (shown again after a restart, so
    a lead can override it), or None."""
    with uow:
        rows = uow.session.exec(
            select(Event.kind, Event.payload)
            .where(
                Event.parcel_id == parcel_id,
                col(Event.kind).in_(["weight_refused", "weight_accepted", "box_closed"]),
            )
            .order_by(col(Event.id).desc())
            .limit(1)
        ).all()
        if rows and rows[0][0] == "weight_refused":
            grams = json.loads(rows[0][1]).get("grams")
            return int(grams) if grams is not None else None
        return None
