"""Tracking numbers for parcels: allocated from a carrier's range, pre-assigned, or scanned.

Called by ``services.printing`` (a parcel needs a number before its label is drawn), by the batch
print and by the bench (a pre-printed waybill scanned at the bench).  Every function runs inside
the caller's open unit of work and never commits.

Allocation is atomic on both stores: the carrier's row is locked (``FOR UPDATE`` on PostgreSQL;
SQLite's writing transactions begin ``IMMEDIATE`` and so run one at a time) before the next number
is read and moved on, so two benches never get the same number.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import bindparam
from sqlmodel import col, or_, select

from packstation.config import Settings
from packstation.domain.tracking import format_ok, normalise, number_at, shape
from packstation.errors import UserError
from packstation.i18n import _
from packstation.services.carriers import apply_settings, ensure_carrier
from packstation.services.documents import ParcelFacts
from packstation.store.models import Carrier, Event, Order, Parcel
from packstation.store.uow import UnitOfWork

# how many already-used numbers the allocator skips before it gives up (a range that overlaps
# pre-printed waybills)
MAX_SKIP = 1000


def number_in_use(
    uow: UnitOfWork, number: str, *, parcel_id: int | None = None, order_id: int | None = None
) -> bool:
    """Is ``number`` bound to another parcel, or pre-assigned to another order?

    ``parcel_id`` / ``order_id`` name the parcel or order asking, whose own number is no clash
    (a parcel's own order may carry the number it was printed with)."""
    given = {"number": number}
    if parcel_id is None and order_id is None:
        return bool(uow.connection().execute(_NUMBER_USED, given).scalar_one())
    if parcel_id is not None and order_id is None:
        parcel = uow.session.get(Parcel, parcel_id)
        order_id = parcel.order_id if parcel is not None else None
    parcels, orders = _PARCELS_WITH, _ORDERS_WITH
    if parcel_id is not None:
        parcels = parcels.where(Parcel.id != parcel_id)
    elif order_id is not None:
        # an order-level print asks: its own parcels may already carry it
        parcels = parcels.where(Parcel.order_id != order_id)
    if order_id is not None:
        orders = orders.where(Order.id != order_id)
    query = select(or_(parcels.exists(), orders.exists()))
    return bool(uow.session.execute(query, given).scalar_one())


# built once: every number taken from a range is asked about (the others narrow these)
_PARCELS_WITH = select(Parcel.id).where(col(Parcel.tracking_no) == bindparam("number"))
_ORDERS_WITH = select(Order.id).where(col(Order.tracking_no) == bindparam("number"))
_NUMBER_USED = select(or_(_PARCELS_WITH.exists(), _ORDERS_WITH.exists()))


def allocate(uow: UnitOfWork, settings: Settings, carrier: str) -> str:
    """The next free number of ``carrier``'s range, taken for good (in transaction)."""
    code = carrier.upper()
    row = _locked(uow, code)
    if row is None:
        ensure_carrier(uow, settings, code)
        uow.flush()
        row = _locked(uow, code)
        assert row is not None
    apply_settings(
        row, code, settings.carrier(code)
    )  # under the lock: a changed range restarts here
    # each number is asked about before the row changes: no flush first
    number = take_next(row, lambda n: number_in_use(uow, n))
    uow.session.add(row)  # written with the rest of the transaction
    return number


def take_next(row: Carrier, used: Callable[[str], bool]) -> str:
    """The next number of the carrier's range that ``used`` says is free; the row's
    ``range_next`` moves past it (the caller writes the row)."""
    code = row.code
    if row.range_next is None or row.range_last is None:
        raise UserError(
            _(
                "{carrier} has no waybill number range and this order came without a tracking "
                "number; set carriers.{carrier}.waybill_range in the configuration or scan a "
                "pre-printed waybill."
            ).format(carrier=code)
        )
    last = shape(row.range_last).value
    for _skip in range(MAX_SKIP):
        if not row.range_next or shape(row.range_next).value > last:
            raise UserError(
                _(
                    "The waybill number range of {carrier} is used up (last {last}); ask the "
                    "carrier for a new range and set carriers.{carrier}.waybill_range."
                ).format(carrier=code, last=row.range_last)
            )
        number = row.range_next
        value = shape(number).value
        free = not used(number)
        row.range_next = number_at(number, value + 1) if value < last else ""
        if free:
            return number
    raise UserError(
        _(
            "The next {count} numbers of {carrier}'s waybill range are all in use; check "
            "carriers.{carrier}.waybill_range."
        ).format(count=MAX_SKIP, carrier=code)
    )


def _locked(uow: UnitOfWork, code: str) -> Carrier | None:
    """The carrier's row, read again and locked for the rest of the transaction."""
    return uow.session.exec(
        select(Carrier)
        .where(Carrier.code == code)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def peek(uow: UnitOfWork, settings: Settings, carrier: str) -> str | None:
    """The number ``allocate`` would hand out next, without taking it (for previews)."""
    code = carrier.upper()
    row = uow.session.get(Carrier, code)
    config = settings.carrier(code)
    if row is not None and row.range_next:
        return row.range_next
    if config.waybill_range:
        return normalise(config.waybill_range[0])
    return None


def check_number(
    uow: UnitOfWork,
    carrier: str,
    number: str,
    *,
    parcel_id: int | None,
    order_id: int | None = None,
) -> str:
    """A number normalised and checked: the carrier's format, and not used elsewhere."""
    number = normalise(number)
    row = uow.session.get(Carrier, carrier.upper())
    pattern = row.tracking_pattern if row is not None else ""
    if not format_ok(carrier, number, pattern):
        raise UserError(
            _(
                "{number} is not a {carrier} tracking number; scan the waybill again or check "
                "the order's carrier."
            ).format(number=number, carrier=carrier.upper())
        )
    if number_in_use(uow, number, parcel_id=parcel_id, order_id=order_id):
        raise UserError(
            _(
                "Tracking number {number} is already used by another parcel; use a new waybill."
            ).format(number=number)
        )
    return number


def bind(uow: UnitOfWork, parcel: Parcel, number: str, *, source: str) -> None:
    """Give the parcel its number and record where it came from (in transaction)."""
    parcel.tracking_no = number
    uow.session.add(parcel)  # written with the rest of the transaction
    record_number(uow, parcel, number, source=source)


def record_number(uow: UnitOfWork, parcel: ParcelFacts, number: str, *, source: str) -> None:
    """The ``tracking_assigned`` event of a number given to a parcel (in transaction)."""
    uow.record(
        "tracking_assigned",
        order_id=parcel.order_id,
        parcel_id=parcel.id,
        tracking_no=number,
        carrier=parcel.carrier,
        source=source,
    )


def bind_to_order(uow: UnitOfWork, settings: Settings, order: Order) -> str:
    """Print first: the order's number for the waybill printed before packing (in transaction).

    Kept on the order (like a number pre-assigned by the export), so that scanning the waybill
    at the bench opens the order and its first parcel takes the number."""
    ensure_carrier(uow, settings, order.carrier)
    if order.tracking_no:
        number = check_number(
            uow, order.carrier, order.tracking_no, parcel_id=None, order_id=order.id
        )
        source = "order"
    else:
        number = allocate(uow, settings, order.carrier)
        source = "range"
    if order.tracking_no != number:
        order.tracking_no = number
        uow.session.add(order)
        uow.flush()
        uow.record(
            "tracking_assigned",
            order_id=order.id,
            tracking_no=number,
            carrier=order.carrier,
            source=source,
        )
    return number


def bind_scanned(uow: UnitOfWork, settings: Settings, *, parcel_id: int, scanned: str) -> str:
    """A pre-printed waybill scanned at the bench becomes the parcel's number (in transaction)."""
    parcel = uow.session.get(Parcel, parcel_id)
    if parcel is None:
        raise UserError(_("Parcel {id} does not exist.").format(id=parcel_id))
    ensure_carrier(uow, settings, parcel.carrier)
    number = check_number(uow, parcel.carrier, scanned, parcel_id=parcel_id)
    bind(uow, parcel, number, source="scanned")
    return number


def find_order_id_by_tracking(uow: UnitOfWork, code: str) -> int | None:
    """The order a waybill belongs to: a parcel's number, else an order's pre-assigned one."""
    number = normalise(code)
    if not number:
        return None
    found = uow.session.exec(
        select(Parcel.order_id).where(Parcel.tracking_no == number).order_by(col(Parcel.id))
    ).first()
    if found is not None:
        return found
    return uow.session.exec(select(Order.id).where(Order.tracking_no == number)).first()


def release_printed_first(uow: UnitOfWork, order: Order, reason: str) -> bool:
    """After its label printed before packing was voided: the order lets go of the number, if
    it came from the shop's range, so that a bench gives its box a new one (the bench took the
    voided number, and the parcel shipped under it).  A number the marketplace's export gave
    the order stays its number.  True when it was let go (in transaction)."""
    number = order.tracking_no
    if not number:
        return False
    given = uow.session.exec(
        select(Event.payload)
        .where(Event.order_id == order.id, Event.kind == "tracking_assigned")
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()
    if given is None or json.loads(given).get("source") != "range":
        return False
    order.tracking_no = ""
    uow.session.add(order)
    uow.record("tracking_released", order_id=order.id, tracking_no=number, reason=reason)
    return True
