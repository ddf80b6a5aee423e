"""The common weighing in a few plain statements: the order's last box, weighed inside the
tolerance, labelled with documents drawn beforehand, packs the order.

Most orders go in one box, so this is nearly every weighing, and the transaction of an order
that does the most.  Through the ORM it loaded the order, the box and the carrier as objects and
wrote them back at the commit; here each row is read and written with a prepared statement, and
the events and jobs are the same.

Only the plain case is handled here.  Everything else is left, with nothing changed, to the
full weighing (``weighing``), which answers it as before: a weight outside the tolerance or a
lead's override, the label check, a box that is not the order's last (or a split's box left
open), a waybill printed first or pre-assigned by the export, a carrier with no row yet (or
one the configuration changes) when the documents are drawn without writing, a lost claim, and
a guessed waybill number another bench took first.  Documents whose rows changed after they
were drawn are drawn again in the transaction, as the full weighing does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col

from packstation.config import Settings
from packstation.domain.status import (
    FINISHED_BOXES,
    OrderStatus,
    ParcelStatus,
    WeightSource,
)
from packstation.i18n import _
from packstation.services import printing, tracking
from packstation.services.carriers import apply_settings, ensure_carrier
from packstation.services.claims import UNCLAIMED
from packstation.services.packing.boxes import the_live_box
from packstation.services.packing.weights import WeighResult, Weight, accepted
from packstation.store.models import Carrier, Order, OrderLine, Parcel
from packstation.store.uow import UnitOfWork


def weigh_plainly(
    uow: UnitOfWork, weight: Weight, settings: Settings, *, number_first: bool
) -> WeighResult | None:
    """The weighing that packs the order, or None (nothing written) when it is not the plain
    case.  ``number_first``: as in ``weighing.weigh``, the box gets its number in a short
    transaction of its own before its documents are drawn."""
    if weight.source is WeightSource.OVERRIDE or settings.bench.label_check:
        return None
    drafts = _draft(uow, weight, settings, number_first=number_first)
    if drafts is None:
        return None
    with uow:
        result = _pack(uow, weight, settings, drafts)
        if result is not None:
            uow.commit()
        return result


@dataclass(slots=True)
class _Order:
    """The order's columns its documents need (``documents.OrderFacts``)."""

    id: int | None
    order_no: str
    shop: str
    recipient_name: str
    phone: str
    province: str
    city: str
    district: str
    address: str
    postcode: str
    paid_at: dt.datetime | None
    carrier: str
    insured_value_fen: int
    buyer_note: str


@dataclass(slots=True)
class _Box:
    """The box's columns (``documents.ParcelFacts``), weighed ``measured_weight_g``."""

    id: int
    order_id: int
    seq: int
    carrier: str
    tracking_no: str | None
    expected_weight_g: int | None
    measured_weight_g: int | None


class _Plain:
    """The order and its last box as read for a plain weighing."""

    def __init__(self, row: Row[Any], grams: int) -> None:
        self.order = _Order(*row[:_ORDER_COLUMNS])
        self.box = _Box(
            row.box_id,
            row.id,
            row.box_seq,
            row.box_carrier,
            row.box_tracking_no,
            row.box_expected_g,
            grams,
        )


def _read(uow: UnitOfWork, weight: Weight, settings: Settings, *, lock: bool) -> _Plain | None:
    """The order and its box, if this is the plain case (``lock``: the order's row locked)."""
    statement = _ORDER_AND_BOX_LOCKED if lock else _ORDER_AND_BOX
    row = uow.connection().execute(statement, {"order_id": weight.order_id}).first()
    plain = (
        row is not None
        and row.status == OrderStatus.PACKING
        and row.claimed_bench == uow.bench
        and not row.tracking_no  # the order's own waybill: the full weighing adopts it
        and row.box_id is not None
        and row.box_status == ParcelStatus.OPEN
        and row.box_expected_g is not None
        and not row.unticked  # the order's last box
        and row.unfinished == 1  # and no box a split left open
        and accepted(weight.grams, row.box_expected_g, weight.source, settings)
    )
    return _Plain(row, weight.grams) if plain and row is not None else None


def _carrier(
    uow: UnitOfWork, code: str, settings: Settings, *, lock: bool, writing: bool = True
) -> Carrier | None:
    """The carrier's row as the configuration has it (``lock``: locked, to take a number).  A
    ``writing`` transaction first creates it or brings it up to date if need be; a read gives
    None then, and the full weighing does it."""
    code = code.upper()
    statement = _CARRIER_LOCKED if lock else _CARRIER
    row = uow.connection().execute(statement, {"code": code}).first()
    if row is not None:
        carrier = Carrier(**row._mapping)
        apply_settings(carrier, code, settings.carrier(code))
        if carrier.model_dump() == dict(row._mapping):
            return carrier
    if not writing:
        return None
    ensure_carrier(uow, settings, code)
    uow.flush()
    row = uow.connection().execute(statement, {"code": code}).one()
    return Carrier(**row._mapping)


def _take_number(uow: UnitOfWork, carrier: Carrier, box_id: int) -> str:
    """The next free number of the carrier's range, bound to the box (in transaction)."""
    number = tracking.take_next(carrier, lambda n: tracking.number_in_use(uow, n))
    connection = uow.connection()
    connection.execute(_MOVE_RANGE, {"carrier": carrier.code, "next": carrier.range_next})
    connection.execute(_NUMBER_BOX, {"box": box_id, "number": number})
    return number


def _draft(
    uow: UnitOfWork, weight: Weight, settings: Settings, *, number_first: bool
) -> printing.Drafts | None:
    """The box's documents drawn outside the weighing transaction (see
    ``weighing._draft_documents``), or None when this is not the plain case."""
    readonly = not number_first
    with UnitOfWork(uow.engine, bench=uow.bench, user=uow.user, readonly=readonly) as tx:
        plain = _read(tx, weight, settings, lock=number_first)
        if plain is None:
            return None
        box = plain.box
        carrier = _carrier(tx, box.carrier, settings, lock=False, writing=number_first)
        number = box.tracking_no or (carrier.range_next if carrier else None)
        if carrier is None or not number:
            return None
        data = printing.document_data(tx, settings, plain.order, box, carrier, number, slip=True)
        if number_first and not box.tracking_no:
            # taken last: on PostgreSQL the carrier's row stays locked from here to the commit
            carrier = _carrier(tx, box.carrier, settings, lock=True)
            if carrier is None:
                return None
            taken = _take_number(tx, carrier, plain.box.id)
            tracking.record_number(tx, plain.box, taken, source="range")
            data = data.numbered(taken) if taken != number else data
            tx.commit()
    return printing.draw_parcel_documents(settings, data)


def _pack(
    uow: UnitOfWork, weight: Weight, settings: Settings, drafts: printing.Drafts
) -> WeighResult | None:
    """The weighing transaction of the plain case; None (the caller rolls back) when it is not
    that.  Documents whose rows changed since they were drawn are drawn again here."""
    plain = _read(uow, weight, settings, lock=True)
    if plain is None:
        return None
    box, order_id, box_id = plain.box, weight.order_id, plain.box.id
    carrier = _carrier(uow, box.carrier, settings, lock=not box.tracking_no)
    if carrier is None:
        return None
    number = box.tracking_no or ""
    if not number:
        number = tracking.take_next(carrier, lambda n: tracking.number_in_use(uow, n))
        if number != drafts.label_data.tracking_no:
            return None  # another bench took it: the full weighing numbers the box first
    data = printing.document_data(uow, settings, plain.order, box, carrier, number, slip=True)
    expected = box.expected_weight_g or 0
    uow.record(
        "weight_accepted",
        order_id=order_id,
        parcel_id=box_id,
        grams=weight.grams,
        expected_g=expected,
        source=str(weight.source),
        lead=weight.lead,
        reason=weight.reason,
    )
    connection = uow.connection()
    if not box.tracking_no:
        connection.execute(_MOVE_RANGE, {"carrier": carrier.code, "next": carrier.range_next})
        tracking.record_number(uow, box, number, source="range")
    now = weight.now
    connection.execute(
        _PACK_BOX,
        {
            "box": box_id,
            "grams": weight.grams,
            "source": str(weight.source),
            "number": number,
            "at": now,
            "packer": uow.user,
            "bench": uow.bench,
        },
    )
    jobs = printing.rendered_documents(settings, data, drafts)
    for kind, printer, rendered in jobs:
        printing.queue_parcel_job(
            uow, rendered, kind=kind, printer=printer, order_id=order_id, parcel_id=box_id
        )
    piece = [data.label.parcel_seq, data.label.parcel_count]
    uow.record("documents_queued", order_id=order_id, parcel_id=box_id, jobs=len(jobs), piece=piece)
    uow.record("box_packed", order_id=order_id, parcel_id=box_id, seq=box.seq)
    connection.execute(_PACK_ORDER, {"order_id": order_id, "at": now})
    uow.record("order_packed", order_id=order_id, boxes=box.seq)
    said = _("Weight {grams} g accepted; label {tracking} queued.").format(
        grams=weight.grams, tracking=number
    )
    # the order's other boxes, if it has any: a label of theirs a void made wrong is named
    wrong = (
        printing.wrong_pieces_sentence(printing.wrong_pieces(uow, order_id)) if box.seq > 1 else ""
    )
    return WeighResult(
        True,
        weight.grams,
        expected,
        f"{said}  {wrong}" if wrong else said,
        len(jobs),
        order_packed=True,
    )


# Built once: every order that is packed runs them.  The order's columns come first, as
# ``_Order`` has them.
_ORDER_COLUMNS = len(fields(_Order))
_BOX = Parcel.__table__.alias("box")  # type: ignore[attr-defined]
_ORDER_AND_BOX: Select[*tuple[Any, ...]] = (
    sa_select(
        *(Order.__table__.c[f.name] for f in fields(_Order)),  # type: ignore[attr-defined]
        col(Order.status),
        col(Order.claimed_bench),
        col(Order.tracking_no),
        _BOX.c.id.label("box_id"),
        _BOX.c.seq.label("box_seq"),
        _BOX.c.status.label("box_status"),
        _BOX.c.expected_weight_g.label("box_expected_g"),
        _BOX.c.tracking_no.label("box_tracking_no"),
        _BOX.c.carrier.label("box_carrier"),
        sa_select(col(OrderLine.id))
        .where(
            col(OrderLine.order_id) == col(Order.id),
            col(OrderLine.quantity_packed) < col(OrderLine.quantity),
        )
        .exists()
        .label("unticked"),
        sa_select(func.count(col(Parcel.id)))
        .where(col(Parcel.order_id) == col(Order.id), col(Parcel.status).not_in(FINISHED_BOXES))
        .scalar_subquery()
        .label("unfinished"),
    )
    .select_from(Order)
    .outerjoin(_BOX, _BOX.c.id == the_live_box(sa_select(col(Parcel.id))).scalar_subquery())
    .where(col(Order.id) == bindparam("order_id"))
)
_ORDER_AND_BOX_LOCKED = _ORDER_AND_BOX.with_for_update(of=Order.__table__)  # type: ignore[attr-defined]
_CARRIER = sa_select(Carrier.__table__).where(  # type: ignore[attr-defined]
    col(Carrier.code) == bindparam("code")
)
_CARRIER_LOCKED = _CARRIER.with_for_update()
_MOVE_RANGE = (
    update(Carrier)
    .where(col(Carrier.code) == bindparam("carrier"))
    .values(range_next=bindparam("next"))
)
_NUMBER_BOX = (
    update(Parcel).where(col(Parcel.id) == bindparam("box")).values(tracking_no=bindparam("number"))
)
_PACK_BOX = (
    update(Parcel)
    .where(col(Parcel.id) == bindparam("box"))
    .values(
        measured_weight_g=bindparam("grams"),
        weight_source=bindparam("source"),
        tracking_no=bindparam("number"),
        status=ParcelStatus.PACKED,
        weighed_at=bindparam("at"),
        packed_at=bindparam("at"),
        # packed by whoever weighs it (see ``weighing``)
        packer=bindparam("packer"),
        bench=bindparam("bench"),
    )
)
_PACK_ORDER = (
    update(Order)
    .where(col(Order.id) == bindparam("order_id"))
    .values(
        status=OrderStatus.PACKED,
        packed_at=bindparam("at"),
        updated_at=bindparam("at"),
        **UNCLAIMED,
    )
)
