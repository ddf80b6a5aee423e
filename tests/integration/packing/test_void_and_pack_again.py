"""Labels that a lead's decision or a command voids or asks for while the order is elsewhere
in its flow (both stores): a voided box's goods go into a new box with a new waybill at a bench,
a void box never reaches the courier, a waybill printed first follows the lead's decisions, and
a box being packed stays its bench's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, update
from sqlmodel import col, select

from packstation.cli import build_cli
from packstation.config import CarrierSettings, Settings
from packstation.domain.status import ExceptionKind, OrderStatus, ParcelStatus, PrintStatus
from packstation.errors import UserError
from packstation.labels.render import preview_png as render_preview
from packstation.services import lead, packing, printing
from packstation.services.audit import audit
from packstation.services.batch import print_batch
from packstation.services.documents import label_data
from packstation.services.elsewhere import changed_elsewhere
from packstation.services.handover import (
    HandoverRefused,
    handover_manifest,
    open_handover,
    scan_parcel,
    seal_handover,
)
from packstation.services.packing_view import Phase, read_order
from packstation.services.printing import reprint
from packstation.services.reprints import (
    Voided,
    find_labels,
    reprint_label,
    void_label,
    voided_sentence,
)
from packstation.store.models import (
    Event,
    Order,
    OrderException,
    OrderLine,
    Parcel,
    PrintJob,
    Product,
)
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import TODAY, add_order
from tests.integration.packing.steps import weigh_the_box
from tests.support.printed import all_printed
from tests.support.waiting import waits_then

TEA, CUP = "6901234567892", "6901234567908"


@pytest.fixture
def two_couriers(settings: Settings) -> Settings:
    zto = CarrierSettings(name="中通快递", waybill_range=["731000000000", "731000999999"])
    return settings.model_copy(update={"carriers": {**settings.carriers, "ZTO": zto}})


def uow(engine: Engine, bench: str = "bench-1") -> UnitOfWork:
    return UnitOfWork(engine, bench=bench, user="王芳")


def pack(engine: Engine, order_id: int, codes: list[str], settings: Settings) -> str:
    """Tick ``codes`` into the order's open box, weigh it and return its waybill number."""
    for code in codes:
        assert packing.scan_item(uow(engine), order_id=order_id, code=code, settings=settings).ok
    weighed = weigh_the_box(engine, order_id, settings)
    assert weighed.accepted and weighed.order_packed
    with UnitOfWork(engine) as u:
        box = u.session.exec(
            select(Parcel)
            .where(Parcel.order_id == order_id, Parcel.status == ParcelStatus.PACKED)
            .order_by(col(Parcel.packed_at).desc(), col(Parcel.seq).desc())
        ).first()
        assert box is not None and box.tracking_no
        return box.tracking_no


def scan_in(engine: Engine, settings: Settings, *, handover_id: int, code: str) -> None:
    """The labels waiting printed, as a bench's sender prints them (a parcel whose label has
    not printed is refused), then the parcel scanned into the handover."""
    all_printed(engine, settings)
    scan_parcel(uow(engine), handover_id=handover_id, code=code)


def packed_order(engine: Engine, settings: Settings) -> tuple[int, str]:
    order_id = add_order(engine, "V1", [("TEA-001", 2), ("CUP-002", 1)])
    assert packing.open_order(uow(engine), code="V1", settings=settings) is not None
    return order_id, pack(engine, order_id, [TEA, TEA, CUP], settings)


def parcel_id(engine: Engine, number: str) -> int:
    with UnitOfWork(engine) as u:
        return u.session.exec(select(Parcel.id).where(Parcel.tracking_no == number)).one() or 0


def on_hand(engine: Engine, sku: str) -> int:
    with UnitOfWork(engine) as u:
        return u.session.exec(select(Product.on_hand).where(Product.sku == sku)).one()


def test_a_voided_label_is_packed_again_with_a_new_waybill(
    shop: Engine, settings: Settings
) -> None:
    order_id, first = packed_order(shop, settings)
    tea = on_hand(shop, "TEA-001")
    assert void_label(uow(shop), parcel_id=parcel_id(shop, first), reason="torn").prints == 1

    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.ON_HOLD
        assert "torn" in order.hold_reason
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == first)).one()
        assert box.status == ParcelStatus.VOID
        # the goods are ticked again into a new box: nothing counts as packed meanwhile
        assert set(u.session.exec(select(OrderLine.quantity_packed))) == {0}
    assert on_hand(shop, "TEA-001") == tea + 2
    with pytest.raises(UserError, match="release the order to a bench"):
        reprint(uow(shop), parcel_id=parcel_id(shop, first), reason="again")

    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    view = read_order(uow(shop), order_id, settings)
    assert view is not None and view.phase == Phase.PICKING
    assert view.current is not None and view.current.seq == 2 and view.current.units == 0
    second = pack(shop, order_id, [CUP, TEA, TEA], settings)
    assert second != first
    with UnitOfWork(shop) as u:  # the courier gets one piece: 件 1/1, not 2/2
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == second)).one()
        data = label_data(u, settings, box, second)
        assert (data.parcel_seq, data.parcel_count) == (1, 1)
    # the courier's list and the ship-confirm file count it so too (they said parcel 2)
    handover = open_handover(uow(shop), carrier="YTO", day=TODAY, settings=settings)
    assert handover.id is not None
    scan_in(shop, settings, handover_id=handover.id, code=second)
    listed = handover_manifest(uow(shop), handover_id=handover.id)
    assert [(line.tracking_no, line.parcel_seq) for line in listed.lines] == [(second, 1)]
    # the lead's reprint screen shows the box that goes, or the one whose label was scanned
    for code, shown in (("V1", second), (second, second), (first.lower(), first)):
        found = find_labels(uow(shop), code)
        assert found.parcels[found.shown].tracking_no == shown, code
    assert on_hand(shop, "TEA-001") == tea
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_new_courier_for_a_packed_order_packs_it_again(
    shop: Engine, two_couriers: Settings
) -> None:
    order_id, first = packed_order(shop, two_couriers)
    lead.change_courier(uow(shop), order_id=order_id, carrier="ZTO", settings=two_couriers)
    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V1", settings=two_couriers) is not None
    second = pack(shop, order_id, [TEA, CUP, TEA], two_couriers)
    assert first.startswith("YT") and second.startswith("731")
    report = audit(shop)
    assert report.ok, report.as_dict()


def split_in_three_box_1_labelled(engine: Engine, settings: Settings) -> int:
    """Order V3 (two teas, a cup) split by the lead into three boxes; at bench-1, box 1 holds a
    tea, weighed and labelled.  Returns the order's id."""
    order_id = add_order(engine, "V3", [("TEA-001", 2), ("CUP-002", 1)])
    lead.split_order(uow(engine), order_id=order_id, parcels=3)
    assert packing.open_order(uow(engine), code="V3", settings=settings) is not None
    one_per_box(engine, order_id, [TEA], settings)
    return order_id


def one_per_box(engine: Engine, order_id: int, codes: list[str], settings: Settings) -> None:
    """Each of ``codes`` ticked into a box of its own, closed, weighed and labelled."""
    for code in codes:
        scanned = packing.scan_item(uow(engine), order_id=order_id, code=code, settings=settings)
        assert scanned.ok
        if not scanned.box_closed:  # the last unit closes the box by itself
            packing.close_box(uow(engine), order_id=order_id, settings=settings)
        assert weigh_the_box(engine, order_id, settings).accepted


def boxes_going(engine: Engine, settings: Settings, order_id: int) -> list[tuple[str, int, int]]:
    """The order's boxes that go (void ones left out): carrier, and place and count as their
    labels say."""
    with UnitOfWork(engine) as u:
        going = u.session.exec(
            select(Parcel)
            .where(Parcel.order_id == order_id, Parcel.status != ParcelStatus.VOID)
            .order_by(col(Parcel.seq))
        ).all()
        pieces = [label_data(u, settings, box, box.tracking_no or "-") for box in going]
        return [
            (b.carrier, p.parcel_seq, p.parcel_count) for b, p in zip(going, pieces, strict=True)
        ]


def test_a_new_courier_keeps_the_lead_s_split(shop: Engine, two_couriers: Settings) -> None:
    """The lead split the order into three; box 1 was labelled, then the courier changed.  The
    box was voided and the order came back planned in two boxes: the split was lost."""
    order_id = split_in_three_box_1_labelled(shop, two_couriers)
    changed = lead.change_courier(
        uow(shop), order_id=order_id, carrier="ZTO", settings=two_couriers
    )
    assert changed.on_hold
    assert [box[0] for box in boxes_going(shop, two_couriers, order_id)] == ["ZTO"] * 3
    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V3", settings=two_couriers) is not None
    one_per_box(shop, order_id, [TEA, TEA, CUP], two_couriers)
    assert boxes_going(shop, two_couriers, order_id) == [("ZTO", n, 3) for n in (1, 2, 3)]
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_voided_label_keeps_the_lead_s_split(shop: Engine, settings: Settings) -> None:
    """F3, F8 on box 1 of an order split into three, the bench still at it: box 1's tea went
    into boxes 2 and 3, and the order left in two parcels."""
    order_id = split_in_three_box_1_labelled(shop, settings)
    with UnitOfWork(shop) as u:
        box_1 = u.session.exec(
            select(Parcel.id).where(Parcel.order_id == order_id, Parcel.seq == 1)
        ).one()
    void_label(uow(shop), parcel_id=box_1 or 0, reason="torn")
    assert len(boxes_going(shop, settings, order_id)) == 3
    one_per_box(shop, order_id, [TEA, TEA, CUP], settings)
    assert boxes_going(shop, settings, order_id) == [("YTO", n, 3) for n in (1, 2, 3)]
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_split_order_put_back_keeps_the_lead_s_split(shop: Engine, settings: Settings) -> None:
    """The packer put back an order the lead split into three, a tea ticked into box 1: the
    box was voided and the order came back planned in two boxes."""
    order_id = add_order(shop, "V3", [("TEA-001", 2), ("CUP-002", 1)])
    lead.split_order(uow(shop), order_id=order_id, parcels=3)
    assert packing.open_order(uow(shop), code="V3", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    packing.release_order(uow(shop), order_id=order_id, reason="put back")
    assert len(boxes_going(shop, settings, order_id)) == 3
    assert packing.open_order(uow(shop), code="V3", settings=settings) is not None
    one_per_box(shop, order_id, [TEA, TEA, CUP], settings)
    assert boxes_going(shop, settings, order_id) == [("YTO", n, 3) for n in (1, 2, 3)]
    report = audit(shop)
    assert report.ok, report.as_dict()


def packed_in_a_handover(shop: Engine, settings: Settings) -> tuple[int, str, int]:
    """Order V1 packed, its parcel in an open YTO handover: (its id, its waybill, the
    handover's id)."""
    order_id, number = packed_order(shop, settings)
    handover = open_handover(uow(shop), carrier="YTO", day=TODAY, settings=settings).id
    assert handover is not None
    scan_in(shop, settings, handover_id=handover, code=number)
    return order_id, number, handover


def two_in_a_handover(shop: Engine, settings: Settings) -> tuple[int, str, str, int]:
    """Orders V1 and V2 packed, their parcels in an open YTO handover: (V1's id, V1's and V2's
    waybill numbers, the handover's id)."""
    order_id, first = packed_order(shop, settings)
    other = add_order(shop, "V2", [("CUP-002", 1)])
    assert packing.open_order(uow(shop), code="V2", settings=settings) is not None
    kept = pack(shop, other, [CUP], settings)
    handover = open_handover(uow(shop), carrier="YTO", day=TODAY, settings=settings)
    assert handover.id is not None
    for number in (first, kept):
        scan_in(shop, settings, handover_id=handover.id, code=number)
    return order_id, first, kept, handover.id


def test_a_void_box_leaves_its_open_handover(shop: Engine, settings: Settings) -> None:
    order_id, first, kept, handover = two_in_a_handover(shop, settings)

    voided = void_label(uow(shop), parcel_id=parcel_id(shop, first), reason="wrong address")
    # the parcel is in the bag still: the lead is told to take it out (the list just had one
    # parcel fewer)
    assert voided == Voided(1, handover_id=handover)
    assert voided_sentence(first, voided).endswith(
        f"It was in handover {handover}: take the parcel out of that bag or cage."
    )
    with pytest.raises(HandoverRefused, match="keep it out"):
        scan_in(shop, settings, handover_id=handover, code=first)
    sealed = seal_handover(
        uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
    )
    assert [line.tracking_no for line in sealed.manifest.lines] == [kept]
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == first)).one()
        assert box.status == ParcelStatus.VOID and box.handover_id is None
        removed = u.session.exec(select(Event).where(Event.kind == "handover_removed")).one()
        assert removed.order_id == order_id
    assert audit(shop).ok


def test_the_seal_keeps_out_a_parcel_whose_order_was_cancelled(
    shop: Engine, settings: Settings
) -> None:
    order_id, first, kept, handover = two_in_a_handover(shop, settings)
    # the marketplace's export says the buyer cancelled: the import cancels the order and
    # leaves its printed label to the lead
    with UnitOfWork(shop) as u:
        u.session.execute(
            update(Order).where(col(Order.id) == order_id).values(status=OrderStatus.CANCELLED)
        )
        u.commit()

    sealed = seal_handover(
        uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
    )
    assert sealed.kept_out == (first,)
    assert [line.tracking_no for line in sealed.manifest.lines] == [kept]
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == first)).one()
        assert box.status == ParcelStatus.PACKED and box.handover_id is None


def test_a_cancel_takes_the_parcel_out_at_once(shop: Engine, settings: Settings) -> None:
    order_id, first, handover = packed_in_a_handover(shop, settings)
    cancelled = lead.cancel_order(uow(shop), order_id=order_id, reason="buyer cancelled")
    # the lead is told what to do with the parcel in the bag (it said "is cancelled" only)
    assert cancelled.labels == (first,) and cancelled.handovers == (handover,)
    assert cancelled.sentence() == (
        f"Order {cancelled.order_no} is cancelled. Label {first} is void: tear it off and put "
        f"the goods back on the shelves. Take the parcel out of handover {handover}."
    )
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == first)).one()
        assert box.status == ParcelStatus.VOID and box.handover_id is None
    # the seal names it too: the box may still lie in the bag
    with pytest.raises(UserError, match=f"Taken out of the handover: {first}"):
        seal_handover(
            uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
        )


def test_a_seal_with_nothing_left_to_go_says_so_and_keeps_them_out(
    shop: Engine, settings: Settings
) -> None:
    order_id, first, handover = packed_in_a_handover(shop, settings)
    with UnitOfWork(shop) as u:  # cancelled by the marketplace's export
        u.session.execute(
            update(Order).where(col(Order.id) == order_id).values(status=OrderStatus.CANCELLED)
        )
        u.commit()
    with pytest.raises(UserError, match=f"Taken out of the handover: {first}"):
        seal_handover(
            uow(shop), handover_id=handover, settings=settings, print_list=False, save_csv=False
        )
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.tracking_no == first)).one()
        assert box.handover_id is None  # taken out for good, though the seal was refused
        removed = u.session.exec(select(Event).where(Event.kind == "handover_removed")).one()
        assert "cancelled" in removed.payload


def test_the_label_command_voids_as_the_lead_does(
    shop: Engine, settings: Settings, store_url: str
) -> None:
    order_id, first = packed_order(shop, settings)
    runner = CliRunner()
    base = ["--db", store_url]
    voided = runner.invoke(build_cli(), [*base, "label", "V1", "--void", "--reason", "smudged"])
    assert voided.exit_code == 0, voided.output
    assert voided.output.startswith(f"Label {first} voided; the parcel's goods go into a new box")
    assert "printed" not in voided.output  # one copy: nothing more to say
    assert "handover" not in voided.output  # it was in none
    # a label printed three times (twice again): every copy is torn off
    assert voided_sentence("YT7000000000001", Voided(3)).endswith(
        "It was printed 3 times: tear off every copy."
    )
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.status == OrderStatus.ON_HOLD
        jobs = u.session.exec(select(PrintJob.status).where(PrintJob.kind == "label")).all()
        assert set(jobs) == {PrintStatus.VOID}
    again = runner.invoke(
        build_cli(), [*base, "label", first, "--reprint", "--reason", "print it anyway"]
    )
    assert isinstance(again.exception, UserError)  # one line from the command line, no traceback
    assert "a reprint would carry a dead waybill" in str(again.exception)
    # asked by the order's number, the same: it said "Order 1 has no label to reprint yet"
    by_order = runner.invoke(build_cli(), [*base, "label", "V1", "--reprint", "--reason", "again"])
    assert isinstance(by_order.exception, UserError)
    assert str(by_order.exception).startswith(f"The label of parcel {first} was voided; a reprint")
    add_order(shop, "V2", [("TEA-001", 1)])
    unlabelled = runner.invoke(build_cli(), [*base, "label", "V2", "--reprint", "--reason", "x"])
    assert (
        str(unlabelled.exception) == "Order V2 has no label to reprint yet; print its label first."
    )
    with UnitOfWork(shop) as u:
        assert len(u.session.exec(select(PrintJob.id).where(PrintJob.kind == "label")).all()) == 1


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_reprint_waits_for_a_void_then_refuses(shop: Engine, settings: Settings) -> None:
    """PostgreSQL: a reprint while the lead's void of that parcel commits waits for it, and is
    then refused; it does not send the voided waybill again."""
    order_id, first = packed_order(shop, settings)
    parcel = parcel_id(shop, first)
    with shop.connect() as voiding:  # the void, half-way: the order locked, the parcel void
        voiding.execute(select(Order.id).where(col(Order.id) == order_id).with_for_update())
        voiding.execute(
            update(Parcel).where(col(Parcel.id) == parcel).values(status=ParcelStatus.VOID)
        )
        with pytest.raises(UserError, match="dead waybill"):
            waits_then(voiding, lambda: reprint(uow(shop), parcel_id=parcel, reason="torn"))
    with UnitOfWork(shop) as u:
        assert len(u.session.exec(select(PrintJob.id).where(PrintJob.kind == "label")).all()) == 1


def test_the_bench_reprints_the_last_label_and_names_it(shop: Engine, settings: Settings) -> None:
    order_id = add_order(shop, "V1", [("TEA-001", 1)])
    with pytest.raises(UserError, match="No label has been printed for this order yet"):
        packing.reprint(uow(shop), order_id=order_id, reason="jammed")
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    number = pack(shop, order_id, [TEA], settings)
    all_printed(shop, settings)
    assert packing.reprint(uow(shop), order_id=order_id, reason="jammed") == number
    with UnitOfWork(shop) as u:
        query = select(PrintJob).where(PrintJob.kind == "label").order_by(col(PrintJob.id))
        first, again = u.session.exec(query).all()
        assert (again.reprint_of, again.reason, again.content) == (
            first.id,
            "jammed",
            first.content,
        )
    assert audit(shop).ok


def batch_printed(shop: Engine, settings: Settings) -> tuple[int, str]:
    """Order V1 (one tea), its waybill and slip printed first: (its id, the waybill number)."""
    order_id = add_order(shop, "V1", [("TEA-001", 1)])
    print_batch(uow(shop), settings, due=TODAY)
    with UnitOfWork(shop) as u:
        order = u.session.get(Order, order_id)
        assert order is not None and order.tracking_no
        return order_id, order.tracking_no


def order_jobs(shop: Engine, order_id: int) -> list[tuple[str, str]]:
    with UnitOfWork(shop) as u:
        query = select(PrintJob.kind, PrintJob.status).where(PrintJob.order_id == order_id)
        return [(kind, status) for kind, status in u.session.exec(query.order_by(PrintJob.id))]


def test_a_new_courier_drops_a_waybill_printed_first(shop: Engine, two_couriers: Settings) -> None:
    order_id, printed = batch_printed(shop, two_couriers)
    before = read_order(uow(shop), order_id, two_couriers)
    changed = lead.change_courier(
        uow(shop), order_id=order_id, carrier="ZTO", settings=two_couriers
    )
    assert order_jobs(shop, order_id) == [("label", "void"), ("slip", "void")]
    # the lead and a bench holding the order are told to tear the printed waybill up: they
    # were told the new courier only, and the old courier's label could go on the box
    assert changed.dropped == printed and not changed.on_hold
    said = changed_elsewhere(before, read_order(uow(shop), order_id, two_couriers))
    assert said.endswith(
        f"The courier is now ZTO. Its waybill {printed}, given before packing, is void: if it "
        "was printed, tear it up."
    )
    assert packing.open_order(uow(shop), code="V1", settings=two_couriers) is not None
    number = pack(shop, order_id, [TEA], two_couriers)
    assert printed.startswith("YT") and number.startswith("731")
    assert audit(shop).ok


def test_a_cancel_voids_a_waybill_printed_first(shop: Engine, settings: Settings) -> None:
    order_id, _printed = batch_printed(shop, settings)
    lead.cancel_order(uow(shop), order_id=order_id, reason="buyer cancelled")
    # queued, they would have gone to the printer with the next drain
    assert order_jobs(shop, order_id) == [("label", "void"), ("slip", "void")]


def test_a_new_address_reprints_a_waybill_printed_first(shop: Engine, settings: Settings) -> None:
    order_id, printed = batch_printed(shop, settings)
    lead.correct_address(
        uow(shop), order_id=order_id, changes={"address": "文一路 8 号"}, settings=settings
    )
    assert packing.open_order(uow(shop), code=printed, settings=settings) is not None
    assert pack(shop, order_id, [TEA], settings) == printed  # the same waybill number
    with UnitOfWork(shop) as u:
        labels = u.session.exec(
            select(PrintJob.batch, PrintJob.status, PrintJob.parcel_id)
            .where(PrintJob.kind == "label")
            .order_by(PrintJob.id)
        ).all()
    # the batch's waybill, with the old address, void; the bench drew a new one for the parcel
    assert [(bool(batch), status, parcel is not None) for batch, status, parcel in labels] == [
        (True, "void", False),
        (False, "queued", True),
    ]


def test_the_label_command_leaves_a_box_being_packed_to_its_bench(
    shop: Engine, settings: Settings, store_url: str, tmp_path: Path
) -> None:
    order_id = add_order(shop, "V1", [("TEA-001", 2)])
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    config = tmp_path / "config.toml"
    config.write_text(
        f'[devices]\nprinter = "dir://{tmp_path}"\n'
        '[carriers.YTO]\nwaybill_range = ["YT7000000000000", "YT7000000000999"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        build_cli(), ["--db", store_url, "--config", str(config), "label", "V1"]
    )
    assert isinstance(result.exception, UserError)
    assert "still being packed at bench-1" in str(result.exception)
    # the box stays the bench's: the second unit ticks, and the box is weighed and labelled
    assert order_jobs(shop, order_id) == []
    number = pack(shop, order_id, [TEA], settings)
    assert order_jobs(shop, order_id) == [("label", "queued"), ("slip", "queued")]
    assert number.startswith("YT")


def test_the_label_command_finds_the_parcel_that_goes(
    shop: Engine, settings: Settings, store_url: str
) -> None:
    """After a void, parcel 1 is the box that goes (as its label counts), and a waybill number
    names its own parcel."""
    order_id, first = packed_order(shop, settings)
    void_label(uow(shop), parcel_id=parcel_id(shop, first), reason="torn")
    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    second = pack(shop, order_id, [TEA, TEA, CUP], settings)
    all_printed(shop, settings)
    runner, base = CliRunner(), ["--db", store_url]
    for asked in ("V1", second):
        result = runner.invoke(
            build_cli(), [*base, "label", asked, "--reprint", "--reason", "smudged", "--json"]
        )
        assert result.exit_code == 0, result.exception
    dead = runner.invoke(build_cli(), [*base, "label", first, "--reprint", "--reason", "smudged"])
    assert "dead waybill" in str(dead.exception)
    with UnitOfWork(shop) as u:
        reprints = u.session.exec(
            select(Parcel.tracking_no)
            .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
            .where(col(PrintJob.reprint_of).is_not(None))
        ).all()
    assert reprints == [second, second]


def test_the_preview_of_an_order_whose_only_box_was_undone_shows_its_waybill(
    shop: Engine, settings: Settings
) -> None:
    """Printed first, then opened at a bench and put back: box 1 is void, and the box that goes
    will take the waybill the batch printed, so that is what the preview shows."""
    order_id, _printed = batch_printed(shop, settings)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    packing.release_order(uow(shop), order_id=order_id, reason="packer went on break")
    with UnitOfWork(shop) as u:
        batch = u.session.exec(
            select(PrintJob).where(PrintJob.order_id == order_id, PrintJob.kind == "label")
        ).one()
        shown = printing.order_label_preview_png(u, order_id=order_id, settings=settings)
    assert shown == render_preview(batch.language, batch.content)


@pytest.mark.parametrize("leaving", ["put back", "on hold"])
def test_an_order_left_before_its_label_was_scanned_back_is_undone_with_the_label(
    shop: Engine, settings: Settings, leaving: str
) -> None:
    """With the label check on, the packer leaves the order after its box was weighed and
    labelled.  The box stayed labelled: the next bench was asked to scan the label of a box
    at this one.  Now the box is undone as a box being filled is, and its label is void."""
    checking = settings.model_copy(
        update={"bench": settings.bench.model_copy(update={"label_check": True})}
    )
    order_id = add_order(shop, "V1", [("TEA-001", 1), ("CUP-002", 1)])
    tea = on_hand(shop, "TEA-001")
    assert packing.open_order(uow(shop), code="V1", settings=checking) is not None
    for code in (TEA, CUP):
        assert packing.scan_item(uow(shop), order_id=order_id, code=code, settings=checking).ok
    assert weigh_the_box(shop, order_id, checking).await_label_scan
    if leaving == "put back":
        voided = packing.release_order(uow(shop), order_id=order_id, reason="put back")
    else:
        held = packing.raise_exception(
            uow(shop), order_id=order_id, kind=ExceptionKind.DAMAGED, note="cup cracked"
        )
        voided = held.labels_voided
        assert held.reason == "damaged cup cracked"
        lead.release(uow(shop), order_id=order_id)
    assert voided == 1
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.order_id == order_id)).one()
        assert box.status == ParcelStatus.VOID
        job = u.session.exec(select(PrintJob).where(PrintJob.kind == "label")).one()
        assert job.status == PrintStatus.VOID
        assert set(u.session.exec(select(OrderLine.quantity_packed))) == {0}
    assert on_hand(shop, "TEA-001") == tea  # the ticked tea is back on the shelf
    assert packing.open_order(uow(shop, "bench-2"), code="V1", settings=checking) is not None
    view = read_order(uow(shop, "bench-2"), order_id, checking)
    assert view is not None and view.phase == Phase.PICKING
    assert view.current is not None and view.current.units == 0
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_waybill_printed_first_stays_good_when_the_order_is_put_back(
    shop: Engine, settings: Settings
) -> None:
    """A batch printed before packing gave the order its waybill before anything was weighed:
    putting the order back leaves it good (the undo is for a box this bench weighed)."""
    order_id, printed = batch_printed(shop, settings)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert packing.release_order(uow(shop), order_id=order_id, reason="put back") == 0
    assert ("label", "void") not in order_jobs(shop, order_id)
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    assert pack(shop, order_id, [TEA], settings) == printed
    assert audit(shop).ok


def test_a_box_without_a_label_is_named_as_the_bench_names_it(
    shop: Engine, settings: Settings
) -> None:
    """The lead asks to reprint a box still being filled: refused, naming the order and the
    box as the courier counts it (box 1 was undone, so box 2 is the first), not a row id."""
    order_id = add_order(shop, "V1", [("TEA-001", 1), ("CUP-002", 1)])
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    packing.release_order(uow(shop), order_id=order_id, reason="put back")
    assert packing.open_order(uow(shop), code="V1", settings=settings) is not None
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.status == ParcelStatus.OPEN)).one()
        assert box.seq == 2 and box.id is not None
    with pytest.raises(UserError) as refused:
        reprint(uow(shop), parcel_id=box.id, reason="torn")
    assert str(refused.value) == (
        "Box 1 of order V1 has no label to reprint yet: it gets one when it is weighed."
    )


def test_an_order_held_after_packing_is_no_difference_to_the_audit(
    shop: Engine, settings: Settings
) -> None:
    """The marketplace changed a packed order's address: the import holds it, its packed box
    waiting for the lead.  The audit called it "on_hold but an event packed it"; once its box
    is void (the lead voided the label) and the order still on hold, that is no difference
    either, and a held order packed by an event without a box is still one."""
    order_id, first = packed_order(shop, settings)
    with UnitOfWork(shop) as u:  # as the import's hold writes it
        u.session.execute(
            update(Order).where(col(Order.id) == order_id).values(status=OrderStatus.ON_HOLD)
        )
        u.commit()
    assert audit(shop).ok, audit(shop).as_dict()
    void_label(uow(shop), parcel_id=parcel_id(shop, first), reason="wrong address")
    assert audit(shop).ok, audit(shop).as_dict()
    with UnitOfWork(shop) as u:  # a packed event whose held order has no packed box
        u.record("order_packed", order_id=order_id, boxes=1)
        u.commit()
    report = audit(shop)
    assert [f.problem for f in report.findings] == ["on_hold but an event packed it"]


def test_the_marketplace_s_new_items_are_packed_after_the_lead_releases(
    shop: Engine, settings: Settings
) -> None:
    """A bench had ticked a tea when the tea was refunded and a second cup bought: released by
    the lead, the order went back with its old items, and the refunded tea was packed."""
    order_id = add_order(shop, "V9", [("TEA-001", 2), ("CUP-002", 1)])
    packing.open_order(uow(shop), code="V9", settings=settings)
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    tea = on_hand(shop, "TEA-001")
    with UnitOfWork(shop, user="import") as u:  # as the import holds it (intake.apply)
        order = u.session.get(Order, order_id)
        assert order is not None
        order.status, order.claimed_bench = OrderStatus.ON_HOLD, None
        exception = OrderException(order_id=order_id, kind="changed", note="TEA-001 ×2 → ×0")
        u.session.add_all([order, exception])
        u.flush()
        cup = {"title": "杯子", "spec": "", "unit_price_fen": 990, "is_gift": False}
        u.record(
            "exception_raised",
            order_id=order_id,
            exception_id=exception.id,
            exception_kind="changed",
            new_lines=[{"sku": "CUP-002", "quantity": 2, **cup}],
        )
        u.commit()
    lead.release(uow(shop), order_id=order_id)
    with UnitOfWork(shop) as u:
        rows = u.session.exec(select(OrderLine).where(OrderLine.order_id == order_id)).all()
        # the tea's row stays at 0 units (its undone box names it), the cups are two
        assert sorted((r.sku, r.quantity, r.quantity_packed) for r in rows) == [
            ("CUP-002", 2, 0),
            ("TEA-001", 0, 0),
        ]
    assert on_hand(shop, "TEA-001") == tea + 1  # the tea ticked is back on the shelf
    assert packing.open_order(uow(shop), code="V9", settings=settings) is not None
    pack(shop, order_id, [CUP, CUP], settings)
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_box_being_filled_has_no_label_to_void(shop: Engine, settings: Settings) -> None:
    """The lead's F8 on a box a bench was filling "voided" it: the packer's ticks were undone
    unannounced, while the goods stayed in the box, and the lead read "Label  voided"."""
    order_id = add_order(shop, "V2", [("TEA-001", 2)])
    assert packing.open_order(uow(shop), code="V2", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    with UnitOfWork(shop) as u:
        box = u.session.exec(select(Parcel).where(Parcel.order_id == order_id)).one()
    with pytest.raises(UserError) as refused:
        void_label(UnitOfWork(shop, user="陈主管"), parcel_id=box.id or 0, reason="测试")
    assert str(refused.value) == (
        f"Parcel {box.id} is being filled and has no label yet: there is nothing to void."
    )
    view = read_order(UnitOfWork(shop), order_id, settings)
    assert view.ticked == 1 and view.current is not None and view.current.status == "open"


def _box_by_box(shop: Engine, order_id: int, settings: Settings, boxes: int) -> list[str]:
    """One tea into each of ``boxes`` boxes, each weighed and labelled: their waybills."""
    numbers = []
    for _ in range(boxes):
        assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
        view = read_order(uow(shop), order_id, settings)
        assert view is not None
        if view.phase == Phase.PICKING:
            packing.close_box(uow(shop), order_id=order_id, settings=settings)
        weighed = weigh_the_box(shop, order_id, settings)
        assert weighed.accepted, weighed.message
        with UnitOfWork(shop) as u:
            numbers.append(
                u.session.exec(
                    select(Parcel.tracking_no)
                    .where(Parcel.order_id == order_id, col(Parcel.tracking_no).is_not(None))
                    .order_by(col(Parcel.id).desc())
                ).first()
                or ""
            )
    return numbers


def _pieces_printed(shop: Engine, number: str) -> list[list[int]]:
    box = parcel_id(shop, number)
    with UnitOfWork(shop) as u:
        payloads = u.session.exec(
            select(Event.payload)
            .where(Event.parcel_id == box, col(Event.kind).in_(printing.PIECE_EVENTS))
            .order_by(col(Event.id))
        ).all()
    return [json.loads(p)["piece"] for p in payloads if "piece" in json.loads(p)]


def test_labels_whose_piece_count_a_void_made_wrong_are_named_and_reprinted_right(
    shop: Engine, settings: Settings
) -> None:
    """The lead split three teas into three boxes, all labelled (件 1/3, 2/3, 3/3), then voided
    the second: its tea went into a new box, labelled 件 3/3, while the old third box still
    said 3/3 (it is the second now) and nothing said so; its reprint printed 3/3 again."""
    order_id = add_order(shop, "V3", [("TEA-001", 3)])
    lead.split_order(uow(shop), order_id=order_id, parcels=3)
    assert packing.open_order(uow(shop), code="V3", settings=settings) is not None
    first, second, third = _box_by_box(shop, order_id, settings, 3)
    assert [_pieces_printed(shop, n) for n in (first, second, third)] == [
        [[1, 3]],
        [[2, 3]],
        [[3, 3]],
    ]
    all_printed(shop, settings)
    voided = void_label(uow(shop), parcel_id=parcel_id(shop, second), reason="torn")
    assert [w.tracking_no for w in voided.wrong] == [third]
    said = voided_sentence(second, voided)
    assert f"{third} (件 3/3 → 件 2" in said and "reprint" in said

    lead.release(uow(shop), order_id=order_id)
    assert packing.open_order(uow(shop), code="V3", settings=settings) is not None
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    weighed = weigh_the_box(shop, order_id, settings)
    assert weighed.order_packed
    # the new box prints 件 3/3; the bench is told the old third box's label is wrong now
    assert f"{third} (件 3/3 → 件 2/3)" in weighed.message
    assert first not in weighed.message

    # the normal reprint, with a reason, prints it as it goes now: 件 2/3
    reprint_label(
        uow(shop), parcel_id=parcel_id(shop, third), reason="wrong piece count", settings=settings
    )
    assert _pieces_printed(shop, third)[-1] == [2, 3]
    third_id = parcel_id(shop, third)
    with UnitOfWork(shop) as u:
        assert printing.wrong_pieces(u, order_id) == []
        jobs = u.session.exec(
            select(PrintJob).where(PrintJob.parcel_id == third_id).order_by(col(PrintJob.id))
        ).all()
        label, again = [j for j in jobs if j.kind == "label"]
        assert again.reprint_of == label.id and again.content != label.content
    report = audit(shop)
    assert report.ok, report.as_dict()


def test_a_batch_label_sent_to_another_printer_is_said_and_reprinted_here(
    shop: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The office printed the batch on its own printer (still queued there): the bench took
    that waybill for its own ("printed with the batch"), the packer waited for a label that
    would come out elsewhere, and F7 refused while that job waited."""
    office = settings.model_copy(
        update={
            "devices": settings.devices.model_copy(
                update={"printer": f"dir://{tmp_path / 'office'}", "slip_printer": ""}
            )
        }
    )
    order_id = add_order(shop, "V1", [("TEA-001", 1)])
    print_batch(uow(shop), office, due=TODAY)
    here = settings.devices.printer
    with UnitOfWork(shop) as u:
        number = u.session.exec(select(Order.tracking_no)).one()
    elsewhere = office.devices.printer
    claim = packing.open_order(uow(shop), code=number, settings=settings)
    assert claim is not None and claim.label_printer == elsewhere  # said when it opens
    assert packing.scan_item(uow(shop), order_id=order_id, code=TEA, settings=settings).ok
    weighed = weigh_the_box(shop, order_id, settings)
    assert weighed.accepted and weighed.order_packed
    assert f"waits for printer {elsewhere}, not this bench's" in weighed.message
    assert "reprint it here (F7)" in weighed.message
    # F7 is offered (the job waiting elsewhere is no reason to refuse) and prints it here
    assert packing.reprint_refusal(uow(shop), order_id=order_id, settings=settings) == ""
    assert (
        packing.reprint(
            uow(shop), order_id=order_id, reason="printed at the office", settings=settings
        )
        == number
    )
    with UnitOfWork(shop) as u:
        labels = u.session.exec(
            select(PrintJob).where(PrintJob.kind == "label").order_by(col(PrintJob.id))
        ).all()
        assert [(j.printer, j.status) for j in labels] == [
            (elsewhere, PrintStatus.VOID),  # it never comes out at the office
            (here, PrintStatus.QUEUED),
        ]
        assert labels[1].reprint_of == labels[0].id and labels[1].reason == "printed at the office"
    report = audit(shop)
    assert report.ok, report.as_dict()
