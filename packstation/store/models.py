"""The tables (DESIGN §3) as SQLModel models.

Only Alembic creates them (``migrations/``); a test checks that autogenerate finds no difference
between these models and the migrations on both stores.  Prices are in fen (1/100 yuan) and
weights in grams, both integers, so sums are exact.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col

from packstation.domain.status import OrderStatus, ParcelStatus, PrintStatus, Role
from packstation.store.types import UTCDateTime, utcnow


def _instant(*, nullable: bool = True, index: bool = False) -> Column[dt.datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Product(SQLModel, table=True):
    __tablename__ = "product"

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    spec: str = Field(default="", max_length=200)
    unit_weight_g: int = Field(default=0, ge=0)
    fragile: bool = False
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    location: str = Field(default="", max_length=64)
    on_hand: int = 0


class ProductBarcode(SQLModel, table=True):
    __tablename__ = "product_barcode"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    sku: str = Field(max_length=64, foreign_key="product.sku", index=True)
    multiplier: int = Field(default=1, ge=1)


class Order(SQLModel, table=True):
    __tablename__ = "order"
    __table_args__ = (
        UniqueConstraint("platform", "order_no", name="uq_order_platform_order_no"),
        Index("ix_order_status_due", "status", "due_date"),
        # the lead's queue reads one day's orders; imports keep a day's rows close together
        Index("ix_order_due_date", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(default="taobao", max_length=32)
    order_no: str = Field(max_length=64, index=True)
    shop: str = Field(default="", max_length=100)
    buyer: str = Field(default="", max_length=100)
    recipient_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40, index=True)
    province: str = Field(default="", max_length=40)
    city: str = Field(default="", max_length=40)
    district: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=400)
    postcode: str = Field(default="", max_length=12)
    paid_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    due_date: dt.date | None = Field(default=None)
    carrier: str = Field(default="YTO", max_length=16)
    tracking_no: str = Field(default="", max_length=40, index=True)  # pre-assigned by the export
    insured_value_fen: int = 0
    amount_fen: int = 0
    buyer_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    seller_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default=OrderStatus.READY, max_length=16)
    marketplace_status: str = Field(default="", max_length=40)
    hold_reason: str = Field(default="", max_length=400)
    not_shipping_reason: str = Field(default="", max_length=400)
    not_shipping_day: dt.date | None = None  # the day the reason excuses, and no other
    imported_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    source_file: str = Field(default="", max_length=400)
    source_row: int | None = None
    # the claim of one bench (DESIGN §4): who, since when, until when unless renewed
    claimed_bench: str | None = Field(default=None, max_length=64)
    claimed_user: str | None = Field(default=None, max_length=100)
    claimed_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    lease_until: dt.datetime | None = Field(default=None, sa_column=_instant())
    packed_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    confirmed_at: dt.datetime | None = Field(default=None, sa_column=_instant())


# The order a bench claims next, in the queue's order (overdue first, then by paid time), read
# from the index instead of sorting the day's queue under the write lock (``services.claims``):
# with 50,000 orders waiting, that sort took 17 ms of every claim.
Index(
    "ix_order_next_due",
    col(Order.status),
    col(Order.due_date).is_(None),
    col(Order.due_date),
    col(Order.paid_at).is_(None),
    col(Order.paid_at),
    col(Order.id),
)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_line"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    line_no: int = 1
    sku: str = Field(max_length=64, index=True)
    title: str = Field(default="", max_length=400)
    spec: str = Field(default="", max_length=200)
    quantity: int = Field(ge=1)
    unit_price_fen: int = 0
    is_gift: bool = False
    quantity_packed: int = 0


class Carrier(SQLModel, table=True):
    __tablename__ = "carrier"

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=60)  # as the marketplace writes it: 圆通速递
    name_en: str = Field(default="", max_length=60)
    tracking_pattern: str = Field(default="", max_length=200)
    range_next: str | None = Field(default=None, max_length=40)
    range_last: str | None = Field(default=None, max_length=40)
    label_template: str = Field(default="standard", max_length=40)


class Handover(SQLModel, table=True):
    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    carrier: str = Field(foreign_key="carrier.code", max_length=16)
    date: dt.date
    kind: str = Field(default="bag", max_length=16)  # bag, cage, pickup
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    created_by: str = Field(default="", max_length=100)
    sealed_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    courier_name: str = Field(default="", max_length=100)


class Parcel(SQLModel, table=True):
    __tablename__ = "parcel"
    __table_args__ = (
        UniqueConstraint("order_id", "seq", name="uq_parcel_order_seq"),
        UniqueConstraint("carrier", "tracking_no", name="uq_parcel_carrier_tracking"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    seq: int = 1
    carton: str = Field(default="", max_length=16)
    expected_weight_g: int | None = None
    measured_weight_g: int | None = None
    weight_source: str = Field(default="", max_length=16)
    carrier: str = Field(default="YTO", max_length=16)
    tracking_no: str | None = Field(default=None, max_length=40, index=True)
    status: str = Field(default=ParcelStatus.OPEN, max_length=16)
    packer: str = Field(default="", max_length=100)
    bench: str = Field(default="", max_length=64)
    handover_id: int | None = Field(default=None, foreign_key="handover.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    weighed_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    packed_at: dt.datetime | None = Field(default=None, sa_column=_instant())


class ParcelItem(SQLModel, table=True):
    """How many units of an order line went into a parcel (lines may be split across boxes)."""

    __tablename__ = "parcel_item"
    __table_args__ = (UniqueConstraint("parcel_id", "line_id", name="uq_parcel_item"),)

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id", index=True)
    line_id: int = Field(foreign_key="order_line.id", index=True)
    quantity: int = 0


class PrintJob(SQLModel, table=True):
    __tablename__ = "print_job"
    __table_args__ = (Index("ix_print_job_printer_status", "printer", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    kind: str = Field(max_length=16)
    printer: str = Field(max_length=200)
    language: str = Field(max_length=16)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    status: str = Field(default=PrintStatus.QUEUED, max_length=16)
    attempts: int = 0
    reprint_of: int | None = Field(default=None, foreign_key="print_job.id")
    reason: str = Field(default="", max_length=400)
    batch: str = Field(default="", max_length=40)
    error: str = Field(default="", max_length=400)
    created_by: str = Field(default="", max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    sent_at: dt.datetime | None = Field(default=None, sa_column=_instant())


class Event(SQLModel, table=True):
    """Append-only audit: the database refuses UPDATE and DELETE (triggers in the migration)."""

    __tablename__ = "event"
    # each bench numbers its events 1, 2, 3…: the index makes the next number cheap to find and
    # lets the store refuse a number given twice
    __table_args__ = (Index("uq_event_bench_seq", "bench", "bench_seq", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False, index=True))
    bench: str = Field(default="", max_length=64)
    bench_seq: int | None = None  # each bench numbers its events
    user: str = Field(default="", max_length=100)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    kind: str = Field(max_length=40, index=True)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    # the bench's id for one action (a scan, a weight…): a retried action whose first attempt did
    # commit is recognised by it and never applied twice
    action_id: str | None = Field(default=None, max_length=64, unique=True, index=True)


class OrderException(SQLModel, table=True):
    __tablename__ = "exception"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    kind: str = Field(max_length=16)
    note: str = Field(default="", max_length=400)
    sku: str = Field(default="", max_length=64)
    quantity_short: int = 0
    raised_by: str = Field(default="", max_length=100)
    raised_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
    resolved_by: str = Field(default="", max_length=100)
    resolved_at: dt.datetime | None = Field(default=None, sa_column=_instant())
    resolution: str = Field(default="", max_length=400)


class User(SQLModel, table=True):
    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    badge: str | None = Field(default=None, max_length=64, unique=True)
    role: str = Field(default=Role.PACKER, max_length=16)
    pin_hash: str = Field(default="", max_length=200)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_instant(nullable=False))
