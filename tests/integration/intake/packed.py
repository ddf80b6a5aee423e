"""Simulating the bench in the intake tests: packing is another part's work, so the tests set the
fields it would set."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import select

from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus
from packstation.store.models import Order, OrderLine, Parcel, ParcelItem, PrintJob
from tests.integration.intake.store_view import Factory


def pack(
    uow_factory: Factory,
    order_no: str,
    *,
    packer: str = "小王",
    tracking: list[str] | None = None,
    at: dt.datetime | None = None,
    status: str = OrderStatus.PACKED,
    label: bool = False,
    label_status: str = PrintStatus.QUEUED,
) -> None:
    at = at or dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    with uow_factory() as uow:
        s = uow.session
        order = s.exec(select(Order).where(Order.order_no == order_no)).one()
        order.status = status
        order.packed_at = at
        lines = list(s.exec(select(OrderLine).where(OrderLine.order_id == order.id)))
        for line in lines:
            line.quantity_packed = line.quantity
            s.add(line)
        s.add(order)
        s.flush()
        # the units, one by one, into the boxes in turn (the people figures count them there)
        units = [line.id or 0 for line in lines for _ in range(line.quantity)]
        boxes = len(tracking or [])
        for seq, number in enumerate(tracking or [], start=1):
            parcel = Parcel(
                order_id=order.id or 0,
                seq=seq,
                carrier=order.carrier,
                tracking_no=number,
                measured_weight_g=500 + seq,
                expected_weight_g=510,
                carton="M2",
                status=ParcelStatus.PACKED,
                packer=packer,
                bench="bench-1",
                packed_at=at,
            )
            s.add(parcel)
            s.flush()
            for line_id, quantity in Counter(units[seq - 1 :: boxes]).items():
                s.add(ParcelItem(parcel_id=parcel.id or 0, line_id=line_id, quantity=quantity))
            if label:
                s.add(
                    PrintJob(
                        parcel_id=parcel.id,
                        order_id=order.id,
                        kind=PrintKind.LABEL,
                        printer="sim://",
                        language="zpl",
                        content=b"^XA^XZ",
                        sha256="0" * 64,
                        status=label_status,
                    )
                )
        uow.commit()
