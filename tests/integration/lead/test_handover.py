"""Courier handover: refusals, sealing, the list and the CSV, on both stores."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.domain.status import ParcelStatus as P
from packstation.errors import UserError
from packstation.labels.render import pages_of
from packstation.services.carriers import courier_refused
from packstation.services.handover import (
    HandoverRefused,
    Runner,
    day_manifest,
    discard_handover,
    handover_manifest,
    kept_out_sentence,
    manifest_csv,
    open_handover,
    open_handovers,
    remove_parcel,
    scan_parcel,
    seal_all_waiting,
    seal_handover,
    sealed_handover,
    shop_couriers,
    waiting_parcels,
)
from packstation.services.manifest_print import manifest_text
from packstation.services.orders import find_order
from packstation.services.reprints import void_label
from packstation.store.models import Event, Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, carriers, label, local, order, parcel
from tests.support.waiting import waits_then

Factory = Callable[..., UnitOfWork]
T = TypeVar("T")


@pytest.fixture
def lead_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "carriers": {
                "YTO": CarrierSettings(name="圆通速递"),
                "ZTO": CarrierSettings(name="中通快递"),
            },
            "shipping": settings.shipping.model_copy(
                update={"manifest_dir": str(tmp_path / "lists")}
            ),
        }
    )


def _seed(engine: Engine) -> None:
    with Session(engine) as s:
        carriers(s, "YTO", "ZTO")
        two = order(s, "O-TWO", status=S.PACKED)
        parcel(s, two, "YT0000000001", weight_g=1200, seq=1)
        parcel(s, two, "YT0000000002", weight_g=800, seq=2)
        one = order(s, "O-ONE", status=S.PACKED)
        parcel(s, one, "YT0000000003", weight_g=450)
        zto = order(s, "O-ZTO", status=S.PACKED, carrier="ZTO")
        parcel(s, zto, "ZT0000000001")
        open_ = order(s, "O-OPEN", status=S.PACKING)
        parcel(s, open_, None, status=P.OPEN)
        unlabelled = order(s, "O-WEIGHED", status=S.PACKING)
        parcel(s, unlabelled, "YT0000000009", status=P.WEIGHED)
        cancelled = order(s, "O-CANCELLED", status=S.CANCELLED)
        parcel(s, cancelled, "YT0000000004")
        s.commit()


def _direct(uow_factory: Factory) -> Runner:
    """Each step in a unit of work of its own, once (no store to lose)."""

    def run(action: Callable[[UnitOfWork], T], *, readonly: bool = False) -> T:
        return action(uow_factory(readonly=readonly))

    return run


def test_refusals(engine: Engine, uow_factory: Factory, lead_settings: Settings) -> None:
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    first = scan_parcel(uow_factory(), handover_id=handover.id, code="YT0000000001")
    assert first.count == 1 and first.order_no == "O-TWO"
    cases = {
        "ZT0000000001": "goes with ZTO, not YTO",
        "YT0000000009": "not packed and labelled",
        "YT0000000004": "was cancelled",
        "YT0000000001": "already in this handover",
        "NOPE": "No parcel has the tracking number NOPE",
    }
    for code, words in cases.items():
        with pytest.raises(HandoverRefused, match=words) as refused:
            scan_parcel(uow_factory(), handover_id=handover.id, code=code)
        message = str(refused.value)
        assert message.count(".") <= 1 or message.endswith(".")
    other = open_handover(
        uow_factory(), carrier="YTO", day=DAY, settings=lead_settings, kind="cage"
    )
    assert other.id is not None
    with pytest.raises(HandoverRefused, match=f"already in handover {handover.id}"):
        scan_parcel(uow_factory(), handover_id=other.id, code="YT0000000001")
    with Session(engine) as s:
        refused_events = s.exec(select(Event).where(Event.kind == "handover_refused")).all()
        assert len(refused_events) == 6


def test_an_order_number_scanned_for_a_waybill_is_named_so(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """ "No parcel has the tracking number O-TWO": the packing slip's barcode was scanned."""
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    cases = {
        "O-TWO": "O-TWO is an order number, not a waybill; scan the parcel's label (its "
        "waybill: YT0000000001, YT0000000002).",
        "O-OPEN": "O-OPEN is an order number, not a waybill; order O-OPEN has no labelled "
        "parcel yet.",
    }
    for code, said in cases.items():
        with pytest.raises(HandoverRefused) as refused:
            scan_parcel(uow_factory(), handover_id=handover.id, code=code)
        assert str(refused.value) == said


def test_the_default_courier_is_known_however_it_is_written(
    uow_factory: Factory, lead_settings: Settings
) -> None:
    """``default_carrier = "sf"`` with no [carriers.SF] table: the handover takes SF, as the
    lead's courier change does (it refused it, comparing the setting as written); a courier of
    no table and not the default is refused in the same words by both."""
    settings = lead_settings.model_copy(
        update={"shipping": lead_settings.shipping.model_copy(update={"default_carrier": "sf"})}
    )
    handover = open_handover(uow_factory(), carrier="sf", day=DAY, settings=settings)
    assert handover.carrier == "SF"
    assert courier_refused(settings, "顺丰") == ""
    refusal = "The carrier 'JD' is unknown; use one of: YTO, ZTO."
    assert courier_refused(settings, "jd") == refusal
    with pytest.raises(UserError) as refused:
        open_handover(uow_factory(), carrier="jd", day=DAY, settings=settings)
    assert str(refused.value) == refusal


def test_a_handover_is_opened_for_the_shop_s_couriers_alone(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """The carrier table holds every built-in carrier: EMS, which the shop does not use, was
    opened ("Handover 1 · EMS") while XYZ was refused."""
    _seed(engine)
    with Session(engine) as s:
        carriers(s, "EMS")
        s.commit()
    for code in ("EMS", "XYZ"):
        with pytest.raises(UserError, match=f"The carrier '{code}' is unknown; use one of"):
            open_handover(uow_factory(), carrier=code, day=DAY, settings=lead_settings)
    assert shop_couriers(lead_settings) == ["YTO", "ZTO"]
    # a parcel of it waits (the marketplace sent the order with it): it is handed over
    with Session(engine) as s:
        ems = order(s, "O-EMS", status=S.PACKED, carrier="EMS")
        parcel(s, ems, "EE000000001CN")
        s.commit()
    handover = open_handover(uow_factory(), carrier="EMS", day=DAY, settings=lead_settings)
    assert handover.carrier == "EMS"


def test_an_empty_open_handover_can_be_thrown_away(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    _seed(engine)
    wrong = open_handover(uow_factory(), carrier="ZTO", day=DAY, settings=lead_settings)
    full = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert wrong.id is not None and full.id is not None
    scan_parcel(uow_factory(), handover_id=full.id, code="YT0000000003")
    with pytest.raises(UserError, match="holds 1 parcel; only an empty one"):
        discard_handover(uow_factory(), handover_id=full.id)
    discard_handover(uow_factory(), handover_id=wrong.id)
    assert [h.id for h, _count in open_handovers(uow_factory(), day=DAY)] == [full.id]
    seal_handover(uow_factory(), handover_id=full.id, settings=lead_settings, now=local(18))
    with pytest.raises(UserError, match="is sealed"):
        discard_handover(uow_factory(), handover_id=full.id)
    with Session(engine) as s:
        assert s.exec(select(Event).where(Event.kind == "handover_discarded")).one()


def test_a_number_typed_as_the_label_prints_it_finds_its_parcel(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """The label prints the number in groups; a lead typing it from a torn barcode types it so,
    or in lower case: the parcel goes in, and comes out again, all the same."""
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    scanned = scan_parcel(uow_factory(), handover_id=handover.id, code=" yt00 0000 0003 ")
    assert (scanned.tracking_no, scanned.order_no, scanned.count) == ("YT0000000003", "O-ONE", 1)
    remove_parcel(uow_factory(), handover_id=handover.id, code="yt0000000003")
    with Session(engine) as s:
        found = s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000003")).one()
        assert found.handover_id is None
    with uow_factory() as u:
        assert (order_found := find_order(u, "YT00 0000 0002")) is not None
        assert order_found.order_no == "O-TWO"


def test_seal_prints_and_saves_the_list(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    for code in ("YT0000000001", "YT0000000003"):
        scan_parcel(uow_factory(), handover_id=handover.id, code=code)
    sealed = seal_handover(
        uow_factory(),
        handover_id=handover.id,
        settings=lead_settings,
        courier_name="刘师傅",
        now=local(18),
    )
    manifest = sealed.manifest
    assert manifest.count == 2 and manifest.total_weight_g == 1650
    assert [line.tracking_no for line in manifest.lines] == ["YT0000000001", "YT0000000003"]
    assert sealed.csv_path is not None
    rows = list(csv.DictReader(io.StringIO(sealed.csv_path.read_text(encoding="utf-8"))))
    assert [(r["tracking_no"], r["weight_g"], r["order_no"]) for r in rows] == [
        ("YT0000000001", "1200", "O-TWO"),
        ("YT0000000003", "450", "O-ONE"),
    ]
    with Session(engine) as s:
        job = s.get(PrintJob, sealed.print_job_id)
        assert job is not None and job.kind == "manifest" and job.status == "queued"
        # drawn for the label printer, as the slips are (the screen shows the list as text)
        assert (job.printer, job.language) == (lead_settings.devices.printer, "zpl")
        assert len(pages_of("zpl", job.content)) == 1
        statuses = {p.tracking_no: p.status for p in s.exec(select(Parcel)).all()}
        assert statuses["YT0000000001"] == P.HANDED_OVER
        assert statuses["YT0000000002"] == P.PACKED  # not scanned
        orders = {o.order_no: o.status for o in s.exec(select(Order)).all()}
        assert orders["O-ONE"] == S.HANDED_OVER
        assert orders["O-TWO"] == S.PACKED  # one of its two parcels is still here
    with pytest.raises(HandoverRefused, match="is sealed"):
        scan_parcel(uow_factory(), handover_id=handover.id, code="YT0000000002")
    waiting = [p.tracking_no for p in waiting_parcels(uow_factory(), carrier="YTO")]
    assert waiting == ["YT0000000002"]
    text = manifest_text(manifest)
    assert "Total weight: 1.650 kg" in text and "Courier signature" in text


def test_a_parcel_voided_after_it_was_scanned_in_is_named_by_the_seal(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """A label voided elsewhere while the seal was being confirmed took its parcel out of the
    handover at once: the seal handed the others over and said nothing of it, though the box
    still lay in the bag."""
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    for code in ("YT0000000001", "YT0000000002", "YT0000000003"):
        scan_parcel(uow_factory(), handover_id=handover.id, code=code)
    # the lead's own taking out is no news: the lead holds the box
    remove_parcel(uow_factory(), handover_id=handover.id, code="YT0000000002")
    with Session(engine) as s:
        voided = s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000001")).one()
    void_label(uow_factory(), parcel_id=voided.id or 0, reason="x")
    listed = handover_manifest(uow_factory(), handover_id=handover.id)
    assert [line.tracking_no for line in listed.lines] == ["YT0000000003"]
    assert [(t.tracking_no, t.why) for t in listed.taken_out] == [("YT0000000001", "label voided")]
    sealed = seal_handover(
        uow_factory(), handover_id=handover.id, settings=lead_settings, now=local(18)
    )
    assert sealed.manifest.count == 1
    assert sealed.kept_out == ("YT0000000001",)
    assert "YT0000000001" in kept_out_sentence(sealed.kept_out)
    # read back after a lost answer, it names it too
    again = sealed_handover(uow_factory(), handover_id=handover.id, settings=lead_settings)
    assert again.kept_out == ("YT0000000001",)


def test_the_list_goes_to_a_receipt_slip_printer_in_its_language(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """With the slips on a receipt printer and no printer of its own for the lists, the list
    went to the receipt printer in ZPL, the labels' language: it printed the commands as text."""
    _seed(engine)
    receipt = lead_settings.model_copy(
        update={
            "devices": lead_settings.devices.model_copy(update={"slip_printer": "sim://receipt"}),
            "printing": lead_settings.printing.model_copy(update={"slip_size": "80mm"}),
        }
    )
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=receipt)
    assert handover.id is not None
    scan_parcel(uow_factory(), handover_id=handover.id, code="YT0000000003")
    sealed = seal_handover(uow_factory(), handover_id=handover.id, settings=receipt, now=local(18))
    with Session(engine) as s:
        job = s.get(PrintJob, sealed.print_job_id)
        assert job is not None and (job.printer, job.language) == ("sim://receipt", "escpos")
        assert job.content.startswith(b"\x1b@") and b"^XA" not in job.content
        [roll] = pages_of("escpos", job.content)
        assert roll.width == 576


def test_empty_handover_cannot_be_sealed(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    _seed(engine)
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    with pytest.raises(UserError, match="empty"):
        seal_handover(uow_factory(), handover_id=handover.id, settings=lead_settings)


def test_seal_all_waiting_matches_the_parcels(
    engine: Engine, uow_factory: Factory, lead_settings: Settings, tmp_path: Path
) -> None:
    _seed(engine)
    out = tmp_path / "yto.csv"
    seal = partial(
        seal_all_waiting,
        _direct(uow_factory),
        carrier="YTO",
        day=DAY,
        settings=lead_settings,
        print_list=False,
        csv_file=out,
    )
    sealed = seal()
    assert sealed is not None and sealed.print_job_id is None
    with Session(engine) as s:
        handed = s.exec(select(Parcel).where(Parcel.status == P.HANDED_OVER)).all()
        expected = sorted((p.tracking_no or "", p.measured_weight_g or 0) for p in handed)
    assert sorted((line.tracking_no, line.weight_g) for line in sealed.manifest.lines) == expected
    assert len(expected) == 3
    assert manifest_csv(day_manifest(uow_factory(), carrier="YTO", day=DAY)) == out.read_text(
        encoding="utf-8"
    )
    assert seal() is None  # nothing waits any more


# the settings a handover is opened with on PostgreSQL alone (``lead_settings`` comes per store)
YTO = Settings().model_copy(update={"carriers": {"YTO": CarrierSettings(name="圆通速递")}})


@pytest.mark.postgres
def test_a_scan_waits_for_a_seal_of_its_handover_and_is_refused(pg_engine: Engine) -> None:
    """The lead seals a handover while a scan into it is on its way (another screen, or the
    manifest command): the scan waits, then finds it sealed, instead of putting the parcel into
    a handover whose list is already printed (where it would never be handed over)."""
    _seed(pg_engine)
    uow = partial(UnitOfWork, pg_engine)
    handover = open_handover(uow(), carrier="YTO", day=DAY, settings=YTO)
    with pg_engine.connect() as sealing:  # the seal, half-way: its handover row is locked
        sealing.execute(
            text("UPDATE handover SET sealed_at = now() WHERE id = :id"), {"id": handover.id}
        )
        with pytest.raises(HandoverRefused, match="is sealed"):
            waits_then(
                sealing, lambda: scan_parcel(uow(), handover_id=handover.id, code="YT0000000003")
            )
    with Session(pg_engine) as s:
        waiting = s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000003")).one()
        assert waiting.handover_id is None  # still waiting for the next handover


@pytest.mark.postgres
def test_one_parcel_scanned_into_two_handovers_at_once_goes_into_one(pg_engine: Engine) -> None:
    _seed(pg_engine)
    uow = partial(UnitOfWork, pg_engine)
    first = open_handover(uow(), carrier="YTO", day=DAY, settings=YTO, kind="bag")
    second = open_handover(uow(), carrier="YTO", day=DAY, settings=YTO, kind="cage")
    with pg_engine.connect() as scanning:  # a scan into the first, not committed yet
        scanning.execute(
            text("SELECT id FROM handover WHERE id = :id FOR UPDATE"), {"id": first.id}
        )
        scanning.execute(
            text("UPDATE parcel SET handover_id = :h WHERE tracking_no = 'YT0000000003'"),
            {"h": first.id},
        )
        with pytest.raises(HandoverRefused, match=f"already in handover {first.id}"):
            waits_then(
                scanning,
                lambda: scan_parcel(uow(), handover_id=second.id, code="YT0000000003"),
            )
    with Session(pg_engine) as s:
        parcel_row = s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000003")).one()
        assert parcel_row.handover_id == first.id


@pytest.mark.postgres
def test_a_label_void_waits_for_a_seal_and_leaves_the_handed_over_parcel_alone(
    pg_engine: Engine,
) -> None:
    """A lead voids a parcel's label while the parcel is being sealed into a handover: the void
    waits, then refuses, instead of turning a parcel on its way to the courier into a void one."""
    _seed(pg_engine)
    with Session(pg_engine) as s:
        sealed = s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000003")).one()
        parcel_id, order_id = sealed.id or 0, sealed.order_id
    with pg_engine.connect() as sealing:  # a seal, half-way: its order and parcel are locked
        sealing.execute(text('SELECT id FROM "order" WHERE id = :id FOR UPDATE'), {"id": order_id})
        sealing.execute(
            text("UPDATE parcel SET status = 'handed_over' WHERE id = :id"), {"id": parcel_id}
        )
        # named as the lead reads the status, not as stored (handed_over)
        with pytest.raises(UserError, match="is handed over; its label cannot be voided"):
            waits_then(
                sealing,
                lambda: void_label(UnitOfWork(pg_engine), parcel_id=parcel_id, reason="torn"),
            )
    with Session(pg_engine) as s:
        assert s.exec(select(Parcel.status).where(Parcel.id == parcel_id)).one() == P.HANDED_OVER


def test_a_parcel_whose_label_has_not_printed_is_not_handed_over(
    engine: Engine, uow_factory: Factory, lead_settings: Settings
) -> None:
    """A label waiting in the queue for a printer out of paper: the lead's scan put its parcel
    into the handover and the seal handed it over, with no label on the box.  Its scan is
    refused now; one whose label is printed again after it went in (a reprint that waits) is
    marked in the list and taken out at the seal, named with the others."""
    _seed(engine)
    with Session(engine) as s:
        boxes = {p.tracking_no: p for p in s.exec(select(Parcel)).all()}
        label(s, boxes["YT0000000001"], status="queued")
        label(s, boxes["YT0000000003"])
        s.commit()
    waiting = {p.tracking_no: p.label_waits for p in waiting_parcels(uow_factory(), carrier="YTO")}
    assert waiting["YT0000000001"] == "sim://" and waiting["YT0000000003"] == ""
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    with pytest.raises(HandoverRefused) as refused:
        scan_parcel(uow_factory(), handover_id=handover.id, code="YT0000000001")
    assert str(refused.value) == (
        "The label of parcel YT0000000001 has not printed yet (it waits in the queue for "
        "sim://); keep the parcel out until its label is printed and on the box."
    )
    for code in ("YT0000000002", "YT0000000003"):
        scan_parcel(uow_factory(), handover_id=handover.id, code=code)
    with Session(engine) as s:  # reprinted after it went in: the new label waits
        label(
            s,
            s.exec(select(Parcel).where(Parcel.tracking_no == "YT0000000003")).one(),
            status="queued",
        )
        s.commit()
    listed = handover_manifest(uow_factory(), handover_id=handover.id)
    assert [(line.tracking_no, line.stopped) for line in listed.lines] == [
        ("YT0000000002", ""),
        ("YT0000000003", "label not printed"),
    ]
    sealed = seal_handover(
        uow_factory(), handover_id=handover.id, settings=lead_settings, now=local(18)
    )
    assert [line.tracking_no for line in sealed.manifest.lines] == ["YT0000000002"]
    assert sealed.kept_out == ("YT0000000003",)
    assert "a label not printed yet" in kept_out_sentence(sealed.kept_out)
    with Session(engine) as s:
        statuses = {p.tracking_no: p.status for p in s.exec(select(Parcel)).all()}
    assert statuses["YT0000000001"] == statuses["YT0000000003"] == P.PACKED
    assert statuses["YT0000000002"] == P.HANDED_OVER
    again = sealed_handover(uow_factory(), handover_id=handover.id, settings=lead_settings)
    assert again.kept_out == ("YT0000000003",)
