"""The ship-confirm file: which orders left, with which courier and tracking numbers, written the
way the marketplace's batch-ship upload (or a script) reads it.

Called by ``packstation export shipments`` and by the shift lead's screen.  Shipments must be
confirmed on the marketplace before 21:00.  Once a file is uploaded, ``confirm_file`` moves the
orders it lists, and those alone, to ``confirmed`` with an event each: an order packed after
the file was written stays to be exported.  ``mark_confirmed`` does the same at once, for the
file being written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.carriers import english_name, marketplace_name
from packstation.domain.lifecycle import check_move
from packstation.domain.orders import SELLER_CENTRE_PLATFORMS, MarketState, generic_state
from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import _
from packstation.os_problems import os_problem, write_output
from packstation.services.handover import order_places
from packstation.services.intake.validation import shortened
from packstation.services.status_names import platform_label, status_label
from packstation.store.models import Order, Parcel
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

FORMATS = ("taobao", "generic")
ENCODINGS = {"gbk": "gb18030", "utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}
TAOBAO_HEADER = ["订单编号", "物流公司", "运单号"]
GENERIC_HEADER = [
    "order_no",
    "platform",
    "carrier",
    "carrier_name",
    "tracking_no",
    "parcel_seq",
    "weight_g",
    "packed_at",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _skip(skipped: list[dict[str, str]], order_no: str, reason: str, message: str) -> None:
    """An order left out of the file, or not confirmed: ``reason`` one stable English word for
    scripts (it was the sentence, in the user's language), ``message`` the sentence."""
    skipped.append({"order_no": order_no, "reason": reason, "message": message})


@dataclass
class ShipmentExport:
    path: str
    format: str
    encoding: str
    orders: int = 0
    parcels: int = 0
    confirmed: int = 0
    rows: int = 0  # data rows written (the lead's end-of-day screen shows this)
    written: bool = False  # a file of headers alone is not written: it could be uploaded
    skipped: list[dict[str, str]] = field(default_factory=list)  # see ``_skip``

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "orders": self.orders,
            "parcels": self.parcels,
            "confirmed": self.confirmed,
            "rows": self.rows,
            "written": self.written,
            "skipped": self.skipped,
        }


def export_shipments(
    uow: UnitOfWork,
    path: Path,
    *,
    settings: Settings,
    day: dt.date | None = None,
    fmt: str = "taobao",
    encoding: str | None = None,
    mark_confirmed: bool = False,
    again: bool = False,
) -> ShipmentExport:
    """Write the packed or handed-over orders not yet confirmed (packed on ``day`` when given);
    ``again``: the day's confirmed orders too, for a file lost after it confirmed them."""
    if again and day is None:
        raise UserError(_("--again writes one day's orders again; give the day with --date."))
    if fmt not in FORMATS:
        raise UserError(_("The format '{fmt}' is unknown; use taobao or generic.").format(fmt=fmt))
    encoding = encoding or ("gbk" if fmt == "taobao" else "utf-8-sig")
    if encoding not in ENCODINGS:
        raise UserError(
            _("The encoding '{encoding}' is not offered; use gbk, utf-8-sig or utf-8.").format(
                encoding=encoding
            )
        )
    result = ShipmentExport(path=str(path), format=fmt, encoding=encoding)
    calendar = settings.shipping.calendar()
    with uow:
        session = uow.session
        wanted = [
            OrderStatus.PACKED.value,
            OrderStatus.HANDED_OVER.value,
            OrderStatus.PART_RECALLED.value,
        ]
        if again:
            wanted.append(OrderStatus.CONFIRMED.value)
        query = select(Order).where(col(Order.status).in_(wanted))
        if day is not None:
            query = query.where(
                col(Order.packed_at) >= calendar.at(day, dt.time(0, 0)),
                col(Order.packed_at) < calendar.at(day + dt.timedelta(days=1), dt.time(0, 0)),
            )
        orders = session.exec(query.order_by(col(Order.packed_at), col(Order.id))).all()
        parcels = _live_parcels(uow, orders)
        places = order_places(uow, {o.id for o in orders if o.id is not None})
        rows: list[list[str]] = []
        exported: list[Order] = []
        for order in orders:
            if fmt == "taobao" and order.platform not in SELLER_CENTRE_PLATFORMS:
                # the seller centre knows no such order; --mark-confirmed confirmed it unsent
                _skip(
                    result.skipped,
                    order.order_no,
                    "not_taobao_or_tmall",
                    _(
                        "not a Taobao or Tmall order ({platform}); export it with --format generic"
                    ).format(platform=platform_label(order.platform)),
                )
                continue
            if generic_state(order.marketplace_status) is MarketState.CLOSED:
                # closed on the marketplace after the courier took it: confirming it shipped
                # would tell the buyer it comes
                _skip(
                    result.skipped,
                    order.order_no,
                    "closed_by_marketplace",
                    _(
                        "the marketplace closed it after the handover: recall the parcel, "
                        "and do not confirm it"
                    ),
                )
                continue
            numbered = [p for p in parcels.get(order.id or 0, []) if p.tracking_no]
            numbers = _waybills(order, numbered)
            if not numbers:
                _skip(
                    result.skipped,
                    order.order_no,
                    "no_tracking_number",
                    _("no tracking number; print the label first"),
                )
                continue
            exported.append(order)
            result.parcels += max(len(numbered), 1)
            if fmt == "taobao":
                rows.append([order.order_no, marketplace_name(order.carrier), ",".join(numbers)])
            elif numbered:
                for p in numbered:
                    packed_at = p.packed_at or order.packed_at
                    rows.append(
                        [
                            order.order_no,
                            order.platform,
                            order.carrier,
                            english_name(order.carrier),
                            p.tracking_no or "",
                            str(places[p.order_id].get(p.seq, p.seq)),  # as the label counts
                            str(p.measured_weight_g or ""),
                            _local(packed_at, calendar.zone),
                        ]
                    )
            else:  # a waybill number given by the marketplace export, no parcel numbered
                rows.append(
                    [
                        order.order_no,
                        order.platform,
                        order.carrier,
                        english_name(order.carrier),
                        numbers[0],
                        "1",
                        "",
                        _local(order.packed_at, calendar.zone),
                    ]
                )
        result.orders = len(exported)
        result.rows = len(rows)
        if not rows:
            return result
        _write(path, TAOBAO_HEADER if fmt == "taobao" else GENERIC_HEADER, rows, encoding)
        result.written = True
        confirming = [o for o in exported if o.status != OrderStatus.CONFIRMED]
        if mark_confirmed and confirming:
            _confirm(uow, confirming, path.name)
            result.confirmed = len(confirming)
            uow.commit()
    return result


def _confirm(uow: UnitOfWork, orders: list[Order], file: str) -> None:
    now = utcnow()
    for order in orders:
        check_move(order.status, OrderStatus.CONFIRMED)
        was = order.status
        order.status = OrderStatus.CONFIRMED
        order.confirmed_at = now
        order.updated_at = now
        uow.session.add(order)
        uow.record(
            "shipment_confirmed", order_id=order.id, was=was, file=file, carrier=order.carrier
        )


@dataclass
class Confirmation:
    path: str
    listed: int = 0  # orders in the file
    confirmed: int = 0  # moved to confirmed now
    already: int = 0  # confirmed before
    skipped: list[dict[str, str]] = field(default_factory=list)  # see ``_skip``

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "listed": self.listed,
            "confirmed": self.confirmed,
            "already": self.already,
            "skipped": self.skipped,
        }


def confirm_file(uow: UnitOfWork, path: Path) -> Confirmation:
    """After ``path`` was uploaded to the marketplace: its orders become ``confirmed`` (one
    event each), in one transaction.  Orders confirmed before are counted, not moved again; an
    order the file lists that is not packed or handed over (cancelled since, unknown) is named
    and left alone."""
    listed = _listed_orders(path)
    numbers = list(listed)
    result = Confirmation(path=str(path), listed=len(numbers))
    with uow:
        found = {
            o.order_no: o
            for o in uow.session.exec(select(Order).where(col(Order.order_no).in_(numbers)))
        }
        parcels = _live_parcels(uow, list(found.values()))
        moving: list[Order] = []
        for number in numbers:
            order = found.get(number)
            if order is not None and order.status in (
                OrderStatus.CONFIRMED,
                OrderStatus.PACKED,
                OrderStatus.HANDED_OVER,
                OrderStatus.PART_RECALLED,
            ):
                now = _waybills(order, parcels.get(order.id or 0, []))
                if set(now) == listed[number]:
                    if order.status == OrderStatus.CONFIRMED:
                        result.already += 1
                    else:
                        moving.append(order)
                    continue
                said = ",".join(now) or "-"
                if order.status == OrderStatus.CONFIRMED:
                    # confirmed from a newer file: this older one, if it was uploaded after
                    # that, left the marketplace with the dead number
                    _skip(
                        result.skipped,
                        number,
                        "confirmed_with_another_waybill",
                        _(
                            "it was confirmed with waybill {numbers}, not the file's; if this "
                            "file was uploaded, upload the file that confirmed it again"
                        ).format(numbers=said),
                    )
                    continue
                # a label voided and the goods packed again since: the marketplace would keep
                # the dead number
                _skip(
                    result.skipped,
                    number,
                    "waybill_changed",
                    _(
                        "its waybill is now {numbers}, not the file's; export again and "
                        "upload that file"
                    ).format(numbers=said),
                )
            else:
                if order is not None:
                    reason = "not_packed"
                    message = _("it is {status}, not packed").format(
                        status=status_label(order.status)
                    )
                elif shortened(number):  # the file was opened and saved in Excel
                    reason = "shortened_by_excel"
                    message = _(
                        "shortened by Excel, its digits lost: upload and confirm the file as "
                        "it was written, not one saved by Excel"
                    )
                else:
                    reason, message = "unknown_order", _("no such order")
                _skip(result.skipped, number, reason, message)
        _confirm(uow, moving, path.name)
        result.confirmed = len(moving)
        uow.commit()
    return result


def _live_parcels(uow: UnitOfWork, orders: Sequence[Order]) -> dict[int, list[Parcel]]:
    """The orders' parcels that are not void, by order, in their order."""
    ids = [o.id for o in orders if o.id is not None]
    parcels: dict[int, list[Parcel]] = {}
    for start in range(0, len(ids), 500):
        for parcel in uow.session.exec(
            select(Parcel)
            .where(
                col(Parcel.order_id).in_(ids[start : start + 500]),
                Parcel.status != ParcelStatus.VOID,
            )
            .order_by(col(Parcel.seq))
        ):
            parcels.setdefault(parcel.order_id, []).append(parcel)
    return parcels


def _waybills(order: Order, live: Sequence[Parcel]) -> list[str]:
    """The waybill numbers the marketplace is told for the order: its live parcels', or the one
    its export gave it."""
    numbers = [p.tracking_no for p in live if p.tracking_no]
    return numbers or ([order.tracking_no] if order.tracking_no else [])


def _listed_orders(path: Path) -> dict[str, set[str]]:
    """The order numbers of a ship-confirm file (either format, as ``_write`` wrote it), each
    once, in the file's order, with the waybill numbers it gives each."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            _("The file {path} cannot be read ({reason}); check the name.").format(
                path=path, reason=os_problem(exc)
            )
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode(ENCODINGS["gbk"], errors="replace")
    try:  # lines as any program ends them: Excel for the Mac ends them with CR alone
        rows = list(csv.reader(text.splitlines()))
    except csv.Error:
        rows = []  # not CSV at all (a binary file given by mistake)
    if not rows or rows[0] not in (TAOBAO_HEADER, GENERIC_HEADER):
        raise UserError(
            _(
                "{path} is not a ship-confirm file (its first row should be {header}); give the file 'packstation export shipments' wrote."
            ).format(path=path, header=",".join(TAOBAO_HEADER))
        )
    column = 2 if rows[0] == TAOBAO_HEADER else GENERIC_HEADER.index("tracking_no")
    listed: dict[str, set[str]] = {}
    for row in rows[1:]:
        if row and row[0].strip():
            cell = row[0].strip()
            if cell.startswith("'") and cell[1:].startswith(_FORMULA_START):
                cell = cell[1:]  # as ``neutralise`` wrote it
            given = row[column] if len(row) > column else ""
            listed.setdefault(cell, set()).update(n.strip() for n in given.split(",") if n.strip())
    return listed


def _local(value: dt.datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[neutralise(c) for c in row] for row in rows])
    try:
        data = buffer.getvalue().encode(ENCODINGS[encoding])
    except UnicodeEncodeError as exc:
        raise UserError(
            _("A cell cannot be written in {encoding} ({problem}); choose utf-8-sig.").format(
                encoding=encoding, problem=exc.reason
            )
        ) from None
    write_output(path, data)
