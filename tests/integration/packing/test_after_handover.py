"""What a box the courier already has, or an order already confirmed, does to the lead's
decisions and the bench's stop (both stores): nothing rewrites what has left."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.packing import Item, suggest_carton, tolerance
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus
from packstation.errors import UserError
from packstation.services import lead, packing
from packstation.services.audit import audit
from packstation.services.handover import open_handover, seal_handover
from packstation.services.orders import order_details
from packstation.services.packing_view import cartons, read_order
from packstation.services.reports import day_report
from packstation.services.reprints import void_label
from packstation.services.shipments import confirm_file, export_shipments
from packstation.store.models import Event, Order, OrderException, Parcel, Product
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import TODAY, add_order
from tests.integration.packing.steps import weigh_the_box
from tests.integration.packing.test_void_and_pack_again import (
    CUP,
    TEA,
    pack,
    packed_in_a_handover,
    packed_order,
    parcel_id,
    scan_in,
    two_couriers,
    uow,
)

__all__ = ["two_couriers"]  # a fixture


def first_box_gone(shop: Engine, settings: Settings) -> tuple[int, str]:
    """Order V1 (tea and a cup) with its first box (the tea) weighed, labelled and sealed into
    a handover, the cup still to pack: (its id, the first box's waybill)."""
    order_id = add_order(shop, "V1", [("TEA-001", 1), ("CUP-002", 1)])
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    packing.close_box(uow(shop), order_id=order_id, settings=settings)
    weighed = weigh_the_box(shop, order_id, settings)
    assert weighed.accepted and not weighed.order_packed
    with UnitOfWork(shop) as u:
        number = u.session.exec(select(Parcel.tracking_no).where(Parcel.seq == 1)).one()
    assert number is not None
    handover = open_handover(uow(shop), carrier="YTO", day=TODAY, settings=settings).id
    assert handover is not None
    scan_in(shop, settings, handover_id=handover, code=number)
    seal_handover(
        uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
    )
    return order_id, number


def test_a_confirmed_order_keeps_its_label(
    shop: Engine, settings: Settings, tmp_path: Path
) -> None:
    _order_id, number = packed_order(shop, settings)
    export_shipments(uow(shop), tmp_path / "ship.csv", settings=settings, mark_confirmed=True)
    with pytest.raises(UserError, match="confirmed; its labels cannot be voided"):
        void_label(uow(shop), parcel_id=parcel_id(shop, number), reason="torn")
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == number)).one()
        assert box.status == ParcelStatus.PACKED


def test_a_box_gone_stops_a_new_courier_and_a_cancel(shop: Engine, two_couriers: Settings) -> None:
    order_id, number = first_box_gone(shop, two_couriers)
    with pytest.raises(UserError, match=f"Parcel {number} of order V1 has left with the courier"):
        lead.change_courier(uow(shop), order_id=order_id, carrier="ZTO", settings=two_couriers)
    with pytest.raises(UserError, match="recall it before cancelling"):
        lead.cancel_order(uow(shop), order_id=order_id, reason="buyer cancelled")
    # the box travels to the address on its label: the cup's would go elsewhere
    with pytest.raises(UserError, match="has left with the courier: its address can no longer"):
        lead.correct_address(
            uow(shop), order_id=order_id, changes={"address": "文一西路 2号"}, settings=two_couriers
        )
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == number)).one()
        assert (box.carrier, box.status) == ("YTO", ParcelStatus.HANDED_OVER)
    # the bench goes on with the cup
    assert pack(shop, order_id, [CUP], two_couriers) != number
    assert audit(shop).ok


def test_a_bench_stopping_a_cancelled_order_leaves_the_box_gone(
    shop: Engine, settings: Settings
) -> None:
    order_id, number = first_box_gone(shop, settings)
    with UnitOfWork(shop) as u:  # cancelled by the marketplace's export
        u.session.execute(
            update(Order).where(col(Order.id) == order_id).values(status=OrderStatus.CANCELLED)
        )
        u.commit()
    packing.stop_cancelled(uow(shop), order_id=order_id)
    with UnitOfWork(shop) as u:
        gone = u.session.exec(select(Parcel).where(Parcel.tracking_no == number)).one()
        assert gone.status == ParcelStatus.HANDED_OVER and gone.handover_id is not None
        statuses = set(u.session.exec(select(Parcel.status).where(Parcel.id != gone.id)))
        assert statuses == {ParcelStatus.VOID}  # the open box of the cup


def test_a_new_address_takes_the_parcel_out_of_its_open_handover(
    shop: Engine, settings: Settings
) -> None:
    order_id, number, _handover = packed_in_a_handover(shop, settings)
    lead.correct_address(
        uow(shop), order_id=order_id, changes={"address": "文一路 8 号"}, settings=settings
    )
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == number)).one()
        assert box.handover_id is None  # it goes in again with its new label on
        assert u.session.exec(select(Event).where(Event.kind == "handover_removed")).one()
    report = audit(shop)  # the new label is counted as the parcel's documents
    assert report.ok, report.as_dict()


def test_a_short_counts_only_what_is_missing(shop: Engine, settings: Settings) -> None:
    """Tea ×3: one in a labelled box, two ticked into the next; the packer then finds the
    second box's tea damaged beyond use and raises a short on the line."""
    order_id = add_order(shop, "V1", [("TEA-001", 3)])
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    packing.close_box(uow(shop), order_id=order_id, settings=settings)
    assert weigh_the_box(shop, order_id, settings).accepted
    for _ in range(2):
        assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    line = next(line for line in read_order(uow(shop), order_id, settings).lines)  # type: ignore[union-attr]
    packing.raise_exception(
        uow(shop), order_id=order_id, kind=ExceptionKind.SHORT, line_id=line.line_id
    )
    with UnitOfWork(shop) as u:
        short = u.session.exec(select(OrderException.quantity_short)).one()
    assert short == 2


def test_an_order_on_hold_stays_out_of_the_handover(shop: Engine, settings: Settings) -> None:
    """The marketplace changed the address of a packed order: the import holds it for the lead,
    and its parcel does not go until the lead releases it (back to packed)."""
    order_id, number, handover = packed_in_a_handover(shop, settings)
    with UnitOfWork(shop) as u:  # as the import does
        u.session.execute(
            update(Order)
            .where(col(Order.id) == order_id)
            .values(status=OrderStatus.ON_HOLD, hold_reason="address changed")
        )
        u.commit()
    with pytest.raises(UserError, match="Taken out of the handover"):
        seal_handover(
            uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
        )
    with pytest.raises(UserError, match="on hold \\(address changed\\); keep the parcel out"):
        scan_in(shop, settings, handover_id=handover, code=number)
    lead.release(uow(shop), order_id=order_id)
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.PACKED
    scan_in(shop, settings, handover_id=handover, code=number)
    sealed = seal_handover(
        uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
    )
    assert [line.tracking_no for line in sealed.manifest.lines] == [number]
    assert audit(shop).ok


def test_a_confirm_file_older_than_the_waybill_confirms_nothing(
    shop: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The file listed the first label's number; the label was voided and the goods packed
    again before the file was uploaded: confirming it would leave the marketplace with the dead
    number, so the order waits for a new file."""
    order_id, first = packed_order(shop, settings)
    other = add_order(shop, "V2", [("CUP-002", 1)])
    assert packing.open_order(uow(shop), code="V2", settings=settings) is not None
    pack(shop, other, [CUP], settings)
    shipped = tmp_path / "ship.csv"
    export_shipments(uow(shop), shipped, settings=settings)
    void_label(uow(shop), parcel_id=parcel_id(shop, first), reason="torn")
    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    second = pack(shop, order_id, [TEA, TEA, CUP], settings)

    result = confirm_file(uow(shop), shipped)
    assert result.confirmed == 1  # V2
    ((skipped),) = result.skipped
    assert skipped["order_no"] == "V1" and second in skipped["message"]
    assert skipped["reason"] == "waybill_changed"
    fresh = tmp_path / "again.csv"
    assert export_shipments(uow(shop), fresh, settings=settings).orders == 1
    assert second in fresh.read_text(encoding="gb18030") and first not in fresh.read_text(
        encoding="gb18030"
    )
    assert confirm_file(uow(shop), fresh).confirmed == 1
    # the old file again, once the new one confirmed the order: V1 was counted as confirmed
    # before, as if the file gave its waybill
    result = confirm_file(uow(shop), shipped)
    assert (result.confirmed, result.already) == (0, 1)  # V2
    ((skipped),) = result.skipped
    assert skipped["order_no"] == "V1" and skipped["reason"] == "confirmed_with_another_waybill"
    assert skipped["message"].startswith(f"it was confirmed with waybill {second}, not the file's")


def test_a_split_box_closes_in_the_carton_its_items_take(shop: Engine, settings: Settings) -> None:
    """A lead's split opens its boxes before anything is in them, so with no carton: the box
    gets the carton suggested for what went into it when it closes, and its expected weight
    counts that carton's tare, as an ordinary box's does."""
    order_id = add_order(shop, "V1", [("TEA-001", 2)])
    lead.split_order(uow(shop), order_id=order_id, parcels=2)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    assert packing.close_box(uow(shop), order_id=order_id, settings=settings) == 1
    view = read_order(uow(shop), order_id, settings)
    assert view is not None and view.current is not None
    suggested = suggest_carton(cartons(settings), [Item(1, 300, 100, 100, 120)])
    assert suggested is not None and suggested.tare_g > 0
    assert view.current.carton == suggested.code
    assert view.current.expected_g == 300 + suggested.tare_g


def test_a_split_order_fills_its_boxes_in_order_and_ships_what_was_filled(
    shop: Engine, settings: Settings
) -> None:
    """The lead split the order into two boxes; the packer got everything into the first. The
    empty second box does not ship, and the order is handed over with the first."""
    order_id = add_order(shop, "V1", [("TEA-001", 2)])
    lead.split_order(uow(shop), order_id=order_id, parcels=2)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    view = read_order(uow(shop), order_id, settings)
    assert view is not None and view.current is not None and view.current.seq == 1
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).box_closed
    # the bench's weight panel judges the reading by box 1's tolerance, not the empty box 2's
    view = read_order(uow(shop), order_id, settings)
    assert view is not None and view.current is not None and view.current.expected_g
    assert view.tolerance_g == tolerance(
        view.current.expected_g, settings.weighing.tolerance_g, settings.weighing.tolerance_pct
    )
    number = pack(shop, order_id, [], settings)
    with UnitOfWork(shop) as u:
        boxes = u.session.exec(select(Parcel.seq, Parcel.status).order_by(Parcel.seq)).all()
    assert boxes == [(1, ParcelStatus.PACKED), (2, ParcelStatus.VOID)]
    handover = open_handover(uow(shop), carrier="YTO", day=TODAY, settings=settings).id
    assert handover is not None
    scan_in(shop, settings, handover_id=handover, code=number)
    seal_handover(
        uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
    )
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.HANDED_OVER
    report = audit(shop)
    assert report.ok, report.as_dict()


def _rest_packed(shop: Engine, settings: Settings) -> tuple[int, str, str]:
    """V1 in two boxes: the tea's handed over (a sealed handover), the cup's packed and
    labelled on the shelf still: (its id, the tea's waybill, the cup's)."""
    order_id, gone = first_box_gone(shop, settings)
    kept = pack(shop, order_id, [CUP], settings)
    return order_id, gone, kept


def _on_hand(shop: Engine, sku: str) -> int:
    with UnitOfWork(shop) as u:
        return u.session.exec(select(Product.on_hand).where(Product.sku == sku)).one()


@pytest.mark.parametrize("closed_by", ["lead", "marketplace"])
def test_the_rest_of_an_order_partly_handed_over_is_recalled(
    shop: Engine, settings: Settings, tmp_path: Path, closed_by: str
) -> None:
    """Cancelling it was refused ("recall it before cancelling"): the cup's box stayed packed
    with a live waybill, its goods out of stock, and nothing said the tea alone had gone."""
    order_id, gone, kept = _rest_packed(shop, settings)
    cups = _on_hand(shop, "CUP-002")
    if closed_by == "marketplace":  # as the import does: an exception, the order held
        with UnitOfWork(shop) as u:
            u.session.add(OrderException(order_id=order_id, kind=ExceptionKind.CANCELLED))
            u.session.execute(
                update(Order)
                .where(col(Order.id) == order_id)
                .values(status=OrderStatus.ON_HOLD, hold_reason="closed on the marketplace")
            )
            u.commit()
    done = lead.cancel_order(uow(shop), order_id=order_id, reason="buyer refunded")
    assert done.gone == (gone,) and done.labels == (kept,)
    said = done.sentence()
    assert gone in said and kept in said and "recalled" in said
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.PART_RECALLED
        boxes = {p.tracking_no: p.status for p in u.session.exec(select(Parcel))}
        assert boxes[gone] == ParcelStatus.HANDED_OVER and boxes[kept] == ParcelStatus.VOID
        assert u.session.exec(select(Event).where(Event.kind == "rest_recalled")).one()
        assert not u.session.exec(
            select(OrderException).where(col(OrderException.resolved_at).is_(None))
        ).all()
    assert _on_hand(shop, "CUP-002") == cups + 1  # the cup back on the shelf
    shown = order_details(uow(shop), order_id)
    assert shown["status"] == OrderStatus.PART_RECALLED
    assert "rest_recalled" in [e["kind"] for e in shown["events"]]
    # what went is shipped: the ship-confirm file carries the tea's waybill alone
    shipped = export_shipments(uow(shop), tmp_path / "ship.csv", settings=settings)
    assert shipped.orders == 1
    text = (tmp_path / "ship.csv").read_text(encoding="gb18030")
    assert gone in text and kept not in text
    counts = day_report(uow(shop), day=TODAY, settings=settings)["counts"]
    assert counts["part_recalled"] == 1 and counts["cancelled"] == 0
    report = audit(shop)
    assert report.ok, report.as_dict()
    # done once: a second cancel is refused in one sentence
    with pytest.raises(UserError, match="V1"):
        lead.cancel_order(uow(shop), order_id=order_id, reason="again")


@pytest.mark.parametrize("rest", ["labelled, not scanned back", "packed", "not begun"])
def test_an_order_whose_rest_was_recalled_passes_the_audit_once_confirmed(
    shop: Engine, settings: Settings, tmp_path: Path, rest: str
) -> None:
    """The marketplace closed V1 with its tea's box gone (the import holds it), and the lead
    recalled the rest. The cup's box, labelled and waiting for its label to be scanned back
    (the label check on), was never packed: no event packed the order, and once the shipment
    was confirmed the audit said "confirmed but no event packed it". A cup packed, then voided
    by the recall, said the same."""
    order_id, gone = first_box_gone(shop, settings)
    if rest == "packed":
        pack(shop, order_id, [CUP], settings)
    elif rest == "labelled, not scanned back":
        checking = settings.model_copy(
            update={"bench": settings.bench.model_copy(update={"label_check": True})}
        )
        assert packing.scan_item(uow(shop), order_id=order_id, code=CUP, settings=checking).ok
        assert weigh_the_box(shop, order_id, checking).await_label_scan
    with UnitOfWork(shop) as u:  # as the import does: an exception, the order held
        u.session.add(OrderException(order_id=order_id, kind=ExceptionKind.CANCELLED))
        u.session.execute(
            update(Order)
            .where(col(Order.id) == order_id)
            .values(
                status=OrderStatus.ON_HOLD,
                hold_reason="closed on the marketplace",
                claimed_bench=None,
                claimed_user=None,
            )
        )
        u.commit()
    assert lead.cancel_order(uow(shop), order_id=order_id, reason="buyer refunded").gone == (gone,)
    report = audit(shop)
    assert report.ok, report.as_dict()
    shipped = export_shipments(
        uow(shop), tmp_path / "ship.csv", settings=settings, mark_confirmed=True
    )
    assert shipped.orders == 1
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.CONFIRMED
    report = audit(shop)
    assert report.ok, report.as_dict()
