"""A pre-printed waybill scanned at the bench while the box waits to be weighed: its number
becomes the box's (a carrier without a number range, or a roll of waybills the courier gave)."""

from __future__ import annotations

from packstation.config import Settings
from packstation.domain.tracking import format_ok
from packstation.services import tracking
from packstation.services.carriers import ensure_carrier
from packstation.services.catalogue import find_by_code
from packstation.services.claims import held_order
from packstation.services.packing.boxes import live_box, waits_for_weight
from packstation.store.uow import UnitOfWork


def bind_waybill(uow: UnitOfWork, *, order_id: int, code: str, settings: Settings) -> str | None:
    """The box's number, when ``code`` is a waybill of the order's carrier and the box waits to
    be weighed without one; None (nothing changed) otherwise, and the scan is something else.
    A number another parcel has is refused."""
    with uow:
        held_order(uow, order_id)
        box = live_box(uow, order_id)
        if not waits_for_weight(box) or box.tracking_no:
            return None
        carrier = ensure_carrier(uow, settings, box.carrier)
        if not format_ok(carrier.code, code, carrier.tracking_pattern):
            return None
        if find_by_code(uow, code) is not None:
            # a product's EAN-13 is shaped like some carriers' numbers: an item scanned again
            # on the closed box is an item, never the box's waybill
            return None
        assert box.id is not None
        number = tracking.bind_scanned(uow, settings, parcel_id=box.id, scanned=code)
        uow.commit()
        return number
