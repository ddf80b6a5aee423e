"""One order: finding it from what a person types or scans, and everything known about it.

Called by ``packstation order show``, by the bench (an order number or a pre-printed waybill
opens the order) and by the shift lead's screens.  The functions work inside a unit of work the
caller has open, or open one themselves.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from packstation.domain.lifecycle import lease_ran_out
from packstation.domain.status import PrintKind
from packstation.domain.tracking import normalise
from packstation.errors import UserError
from packstation.i18n import N_, _, as_read, listed
from packstation.store.clock import store_now
from packstation.store.models import Event, Order, OrderLine, Parcel, PrintJob
from packstation.store.uow import UnitOfWork


@contextmanager
def opened(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    """The caller's open unit of work, or this one opened (and rolled back) for a read."""
    if getattr(uow, "_session", None) is not None:
        yield uow
        return
    with uow:
        yield uow


def typed(code: str) -> str:
    """An order number as typed or pasted from a spreadsheet (``="3364…"``)."""
    code = code.strip()
    if code.startswith('="') and code.endswith('"'):
        code = code[2:-1]
    return code


def find_order(uow: UnitOfWork, code: str) -> Order | None:
    """The order with this order number, or whose parcel (or pre-assigned waybill) has this
    tracking number; None when nothing matches."""
    code = typed(code)
    if not code:
        return None
    with opened(uow) as u:
        session = u.session
        order = session.exec(
            select(Order).where(Order.order_no == code).order_by(col(Order.id))
        ).first()
        if order is not None:
            return order
        # a tracking number as the label prints it (in groups) or typed in lower case
        number = normalise(code)
        parcel = session.exec(
            select(Parcel).where(Parcel.tracking_no == number).order_by(col(Parcel.id).desc())
        ).first()
        if parcel is not None:
            return session.get(Order, parcel.order_id)
        order = session.exec(
            select(Order).where(col(Order.tracking_no).in_({code, number})).order_by(col(Order.id))
        ).first()
        if order is not None or not number:
            return order
        # a waybill printed before packing and voided: the order gave its number back, and
        # the torn-off label in a lead's hand found nothing; its release names both
        released = session.exec(
            select(Event.order_id)
            .where(
                Event.kind == "tracking_released",
                col(Event.payload).like(f'%"tracking_no": {json.dumps(number)}%'),
            )
            .order_by(col(Event.id).desc())
        ).first()
        return session.get(Order, released) if released is not None else None


def require_order(uow: UnitOfWork, code: str, *, zone: str = "Asia/Shanghai") -> Order:
    order = find_order(uow, code)
    if order is None:
        skipped = skipped_at_import(uow, code)
        if skipped is not None:
            raise UserError(
                _(SKIPPED_SAID[skipped.why]).format(
                    order=typed(code),
                    status=skipped.status,
                    files=listed(skipped.files),
                    at=skipped.at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
                )
            )
        raise UserError(
            _(
                "No order has the number or tracking number '{code}'; check the number or import "
                "the orders first."
            ).format(code=code)
        )
    return order


# what ``order show`` says of an order an import left out, by why it did
SKIPPED_SAID = {
    "closed": N_(
        "Order {order} was closed on the marketplace in the export {files} (imported {at}), "
        "so it was not queued; nothing of it is stored here."
    ),
    "unpaid": N_(
        "Order {order} was not paid yet on the marketplace ({status}) in the export {files} "
        "(imported {at}), so it was not queued; nothing of it is stored here. An export in "
        "which it is paid queues it."
    ),
    "shipped": N_(
        "Order {order} was already shipped on the marketplace ({status}) in the export {files} "
        "(imported {at}), so it was not queued; nothing of it is stored here."
    ),
}


@dataclass(frozen=True)
class Skipped:
    """An order an import read and left out: ``why`` (a key of ``SKIPPED_SAID``), when, from
    which files, and its status on the marketplace ("" for one closed: not kept)."""

    why: str
    at: dt.datetime
    files: list[str]
    status: str


def skipped_at_import(uow: UnitOfWork, code: str) -> Skipped | None:
    """How the newest import that left out the order numbered ``code`` read it (closed, not
    paid yet, or shipped already on the marketplace): left out when first seen, it is in no
    table but the import's event.  None when no import did."""
    number = typed(code)
    if not number:
        return None
    with opened(uow) as u:
        found = u.session.exec(
            select(Event.at, Event.payload)
            .where(
                Event.kind == "orders_imported",
                col(Event.payload).like(f"%{json.dumps(number, ensure_ascii=False)}%"),
            )
            .order_by(col(Event.id).desc())
        )
        for at, payload in found:
            said = json.loads(payload)
            files = [str(name) for name in said.get("files", [])]
            if any(number in numbers for numbers in said.get("skipped_closed", {}).values()):
                return Skipped("closed", at, files, "")
            for why in ("unpaid", "shipped"):
                for statuses in said.get(f"skipped_{why}", {}).values():
                    if number in statuses:
                        return Skipped(why, at, files, str(statuses[number]))
    return None


def _iso(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def order_details(uow: UnitOfWork, order_id: int, *, zone: str = "Asia/Shanghai") -> dict[str, Any]:
    """The ``order show --json`` shape of DESIGN §9 (instants in the shop's time zone)."""
    tz = ZoneInfo(zone)
    with opened(uow) as u:
        session = u.session
        order = session.get(Order, order_id)
        if order is None:
            raise UserError(_("No order has the id {id}.").format(id=order_id))
        lines = session.exec(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.line_no))
        ).all()
        parcels = session.exec(
            select(Parcel).where(Parcel.order_id == order_id).order_by(col(Parcel.seq))
        ).all()
        jobs = session.exec(
            select(PrintJob).where(PrintJob.order_id == order_id).order_by(col(PrintJob.id))
        ).all()
        parcel_ids = [p.id for p in parcels if p.id is not None]
        if parcel_ids:
            jobs = list(jobs) + [
                j
                for j in session.exec(
                    select(PrintJob)
                    .where(col(PrintJob.parcel_id).in_(parcel_ids))
                    .order_by(col(PrintJob.id))
                ).all()
                if j.order_id != order_id
            ]
        events = session.exec(
            select(Event).where(Event.order_id == order_id).order_by(col(Event.id))
        ).all()
        seqs = {p.id: p.seq for p in parcels if p.id is not None}
        return {
            "order_no": order.order_no,
            "platform": order.platform,
            "status": order.status,
            "due_date": order.due_date.isoformat() if order.due_date else None,
            "paid_at": _iso(order.paid_at, tz),
            "carrier": order.carrier,
            "tracking_no": order.tracking_no,
            "shop": order.shop,
            "buyer": order.buyer,
            "buyer_note": order.buyer_note,
            "seller_note": order.seller_note,
            "hold_reason": as_read(order.hold_reason),
            "not_shipping_reason": order.not_shipping_reason,
            "marketplace_status": order.marketplace_status,
            "claimed_bench": order.claimed_bench,
            "claimed_user": order.claimed_user,
            "lease_until": _iso(order.lease_until, tz),
            # judged as the benches judge it, by the store's clock
            "lease_ran_out": lease_ran_out(order.status, order.lease_until, store_now(uow.engine)),
            "imported_at": _iso(order.imported_at, tz),
            "source_file": order.source_file,
            "source_row": order.source_row,
            "recipient": {
                "name": order.recipient_name,
                "phone": order.phone,
                "province": order.province,
                "city": order.city,
                "district": order.district,
                "address": order.address,
                "postcode": order.postcode,
            },
            "lines": [
                {
                    "sku": line.sku,
                    "title": line.title,
                    "spec": line.spec,
                    "qty": line.quantity,
                    "packed": line.quantity_packed,
                    "gift": line.is_gift,
                }
                for line in lines
            ],
            "parcels": [
                {
                    "seq": p.seq,
                    "tracking_no": p.tracking_no,
                    "weight_g": p.measured_weight_g,
                    "expected_g": p.expected_weight_g,
                    "carton": p.carton,
                    "status": p.status,
                    "labels": [
                        {
                            "job_id": j.id,
                            "status": j.status,
                            "reprint_of": j.reprint_of,
                            "reason": as_read(j.reason),
                        }
                        for j in jobs
                        if j.parcel_id == p.id and j.kind == "label"
                    ],
                }
                for p in parcels
            ],
            # the order's other print jobs: its slip, and a waybill printed before packing
            # (on no parcel yet, or on one since voided)
            "documents": [
                {
                    "job_id": j.id,
                    "kind": j.kind,
                    "status": j.status,
                    "parcel_seq": seqs.get(j.parcel_id) if j.parcel_id else None,
                    "reprint_of": j.reprint_of,
                    "reason": as_read(j.reason),
                }
                for j in jobs
                if not (j.kind == PrintKind.LABEL and j.parcel_id in seqs)
            ],
            "events": [
                {
                    "at": _iso(e.at, tz),
                    "kind": e.kind,
                    "bench": e.bench,
                    "user": e.user,
                    # what it changed or said: a corrected address, a weight, a reason
                    "details": _read(json.loads(e.payload)) if e.payload else {},
                }
                for e in events
            ],
        }


def _read(value: Any) -> Any:
    """An event's payload with the reasons the program kept in no language in the reader's."""
    if isinstance(value, str):
        return as_read(value)
    if isinstance(value, dict):
        return {key: _read(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_read(inner) for inner in value]
    return value
