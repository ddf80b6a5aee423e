"""From rows of the store to rendered documents: a parcel's label, an order's slip, a pick list.

Called by ``services.printing`` (which queues the bytes) and by the previews.  Reads only; the
tracking number must already be decided by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import and_, col, select

from packstation.config import Settings
from packstation.domain.address import place_names
from packstation.domain.orders import gift_mark
from packstation.domain.packing import courier_places
from packstation.domain.tracking import CARRIERS
from packstation.labels.compose import masked_party
from packstation.labels.content import LabelData, Party, PickListData, SlipData, SlipLine
from packstation.labels.fonts import find_cjk_font
from packstation.labels.render import Rendered, render_label, render_pick_list, render_slip
from packstation.store.models import Carrier, Order, OrderLine, Parcel, ParcelItem, Product
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

RECEIPT_SIZES = ("80mm", "58mm")


def local_now(settings: Settings) -> dt.datetime:
    return utcnow().astimezone(ZoneInfo(settings.shipping.timezone))


class OrderFacts(Protocol):
    """What an order's documents say of it: an ``Order``, or its columns read as a row."""

    @property
    def id(self) -> int | None: ...
    @property
    def order_no(self) -> str: ...
    @property
    def shop(self) -> str: ...
    @property
    def recipient_name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def district(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def postcode(self) -> str: ...
    @property
    def paid_at(self) -> dt.datetime | None: ...
    @property
    def carrier(self) -> str: ...
    @property
    def insured_value_fen(self) -> int: ...
    @property
    def buyer_note(self) -> str: ...


class ParcelFacts(Protocol):
    """What a parcel's label says of it: a ``Parcel``, or the same columns read as a row."""

    @property
    def id(self) -> int | None: ...
    @property
    def order_id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def carrier(self) -> str: ...
    @property
    def expected_weight_g(self) -> int | None: ...
    @property
    def measured_weight_g(self) -> int | None: ...


def full_address(order: OrderFacts) -> str:
    detail = order.address.strip()
    head = " ".join(place_names(order.province, order.city, order.district))
    # an export's detail often repeats the province; do not print it twice
    if head and not detail.startswith(order.province or "\0"):
        detail = f"{head} {detail}".strip()
    if order.postcode:
        detail += f" ({order.postcode})"
    return detail


def destination(order: OrderFacts) -> str:
    """Where the parcel goes, printed big: the province and the city (a municipality and its
    district)."""
    return " ".join(place_names(order.province, order.city, order.district)[:2])


def _lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    return list(
        uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.line_no))
        )
    )


class DocumentLine(NamedTuple):
    """An order line as its documents show it."""

    sku: str
    title: str
    spec: str
    quantity: int
    is_gift: bool


@dataclass(frozen=True)
class Contents:
    """What an order's documents are made of, read in one go: each line with the units of it
    in the parcel and whether its product is fragile, the number and status of every parcel,
    and how many of the order's units no box holds yet."""

    lines: list[tuple[DocumentLine, int, bool]]
    parcels: list[tuple[int, str]]
    unpacked: int = 0
    prices: list[int] = field(default_factory=list)  # each line's unit price, in fen

    def insured(self, order_fen: int) -> int:
        """The parcel's share of the order's declared value, by its goods' prices: each box
        of an order of two declared the whole order, and a box of the free gift alone did too.
        The whole value when nothing is ticked into the parcel yet (a label printed before
        packing) or when the goods have no prices."""
        if not order_fen or not self.prices:
            return order_fen
        priced = list(zip(self.lines, self.prices, strict=True))
        total = sum(price * line.quantity for (line, _units, _f), price in priced)
        held = sum(price * units for (_line, units, _f), price in priced)
        if total <= 0 or not any(units for _line, units, _f in self.lines):
            return order_fen
        return round(order_fen * held / total)

    def piece(self, seq: int) -> tuple[int, int]:
        """Parcel ``seq`` as the courier counts it: (its place, how many go), the void boxes
        left out, so an order whose first box was voided ships as 1/1, not 2/2.

        How many go is 0 (not known yet) for the last box so far when it holds some of the
        order and the rest still waits for a box the packer has not opened: its label says
        件 1, not a 1/1 that the next box would contradict.  (A label printed before anything
        is ticked is for the whole order in one box.)"""
        places = courier_places(self.parcels)
        place = places.get(seq, seq)
        if self.unpacked and place >= len(places) and any(u for _l, u, _f in self.lines):
            return place, 0
        return place, max(len(places), place)

    def pieces(self) -> int:
        """How many parcels of the order go (its void boxes left out)."""
        return len(courier_places(self.parcels))

    def goods(self) -> tuple[str, bool]:
        """What is in the parcel (the whole order if nothing is ticked into it yet), and
        whether any of it is fragile."""
        items = [(line, units, fragile) for line, units, fragile in self.lines if units > 0]
        if not items:
            items = [(line, line.quantity, fragile) for line, _units, fragile in self.lines]
            items = [item for item in items if item[1]]  # not a refunded line's row (0)
        parts = []
        for line, qty, _fragile in items:
            title = line.title or line.sku
            if line.spec:
                title += f" {line.spec}"
            mark = gift_mark(title, "（赠品）") if line.is_gift else ""
            parts.append(f"{title} ×{qty}{mark}")
        return "；".join(parts), any(fragile for _line, _qty, fragile in items)


def contents(uow: UnitOfWork, order_id: int, parcel_id: int | None) -> Contents:
    """The order's lines and parcels as its label and slip need them (in transaction)."""
    given = {"order_id": order_id, "parcel_id": parcel_id}
    connection = uow.connection()
    rows = connection.execute(_CONTENTS, given).all()
    parcels = connection.execute(_PARCELS, given).all()
    return Contents(
        [(DocumentLine(*row[:5]), row.units or 0, bool(row.fragile)) for row in rows],
        [(seq, status) for seq, status in parcels],
        sum(max(row.quantity - row.packed, 0) for row in rows),
        [row.unit_price_fen or 0 for row in rows],
    )


# built once: every weighing reads them twice (for the drafts, and to check them)
_CONTENTS: Select[*tuple[Any, ...]] = (
    sa_select(
        col(OrderLine.sku),
        col(OrderLine.title),
        col(OrderLine.spec),
        col(OrderLine.quantity),
        col(OrderLine.is_gift),
        col(ParcelItem.quantity).label("units"),
        col(Product.fragile),
        col(OrderLine.quantity_packed).label("packed"),
        col(OrderLine.unit_price_fen),
    )
    .join(
        ParcelItem,
        and_(
            col(ParcelItem.line_id) == col(OrderLine.id),
            col(ParcelItem.parcel_id) == bindparam("parcel_id"),
        ),
        isouter=True,
    )
    .join(Product, col(Product.sku) == col(OrderLine.sku), isouter=True)
    .where(col(OrderLine.order_id) == bindparam("order_id"))
    .order_by(col(OrderLine.line_no), col(OrderLine.id))
)
_PARCELS = sa_select(col(Parcel.seq), col(Parcel.status)).where(
    col(Parcel.order_id) == bindparam("order_id")
)


def label_data(
    uow: UnitOfWork,
    settings: Settings,
    parcel: Parcel,
    tracking_no: str,
    read: Contents | None = None,
) -> LabelData:
    order = uow.session.get(Order, parcel.order_id)
    assert order is not None
    carrier = uow.session.get(Carrier, (parcel.carrier or order.carrier).upper())
    read = read or contents(uow, order.id or 0, parcel.id)
    return parcel_label_data(settings, order, parcel, carrier, tracking_no, read)


def parcel_label_data(
    settings: Settings,
    order: OrderFacts,
    parcel: ParcelFacts,
    carrier: Carrier | None,
    tracking_no: str,
    read: Contents,
) -> LabelData:
    """What the parcel's label says, from rows already read (``carrier``: the carrier's row,
    None when the table has none yet)."""
    code = (parcel.carrier or order.carrier).upper()
    info = CARRIERS.get(code)
    name = carrier.name if carrier else (info.marketplace if info else code)
    name_en = carrier.name_en if carrier else (info.english if info else "")
    place, count = read.piece(parcel.seq)
    mask = settings.printing.mask_recipient
    rname, rphone, raddress = masked_party(
        order.recipient_name, order.phone, full_address(order), mask=mask
    )
    goods, fragile = read.goods()
    shop = settings.shop
    return LabelData(
        carrier_code=code,
        carrier_name=name,
        carrier_name_en=name_en,
        service=settings.carrier(code).service,
        tracking_no=tracking_no,
        recipient=Party(rname, rphone, raddress),
        sender=Party(shop.sender_name, shop.sender_phone, shop.sender_address),
        goods=goods,
        order_no=order.order_no,
        parcel_seq=place,
        parcel_count=count,
        weight_g=parcel.measured_weight_g or parcel.expected_weight_g,
        printed_at=local_now(settings),
        destination=destination(order),
        fragile=fragile,
        insured_fen=read.insured(order.insured_value_fen),
    )


def slip_data(
    uow: UnitOfWork,
    settings: Settings,
    order: OrderFacts,
    tracking_no: str,
    read: Contents | None = None,
) -> SlipData:
    assert order.id is not None
    read = read or contents(uow, order.id, None)
    lines = tuple(
        SlipLine(line.sku, line.title or line.sku, line.spec, line.quantity, line.is_gift)
        for line, _units, _fragile in read.lines
        if line.quantity  # a line refunded after a bench began keeps its row, at 0
    )
    paid = order.paid_at.astimezone(ZoneInfo(settings.shipping.timezone)) if order.paid_at else None
    return SlipData(
        shop=order.shop or settings.shop.name,
        order_no=order.order_no,
        recipient=f"{order.recipient_name} {order.city}".strip(),
        lines=lines,
        note=settings.shop.slip_note,
        buyer_note=order.buyer_note,
        paid_at=paid,
        tracking_no=tracking_no,
        parcel_count=max(read.pieces(), 1),
    )


def pick_list_data(
    uow: UnitOfWork, settings: Settings, orders: list[Order], *, batch: str, filters: str
) -> PickListData:
    """SKU totals over the batch, sorted by storage location so the picker walks one round."""
    totals: dict[str, int] = defaultdict(int)
    titles: dict[str, tuple[str, str]] = {}
    for order in orders:
        assert order.id is not None
        for line in _lines(uow, order.id):
            totals[line.sku] += line.quantity
            titles.setdefault(line.sku, (line.title, line.spec))
    products = {
        p.sku: p for p in uow.session.exec(select(Product).where(col(Product.sku).in_(totals)))
    }
    lines = [
        SlipLine(
            sku,
            (products[sku].name if sku in products else titles[sku][0]) or sku,
            titles[sku][1],
            qty,
            location=products[sku].location if sku in products else "",
        )
        for sku, qty in totals.items()
    ]
    lines.sort(key=lambda line: (line.location == "", line.location, line.sku))
    return PickListData(
        batch=batch,
        orders=len(orders),
        lines=tuple(lines),
        printed_at=local_now(settings),
        filters=filters,
        order_nos=tuple(o.order_no for o in orders),
    )


def font_path(settings: Settings) -> str:
    return str(find_cjk_font(settings))


def render_parcel_label(settings: Settings, data: LabelData) -> Rendered:
    p = settings.printing
    return render_label(
        data, language=p.language, size=p.label_size, dpi=p.dpi, font_path=font_path(settings)
    )


def slip_language_and_size(settings: Settings) -> tuple[str, str]:
    p = settings.printing
    if p.slip_size in RECEIPT_SIZES:
        return "escpos", p.slip_size
    return p.language, p.label_size


def render_order_slip(settings: Settings, data: SlipData) -> Rendered:
    language, size = slip_language_and_size(settings)
    return render_slip(
        data, language=language, size=size, dpi=settings.printing.dpi, font_path=font_path(settings)
    )


def render_batch_pick_list(settings: Settings, data: PickListData) -> Rendered:
    language, size = slip_language_and_size(settings)
    return render_pick_list(
        data, language=language, size=size, dpi=settings.printing.dpi, font_path=font_path(settings)
    )


def label_printer(settings: Settings) -> str:
    return settings.devices.printer


def slip_printer(settings: Settings) -> str:
    return settings.devices.slip_printer or settings.devices.printer
