"""Packing an order at the bench (DESIGN §5): open, tick, box, weigh, label, exceptions.

Called by the bench application (``packstation.screens.bench``), the tests and the stress tools.
Every public function is one short transaction that re-reads and locks the order it changes
(through ``claims.held_order``), writes its event with ``uow.record`` and commits (weighing first
takes the parcel's waybill number in a short transaction of its own); a bench killed
between two calls loses nothing that was shown as done.  Lines are never packed beyond their
quantity: the tick is a guarded UPDATE checked in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, func, or_, select

from packstation.config import Settings
from packstation.domain.lifecycle import check_move
from packstation.domain.packing import (
    Item,
    LineState,
    ScanMatch,
    ScanOutcome,
    expected_weight,
    match_scan,
    suggest_carton,
    within_tolerance,
)
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus, WeightSource
from packstation.errors import UserError
from packstation.i18n import _
from packstation.services import printing
from packstation.services.claims import (
    Claim,
    ClaimLost,
    clear_claim,
    held_order,
    lock_order,
    refusal,
    take_claim,
)
from packstation.services.packing_view import cartons
from packstation.services.tracking import find_order_id_by_tracking
from packstation.store.models import (
    Order,
    OrderException,
    OrderLine,
    Parcel,
    ParcelItem,
    Product,
    ProductBarcode,
)
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

__all__ = ["Claim", "ClaimLost"]


# --- printing -------------------------------------------------------------------------------


def _queue_documents(
    uow: UnitOfWork, parcel: Parcel, settings: Settings, drafts: printing.Drafts | None = None
) -> int:
    assert parcel.id is not None
    jobs = printing.add_parcel_documents(uow, parcel_id=parcel.id, settings=settings, drafts=drafts)
    return len(jobs)


def _draft_documents(
    uow: UnitOfWork, *, order_id: int, grams: int, source: WeightSource, settings: Settings
) -> printing.Drafts | None:
    """Before the weighing transaction: draw the label and slip a weight will queue, so that the
    store is not held while they are drawn.  The parcel's waybill number is taken first, in a
    short transaction of its own (it stays the parcel's whatever happens next; that transaction
    carries no action id, so a retried weighing still runs).  None when the weight will not be
    accepted or the box is not waiting for one: the weighing transaction then decides alone."""
    with UnitOfWork(uow.engine, bench=uow.bench, user=uow.user, readonly=True) as reader:
        box = _live_box(reader, order_id)
        if box is None or box.expected_weight_g is None or box.status != ParcelStatus.OPEN:
            return None
        weighing = settings.weighing
        inside = within_tolerance(
            grams, box.expected_weight_g, weighing.tolerance_g, weighing.tolerance_pct
        )
        if not inside and source is not WeightSource.OVERRIDE:
            return None
        parcel_id, numbered = box.id or 0, bool(box.tracking_no)
    if not numbered:
        with UnitOfWork(uow.engine, bench=uow.bench, user=uow.user) as numbering:
            held_order(numbering, order_id)
            box = _live_box(numbering, order_id)
            if box is None or box.id != parcel_id:
                return None
            printing.decide_tracking_no(numbering, settings, box)
            numbering.commit()
    return printing.draft_parcel_documents(
        UnitOfWork(uow.engine, bench=uow.bench, user=uow.user, readonly=True),
        parcel_id=parcel_id,
        settings=settings,
        weight_g=grams,
    )


def _void_labels(uow: UnitOfWork, parcel: Parcel, reason: str) -> int:
    assert parcel.id is not None
    return printing.void_parcel_labels(uow, parcel_id=parcel.id, reason=reason)


# --- finding orders --------------------------------------------------------------------------


def find_order_id(uow: UnitOfWork, code: str) -> int | None:
    """Inside a transaction: the order an order number, a slip barcode or a waybill names."""
    code = code.strip()
    if not code:
        return None
    orders = list(
        uow.session.exec(
            select(Order.id, Order.status)
            .where(or_(Order.order_no == code, Order.tracking_no == code))
            .order_by(col(Order.id))
        )
    )
    if orders:
        # the same number on two platforms: prefer the one still to be packed
        open_ = [oid for oid, status in orders if status in (OrderStatus.READY, "packing")]
        return (open_ or [orders[0][0]])[0]
    # a waybill as the scanner reads it (spaces, lower case): the printing service's rule
    return find_order_id_by_tracking(uow, code)


def open_order(
    uow: UnitOfWork, *, code: str, settings: Settings, now: dt.datetime | None = None
) -> Claim | None:
    """Claim the order ``code`` names; None when no order has that code; a UserError saying
    why (cancelled, on hold, packed, at another bench) when it cannot be packed here."""
    now = now or utcnow()
    with uow:
        order_id = find_order_id(uow, code)
        if order_id is None:
            return None
        order = lock_order(uow, order_id)
        assert order is not None
        reason = refusal(order, bench=uow.bench, now=now)
        if reason:
            uow.record("open_refused", order_id=order_id, code=code, status=order.status)
            uow.commit()
            raise UserError(reason)
        claim = take_claim(order, uow, now=now, lease_seconds=settings.store.lease_seconds)
        _ensure_box(uow, order, settings)
        uow.commit()
        return claim


def prepare(uow: UnitOfWork, *, order_id: int, settings: Settings) -> None:
    """After a claim (of the next due order, or a resume): make sure a box is open."""
    with uow:
        order = held_order(uow, order_id)
        _ensure_box(uow, order, settings)
        uow.commit()


# --- boxes ----------------------------------------------------------------------------------


def _lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    return list(
        uow.session.exec(
            select(OrderLine)
            .where(OrderLine.order_id == order_id)
            .order_by(col(OrderLine.line_no), col(OrderLine.id))
            .with_for_update()
        )
    )


def _live_box(uow: UnitOfWork, order_id: int) -> Parcel | None:
    return uow.session.exec(
        select(Parcel)
        .where(
            Parcel.order_id == order_id,
            col(Parcel.status).not_in([ParcelStatus.PACKED, ParcelStatus.VOID]),
        )
        .order_by(col(Parcel.seq).desc())
        .limit(1)
    ).first()


def _products(uow: UnitOfWork, skus: set[str]) -> dict[str, Product]:
    if not skus:
        return {}
    return {p.sku: p for p in uow.session.exec(select(Product).where(col(Product.sku).in_(skus)))}


def _items(uow: UnitOfWork, lines: list[OrderLine], units: dict[int, int]) -> list[Item]:
    products = _products(uow, {line.sku for line in lines})
    result = []
    for line in lines:
        qty = units.get(line.id or 0, 0)
        product = products.get(line.sku)
        if qty <= 0:
            continue
        result.append(
            Item(
                quantity=qty,
                unit_weight_g=product.unit_weight_g if product else 0,
                length_mm=product.length_mm if product else None,
                width_mm=product.width_mm if product else None,
                height_mm=product.height_mm if product else None,
            )
        )
    return result


def _ensure_box(uow: UnitOfWork, order: Order, settings: Settings) -> Parcel | None:
    """The box being packed, opened (with a suggested carton) when none is and units remain."""
    assert order.id is not None
    box = _live_box(uow, order.id)
    if box is not None:
        return box
    lines = _lines(uow, order.id)
    remaining = {line.id or 0: line.quantity - line.quantity_packed for line in lines}
    if not any(qty > 0 for qty in remaining.values()):
        return None
    last = uow.session.exec(select(func.max(Parcel.seq)).where(Parcel.order_id == order.id)).one()
    suggestion = suggest_carton(cartons(settings), _items(uow, lines, remaining))
    box = Parcel(
        order_id=order.id,
        seq=(last or 0) + 1,
        carton=suggestion.code if suggestion else "",
        carrier=order.carrier,
        packer=uow.user,
        bench=uow.bench,
    )
    uow.session.add(box)
    uow.flush()
    uow.record("box_opened", order_id=order.id, parcel_id=box.id, seq=box.seq, carton=box.carton)
    return box


def _box_units(uow: UnitOfWork, parcel_id: int) -> dict[int, int]:
    return {
        item.line_id: item.quantity
        for item in uow.session.exec(select(ParcelItem).where(ParcelItem.parcel_id == parcel_id))
    }


def _close_box(uow: UnitOfWork, order: Order, box: Parcel, settings: Settings) -> None:
    """Fix the box's expected weight: its items' unit weights plus the carton's tare."""
    assert box.id is not None
    units = _box_units(uow, box.id)
    lines = [line for line in _lines(uow, order.id or 0) if line.id in units]
    items = _items(uow, lines, units)
    tare = next((c.tare_g for c in settings.cartons if c.code == box.carton), 0)
    box.expected_weight_g = expected_weight([(i.unit_weight_g, i.quantity) for i in items], tare)
    uow.session.add(box)
    uow.record(
        "box_closed",
        order_id=order.id,
        parcel_id=box.id,
        expected_g=box.expected_weight_g,
        carton=box.carton,
        units=sum(units.values()),
    )


# --- ticking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    outcome: ScanOutcome
    message: str
    sku: str = ""
    units: int = 0
    box_closed: bool = False  # the last unit was ticked: weigh now
    wanted: list[str] = field(default_factory=list)
    line_id: int | None = None  # the line ticked

    @property
    def ok(self) -> bool:
        return self.outcome is ScanOutcome.TICKED


def _wanted(lines: list[OrderLine], names: dict[str, Product]) -> list[str]:
    return [
        _("{sku} {name} ×{qty}").format(
            sku=line.sku,
            name=names[line.sku].name if line.sku in names else line.title,
            qty=line.quantity - line.quantity_packed,
        )
        for line in lines
        if line.quantity > line.quantity_packed
    ]


def _tick(uow: UnitOfWork, order: Order, box: Parcel, line: OrderLine, units: int) -> bool:
    """Add ``units`` to a line and to the box; False (nothing changed) if that would pack the
    line beyond its quantity — checked by the database row itself, not only by our copy."""
    assert line.id is not None and box.id is not None
    done = uow.session.execute(
        update(OrderLine)
        .where(
            col(OrderLine.id) == line.id,
            col(OrderLine.quantity_packed) + units <= col(OrderLine.quantity),
        )
        .values(quantity_packed=col(OrderLine.quantity_packed) + units)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # the row is locked by this transaction: our copy may follow it without reading it back
    set_committed_value(line, "quantity_packed", line.quantity_packed + units)
    added = uow.session.execute(
        update(ParcelItem)
        .where(col(ParcelItem.parcel_id) == box.id, col(ParcelItem.line_id) == line.id)
        .values(quantity=col(ParcelItem.quantity) + units)
        .execution_options(synchronize_session=False)
    )
    if added.rowcount == 0:  # type: ignore[attr-defined]
        uow.session.add(ParcelItem(parcel_id=box.id, line_id=line.id, quantity=units))
    return True


def _box_for_ticking(uow: UnitOfWork, order: Order, settings: Settings) -> Parcel:
    box = _ensure_box(uow, order, settings)
    if box is None:
        raise UserError(_("Every item of this order is already ticked."))
    if box.expected_weight_g is not None or box.status != ParcelStatus.OPEN:
        raise UserError(
            _("Box {seq} is closed: weigh and label it before ticking more items.").format(
                seq=box.seq
            )
        )
    return box


def _after_tick(
    uow: UnitOfWork,
    order: Order,
    box: Parcel,
    settings: Settings,
    lines: list[OrderLine] | None = None,
) -> bool:
    """Close the box by itself once every unit of the order is ticked (``lines``: the order's
    lines already read and locked in this transaction)."""
    if lines is None:
        lines = _lines(uow, order.id or 0)
    if all(line.quantity_packed >= line.quantity for line in lines):
        _close_box(uow, order, box, settings)
        return True
    return False


def scan_item(uow: UnitOfWork, *, order_id: int, code: str, settings: Settings) -> ScanResult:
    """One product scan: ticks one unit (a case barcode its multiplier) or is refused, with the
    reason naming what was scanned and what is still wanted.  Refusals tick nothing and are
    recorded too.  The ticking path is the packer's every second: it reads only the claim, the
    barcode, the lines and the box."""
    code = code.strip()
    with uow:
        quick = _quick_tick(uow, order_id, code)
        if quick is not None:
            uow.commit()
            return quick
        order = held_order(uow, order_id)
        box = _box_for_ticking(uow, order, settings)
        lines = _lines(uow, order_id)
        barcode = uow.session.exec(
            select(ProductBarcode).where(ProductBarcode.code == code)
        ).first()
        match = match_scan(
            [line_state(line) for line in lines],
            barcode.sku if barcode else None,
            barcode.multiplier if barcode else 1,
        )
        if match.outcome is ScanOutcome.TICKED:
            line = next(line for line in lines if line.id == match.line_id)
            if _tick(uow, order, box, line, match.units):
                closed = _after_tick(uow, order, box, settings, lines)
                uow.record(
                    "item_scanned",
                    order_id=order_id,
                    parcel_id=box.id,
                    code=code,
                    sku=line.sku,
                    units=match.units,
                    line_id=line.id,
                )
                uow.commit()
                message = _("✔ {sku} {name} ×{units}").format(
                    sku=line.sku, name=line.title, units=match.units
                )
                return ScanResult(
                    ScanOutcome.TICKED, message, line.sku, match.units, closed, line_id=line.id
                )
            match = ScanMatch(ScanOutcome.OVER_SCAN, line_id=line.id)
        products = _products(
            uow, {line.sku for line in lines} | ({barcode.sku} if barcode else set())
        )
        wanted = _wanted(lines, products)
        wanted_text = "; ".join(wanted) or _("nothing")
        product = products.get(barcode.sku) if barcode else None
        name = product.name if product else ""
        if match.outcome is ScanOutcome.UNKNOWN:
            message = _("Unknown barcode {code}: no product has it. Wanted: {wanted}.").format(
                code=code, wanted=wanted_text
            )
        elif match.outcome is ScanOutcome.WRONG_ITEM:
            message = _("Wrong item: {sku} {name} is not on this order. Wanted: {wanted}.").format(
                sku=barcode.sku if barcode else code, name=name, wanted=wanted_text
            )
        else:
            units = barcode.multiplier if barcode else 1
            message = _(
                "Too many: {sku} {name} ×{units} scanned, only {left} still wanted. Wanted: {wanted}."
            ).format(
                sku=barcode.sku if barcode else code,
                name=name,
                units=units,
                left=max(match.remaining, 0),
                wanted=wanted_text,
            )
        uow.record(
            "scan_refused",
            order_id=order_id,
            parcel_id=box.id,
            code=code,
            outcome=str(match.outcome),
            sku=barcode.sku if barcode else "",
        )
        uow.commit()
        return ScanResult(match.outcome, message, barcode.sku if barcode else "", 0, False, wanted)


def _quick_tick(uow: UnitOfWork, order_id: int, code: str) -> ScanResult | None:
    """The common scan, in plain prepared statements: a right item into an open box that stays
    open.  Returns None, having changed nothing, for anything else (a refusal, a closed box, the
    last unit, a lost claim), which ``scan_item`` then handles in full in the same transaction."""
    conn = uow.connection()
    claim = conn.execute(_CLAIM, {"order_id": order_id}).first()
    if claim is None or claim[0] != OrderStatus.PACKING or claim[1] != uow.bench:
        return None
    box = conn.execute(_OPEN_BOX, {"order_id": order_id}).first()
    if box is None or box[1] != ParcelStatus.OPEN or box[2] is not None:
        return None
    barcode = conn.execute(_BARCODE, {"code": code}).first()
    if barcode is None:
        return None
    rows = conn.execute(_LINES, {"order_id": order_id}).all()
    states = [LineState(r[0] or 0, r[1], r[2], r[3]) for r in rows]
    match = match_scan(states, barcode[0], barcode[1])
    if match.outcome is not ScanOutcome.TICKED or match.line_id is None:
        return None
    left = sum(x.remaining for x in states) - match.units
    if left <= 0:
        return None  # the last unit closes the box: the full path does that
    tick = {"line": match.line_id, "units": match.units, "box": box[0]}
    if conn.execute(_TICK_LINE, tick).rowcount != 1:
        return None
    if conn.execute(_ADD_TO_BOX, tick).rowcount == 0:
        conn.execute(_NEW_IN_BOX, tick)
    row = next(r for r in rows if r[0] == match.line_id)
    uow.record(
        "item_scanned",
        order_id=order_id,
        parcel_id=box[0],
        code=code,
        sku=row[1],
        units=match.units,
        line_id=match.line_id,
    )
    message = _("✔ {sku} {name} ×{units}").format(sku=row[1], name=row[4], units=match.units)
    return ScanResult(
        ScanOutcome.TICKED, message, row[1], match.units, False, line_id=match.line_id
    )


# The quick tick's statements, built once: building a statement costs more than running it.
_CLAIM = (
    sa_select(col(Order.status), col(Order.claimed_bench))
    .where(col(Order.id) == bindparam("order_id"))
    .with_for_update()
)
_OPEN_BOX = (
    sa_select(col(Parcel.id), col(Parcel.status), col(Parcel.expected_weight_g))
    .where(
        col(Parcel.order_id) == bindparam("order_id"),
        col(Parcel.status).not_in([ParcelStatus.PACKED, ParcelStatus.VOID]),
    )
    .order_by(col(Parcel.seq).desc())
    .limit(1)
)
_BARCODE = sa_select(col(ProductBarcode.sku), col(ProductBarcode.multiplier)).where(
    col(ProductBarcode.code) == bindparam("code")
)
_LINES = (
    sa_select(
        col(OrderLine.id),
        col(OrderLine.sku),
        col(OrderLine.quantity),
        col(OrderLine.quantity_packed),
        col(OrderLine.title),
    )
    .where(col(OrderLine.order_id) == bindparam("order_id"))
    .order_by(col(OrderLine.line_no), col(OrderLine.id))
    .with_for_update()
)
_TICK_LINE = (
    update(OrderLine)
    .where(
        col(OrderLine.id) == bindparam("line"),
        col(OrderLine.quantity_packed) + bindparam("units") <= col(OrderLine.quantity),
    )
    .values(quantity_packed=col(OrderLine.quantity_packed) + bindparam("units"))
)
_ADD_TO_BOX = (
    update(ParcelItem)
    .where(
        col(ParcelItem.parcel_id) == bindparam("box"),
        col(ParcelItem.line_id) == bindparam("line"),
    )
    .values(quantity=col(ParcelItem.quantity) + bindparam("units"))
)
_NEW_IN_BOX = insert(ParcelItem).values(
    parcel_id=bindparam("box"), line_id=bindparam("line"), quantity=bindparam("units")
)


def line_state(line: OrderLine) -> LineState:
    return LineState(line.id or 0, line.sku, line.quantity, line.quantity_packed)


def tick_manually(
    uow: UnitOfWork, *, order_id: int, line_id: int, reason: str, settings: Settings
) -> ScanResult:
    """Tick one unit of a line whose barcode will not scan; the reason is recorded."""
    reason = reason.strip()
    if not reason:
        raise UserError(_("Say why the item is ticked by hand (e.g. barcode torn)."))
    with uow:
        order = held_order(uow, order_id)
        box = _box_for_ticking(uow, order, settings)
        lines = _lines(uow, order_id)
        line = next((x for x in lines if x.id == line_id), None)
        if line is None:
            raise UserError(_("That line is not on this order."))
        if not _tick(uow, order, box, line, 1):
            raise UserError(
                _("{sku} is complete: all {qty} are ticked.").format(
                    sku=line.sku, qty=line.quantity
                )
            )
        closed = _after_tick(uow, order, box, settings, lines)
        uow.record(
            "item_ticked_by_hand",
            order_id=order_id,
            parcel_id=box.id,
            sku=line.sku,
            units=1,
            line_id=line.id,
            reason=reason,
        )
        uow.commit()
        return ScanResult(
            ScanOutcome.TICKED,
            _("✔ {sku} ticked by hand ({reason})").format(sku=line.sku, reason=reason),
            line.sku,
            1,
            closed,
        )


def find_carton(settings: Settings, code: str) -> str | None:
    code = code.strip()
    for carton in settings.cartons:
        if code and (code == carton.barcode or code.upper() == carton.code.upper()):
            return carton.code
    return None


def select_carton(uow: UnitOfWork, *, order_id: int, carton: str, settings: Settings) -> None:
    """Use carton ``carton`` for the current box (a closed box's expected weight follows)."""
    with uow:
        order = held_order(uow, order_id)
        box = _ensure_box(uow, order, settings)
        if box is None or box.status != ParcelStatus.OPEN:
            raise UserError(_("There is no open box to put in a carton."))
        before = box.carton
        box.carton = carton
        uow.session.add(box)
        if box.expected_weight_g is not None:
            _close_box(uow, order, box, settings)
        uow.record(
            "carton_selected", order_id=order_id, parcel_id=box.id, carton=carton, before=before
        )
        uow.commit()


def close_box(uow: UnitOfWork, *, order_id: int, settings: Settings) -> int:
    """NEW BOX: close the current box for weighing (the next box opens once it is labelled).
    Returns the box's sequence number."""
    with uow:
        order = held_order(uow, order_id)
        box = _live_box(uow, order_id)
        if box is None or box.status != ParcelStatus.OPEN:
            raise UserError(_("There is no open box to close."))
        if box.expected_weight_g is not None:
            raise UserError(_("Box {seq} is already closed: weigh it.").format(seq=box.seq))
        if not any(_box_units(uow, box.id or 0).values()):
            raise UserError(
                _("Box {seq} is empty: scan an item into it first.").format(seq=box.seq)
            )
        _close_box(uow, order, box, settings)
        uow.commit()
        return box.seq


# --- weighing and labels ----------------------------------------------------------------------


@dataclass(frozen=True)
class WeighResult:
    accepted: bool
    measured_g: int
    expected_g: int
    message: str
    jobs: int = 0
    order_packed: bool = False
    await_label_scan: bool = False


def _finish_box(
    uow: UnitOfWork, order: Order, box: Parcel, settings: Settings, now: dt.datetime
) -> bool:
    """Box labelled (and checked): pack it; pack the order when nothing is left.  True when the
    order is packed."""
    box.status = ParcelStatus.PACKED
    box.packed_at = now
    uow.session.add(box)
    uow.record("box_packed", order_id=order.id, parcel_id=box.id, seq=box.seq)
    lines = _lines(uow, order.id or 0)
    if all(line.quantity_packed >= line.quantity for line in lines):
        check_move(order.status, OrderStatus.PACKED)
        order.status = OrderStatus.PACKED
        order.packed_at = now
        order.updated_at = now
        clear_claim(order)
        uow.session.add(order)
        uow.record("order_packed", order_id=order.id, boxes=box.seq)
        return True
    _ensure_box(uow, order, settings)
    return False


def weigh(
    uow: UnitOfWork,
    *,
    order_id: int,
    grams: int,
    source: WeightSource,
    settings: Settings,
    lead: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> WeighResult:
    """A weight for the closed box: a stable scale reading or a typed weight is accepted inside
    the tolerance, refused (and recorded) outside; a lead's override accepts it anyway.  An
    accepted weight queues the label and slip in the same transaction (drawn just before it,
    see ``_draft_documents``)."""
    now = now or utcnow()
    if grams <= 0:
        raise UserError(_("A weight must be more than 0 g; put the box on the scale."))
    drafts = _draft_documents(uow, order_id=order_id, grams=grams, source=source, settings=settings)
    with uow:
        order = held_order(uow, order_id)
        box = _live_box(uow, order_id)
        if box is None or box.expected_weight_g is None or box.status != ParcelStatus.OPEN:
            raise UserError(_("No box is waiting to be weighed."))
        expected = box.expected_weight_g
        inside = within_tolerance(
            grams, expected, settings.weighing.tolerance_g, settings.weighing.tolerance_pct
        )
        if source is WeightSource.OVERRIDE and not (lead and reason.strip()):
            raise UserError(_("An override needs a lead and a reason."))
        if not inside and source is not WeightSource.OVERRIDE:
            uow.record(
                "weight_refused",
                order_id=order_id,
                parcel_id=box.id,
                grams=grams,
                expected_g=expected,
                source=str(source),
            )
            uow.commit()
            return WeighResult(
                False,
                grams,
                expected,
                _(
                    "Weight {grams} g is outside {expected} g ± tolerance: re-check the box, or ask a lead to override."
                ).format(grams=grams, expected=expected),
            )
        box.measured_weight_g = grams
        box.weight_source = str(source)
        box.weighed_at = now
        box.status = ParcelStatus.WEIGHED
        uow.session.add(box)
        uow.record(
            "weight_accepted",
            order_id=order_id,
            parcel_id=box.id,
            grams=grams,
            expected_g=expected,
            source=str(source),
            lead=lead,
            reason=reason,
        )
        jobs = _queue_documents(uow, box, settings, drafts)
        box.status = ParcelStatus.LABELLED
        uow.session.add(box)
        uow.record("documents_queued", order_id=order_id, parcel_id=box.id, jobs=jobs)
        packed = False
        await_scan = settings.bench.label_check
        if not await_scan:
            packed = _finish_box(uow, order, box, settings, now)
        uow.commit()
        return WeighResult(
            True,
            grams,
            expected,
            _("Weight {grams} g accepted; label {tracking} queued.").format(
                grams=grams, tracking=box.tracking_no or ""
            ),
            jobs,
            packed,
            await_scan,
        )


def refuse_override(uow: UnitOfWork, *, order_id: int, lead: str, why: str) -> None:
    """Record an override attempt that failed (wrong PIN, not a lead)."""
    with uow:
        uow.record("override_refused", order_id=order_id, lead=lead, why=why)
        uow.commit()


def check_label(
    uow: UnitOfWork, *, order_id: int, code: str, settings: Settings, now: dt.datetime | None = None
) -> tuple[bool, bool]:
    """The packer scanned the printed label: (it is this box's, the order is now packed)."""
    now = now or utcnow()
    with uow:
        order = held_order(uow, order_id)
        box = _live_box(uow, order_id)
        if box is None or box.status != ParcelStatus.LABELLED:
            raise UserError(_("No label is waiting to be checked."))
        # a wrong label is voided and a new one queued by the printing service
        ok = printing.check_label_scan(uow, parcel_id=box.id or 0, scanned=code)
        if not ok:
            uow.record("label_check_failed", order_id=order_id, parcel_id=box.id, code=code)
        packed = _finish_box(uow, order, box, settings, now) if ok else False
        uow.commit()
        return ok, packed


def reprint(uow: UnitOfWork, *, order_id: int, reason: str) -> int:
    """Reprint the label of the order's last labelled box; the number of jobs queued."""
    with uow:
        box = uow.session.exec(
            select(Parcel)
            .where(
                Parcel.order_id == order_id,
                col(Parcel.status).in_([ParcelStatus.LABELLED, ParcelStatus.PACKED]),
            )
            .order_by(col(Parcel.seq).desc())
            .limit(1)
        ).first()
        if box is None:
            raise UserError(_("No label has been printed for this order yet."))
        parcel_id = box.id or 0
    printing.reprint(uow, parcel_id=parcel_id, reason=reason)
    return 1


# --- leaving an order -------------------------------------------------------------------------


def _undo_open_box(uow: UnitOfWork, order: Order, reason: str) -> int:
    """Void the box still being filled and give its units back to the lines (they go back to
    the tote).  Returns the units given back."""
    box = _live_box(uow, order.id or 0)
    if box is None or box.status != ParcelStatus.OPEN:
        return 0
    units = _box_units(uow, box.id or 0)
    for line in _lines(uow, order.id or 0):
        back = units.get(line.id or 0, 0)
        if back:
            line.quantity_packed = max(line.quantity_packed - back, 0)
            uow.session.add(line)
    box.status = ParcelStatus.VOID
    uow.session.add(box)
    uow.record(
        "box_voided", order_id=order.id, parcel_id=box.id, reason=reason, units=sum(units.values())
    )
    return sum(units.values())


def release_order(uow: UnitOfWork, *, order_id: int, reason: str) -> None:
    """Put the order back in the queue (the packer gives it up); the open box is undone."""
    with uow:
        order = held_order(uow, order_id)
        _undo_open_box(uow, order, reason)
        check_move(order.status, OrderStatus.READY)
        order.status = OrderStatus.READY
        clear_claim(order)
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.record("order_released", order_id=order_id, reason=reason)
        uow.commit()


EXCEPTION_KINDS = (ExceptionKind.SHORT, ExceptionKind.DAMAGED, ExceptionKind.WRONG_ITEM)


def raise_exception(
    uow: UnitOfWork,
    *,
    order_id: int,
    kind: ExceptionKind,
    note: str = "",
    line_id: int | None = None,
    quantity: int = 0,
) -> str:
    """Short, damaged or wrong item in the tote: the order goes on hold with the reason and the
    claim is released; a short line is what purchasing must buy (``exception`` rows of kind
    short with the SKU and the quantity missing).  Returns the hold reason."""
    with uow:
        order = held_order(uow, order_id)
        sku = ""
        if line_id is not None:
            line = next((x for x in _lines(uow, order_id) if x.id == line_id), None)
            if line is None:
                raise UserError(_("That line is not on this order."))
            sku = line.sku
            if kind is ExceptionKind.SHORT and quantity <= 0:
                quantity = line.quantity - line.quantity_packed
        _undo_open_box(uow, order, str(kind))
        if kind is ExceptionKind.SHORT and sku and quantity <= 0:
            # every unit was ticked before the box was undone: the whole line is missing
            quantity = next(x.quantity for x in _lines(uow, order_id) if x.id == line_id)
        check_move(order.status, OrderStatus.ON_HOLD)
        order.status = OrderStatus.ON_HOLD
        labels = {
            ExceptionKind.SHORT: _("short"),
            ExceptionKind.DAMAGED: _("damaged"),
            ExceptionKind.WRONG_ITEM: _("wrong item in the tote"),
        }
        order.hold_reason = " ".join(
            x for x in (labels.get(kind, str(kind)), sku, note.strip()) if x
        )[:400]
        clear_claim(order)
        order.updated_at = utcnow()
        uow.session.add(order)
        uow.session.add(
            OrderException(
                order_id=order_id,
                kind=str(kind),
                note=note.strip()[:400],
                sku=sku,
                quantity_short=quantity if kind is ExceptionKind.SHORT else 0,
                raised_by=uow.user,
            )
        )
        uow.record(
            "order_on_hold",
            order_id=order_id,
            exception=str(kind),
            sku=sku,
            quantity=quantity,
            note=note,
        )
        uow.commit()
        return order.hold_reason


def stop_cancelled(uow: UnitOfWork, *, order_id: int) -> int:
    """The order was cancelled while on this bench: void its boxes and their labels, drop the
    claim.  Idempotent; returns the number of labels voided."""
    voided = 0
    with uow:
        order = lock_order(uow, order_id)
        if order is None or order.status != OrderStatus.CANCELLED:
            return 0
        boxes = list(
            uow.session.exec(
                select(Parcel).where(
                    Parcel.order_id == order_id, col(Parcel.status) != ParcelStatus.VOID
                )
            )
        )
        for box in boxes:
            voided += _void_labels(uow, box, "order cancelled")
            box.status = ParcelStatus.VOID
            uow.session.add(box)
        if boxes or order.claimed_bench:
            clear_claim(order)
            uow.session.add(order)
            uow.record(
                "cancelled_at_bench", order_id=order_id, boxes=len(boxes), labels_voided=voided
            )
            uow.commit()
    return voided
