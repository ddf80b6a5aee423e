"""Ticking items into the open box: scans, ticks by hand, cartons, closing a box."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.packing import LineState, ScanMatch, ScanOutcome, match_scan
from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.i18n import _, joined
from packstation.services import stock
from packstation.services.claims import held_order
from packstation.services.packing.boxes import (
    box_place,
    box_units,
    close_box_weight,
    ensure_box,
    find_products,
    fix_expected_weight,
    live_box,
    locked_lines,
    order_lines,
    the_live_box,
)
from packstation.services.packing.plan import plan_changed
from packstation.services.packing.voiding import drop_empty_boxes
from packstation.store.models import Order, OrderLine, Parcel, ParcelItem, Product, ProductBarcode
from packstation.store.uow import UnitOfWork


@dataclass(frozen=True)
class ScanResult:
    outcome: ScanOutcome
    message: str
    sku: str = ""
    units: int = 0
    box_closed: bool = False  # the last unit was ticked: weigh now
    wanted: list[str] = field(default_factory=list)
    line_id: int | None = None  # the line ticked
    # the last unit ticked in fewer boxes than a lead's split: the plan, said after the rest
    plan: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is ScanOutcome.TICKED


def _names(products: dict[str, Product]) -> dict[str, str]:
    """Each product's name for a refusal; with its spec where products of one name meet (a
    T-shirt scanned in the wrong size must not read as the one wanted)."""
    skus_by_name: dict[str, int] = {}
    for product in products.values():
        skus_by_name[product.name] = skus_by_name.get(product.name, 0) + 1
    return {
        sku: f"{p.name} {p.spec}" if p.spec and skus_by_name[p.name] > 1 else p.name
        for sku, p in products.items()
    }


# how many of the lines still wanted a refused scan names
WANTED_SAID = 3


def _wanted(lines: list[OrderLine], names: dict[str, str]) -> list[str]:
    return [
        _("{sku} {name} ×{qty}").format(
            sku=line.sku,
            name=names.get(line.sku, line.title),
            qty=line.quantity - line.quantity_packed,
        )
        for line in lines
        if line.quantity > line.quantity_packed
    ]


def _tick(uow: UnitOfWork, order: Order, box: Parcel, line: OrderLine, units: int) -> bool:
    """Add ``units`` to a line and to the box; False (nothing changed) if that would pack the
    line beyond its quantity — checked by the database row itself, not only by our copy."""
    assert line.id is not None and box.id is not None
    if not _add_units(uow.connection(), line_id=line.id, sku=line.sku, box_id=box.id, units=units):
        return False
    # the row is locked by this transaction: our copy may follow it without reading it back
    set_committed_value(line, "quantity_packed", line.quantity_packed + units)
    return True


def _add_units(conn: Connection, *, line_id: int, sku: str, box_id: int, units: int) -> bool:
    """The tick itself: ``units`` more on the line, unless that passes its quantity (False,
    nothing changed), and as many more of the line in the box, and as many fewer in stock."""
    tick = {"line": line_id, "units": units, "box": box_id}
    if conn.execute(_TICK_LINE, tick).rowcount != 1:
        return False
    if conn.execute(_ADD_TO_BOX, tick).rowcount == 0:
        conn.execute(_NEW_IN_BOX, tick)
    stock.take(conn, sku=sku, units=units)
    return True


def _box_for_ticking(uow: UnitOfWork, order: Order, settings: Settings) -> Parcel:
    box = ensure_box(uow, order.id or 0, order.carrier, settings)
    if box is None:
        raise UserError(_("Every item of this order is already ticked."))
    if box.expected_weight_g is not None or box.status != ParcelStatus.OPEN:
        raise UserError(
            _("Box {seq} is closed: weigh and label it before ticking more items.").format(
                seq=box_place(uow, box)
            )
        )
    return box


def _after_tick(
    uow: UnitOfWork,
    order: Order,
    box: Parcel,
    settings: Settings,
    lines: list[OrderLine],
) -> tuple[bool, str]:
    """Close the box by itself once every unit of the order is ticked (``lines``: the order's
    lines already read and locked in this transaction): (closed, what the packer is told of
    a lead's split packed in fewer boxes)."""
    if all(line.quantity_packed >= line.quantity for line in lines):
        fix_expected_weight(uow, order.id or 0, box, settings)
        drop_empty_boxes(uow, order.id or 0)
        return True, plan_changed(uow, order.id or 0)
    return False, ""


def scan_item(uow: UnitOfWork, *, order_id: int, code: str, settings: Settings) -> ScanResult:
    """One product scan: ticks one unit (a case barcode its multiplier) or is refused, with the
    reason naming what was scanned and what is still wanted.  Refusals tick nothing and are
    recorded too.  The ticking path is the packer's every second: it reads only the claim, the
    barcode, the lines and the box."""
    code = code.strip()
    with uow:
        quick = _quick_tick(uow, order_id, code, settings)
        if quick is not None:
            uow.commit()
            return quick
        order = held_order(uow, order_id)
        box = _box_for_ticking(uow, order, settings)
        lines = order_lines(uow, order_id)
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
                uow.record(
                    "item_scanned",
                    order_id=order_id,
                    parcel_id=box.id,
                    code=code,
                    sku=line.sku,
                    units=match.units,
                    line_id=line.id,
                )
                # after: its cause first
                closed, planned = _after_tick(uow, order, box, settings, lines)
                uow.commit()
                message = _("✔ {sku} {name} ×{units}").format(
                    sku=line.sku, name=line.title, units=match.units
                )
                return ScanResult(
                    ScanOutcome.TICKED,
                    message,
                    line.sku,
                    match.units,
                    closed,
                    line_id=line.id,
                    plan=planned,
                )
            match = ScanMatch(ScanOutcome.OVER_SCAN, line_id=line.id)
        products = find_products(
            uow, {line.sku for line in lines} | ({barcode.sku} if barcode else set())
        )
        names = _names(products)
        wanted = _wanted(lines, names)
        wanted_text = joined(wanted[:WANTED_SAID]) or _("nothing")
        if len(wanted) > WANTED_SAID:
            # the message line holds two lines of text (on an 80×24 terminal, one): a long
            # order's list was cut off mid-item; the pick list beside shows every line
            more = len(wanted) - WANTED_SAID
            wanted_text += " " + _("and {count} more (see the list)").format(count=more)
        name = names.get(barcode.sku, "") if barcode else ""
        if match.outcome is ScanOutcome.UNKNOWN:
            message = _("Unknown barcode {code}: no product has it. Wanted: {wanted}.").format(
                code=code, wanted=wanted_text
            )
        elif match.outcome is ScanOutcome.WRONG_ITEM:
            message = _("Wrong item: {sku} {name} is not on this order. Wanted: {wanted}.").format(
                sku=barcode.sku if barcode else code, name=name, wanted=wanted_text
            )
        elif match.remaining >= (units := barcode.multiplier if barcode else 1):
            # the SKU's lines want that many together (a paid line and a gift line), but no
            # line alone takes the whole case
            message = _(
                "A case of {units} {sku} {name} does not fit one line of this order; open it and "
                "scan the units one by one. Wanted: {wanted}."
            ).format(
                sku=barcode.sku if barcode else code, name=name, units=units, wanted=wanted_text
            )
        elif match.remaining <= 0:
            message = _(
                "Too many: {sku} {name} is ticked in full already; take it out. Wanted: {wanted}."
            ).format(sku=barcode.sku if barcode else code, name=name, wanted=wanted_text)
        else:
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


def _quick_tick(uow: UnitOfWork, order_id: int, code: str, settings: Settings) -> ScanResult | None:
    """The common scan, in plain prepared statements: a right item into the open box (the
    last unit of the order closes it).  Returns None, having changed nothing, for anything
    else (a refusal, a closed box, a lost claim), which ``scan_item`` then handles in full in
    the same transaction."""
    conn = uow.connection()
    scan = conn.execute(_SCAN, {"order_id": order_id, "code": code}).first()
    if scan is None or scan.status != OrderStatus.PACKING or scan.claimed_bench != uow.bench:
        return None
    if scan.box_id is None or scan.box_status != ParcelStatus.OPEN or scan.closed_g is not None:
        return None
    if scan.sku is None:
        return None
    rows = conn.execute(_LINES, {"order_id": order_id}).all()
    states = [LineState(r[0] or 0, r[1], r[2], r[3]) for r in rows]
    match = match_scan(states, scan.sku, scan.multiplier)
    if match.outcome is not ScanOutcome.TICKED or match.line_id is None:
        return None
    if not _add_units(
        conn, line_id=match.line_id, sku=scan.sku, box_id=scan.box_id, units=match.units
    ):
        return None
    row = next(r for r in rows if r[0] == match.line_id)
    uow.record(
        "item_scanned",
        order_id=order_id,
        parcel_id=scan.box_id,
        code=code,
        sku=row[1],
        units=match.units,
        line_id=match.line_id,
    )
    closed = sum(x.remaining for x in states) <= match.units
    planned = ""
    if closed:  # the order's last unit: the box is done, weigh it (logged after the scan)
        close_box_weight(uow, order_id, scan.box_id, scan.carton, settings)
        drop_empty_boxes(uow, order_id)
        planned = plan_changed(uow, order_id)
    message = _("✔ {sku} {name} ×{units}").format(sku=row[1], name=row[4], units=match.units)
    return ScanResult(
        ScanOutcome.TICKED,
        message,
        row[1],
        match.units,
        closed,
        line_id=match.line_id,
        plan=planned,
    )


# The tick's statements, built once: building a statement costs more than running it.
_BOX = Parcel.__table__.alias("box")  # type: ignore[attr-defined]
_BY_CODE = col(ProductBarcode.code) == bindparam("code")
# what a scan needs before it ticks, in one statement: the claim (the order's row locked),
# the live box and the barcode
_SCAN = (
    sa_select(
        col(Order.status),
        col(Order.claimed_bench),
        _BOX.c.id.label("box_id"),
        _BOX.c.status.label("box_status"),
        _BOX.c.expected_weight_g.label("closed_g"),
        _BOX.c.carton,
        sa_select(col(ProductBarcode.sku)).where(_BY_CODE).scalar_subquery().label("sku"),
        sa_select(col(ProductBarcode.multiplier))
        .where(_BY_CODE)
        .scalar_subquery()
        .label("multiplier"),
    )
    .select_from(Order)
    .outerjoin(_BOX, _BOX.c.id == the_live_box(sa_select(col(Parcel.id))).scalar_subquery())
    .where(col(Order.id) == bindparam("order_id"))
    .with_for_update(of=Order.__table__)  # type: ignore[attr-defined]
)
_LINES = locked_lines(
    sa_select(
        col(OrderLine.id),
        col(OrderLine.sku),
        col(OrderLine.quantity),
        col(OrderLine.quantity_packed),
        col(OrderLine.title),
    )
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
        lines = order_lines(uow, order_id)
        line = next((x for x in lines if x.id == line_id), None)
        if line is None:
            raise UserError(_("That line is not on this order."))
        if not _tick(uow, order, box, line, 1):
            raise UserError(
                _("{sku} is complete: all {qty} are ticked.").format(
                    sku=line.sku, qty=line.quantity
                )
            )
        uow.record(
            "item_ticked_by_hand",
            order_id=order_id,
            parcel_id=box.id,
            sku=line.sku,
            units=1,
            line_id=line.id,
            reason=reason,
        )
        closed, planned = _after_tick(uow, order, box, settings, lines)  # after: its cause first
        uow.commit()
        return ScanResult(
            ScanOutcome.TICKED,
            _("✔ {sku} ticked by hand ({reason})").format(sku=line.sku, reason=reason),
            line.sku,
            1,
            closed,
            plan=planned,
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
        box = ensure_box(uow, order.id or 0, order.carrier, settings)
        if box is None or box.status != ParcelStatus.OPEN:
            raise UserError(_("There is no open box to put in a carton."))
        before = box.carton
        box.carton = carton
        uow.session.add(box)
        if box.expected_weight_g is not None:
            fix_expected_weight(uow, order.id or 0, box, settings)
        uow.record(
            "carton_selected", order_id=order_id, parcel_id=box.id, carton=carton, before=before
        )
        uow.commit()


def close_box(uow: UnitOfWork, *, order_id: int, settings: Settings) -> int:
    """NEW BOX: close the current box for weighing (the next box opens once it is labelled).
    Returns the box's number as the bench and the courier count it (void boxes left out)."""
    with uow:
        order = held_order(uow, order_id)
        box = live_box(uow, order_id)
        if box is None or box.status != ParcelStatus.OPEN:
            raise UserError(_("There is no open box to close."))
        if box.expected_weight_g is not None:
            raise UserError(
                _("Box {seq} is already closed: weigh it.").format(seq=box_place(uow, box))
            )
        if not any(box_units(uow, box.id or 0).values()):
            raise UserError(
                _("Box {seq} is empty: scan an item into it first.").format(seq=box_place(uow, box))
            )
        fix_expected_weight(uow, order.id or 0, box, settings)
        place = box_place(uow, box)
        uow.commit()
        return place
