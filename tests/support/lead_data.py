"""Orders, parcels and events for the lead's tests, written straight into the tables (as the
intake and the benches would)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, func, select

from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.store.models import (
    Carrier,
    Event,
    Order,
    OrderException,
    OrderLine,
    Parcel,
    ParcelItem,
    PrintJob,
)

ZONE = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 26)


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """An instant at a Shanghai clock time (tz-aware)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def carriers(session: Session, *codes: str) -> None:
    for code in codes or ("YTO", "ZTO", "SF"):
        if session.get(Carrier, code) is None:
            session.add(Carrier(code=code, name=code))


def order(
    session: Session,
    order_no: str,
    *,
    status: str = OrderStatus.READY,
    due: dt.date = DAY,
    carrier: str = "YTO",
    paid: dt.datetime | None = None,
    qty: int = 1,
    **fields: Any,
) -> Order:
    row = Order(
        order_no=order_no,
        status=status,
        due_date=due,
        carrier=carrier,
        paid_at=paid or local(10),
        recipient_name=fields.pop("recipient_name", "张三"),
        phone=fields.pop("phone", "13800001234"),
        **fields,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(OrderLine(order_id=row.id, sku="SKU-1", title="杯子", quantity=qty))
    return row


def parcel(
    session: Session,
    order_row: Order,
    tracking_no: str | None,
    *,
    status: str = ParcelStatus.PACKED,
    weight_g: int = 500,
    seq: int = 1,
    bench: str = "bench-1",
    packer: str = "li",
    packed_at: dt.datetime | None = None,
    units: int | None = None,
) -> Parcel:
    """A box of the order as a bench leaves it, with its items: ``units`` of the order's units
    that its other boxes (void ones aside) do not hold yet, line by line, or all of them.  Its
    units are ticked on the order's lines, unless it is void (a voided box's went back)."""
    assert order_row.id is not None
    row = Parcel(
        order_id=order_row.id,
        seq=seq,
        carrier=order_row.carrier,
        tracking_no=tracking_no,
        status=status,
        measured_weight_g=weight_g,
        bench=bench,
        packer=packer,
        packed_at=packed_at or local(12),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    boxed = dict(
        session.exec(
            select(ParcelItem.line_id, func.sum(ParcelItem.quantity))
            .join(Parcel, col(Parcel.id) == col(ParcelItem.parcel_id))
            .where(Parcel.order_id == order_row.id, Parcel.status != ParcelStatus.VOID)
            .group_by(col(ParcelItem.line_id))
        ).all()
    )
    lines = session.exec(
        select(OrderLine).where(OrderLine.order_id == order_row.id).order_by(col(OrderLine.id))
    ).all()
    wanted = units
    for line in lines:
        assert line.id is not None
        quantity = line.quantity - boxed.get(line.id, 0)
        if wanted is not None:
            quantity = min(quantity, wanted)
            wanted -= quantity
        if quantity <= 0:
            continue
        session.add(ParcelItem(parcel_id=row.id, line_id=line.id, quantity=quantity))
        if status != ParcelStatus.VOID:
            line.quantity_packed += quantity
            session.add(line)
    session.flush()
    return row


def event(
    session: Session,
    kind: str,
    *,
    at: dt.datetime,
    user: str = "li",
    bench: str = "bench-1",
    order_id: int | None = None,
    **payload: Any,
) -> None:
    session.add(
        Event(
            at=at, kind=kind, user=user, bench=bench, order_id=order_id, payload=json.dumps(payload)
        )
    )


def hold(
    session: Session,
    order_row: Order,
    kind: str,
    note: str,
    by: str = "li",
    at: dt.datetime | None = None,
) -> None:
    assert order_row.id is not None
    order_row.status = OrderStatus.ON_HOLD
    order_row.hold_reason = note
    session.add(order_row)
    session.add(
        OrderException(
            order_id=order_row.id, kind=kind, note=note, raised_by=by, raised_at=at or local(9, 45)
        )
    )


def label(
    session: Session, parcel_row: Parcel, content: bytes = b"^XA^XZ", *, status: str = "sent"
) -> None:
    """The label a bench printed for the parcel (sent to the printer; ``queued``: it waits for
    a printer out of paper)."""
    session.add(
        PrintJob(
            parcel_id=parcel_row.id,
            order_id=parcel_row.order_id,
            kind="label",
            printer="sim://",
            language="zpl",
            content=content,
            sha256="x",
            status=status,
        )
    )
