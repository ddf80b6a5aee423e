"""Meeting the store: which orders of a file are new, known, changed or cancelled, and writing
them — all in the caller's transaction, so an import is stored whole or not at all.

New orders and their lines are written with one compiled INSERT each and the DBAPI's
executemany in chunks (100 000 orders take seconds, not minutes).  The import itself is one
``orders_imported`` event (files and counts); each new order keeps its source file and row, so
it is not given an event of its own — that would double the rows written.  The few known orders
that changed go through the session with an event each.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select, update
from sqlmodel import col
from sqlmodel import select as sm_select

from packstation.config import Settings
from packstation.domain.due import ShippingCalendar
from packstation.domain.lifecycle import can_move
from packstation.domain.orders import TO_SHIP, WENT, MarketState
from packstation.domain.status import (
    ExceptionKind,
    OrderStatus,
    ParcelStatus,
    PrintKind,
    PrintStatus,
)
from packstation.i18n import (
    N_,
    _,
    as_read,
    for_store,
    joined,
    said_later,
    said_together,
    translated,
)
from packstation.services import stock
from packstation.services.claims import UNCLAIMED
from packstation.services.handover import parcel_gone
from packstation.services.intake.bulk import BulkInsert, reserve_ids
from packstation.services.intake.line_changes import (
    StoredLines,
    changed_lines,
    replace_lines,
    stored_lines,
    untouched,
)
from packstation.services.intake.parsed import (
    CHANGEABLE,
    FIELD_NAMES,
    KEPT,
    ParsedLine,
    ParsedOrder,
)
from packstation.services.intake.report import ImportReport, Problem
from packstation.services.packing.voiding import ORDER_CANCELLED
from packstation.store.models import Event, Order, OrderException, OrderLine, Parcel, PrintJob
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

CHUNK = 2000
_LOOKUP_CHUNK = 500

ORDER = Order.__table__  # type: ignore[attr-defined]
LINE = OrderLine.__table__  # type: ignore[attr-defined]

NOT_PACKED = frozenset(
    {OrderStatus.IMPORTED, OrderStatus.READY, OrderStatus.ON_HOLD, OrderStatus.PACKING}
)
CANCELLABLE = NOT_PACKED | {OrderStatus.PACKED}
# with the courier (what of it did not go was recalled)
GONE = frozenset({OrderStatus.HANDED_OVER, OrderStatus.PART_RECALLED, OrderStatus.CONFIRMED})


@dataclass
class Known:
    id: int
    status: str
    claimed_bench: str | None
    values: dict[str, str]
    lines: StoredLines = field(default_factory=StoredLines)


_STORED = {
    "recipient_name": ORDER.c.recipient_name,
    "phone": ORDER.c.phone,
    "province": ORDER.c.province,
    "city": ORDER.c.city,
    "district": ORDER.c.district,
    "address": ORDER.c.address,
    "postcode": ORDER.c.postcode,
    "buyer_note": ORDER.c.buyer_note,
    "seller_note": ORDER.c.seller_note,
    "carrier": ORDER.c.carrier,
    "tracking_no": ORDER.c.tracking_no,
    "marketplace_status": ORDER.c.marketplace_status,
}


def load_known(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Known]:
    by_platform: dict[str, list[str]] = defaultdict(list)
    for platform, order_no in keys:
        by_platform[platform].append(order_no)
    known: dict[tuple[str, str], Known] = {}
    columns = [ORDER.c.id, ORDER.c.order_no, ORDER.c.status, ORDER.c.claimed_bench]
    columns += list(_STORED.values())
    for platform, numbers in by_platform.items():
        for start in range(0, len(numbers), _LOOKUP_CHUNK):
            chunk = numbers[start : start + _LOOKUP_CHUNK]
            query = select(*columns).where(
                ORDER.c.platform == platform, ORDER.c.order_no.in_(chunk)
            )
            for row in conn.execute(query):
                values = {name: getattr(row, name) or "" for name in _STORED}
                known[(platform, row.order_no)] = Known(
                    row.id, row.status, row.claimed_bench, values
                )
    lines = stored_lines(conn, [k.id for k in known.values()])
    for found in known.values():
        found.lines = lines[found.id]
    return known


def apply_orders(
    uow: UnitOfWork,
    orders: Sequence[ParsedOrder],
    report: ImportReport,
    *,
    settings: Settings,
    write: bool,
) -> None:
    """Classify every order of the files (the counts of the report) and, when ``write``, store."""
    conn = uow.session.connection()
    known = load_known(conn, (o.key for o in orders))
    fresh: list[ParsedOrder] = []
    returned: Counter[str] = Counter()  # the packed units of the orders cancelled
    for order in orders:
        if order.state is MarketState.PARTLY_SHIPPED:
            report.orders_partly_shipped += 1
        found = known.get(order.key)
        if found is not None:
            _reconcile(uow, order, found, report, returned, write=write)
        elif order.state in TO_SHIP:
            fresh.append(order)
            report.orders_imported += 1
            report.lines_imported += len(order.lines)
            if order.shipped_lines and not order.left_unknown:
                report.notices.append(_partly_said(order))
        elif order.state is MarketState.UNPAID:
            report.orders_skipped_unpaid += 1
            _skipped(report.skipped_unpaid, order)
        elif order.state is MarketState.CLOSED:
            report.orders_skipped_closed += 1
            report.skipped_closed.setdefault(order.platform, []).append(order.order_no)
        else:
            report.orders_skipped_shipped += 1
            _skipped(report.skipped_shipped, order)
    stock.give_back(conn, returned)
    ids: list[int] = []
    if write and fresh:
        with _big_cache(conn):
            ids = _insert(conn, fresh, settings.shipping.calendar())
    for number, order in enumerate(fresh):
        if order.left_unknown:  # queued whole, the items that went would ship twice
            new = Known(ids[number] if ids else 0, OrderStatus.READY.value, None, {})
            _changed(uow, order, new, report, _partly_unknown(), _partly(order), write=write)


def _skipped(skipped: dict[str, dict[str, str]], order: ParsedOrder) -> None:
    """``order`` left out, with its status on the marketplace, for ``order show``."""
    skipped.setdefault(order.platform, {})[order.order_no] = order.marketplace_status


ORDER_COLUMNS = (
    "id",
    "platform",
    "order_no",
    "shop",
    "buyer",
    "recipient_name",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "postcode",
    "paid_at",
    "due_date",
    "carrier",
    "tracking_no",
    "insured_value_fen",
    "amount_fen",
    "buyer_note",
    "seller_note",
    "status",
    "marketplace_status",
    "hold_reason",
    "not_shipping_reason",
    "imported_at",
    "updated_at",
    "source_file",
    "source_row",
)
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "sku",
    "title",
    "spec",
    "quantity",
    "unit_price_fen",
    "is_gift",
    "quantity_packed",
)


def _insert(
    conn: Connection, orders: Sequence[ParsedOrder], calendar: ShippingCalendar
) -> list[int]:
    """Store new orders and their lines; their ids, in the order of ``orders``."""
    orders_out = BulkInsert(conn, ORDER, ORDER_COLUMNS)
    lines_out = BulkInsert(conn, LINE, LINE_COLUMNS)
    now = utcnow()
    stamp = orders_out.bind("imported_at", now)
    gift = {True: lines_out.bind("is_gift", True), False: lines_out.bind("is_gift", False)}
    ready = OrderStatus.READY.value
    due_dates: dict[tuple[dt.date, bool], Any] = {}
    zone = calendar.zone
    ids = reserve_ids(conn, ORDER, len(orders))
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        order_rows: list[list[Any]] = []
        line_rows: list[list[Any]] = []
        for order, order_id in zip(chunk, ids[start : start + CHUNK], strict=True):
            paid = order.paid_at
            assert paid is not None  # a paid order without a payment time is refused earlier
            local = paid.astimezone(zone)
            due = _due(calendar, paid, local, due_dates, orders_out)
            order_rows.append(
                [
                    order_id,
                    order.platform,
                    order.order_no,
                    order.shop[:100],
                    order.buyer[:100],
                    order.recipient_name[:100],
                    order.phone[:40],
                    order.province[:40],
                    order.city[:40],
                    order.district[:40],
                    order.address[:400],
                    order.postcode[:12],
                    paid,
                    due,
                    order.carrier,
                    order.tracking_no,
                    0,
                    order.amount_fen,
                    order.buyer_note,
                    order.seller_note,
                    ready,
                    order.marketplace_status,
                    "",
                    "",
                    stamp,
                    stamp,
                    order.file[:400],
                    order.row,
                ]
            )
            for number, line in enumerate(order.lines, start=1):
                line_rows.append(
                    [
                        order_id,
                        number,
                        line.sku,
                        line.title[:400],
                        line.spec[:200],
                        line.quantity,
                        line.unit_price_fen,
                        gift[line.is_gift],
                        0,
                    ]
                )
        orders_out.run(order_rows, processed=frozenset({"imported_at", "updated_at", "due_date"}))
        lines_out.run(line_rows, processed=frozenset({"is_gift"}))
    return ids


def _due(
    calendar: ShippingCalendar,
    paid: dt.datetime,
    local: dt.datetime,
    cache: dict[tuple[dt.date, bool], Any],
    out: BulkInsert,
) -> Any:
    """The due date (as the DBAPI takes it) depends only on the local day and the side of the
    cut-off: each is computed once."""
    key = (local.date(), local.time() >= calendar.cutoff)
    due = cache.get(key)
    if due is None:
        due = cache[key] = out.bind("due_date", calendar.due_date(paid))
    return due


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """SQLite keeps 2 MB of pages by default; a large import updates several indexes at once
    and runs much faster when their pages stay in memory.  Restored afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -131072")  # 128 MB
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _reconcile(
    uow: UnitOfWork,
    order: ParsedOrder,
    known: Known,
    report: ImportReport,
    returned: Counter[str],
    *,
    write: bool,
) -> None:
    status = OrderStatus(known.status)
    if status is OrderStatus.CANCELLED:
        report.orders_known += 1
        return
    if order.state is MarketState.CLOSED:
        # a box of it with the courier: a recall, not a cancel
        if status in CANCELLABLE and parcel_gone(uow, known.id) is None:
            report.orders_cancelled += 1
            if _printed_label_ids(uow, known.id):
                # a waybill printed (before packing, or on a box) is live at the courier: only
                # "known, now cancelled" was said, and nobody voided it
                report.notices.append(
                    order.said(
                        _(
                            "Order {order} is cancelled, and a label of it was printed: void it "
                            "(F8 on the lead's reprint screen, or packstation label {order} "
                            "--void) and tear off every copy."
                        ).format(order=order.order_no)
                    )
                )
            if write:
                _cancel(uow, order, known, returned)
        else:
            report.orders_known += 1
            # the status an import that raised the exception kept: the same closure, raised
            # once even once the lead settled it (the recall, a return agreed); a status the
            # store has not seen yet is news
            seen = known.values["marketplace_status"] == order.marketplace_status
            if write:
                # what the marketplace says of it now: the ship-confirm file leaves it out
                # (it was confirmed as shipped after the lead had the parcel recalled)
                uow.session.connection().execute(
                    update(ORDER)
                    .where(ORDER.c.id == known.id)
                    .values(marketplace_status=order.marketplace_status, updated_at=utcnow())
                )
            _raise_exception(
                uow,
                order,
                known,
                report,
                ExceptionKind.CANCELLED,
                said_later(
                    N_(
                        "The order was closed on the marketplace after it was handed over; "
                        "recall the parcel or agree a return with the buyer."
                    )
                ),
                write=write,
                once=seen,
            )
        return
    if order.state in WENT and _shipped_there(uow, order, known, report, write=write):
        return
    if order.left_unknown and _held_partly_shipped(uow, order, known, report, write=write):
        return
    changes = {
        name: (known.values[name], getattr(order, name)[: _limit(name)])
        for name in CHANGEABLE
        if name not in order.absent and getattr(order, name)[: _limit(name)] != known.values[name]
    }
    if "carrier" in changes and _courier_chosen_here(uow, known.id, order.carrier):
        del changes["carrier"]
    lines = changed_lines(order, known.lines) if order.lines else ""
    if not changes and not lines:
        report.orders_known += 1
        return
    if status in GONE:
        # its parcels have left: a hold would stop nothing, and the change reaches no label
        report.orders_known += 1
        back = _goes_back(uow, known.id, changes, order.file) if changes else None
        if back:  # an older export imported after the parcels left
            report.notices.append(_went_back(order, back))
            return
        if lines and order.shipped_lines:
            report.notices.append(_shipped_twice(order))
            return
        what = said_together([*_new_values(changes), *([lines] if lines else [])])
        report.notices.append(
            order.said(
                _(
                    "Order {order}: the marketplace changed {changes} after its parcels left "
                    "with the courier; nothing changes here (ask the courier to redirect the "
                    "parcel if it must)."
                ).format(order=order.order_no, changes=translated(what))
            )
        )
        return
    conn = uow.session.connection()
    # a label printed (at a bench, or first by a batch) carries the old address; lines change
    # only while no bench has begun the order
    labelled = _labelled(uow, known.id)
    editable = status in NOT_PACKED and not labelled
    if lines:
        editable = (
            editable
            and status is not OrderStatus.PACKING
            and known.claimed_bench is None
            and untouched(conn, known.id)
        )
    if editable:
        report.orders_updated += 1
        if lines and order.shipped_lines:
            report.notices.append(_partly_said(order))
            changes["marketplace_status"] = (
                known.values["marketplace_status"],
                order.marketplace_status,
            )
        back = _goes_back(uow, known.id, changes, order.file)
        if back:
            report.notices.append(_went_back(order, back))
        if "carrier" in changes and order.tracking_no != known.values["tracking_no"]:
            # a waybill the export gave is the old courier's: the file's (or none) replaces it
            changes["tracking_no"] = (known.values["tracking_no"], order.tracking_no)
        if lines:
            changes["lines"] = ("", lines)
            report.lines_imported += len(order.lines)
            report.lines_removed += known.lines.rows
        if write:
            values: dict[str, Any] = {
                name: new for name, (_old, new) in changes.items() if name != "lines"
            }
            values["updated_at"] = utcnow()
            conn.execute(update(ORDER).where(ORDER.c.id == known.id).values(**values))
            if "carrier" in changes:  # a box begun, not labelled yet, gets the new courier's
                conn.execute(
                    update(Parcel.__table__)  # type: ignore[attr-defined]
                    .where(
                        col(Parcel.order_id) == known.id, col(Parcel.status) != ParcelStatus.VOID
                    )
                    .values(carrier=order.carrier)
                )
            if lines:
                replace_lines(conn, known.id, order)
            uow.record(
                "order_updated",
                order_id=known.id,
                source="import",
                file=order.file,
                row=order.row,
                changes={k: list(v) for k, v in changes.items()},
                bench_claimed=known.claimed_bench or "",
            )
        return
    report.orders_known += 1
    # the new values are in the notes: the same change is raised once, even once resolved
    if lines:
        note = (
            said_later(
                N_(
                    "The marketplace shipped part of the order already ({went}) after packing "
                    "began here; it waits on hold so that those items do not ship twice: the "
                    "lead's release (R) takes them off the order, once a printed label is voided."
                ),
                went=_units_kept(order.shipped_lines),
            )
            if order.shipped_lines
            else said_later(
                N_(
                    "The marketplace changed the items ({lines}) after packing began; the order "
                    "waits on hold: the lead's release (R) puts the new items in place, once a "
                    "printed label is voided."
                ),
                lines=lines,
            )
        )
        _changed(
            uow, order, known, report, note, {"lines": ("", lines)}, write=write, new_lines=True
        )
    if changes:
        if labelled and "carrier" in changes:
            message = N_(
                "The marketplace changed {changes} after the label was printed; the order waits "
                "on hold: change its courier (its label is voided, a bench prints the new "
                "courier's) and correct the address if it changed, or release it."
            )
        elif labelled:
            message = N_(
                "The marketplace changed {changes} after the label was printed; the order waits "
                "on hold: check the parcel, correct the address or release it."
            )
        elif "carrier" in changes:  # the items changed too, at a bench that began the order
            message = N_(
                "The marketplace changed {changes} after packing began; the order waits on "
                "hold: change its courier and correct the address if it changed, or release it."
            )
        else:  # the items changed too, at a bench that began the order: no label yet
            message = N_(
                "The marketplace changed {changes} after packing began; the order waits on "
                "hold: correct the address or release it."
            )
        note = said_later(message, changes=said_together(_new_values(changes)))
        _changed(uow, order, known, report, note, changes, write=write)


def _shipped_there(
    uow: UnitOfWork, order: ParsedOrder, known: Known, report: ImportReport, *, write: bool
) -> bool:
    """The marketplace says the order was shipped (卖家已发货, 交易成功).  Not packed here yet:
    a bench would pack it and it would ship twice, so it waits on hold for the lead, once
    (True: nothing else to do).  Packed here: its waybill back from the ship-confirm file says
    nothing; another waybill (or none, before the handover) is a notice for the lead, and
    nothing is undone."""
    status = OrderStatus(known.status)
    waybill = order.tracking_no
    if status in NOT_PACKED:
        report.orders_known += 1
        if waybill:
            note = said_later(
                N_(
                    "The marketplace says the order was shipped (waybill {carrier} {number}) but "
                    "it was not packed here; it waits on hold so that it does not ship twice: "
                    "cancel it if it left from elsewhere, release it if it is still to be packed "
                    "here."
                ),
                carrier=order.carrier,
                number=waybill,
            )
        else:
            note = said_later(
                N_(
                    "The marketplace says the order was shipped but it was not packed here; it "
                    "waits on hold so that it does not ship twice: cancel it if it left from "
                    "elsewhere, release it if it is still to be packed here."
                )
            )
        # known by the waybill, not the status text: 交易成功 after 卖家已发货 is no news
        _changed(uow, order, known, report, note, {"shipped": ("", waybill)}, write=write)
        return True
    ours = {number for _id, number in _tracking_numbers(uow, known.id)}
    if waybill and ours.intersection(_WAYBILLS.split(waybill)):
        return False  # the ship-confirm file's waybill, back from the marketplace
    if waybill:
        notice = _(
            "Order {order}: the marketplace says it was shipped with waybill {carrier} {number}, "
            "which is not one of its parcels here; check that it was not shipped twice."
        ).format(order=order.order_no, carrier=order.carrier, number=waybill)
    elif status is OrderStatus.PACKED:
        notice = _(
            "Order {order}: the marketplace says it was shipped, and it is packed here and not "
            "handed over yet; check that it did not leave from elsewhere before handing it over."
        ).format(order=order.order_no)
    else:
        return False  # handed over here, and the marketplace agrees
    report.notices.append(order.said(notice))
    return False


def _units(lines: Sequence[ParsedLine]) -> str:
    """Lines as a person checks them against the marketplace: "MUG-01 ×1, TS-WHT-L ×2"."""
    return translated(_units_kept(lines))


def _units_kept(lines: Sequence[ParsedLine]) -> dict[str, list[object]]:
    """``_units`` as a value of a note kept in the store (read in the reader's language)."""
    return said_together((f"{line.sku} ×{line.quantity}" for line in lines), ", ")


def _partly_said(order: ParsedOrder) -> Problem:
    """The notice for an order the marketplace shipped part of, whose rows say which."""
    return order.said(
        _(
            "Order {order}: the marketplace shipped part of it already ({went}); only the "
            "items still to ship are queued ({left})."
        ).format(order=order.order_no, went=_units(order.shipped_lines), left=_units(order.lines))
    )


def _partly(order: ParsedOrder) -> dict[str, tuple[str, str]]:
    """What the exception for a partly shipped order, its items unsaid, is known by: it is
    raised once."""
    return {"marketplace_status": ("", order.marketplace_status)}


def _partly_unknown() -> list[object]:
    return said_later(
        N_(
            "The marketplace shipped part of the order and the export does not say which items "
            "are left; it waits on hold so that nothing ships twice: check on the marketplace "
            "which items are left, then import its item report (订单明细, each item's 订单状态), "
            "or cancel it, or release it if every item is still to be packed here."
        )
    )


def _shipped_twice(order: ParsedOrder) -> Problem:
    """The notice for an order partly shipped on the marketplace after its parcels left here."""
    return order.said(
        _(
            "Order {order}: the marketplace says part of it was shipped ({went}), and its "
            "parcels have left here with the courier; check that no item shipped twice."
        ).format(
            order=order.order_no,
            went=_units(order.shipped_lines) if order.shipped_lines else order.marketplace_status,
        )
    )


def _held_partly_shipped(
    uow: UnitOfWork, order: ParsedOrder, known: Known, report: ImportReport, *, write: bool
) -> bool:
    """Part of a known order was shipped and the file does not say which items: a bench
    would pack all of it.  Not handed over yet, it waits on hold for the lead, once (True:
    nothing else to do); once the lead has decided, the order goes on as other changes do.
    After its parcels left, a notice."""
    if OrderStatus(known.status) in GONE:
        report.notices.append(_shipped_twice(order))
        return False
    note, changes = _partly_unknown(), _partly(order)
    if _raised_before(uow, known.id, ExceptionKind.CHANGED, for_store(note), changes, once=True):
        return False
    report.orders_known += 1
    _changed(uow, order, known, report, note, changes, write=write)
    return True


_WAYBILLS = re.compile(r"[\s,;，；/]+")  # a cell may hold the waybills of several boxes


def _tracking_numbers(uow: UnitOfWork, order_id: int) -> list[tuple[int, str]]:
    """(parcel id, tracking number) of the order's boxes that have one."""
    found = uow.session.execute(
        select(Parcel.id, Parcel.tracking_no).where(  # type: ignore[call-overload]
            Parcel.order_id == order_id,
            Parcel.tracking_no.is_not(None),  # type: ignore[union-attr]
        )
    )
    return [(int(row.id), str(row.tracking_no)) for row in found]


def _changed(
    uow: UnitOfWork,
    order: ParsedOrder,
    known: Known,
    report: ImportReport,
    note: list[object],
    changes: dict[str, tuple[str, str]],
    *,
    write: bool,
    new_lines: bool = False,
) -> None:
    """The marketplace changed what a bench has begun: an exception for the lead, once.
    ``new_lines``: the file's lines go with it, for the lead's release to put in place."""
    _raise_exception(
        uow,
        order,
        known,
        report,
        ExceptionKind.CHANGED,
        note,
        write=write,
        changes=changes,
        once=True,
        lines=[asdict(line) for line in order.lines] if new_lines else None,
    )


def _courier_chosen_here(uow: UnitOfWork, order_id: int, carrier: str) -> bool:
    """Did a lead move the order away from ``carrier`` since (the export still names the
    courier the lead changed, and would put it back)?"""
    payload = uow.session.execute(
        select(Event.payload)  # type: ignore[call-overload]
        .where(Event.order_id == order_id, Event.kind == "courier_changed")
        .order_by(col(Event.id).desc())
        .limit(1)
    ).scalar()
    return payload is not None and json.loads(payload).get("before") == carrier


def _labelled(uow: UnitOfWork, order_id: int) -> bool:
    """A box of the order already has its label: changing the address now would ship it wrong."""
    return _label_ids(uow, order_id) != []


def _label_ids(uow: UnitOfWork, order_id: int) -> list[int]:
    """Label print jobs of the order, or of its parcels, that are not void."""
    return _job_ids(
        uow,
        order_id,
        col(PrintJob.kind) == PrintKind.LABEL,
        col(PrintJob.status) != PrintStatus.VOID,
    )


def _printed_label_ids(uow: UnitOfWork, order_id: int) -> list[int]:
    """Label print jobs that went to a printer (or may have): a queued one never goes out once
    the order is cancelled (``_cancel`` voids it), and nothing is there to tear off."""
    return _job_ids(
        uow,
        order_id,
        col(PrintJob.kind) == PrintKind.LABEL,
        col(PrintJob.status).not_in([PrintStatus.VOID, PrintStatus.QUEUED]),
    )


def _queued_jobs(uow: UnitOfWork, order_id: int) -> list[int]:
    """Print jobs of the order, or of its parcels, still waiting for their printer."""
    return _job_ids(uow, order_id, col(PrintJob.status) == PrintStatus.QUEUED)


def _job_ids(uow: UnitOfWork, order_id: int, *where: ColumnElement[bool]) -> list[int]:
    parcels = sm_select(col(Parcel.id)).where(Parcel.order_id == order_id)
    found = uow.session.exec(
        sm_select(col(PrintJob.id))
        .where(
            or_(col(PrintJob.order_id) == order_id, col(PrintJob.parcel_id).in_(parcels)), *where
        )
        .order_by(col(PrintJob.id))
    )
    return [int(i) for i in found if i is not None]


def _limit(name: str) -> int:
    return KEPT.get(name, 100_000)


def _cancel(uow: UnitOfWork, order: ParsedOrder, known: Known, returned: Counter[str]) -> None:
    session = uow.session
    # documents still waiting for their printer never go out; printed labels are left to the
    # bench or the lead to void
    unsent = _queued_jobs(uow, known.id)
    if unsent:
        session.connection().execute(
            update(PrintJob.__table__)  # type: ignore[attr-defined]
            .where(col(PrintJob.id).in_(unsent), col(PrintJob.status) == PrintStatus.QUEUED)
            .values(status=PrintStatus.VOID.value, error=ORDER_CANCELLED)
        )
    label_ids = _label_ids(uow, known.id)
    parcels = list(
        session.execute(
            select(Parcel.id, Parcel.tracking_no).where(  # type: ignore[call-overload]
                Parcel.order_id == known.id,
                Parcel.tracking_no.is_not(None),  # type: ignore[union-attr]
            )
        )
    )
    # claimed_bench is kept: the bench packing it finds the cancellation on its own order
    session.connection().execute(
        update(ORDER)
        .where(ORDER.c.id == known.id)
        .values(
            status=OrderStatus.CANCELLED.value,
            marketplace_status=order.marketplace_status,
            updated_at=utcnow(),
        )
    )
    units = stock.return_cancelled(uow, known.id, later=returned)
    uow.record(
        "order_cancelled",
        order_id=known.id,
        source="import",
        file=order.file,
        row=order.row,
        was=known.status,
        bench_claimed=known.claimed_bench or "",
        labels_to_void=label_ids,
        jobs_voided=unsent,
        tracking_numbers=[p.tracking_no for p in parcels],
        void_by="bench or lead" if label_ids or parcels else "",
        to_stock=units,
    )


def _hold(uow: UnitOfWork, known: Known, note: str) -> None:
    """An order not yet with the courier waits on hold for the lead's decision, so that its
    parcel is not handed over as it is; a bench packing it stops at its next action."""
    if not can_move(known.status, OrderStatus.ON_HOLD):
        return  # handed over: the exception asks for a recall
    uow.session.connection().execute(
        update(ORDER)
        .where(ORDER.c.id == known.id)
        .values(
            status=OrderStatus.ON_HOLD.value,
            hold_reason=note,
            updated_at=utcnow(),
            **UNCLAIMED,
        )
    )


def _new_values(changes: dict[str, tuple[str, str]]) -> list[object]:
    """Each changed field as a person reads it: "street address → 中山路1号"."""
    return [
        said_together(
            [said_later(FIELD_NAMES.get(name, name)), new or said_later(N_("(empty)"))], " → "
        )
        for name, (_old, new) in sorted(changes.items())
    ]


def _went_back(order: ParsedOrder, back: tuple[str, list[str]]) -> Problem:
    return order.said(
        _(
            "Order {order}: {fields} go back to what they were before {file} was imported. If "
            "this file is older than {file}, import {file} again."
        ).format(
            order=order.order_no,
            fields=joined(_(FIELD_NAMES.get(f, f)) for f in back[1]),
            file=back[0],
        )
    )


def _goes_back(
    uow: UnitOfWork, order_id: int, changes: dict[str, tuple[str, str]], file: str
) -> tuple[str, list[str]] | None:
    """The file of the last import that changed the order, and the fields this one changes
    back to what they were before it: an older export imported after a newer one undid the
    newer values (a raised quantity, a new address) without a word.  None when ``file`` is the
    one whose values an import undid: it puts them back."""
    payloads = uow.session.execute(
        select(Event.payload)  # type: ignore[call-overload]
        .where(Event.order_id == order_id, Event.kind == "order_updated")
        .order_by(col(Event.id).desc())
        .limit(2)
    ).scalars()
    updates = [json.loads(payload) for payload in payloads]
    if not updates or updates[0].get("source") != "import":
        return None
    last = updates[0]
    if len(updates) > 1 and updates[1].get("file") == file:
        return None
    before = last.get("changes", {})
    back = [
        name
        for name, (old, new) in changes.items()
        if name != "lines" and before.get(name) == [new, old]
    ]
    return (str(last.get("file", "")), back) if back else None


def _raised_before(
    uow: UnitOfWork,
    order_id: int,
    kind: ExceptionKind,
    note: str,
    changes: dict[str, tuple[str, str]],
    *,
    once: bool,
) -> bool:
    """Was this exception raised by an earlier import (``once``: resolved since, too)?  The
    same change is known by the values its event kept, not by its note alone: a note kept
    before notes were kept in no language is in the words of the import that raised it, and the
    same file imported in the other language raised the change a second time."""
    query = select(OrderException.id, OrderException.note).where(  # type: ignore[call-overload]
        OrderException.order_id == order_id, OrderException.kind == kind
    )
    if not once:
        query = query.where(OrderException.resolved_at.is_(None))  # type: ignore[union-attr]
    raised = {row.id: row.note for row in uow.session.execute(query)}
    if not raised:
        return False
    if note in raised.values():
        return True
    wanted = {name: list(values) for name, values in changes.items()}
    payloads = uow.session.execute(
        select(Event.payload).where(  # type: ignore[call-overload]
            Event.order_id == order_id, Event.kind == "exception_raised"
        )
    ).scalars()
    for payload in payloads:
        event = json.loads(payload)
        same = event.get("exception_id") in raised and event.get("source") == "import"
        if same and event.get("changes", {}) == wanted:
            return True
    return False


def _raise_exception(
    uow: UnitOfWork,
    order: ParsedOrder,
    known: Known,
    report: ImportReport,
    kind: ExceptionKind,
    what: list[object],
    *,
    write: bool,
    changes: dict[str, tuple[str, str]] | None = None,
    once: bool = False,
    lines: list[dict[str, Any]] | None = None,
) -> None:
    """``once``: not again after the lead resolved it (otherwise only while it is open).  The
    note is kept in no language: the lead reads it in theirs."""
    note = for_store(what)
    if _raised_before(uow, known.id, kind, note, changes or {}, once=once):
        return  # raised by an earlier import: said then (it was said again at each import)
    report.notices.append(
        order.said(as_read(note)),
    )
    report.exceptions_raised += 1
    if not write:
        return
    exception = OrderException(order_id=known.id, kind=kind, note=note, raised_by=uow.user)
    uow.session.add(exception)
    _hold(uow, known, note)
    uow.session.flush()
    payload: dict[str, Any] = {
        "exception_id": exception.id,
        "exception_kind": kind.value,
        "source": "import",
        "file": order.file,
        "row": order.row,
        "changes": {k: list(v) for k, v in (changes or {}).items()},
    }
    if lines is not None:
        payload["new_lines"] = lines
    uow.record("exception_raised", order_id=known.id, **payload)
