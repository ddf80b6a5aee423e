"""The ship-confirm file from the lead's end-of-day screen.

Called by that screen.  The intake area owns the export (``packstation export shipments``); when
its service is installed this module hands the work to it, so the screen and the command write
the same file.  Until then it writes the marketplace's batch-ship columns itself: order number,
courier as the marketplace names it, tracking number — one row per parcel that left today.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
from pathlib import Path

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import _
from packstation.store.models import Carrier, Order, Parcel
from packstation.store.uow import UnitOfWork


def _intake_export() -> object | None:
    try:
        module = importlib.import_module("packstation.services.shipments")
    except ImportError:
        return None
    return getattr(module, "export_shipments", None)


def export_ship_confirm(
    uow: UnitOfWork, *, day: dt.date, settings: Settings, path: str | Path
) -> int:
    """Write the day's shipments for the marketplace upload; returns the number of rows."""
    target = Path(path)
    exporter = _intake_export()
    if callable(exporter):
        result = exporter(uow, day=day, settings=settings, path=target)
        return int(result) if isinstance(result, int) else int(getattr(result, "rows", 0))
    with uow:
        rows = uow.session.exec(
            select(Order.order_no, Parcel.carrier, Parcel.tracking_no, Carrier.name)
            .join(Parcel, col(Parcel.order_id) == col(Order.id))
            .join(Carrier, col(Carrier.code) == col(Parcel.carrier), isouter=True)
            .where(
                col(Order.status).in_([OrderStatus.HANDED_OVER, OrderStatus.CONFIRMED]),
                Parcel.status == ParcelStatus.HANDED_OVER,
                col(Order.due_date) <= day,
            )
            .order_by(col(Order.order_no), col(Parcel.seq))
        ).all()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["订单编号", "物流公司", "运单号"])
            for order_no, carrier, tracking_no, name in rows:
                writer.writerow(
                    [order_no, name or settings.carrier(carrier).name or carrier, tracking_no]
                )
    except OSError as exc:
        raise UserError(
            _("The file {path} cannot be written ({problem}); choose another place.").format(
                path=target, problem=exc.strerror or exc
            )
        ) from None
    return len(rows)
