"""The whole packing flow through the real bench application, keys only (Pilot)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from packstation.app import BenchApp
from packstation.config import CarrierSettings, Settings
from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.domain.packing import tolerance
from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.i18n import _, sentences, set_language
from packstation.screens.bench.dialogs import ConfirmForm
from packstation.screens.bench.packing import BenchScreen
from packstation.screens.bench.signin import SignInScreen
from packstation.screens.bench.stop import StopScreen
from packstation.services import lead
from packstation.services.audit import audit
from packstation.services.packing_view import Phase
from packstation.services.reprints import void_label
from packstation.store.engine import make_engine
from packstation.store.models import Event, Order, OrderException, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from packstation.widgets.feedback import Feedback
from packstation.widgets.pick_list import PickList
from packstation.widgets.progress_line import ProgressLine
from packstation.widgets.scan_line import ScanLine
from packstation.widgets.wedge_input import WedgeInput
from packstation.widgets.weight_panel import WeightPanel
from tests.functional.bench.conftest import (
    CUP,
    NOW,
    PAN,
    SIZE,
    SOAP,
    TEA,
    bench,
    feedback,
    make_app,
    packing,
    put_on_scale,
    scan,
    sign_in,
)
from tests.integration.packing.factories import CASE_BARCODE, add_order, change_order
from tests.support.printed import all_printed


def events(engine: Engine, kind: str) -> list[dict[str, object]]:
    with UnitOfWork(engine) as uow:
        rows = uow.session.exec(select(Event).where(Event.kind == kind).order_by(Event.id))
        return [json.loads(e.payload) | {"_user": e.user, "_bench": e.bench} for e in rows]


async def test_the_sign_in_screen_shows_the_devices_as_they_are_after_a_sign_out(
    shop: Engine, bench_settings: Settings
) -> None:
    """The printer ran out of paper and the scale stopped answering while a packer was signed
    in: back on the sign-in screen after F10, the top line still said what it said before the
    sign-in (the printer's state unknown, the scale connected) until the devices next spoke."""
    from packstation.widgets.status_bar import StatusBar

    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        app.printer_state("ready to print", True)
        app.scale_state("connected")
        await sign_in(pilot, "BADGE-001")
        app.printer_state("out of paper", False)
        app.scale_state("not answering: F5 types the weight")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        bar = app.screen.query_one(StatusBar)
        assert (bar.printer, bar.printer_ok) == ("out of paper", False)
        assert bar.scale == "not answering: F5 types the weight"


def order(engine: Engine, no: str) -> Order:
    with UnitOfWork(engine) as uow:
        return uow.session.exec(select(Order).where(Order.order_no == no)).one()


async def test_sign_in_by_badge_and_by_name(shop: Engine, bench_settings: Settings) -> None:
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "NOBODY")
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "BADGE-001")
        assert bench(app).packer.name == "王芳"
        # no order yet: the weight panel says what comes first, not to tick items
        weight = str(bench(app).query_one(WeightPanel).render())
        assert weight == "Weight: open an order, tick its items, then weigh."
        await pilot.press("f5")  # it said to tick every item, with no order open
        await pilot.pause()
        assert feedback(app) == "Open an order first: scan its number, or F2 for the next one."
        await pilot.press("f10")  # sign out
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("down", "down", "enter")  # choose the second name from the list
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen)
    signed = events(shop, "signed_in")
    assert [e["via"] for e in signed] == ["badge", "name"]


async def test_a_store_with_nobody_yet_says_how_to_add_people(
    store_url: str, bench_settings: Settings
) -> None:
    """A shared store just set up: the sign-in showed an empty list, and a name typed was
    "nobody has the badge or name", with no word of how people are added."""
    engine = make_engine(store_url)
    try:
        app = make_app(engine, bench_settings)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = str(app.screen.query_one("#nobody", Static).render())
            assert shown.startswith("No one can sign in yet: add the packers and leads with")
            await sign_in(pilot, "lead")
            said = str(app.screen.query_one("#error", Static).render())
            assert said.startswith("Nobody has the badge or name 'lead': No one can sign in yet")
    finally:
        engine.dispose()


async def test_pack_an_order_end_to_end_with_scans(shop: Engine, bench_settings: Settings) -> None:
    async with packing(shop, bench_settings, "TB1001") as (app, pilot):
        screen = bench(app)
        assert screen.view is not None and screen.view.order_no == "TB1001"
        await scan(pilot, TEA)
        assert "TEA-001" in feedback(app) and screen.view.ticked == 1
        await scan(pilot, PAN)  # wrong item
        assert "Wrong item" in feedback(app) and "PAN-003" in feedback(app)
        assert "TEA-001" in feedback(app)  # says what is wanted
        assert screen.view.ticked == 1
        assert bench(app).query_one(Feedback).has_class("refused")  # red (and the bell)
        await scan(pilot, "0000000000000")  # unknown
        assert "Unknown barcode 0000000000000" in feedback(app)
        await scan(pilot, TEA)
        await scan(pilot, TEA)  # over-scan
        assert "Too many" in feedback(app) and screen.view.ticked == 2
        await scan(pilot, CASE_BARCODE)  # six soaps at once
        assert screen.view.ticked == 8
        await scan(pilot, CUP)
        assert screen.view.phase == Phase.WEIGHING
        box = screen.view.current
        assert box is not None and box.expected_g is not None
        await put_on_scale(pilot, app, box.expected_g + 900)  # outside the tolerance
        assert screen.blocked_grams == box.expected_g + 900
        room = tolerance(
            box.expected_g,
            bench_settings.weighing.tolerance_g,
            bench_settings.weighing.tolerance_pct,
        )
        # the allowed deviation in grams, as the weight panel shows it
        assert f"is outside {box.expected_g} g ± {room} g:" in feedback(app)
        await put_on_scale(pilot, app, box.expected_g + 10)  # the packer fixed the box
        assert "PACKED" in feedback(app)
        assert screen.order_id is None
        all_printed(shop, bench_settings)  # the bench's printer took the label
        await pilot.press("f7", *"jammed", "enter")  # the label came out torn: print it again
        await pilot.pause()
        with UnitOfWork(shop) as uow:
            number = uow.session.exec(select(Parcel.tracking_no)).one()
        assert feedback(app) == f"Label {number} queued again."
    assert order(shop, "TB1001").status == OrderStatus.PACKED
    kinds = [e["outcome"] for e in events(shop, "scan_refused")]
    assert kinds == ["wrong_item", "unknown", "over_scan"]
    assert events(shop, "weight_refused")[0]["source"] == "scale"


async def test_open_by_waybill_and_refusals(shop: Engine, bench_settings: Settings) -> None:
    with UnitOfWork(shop) as uow:
        uow.session.add(Order(order_no="TB-CANCEL", status=OrderStatus.CANCELLED))
        uow.session.add(
            Order(order_no="TB-HOLD", status=OrderStatus.ON_HOLD, hold_reason="地址不全")
        )
        uow.session.add(Order(order_no="TB-DONE", status=OrderStatus.PACKED))
        uow.commit()
    async with packing(shop, bench_settings, "TB-CANCEL") as (app, pilot):
        assert "cancelled" in feedback(app)
        await scan(pilot, "TB-HOLD")
        assert "on hold" in feedback(app) and "地址不全" in feedback(app)
        await scan(pilot, "TB-DONE")
        assert "already packed" in feedback(app)
        await scan(pilot, "NOPE-123")
        assert "No order has the number or waybill NOPE-123" in feedback(app)
        await scan(pilot, "YT7000000000123")  # a pre-printed waybill
        assert bench(app).view is not None and bench(app).view.order_no == "TB1001"
        await scan(pilot, "TB1002")  # another order while one is open
        assert "another order" in feedback(app)


async def test_next_due_by_key_and_by_command_barcode(
    shop: Engine, bench_settings: Settings
) -> None:
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert bench(app).view is not None and bench(app).view.order_no == "TB1001"  # overdue first
        await scan(pilot, "CMD-CANCEL")  # put it back
        assert bench(app).order_id is None
        await scan(pilot, "CMD-NEXT")
        assert bench(app).view is not None and bench(app).view.order_no == "TB1001"


async def test_manual_tick_typed_weight_and_several_boxes(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await pilot.press("f4")  # tick by hand: the only line is chosen
        await pilot.pause()
        await pilot.press("enter")  # the line
        await pilot.press(*"条码破损")
        await pilot.press("enter")
        await pilot.pause()
        screen = bench(app)
        assert screen.view is not None and screen.view.ticked == 1
        await scan(pilot, "CMD-NEWBOX")
        assert screen.view.phase == Phase.WEIGHING
        expected = screen.view.current.expected_g if screen.view.current else 0
        await pilot.press("f5")
        await pilot.pause()
        # a key held down: more than any parcel weighs (it crashed the bench at the store)
        await pilot.press(*"99999999999999999999", "enter")
        await pilot.pause()
        said = str(app.screen.query_one("#error", Label).render())
        assert said == (
            "'99999999999999999999' is no weight: type grams (1250) or kilograms (1.25 kg), "
            "more than 0 and at most 1000000 g."
        )
        await pilot.press("ctrl+u", *"two kilos", "enter")
        await pilot.pause()
        assert "'two kilos' is no weight" in str(app.screen.query_one("#error", Label).render())
        # in kilograms, as a packer reads a parcel scale (the letters of "2kg" were dropped,
        # and 2 g weighed)
        await pilot.press("ctrl+u", *f"{expected / 1000:g} kg", "enter")
        await pilot.pause()
        assert screen.view.current is not None and screen.view.current.seq == 2
        await scan(pilot, PAN)
        assert screen.view.phase == Phase.WEIGHING
        await put_on_scale(pilot, app, screen.view.current.expected_g or 0)
        assert "PACKED" in feedback(app)
    with UnitOfWork(shop) as uow:
        parcels = list(uow.session.exec(select(Parcel).order_by(Parcel.seq)))
        assert [(p.seq, p.status, p.weight_source) for p in parcels] == [
            (1, ParcelStatus.PACKED, "manual"),
            (2, ParcelStatus.PACKED, "scale"),
        ]
        assert parcels[0].measured_weight_g == expected
    assert events(shop, "item_ticked_by_hand")[0]["reason"] == "条码破损"


async def test_lead_override_wrong_then_right_pin(shop: Engine, bench_settings: Settings) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        screen = bench(app)
        expected = screen.view.current.expected_g if screen.view and screen.view.current else 0
        await put_on_scale(pilot, app, expected * 2)
        assert screen.blocked_grams == expected * 2
        for pin in ("0000", "4321"):
            await pilot.press("f8")
            await pilot.pause()
            await pilot.press(*"BADGE-900", "enter", *pin, "enter", *"加了缓冲材料", "enter")
            await pilot.pause()
            if pin == "0000":
                assert "Wrong PIN" in feedback(app)
                assert screen.view is not None and screen.view.phase == Phase.WEIGHING
        assert "PACKED" in feedback(app)
    assert events(shop, "override_refused")[0]["lead"] == "BADGE-900"
    accepted = events(shop, "weight_accepted")[0]
    assert accepted["source"] == "override" and accepted["reason"] == "加了缓冲材料"


async def test_short_puts_the_order_on_hold(shop: Engine, bench_settings: Settings) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, "CMD-SHORT")
        await pilot.press("enter", "enter", *"only one on the shelf", "enter")
        await pilot.pause()
        assert "ON HOLD" in feedback(app)
        assert bench(app).order_id is None
    held = order(shop, "TB1002")
    assert held.status == OrderStatus.ON_HOLD and held.claimed_bench is None
    with UnitOfWork(shop) as uow:
        exc = uow.session.exec(select(OrderException)).one()
        # one was found on the shelf, one is missing: purchasing buys one
        assert (exc.kind, exc.sku, exc.quantity_short) == ("short", "PAN-003", 1)


async def test_a_scan_into_a_typed_field_is_refused_in_a_sentence_shown_whole(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, "CMD-SHORT")
        await pilot.press("enter", "enter")  # the reason, the line: now the note
        await pilot.pause()
        note = app.screen.query_one("#reason", WedgeInput)
        now = [1000.0]
        note.clock = lambda: now[0]
        for key in [*"6901234567892", "enter"]:  # a scanner's burst, 4 ms a key
            now[0] += 0.004
            await pilot.press(key)
        await pilot.pause()
        error = app.screen.query_one("#error", Label)
        assert str(error.render()).startswith("6901234567892 was scanned, but this asks for")
        assert error.size.height == 2  # wrapped in the dialog, not cut at its edge
        assert error.size.width <= app.screen.query_one(VerticalScroll).size.width


async def test_cancelled_while_packing_stops_the_bench(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        with UnitOfWork(shop, bench="import", user="importer") as uow:
            cancelled = uow.session.exec(select(Order).where(Order.order_no == "TB1002")).one()
            cancelled.status = OrderStatus.CANCELLED
            uow.session.add(cancelled)
            uow.record("order_cancelled", order_id=cancelled.id)
            uow.commit()
        await scan(pilot, PAN)  # the next action notices
        for _ in range(100):  # a loaded machine can take a few frames to show it
            if isinstance(app.screen, StopScreen):
                break
            await pilot.pause(0.05)
        stop = app.screen
        assert isinstance(stop, StopScreen)
        told = str(stop.query_one("#stop-do", Static).render())
        assert told.endswith("No label will print, and none was printed.")  # none to tear up
        await pilot.press("enter")  # too soon: a scanner's Enter must not take STOP away
        assert app.screen is stop
        while not stop.can_acknowledge:
            await pilot.pause(0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen) and bench(app).order_id is None
    with UnitOfWork(shop) as uow:
        assert all(p.status == ParcelStatus.VOID for p in uow.session.exec(select(Parcel)))
    assert events(shop, "cancelled_at_bench")


async def test_the_progress_counts_units_in_english(shop: Engine, bench_settings: Settings) -> None:
    add_order(shop, "TB1003", [("CUP-002", 1)])
    async with packing(shop, bench_settings, "TB1003") as (app, pilot):
        progress = bench(app).query_one(ProgressLine)
        assert str(progress.render()).endswith("0 / 1 unit")
        await pilot.press("f9")  # put back
        await pilot.pause()
        await scan(pilot, "TB1002")
        assert str(progress.render()).endswith("0 / 2 units")


async def test_a_short_terminal_keeps_the_order_lines_and_the_progress_in_view(
    shop: Engine, bench_settings: Settings
) -> None:
    """On 80×24 the frames left no row for the pick list, and the bar pushed the figures out."""
    async with packing(shop, bench_settings, "TB1001", (80, 24)) as (app, pilot):
        await scan(pilot, TEA)
        screen = bench(app)
        assert screen.has_class("compact")
        assert screen.query_one("#picklist").region.height >= 5  # its header and every line
        progress = screen.query_one(ProgressLine)
        shown = str(progress.render())
        assert shown.startswith("Progress  █") and shown.endswith("1 / 9 units")
        assert len(shown) <= progress.region.width
        # the box line takes what its text needs (it kept 46 cells), the bar the rest
        box = screen.query_one("#box", Static)
        assert str(box.render()).strip() == "Box 1 (1 unit)  Carton M2"
        assert box.region.width <= len("Box 1 (1 unit)  Carton M2") + 12
        assert shown.count("█") + shown.count("░") >= 20
        # the order's header wraps between its parts: the due date stays whole
        head = str(screen.query_one("#order").render()).splitlines()
        assert head == [
            "Order TB1001  │  YTO  │  张三 · 浙江省 杭州市 西湖区",
            "due 2026-11-25 OVERDUE",
        ]
        await pilot.press("f4")  # a form: as wide as the screen at most (it was 84 cells)
        await pilot.pause()
        form = app.screen.query_one(VerticalScroll)
        assert form.region.x >= 0 and form.region.right <= 80
        await pilot.press("escape")
        await pilot.pause()
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert not screen.has_class("compact")


async def test_a_narrow_terminal_cuts_names_short_but_keeps_the_marks(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1001", (56, 24)) as (app, pilot):
        picklist = bench(app).query_one(PickList)
        rows = [picklist.render_line(y).text for y in range(4)]
        assert all(len(row.rstrip()) <= picklist.size.width for row in rows)
        assert rows[0].split() == ["#", "SKU", "Name", "Spec", "Wanted", "Ticked", "Marks"]
        assert "CUP-002" in rows[2] and rows[2].rstrip().endswith("FRAGILE")
        assert "SOAP-04" in rows[3] and rows[3].rstrip().endswith("GIFT")
        assert "…" in rows[1]  # 西湖龙井 明前特级, cut short
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert "西湖龙井 明前特级" in picklist.render_line(1).text


def test_stop_says_how_many_labels_to_tear_up() -> None:
    told = {n: StopScreen("TB1002", n)._what_to_do() for n in (1, 2)}
    assert told[1].endswith("the 1 label already printed is void: tear it up.")
    assert told[2].endswith("the 2 labels already printed are void: tear them up.")


async def test_cancel_is_noticed_by_the_poll(shop: Engine, bench_settings: Settings) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        with UnitOfWork(shop) as uow:
            cancelled = uow.session.exec(select(Order).where(Order.order_no == "TB1002")).one()
            cancelled.status = OrderStatus.CANCELLED
            uow.session.add(cancelled)
            uow.commit()
        bench(app).poll_order()  # what the one-second timer does
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)


async def test_a_void_made_elsewhere_is_noticed_by_the_poll(
    shop: Engine, bench_settings: Settings
) -> None:
    """A lead voided box 1's label while the bench packed box 2: the screen kept box 1's items
    ticked, showed every line done while the box never closed, and counted "3 of 2" when the
    packer scanned the item again."""
    async with packing(shop, bench_settings, "TB1001") as (app, pilot):
        screen = bench(app)
        await scan(pilot, TEA)
        await scan(pilot, TEA)
        await scan(pilot, "CMD-NEWBOX")
        assert screen.view is not None and screen.view.current is not None
        await put_on_scale(pilot, app, screen.view.current.expected_g or 0)
        await scan(pilot, CUP)  # into box 2
        with UnitOfWork(shop) as uow:
            first = uow.session.exec(select(Parcel).where(Parcel.seq == 1)).one()
        void_label(UnitOfWork(shop, user="陈主管"), parcel_id=first.id or 0, reason="smudged")
        screen.poll_order()  # what the one-second timer does
        await pilot.pause()
        assert feedback(app) == (
            f"Order TB1001 was changed elsewhere. Box 1's label {first.tracking_no} was voided: "
            "tear it off, and tick its items again."
        )
        tea = next(line for line in screen.view.lines if line.sku == "TEA-001")
        assert tea.packed == 0
        screen.poll_order()  # nothing more changed: nothing more said
        await pilot.pause()
        assert "changed elsewhere" in feedback(app)
        await scan(pilot, CUP)  # the cup is in box 2 already
        assert "changed elsewhere" not in feedback(app)
        await scan(pilot, TEA)
        await scan(pilot, TEA)
        await scan(pilot, CASE_BARCODE)
        assert screen.view.phase == Phase.WEIGHING
        await put_on_scale(pilot, app, screen.view.current.expected_g or 0)  # type: ignore[union-attr]
        assert "TB1001 PACKED" in feedback(app)
    assert audit(shop).ok


async def test_a_courier_changed_elsewhere_is_shown_at_once(
    shop: Engine, bench_settings: Settings
) -> None:
    """The lead changed the courier of the order at the bench: its top line said SF until the
    label came out with the other courier."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        screen = bench(app)
        assert screen.view is not None
        with_zto = bench_settings.model_copy(
            update={"carriers": {**bench_settings.carriers, "ZTO": CarrierSettings(name="中通")}}
        )
        lead.change_courier(
            UnitOfWork(shop, user="陈主管"),
            order_id=screen.view.order_id,
            carrier="ZTO",
            settings=with_zto,
        )
        screen.poll_order()
        await pilot.pause()
        assert feedback(app) == "Order TB1002 was changed elsewhere. The courier is now ZTO."
        assert screen.view.carrier == "ZTO"


async def test_the_last_tick_with_the_scale_in_trouble_says_to_type_the_weight(
    shop: Engine, bench_settings: Settings
) -> None:
    """With the scale unplugged, the last tick said "all ticked: put the box on the scale"
    while the weight panel said to type the weight."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        app.scale_reading(ScaleReading(None, ScaleStatus.ERROR))
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        said = "type the weight: F5"
        assert feedback(app).endswith(f"all ticked: {said}")
        assert said in str(bench(app).query_one(WeightPanel).render())


async def test_a_bench_without_a_scale_asks_for_the_weight_to_be_typed(
    shop: Engine, bench_settings: Settings
) -> None:
    """With scale = "none" the bench said to put the box on the scale, which it does not have."""
    typed = bench_settings.model_copy(
        update={"devices": bench_settings.devices.model_copy(update={"scale": "none"})}
    )
    async with packing(shop, typed, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        assert feedback(app).endswith("all ticked: weigh the box and type its weight: F5")
        panel = str(bench(app).query_one(WeightPanel).render())
        assert "weigh the box and type its weight: F5" in panel and "scale" not in panel


@pytest.mark.parametrize(
    ("became", "said"),
    [
        (
            {"status": OrderStatus.ON_HOLD, "hold_reason": "地址不全", "claimed_bench": None},
            "Order TB1002 was put on hold (地址不全): put its goods aside for the lead.",
        ),
        (
            {"claimed_bench": "bench-9", "claimed_user": "Li Lei"},
            "Order TB1002 is being packed at bench-9 now (Li Lei): take its goods there.",
        ),
        (
            {"status": OrderStatus.READY, "claimed_bench": None},
            "Order TB1002 is no longer this bench's (it is ready to pack): put its goods aside "
            "and ask the lead.",
        ),
    ],
)
async def test_an_order_taken_from_the_bench_says_where_its_goods_go(
    shop: Engine, bench_settings: Settings, became: dict[str, object], said: str
) -> None:
    """It said "This bench no longer holds the order", naming neither the order nor why."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        with UnitOfWork(shop) as uow:
            taken = uow.session.exec(select(Order).where(Order.order_no == "TB1002")).one()
            for name, value in became.items():
                setattr(taken, name, value)
            uow.session.add(taken)
            uow.commit()
        bench(app).poll_order()
        await pilot.pause()
        assert feedback(app) == said
        assert bench(app).order_id is None


async def test_restart_in_the_middle_of_an_order(shop: Engine, bench_settings: Settings) -> None:
    async with packing(shop, bench_settings, "TB1001") as (_, pilot):
        await scan(pilot, TEA)
        await scan(pilot, CASE_BARCODE)
    # the process is gone; a new one on the same bench shows the same order and ticks
    again = make_app(shop, bench_settings)
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-002")
        screen = bench(again)
        assert screen.view is not None and screen.view.order_no == "TB1001"
        assert screen.view.ticked == 7
        assert screen.view.current is not None and screen.view.current.units == 7
        assert "Resumed" in feedback(again)
        # Li Lei packs it now: the queue and the day's report name him (they named the packer
        # who had left)
        assert order(shop, "TB1001").claimed_user == "Li Lei"
        await scan(pilot, CUP)
        await scan(pilot, TEA)
        assert screen.view.current is not None
        await put_on_scale(pilot, again, screen.view.current.expected_g or 0)
        assert "TB1001 PACKED" in feedback(again)
    with UnitOfWork(shop) as uow:
        box = uow.session.exec(select(Parcel)).one()
        assert (box.packer, box.bench, box.status) == ("Li Lei", "bench-1", "packed")


async def test_two_benches_scanning_the_same_order(shop: Engine, bench_settings: Settings) -> None:
    first = make_app(shop, bench_settings, "bench-1")
    second = make_app(shop, bench_settings, "bench-2")
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await sign_in(one, "BADGE-001")
        await sign_in(two, "BADGE-002")
        await scan(one, "TB1001")
        await scan(two, "TB1001")
        message = feedback(second)
        assert "bench-1" in message and "王芳" in message
        assert bench(second).order_id is None
        await scan(two, SOAP)  # with no order open, a product is not an order
        assert bench(first).view is not None and bench(first).view.ticked == 0


async def test_a_takeover_says_where_the_ticked_units_are(
    shop: Engine, bench_settings: Settings
) -> None:
    """bench-1 dies with units ticked into its box; the bench that takes the order over after
    the lease is told those units sit in bench-1's box, and a takeover of an empty box is not."""
    first = make_app(shop, bench_settings, "bench-1")
    async with first.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-001")
        await scan(pilot, "TB1001")
        await scan(pilot, TEA)
    _lease_ran_out(shop, "TB1001")
    second = make_app(shop, bench_settings, "bench-2")
    async with second.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-002")
        await scan(pilot, "TB1001")
        assert bench(second).view is not None and bench(second).view.ticked == 1
        said = feedback(second)
        assert said.startswith("Order TB1001 taken over from bench-1 (its lease expired): the 1")
        assert said.startswith(
            "Order TB1001 taken over from bench-1 (its lease expired): the 1 unit ticked there "
            "is in its box at bench-1; bring that box here and go on."
        )
    again = make_app(shop, bench_settings, "bench-1")
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-001")
        await scan(pilot, "TB1002")  # opened, nothing ticked, and bench-1 dies again
    _lease_ran_out(shop, "TB1002")
    third = make_app(shop, bench_settings, "bench-3")
    async with third.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-002")
        await scan(pilot, "TB1002")
        assert feedback(third) == "Order TB1002 taken over from bench-1 (its lease expired)."


async def test_a_box_taken_over_on_the_scale_is_weighed(
    shop: Engine, bench_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench-1 closed the box and died before the scale settled: the bench that took the order
    over said "taken over" and waited for the scale, but did not ask for the weighing (the
    demo's scale never weighed it, and only F9 got the packer out)."""
    first = make_app(shop, bench_settings, "bench-1")
    async with first.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-001")
        await scan(pilot, "TB1002")
        await scan(pilot, PAN)
        await scan(pilot, PAN)  # every unit ticked: the box closes and waits for the scale
        assert bench(first).view is not None and bench(first).view.phase == Phase.WEIGHING
    _lease_ran_out(shop, "TB1002")
    second = make_app(shop, bench_settings, "bench-2")
    asked: list[int] = []
    monkeypatch.setattr(second, "box_on_scale", asked.append)
    async with second.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-002")
        await scan(pilot, "TB1002")
        view = bench(second).view
        assert view is not None and view.phase == Phase.WEIGHING and view.current is not None
        assert asked == [view.current.expected_g]


def _lease_ran_out(engine: Engine, order_no: str) -> None:
    with UnitOfWork(engine) as uow:
        held = uow.session.exec(select(Order).where(Order.order_no == order_no)).one()
        held.lease_until = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        uow.session.add(held)
        uow.commit()


async def test_restart_keeps_the_box_and_its_refused_weight(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        screen = bench(app)
        expected = screen.view.current.expected_g if screen.view and screen.view.current else 0
        await put_on_scale(pilot, app, expected + 800)
    again = make_app(shop, bench_settings)
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "BADGE-900")  # the lead comes over
        screen = bench(again)
        assert screen.view is not None and screen.view.phase == Phase.WEIGHING
        assert screen.blocked_grams == expected + 800
        await pilot.press("f8")
        await pilot.pause()
        # the lead's name is filled in: the PIN and the reason follow
        await pilot.press(*"4321", "enter", *"scale checked", "enter")
        await pilot.pause()
        assert "PACKED" in feedback(again)


async def test_the_bench_draws_a_sample_label_before_the_sign_in(
    shop: Engine, bench_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packstation.services import warm_up

    warmed: list[Settings] = []
    monkeypatch.setattr(warm_up, "warm_up", warmed.append)
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert warmed == [app.settings]
        assert isinstance(app.screen, SignInScreen)


async def test_after_a_put_back_the_boxes_are_counted_as_the_courier_counts_them(
    shop: Engine, bench_settings: Settings
) -> None:
    """Box 1 was undone when the order was put back; opened again, the packer's box is the
    first that goes: "Box 1", with no count of boxes beside it, and closing it says so."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, "CMD-CANCEL")  # put it back: box 1 void
        await scan(pilot, "TB1002")
        screen = bench(app)
        assert screen.view is not None and screen.view.current is not None
        assert (screen.view.current.seq, screen.view.current.place) == (2, 1)
        shown = str(screen.query_one("#box", Static).render())
        assert shown.startswith("Box 1 (0 units)") and "boxes" not in shown
        await scan(pilot, PAN)
        assert str(screen.query_one("#box", Static).render()).startswith("Box 1 (1 unit)")
        await scan(pilot, "CMD-NEWBOX")
        assert "Box 1 closed" in feedback(app)


def _checking(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"bench": settings.bench.model_copy(update={"label_check": True})}
    )


async def _pans_weighed(pilot: Pilot[None], app: BenchApp) -> BenchScreen:
    """TB1002's two pans ticked and weighed, with the label check on: its label is to be
    scanned back."""
    await scan(pilot, PAN)
    await scan(pilot, PAN)
    screen = bench(app)
    assert screen.view is not None and screen.view.current is not None
    await put_on_scale(pilot, app, screen.view.current.expected_g or 0)
    assert screen.view.phase == Phase.LABEL_CHECK
    return screen


async def test_a_wrong_label_scanned_back_names_the_box_whose_label_prints_again(
    shop: Engine, bench_settings: Settings
) -> None:
    """With the label check on, the packer scans another parcel's label: the message names
    this box's number as the one voided and printed again (the other label stays good), and
    the right label then packs the order."""
    app = make_app(shop, _checking(bench_settings))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "TB1002")
        screen = await _pans_weighed(pilot, app)
        assert screen.view is not None and screen.view.current is not None
        mine = screen.view.current.tracking_no
        # an item scanned too soon is no label: the good label on the box was voided for it
        await scan(pilot, PAN)
        assert feedback(app).startswith(f"{PAN} is an item, not a label: scan the label")
        await scan(pilot, "YT7999999999999")
        said = feedback(app)
        assert said.startswith(f"YT7999999999999 is not this box's label {mine}.")
        assert "This box's label was voided and prints again" in said
        assert screen.view.phase == Phase.LABEL_CHECK
        await scan(pilot, mine)
        assert "PACKED" in feedback(app)
    with UnitOfWork(shop) as uow:
        labels = list(
            uow.session.exec(select(PrintJob).where(PrintJob.kind == "label").order_by(PrintJob.id))
        )
        assert [(j.status == "void", j.reprint_of is not None) for j in labels] == [
            (True, False),
            (False, True),
        ]


async def test_put_back_before_the_label_was_scanned_back_says_to_tear_it_off(
    shop: Engine, bench_settings: Settings
) -> None:
    app = make_app(shop, _checking(bench_settings))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "TB1002")
        screen = await _pans_weighed(pilot, app)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)  # the label is void once put back: asked
        question = str(app.screen.query_one(".title", Label).render())
        assert question == "Put order TB1002 back in the queue?"
        # the whole warning shows, wrapped (it was cut after "and its labe")
        said = app.screen.query(Label)[1]
        assert str(said.render()).split("\n")[0].endswith("is void.")
        assert said.region.right <= app.screen.query_one(VerticalScroll).region.right
        await pilot.press("enter")
        await pilot.pause()
        assert feedback(app).startswith(
            "Order TB1002 put back in the queue; its box was undone and its label is void: "
            "tear it off and put the goods back in the tote."
        )
        await scan(pilot, "TB1002")  # opened again: the goods are ticked into a new box
        assert screen.view is not None and screen.view.phase == Phase.PICKING
        assert screen.view.ticked == 0
        await put_on_scale(pilot, app, 0)  # the box came off the scale to be undone
        await _pans_weighed(pilot, app)
        await scan(pilot, "CMD-SHORT")  # a pan turns out damaged: the order goes on hold
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert feedback(app).endswith(
            "The box's label is void: tear it off and put the goods back in the tote."
        )


async def test_quitting_with_an_order_open_asks_and_puts_it_back(
    shop: Engine, bench_settings: Settings
) -> None:
    """Ctrl+Q with an order open asks first: Esc or the CANCEL barcode stays, Enter puts the
    order back in the queue (its open box undone) and quits, so it does not wait for its
    lease."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)
        await pilot.press("escape")
        await pilot.pause()
        assert bench(app).order_id is not None
        await pilot.press("ctrl+q")
        await pilot.pause()
        await scan(pilot, "CMD-CANCEL")
        assert isinstance(app.screen, BenchScreen) and bench(app).order_id is not None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)
        field = app.screen.query_one("#confirm", WedgeInput)
        now = [1000.0]
        field.clock = lambda: now[0]
        for key in [*PAN, "enter"]:  # a scan is no answer (it said "type it": nothing to type)
            now[0] += 0.004
            await pilot.press(key)
        await pilot.pause()
        said = str(app.screen.query_one("#error", Label).render())
        assert said == (
            "6901234567915 was scanned, and is no answer: press Enter for yes, Esc (or scan "
            "CANCEL) for no."
        )
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    assert order(shop, "TB1002").status == OrderStatus.READY
    assert order(shop, "TB1002").claimed_bench is None


async def test_quitting_with_no_order_open_just_quits(
    shop: Engine, bench_settings: Settings
) -> None:
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_q_twice_quits_at_once_and_the_order_stays_with_the_bench(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    held = order(shop, "TB1002")
    assert held.status == OrderStatus.PACKING and held.claimed_bench == "bench-1"


async def test_a_packer_removed_while_signed_in_finishes_the_order_but_takes_no_other(
    shop: Engine, bench_settings: Settings
) -> None:
    from packstation.services.users import remove_user

    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        remove_user(UnitOfWork(shop), name="王芳")  # a lead, at the office, meanwhile
        await scan(pilot, PAN)  # the order in hand goes on
        assert bench(app).view is not None and bench(app).view.lines[0].in_box == 1
        await pilot.press("f9", "enter")  # put back
        await pilot.pause()
        await pilot.press("f2")  # the next order: refused, and signed out
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        parting = str(app.screen.query_one("#parting", Static).render())
        assert "王芳 was removed from the users" in parting
        assert order(shop, "TB1001").claimed_bench is None  # no order was taken
        await sign_in(pilot, "BADGE-001")  # the badge no longer signs in
        assert isinstance(app.screen, SignInScreen)
        assert str(app.screen.query_one("#parting", Static).render()) == ""
        assert "BADGE-001" in str(app.screen.query_one("#error", Static).render())
        await sign_in(pilot, "BADGE-002")  # someone else does, and packs
        await pilot.press("f2")
        await pilot.pause()
        assert bench(app).order_id is not None
    assert [e["_user"] for e in events(shop, "signed_out")] == ["王芳"]


async def test_a_reason_typed_while_the_line_list_has_the_keyboard_goes_to_the_reason(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await pilot.press("f4")  # the list of lines has the keyboard; the reason is typed at once
        await pilot.pause()
        await pilot.press(*"条码破损")
        await pilot.pause(0.2)
        assert app.screen.query_one("#reason", WedgeInput).value == "条码破损"
        await pilot.press("enter")
        await pilot.pause()
        assert bench(app).view is not None and bench(app).view.ticked == 1
    assert events(shop, "item_ticked_by_hand")[0]["reason"] == "条码破损"


async def test_signing_out_with_an_order_open_puts_it_back_and_the_sign_in_says_so(
    shop: Engine, bench_settings: Settings
) -> None:
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await pilot.press("f10")
        await pilot.pause()
        # a pan is ticked in the open box: F10 pressed by mistake (beside F9) undid it unasked
        assert isinstance(app.screen, ConfirmForm)
        said = [str(label.render()) for label in app.screen.query(Label)]
        assert said[:2] == [
            "Put order TB1002 back in the queue?",
            "Its open box is undone: 1 unit ticked in it goes back in the tote.\n"
            "Enter: put it back and sign out.   Esc: stay and go on packing.",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert bench(app).view is not None and bench(app).view.ticked == 1  # nothing undone
        await pilot.press("f10", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        # a notice for the packer leaving (in the warning colour), not an error
        parting = str(app.screen.query_one("#parting", Static).render())
        assert parting == "Order TB1002 put back in the queue; its open box was undone."
        assert str(app.screen.query_one("#error", Static).render()) == ""
    put_back = order(shop, "TB1002")
    assert put_back.status == OrderStatus.READY and put_back.claimed_bench is None
    assert [e["_user"] for e in events(shop, "signed_out")] == ["王芳"]


async def test_a_waybill_scanned_onto_a_box_of_a_carrier_without_a_range_lets_it_weigh(
    shop: Engine, bench_settings: Settings
) -> None:
    oid = add_order(shop, "TB-SF", [("CUP-002", 1)])
    change_order(shop, oid, carrier="SF")  # no waybill range for SF in these settings
    async with packing(shop, bench_settings, "TB-SF") as (app, pilot):
        await scan(pilot, CUP)
        screen = bench(app)
        assert screen.view is not None and screen.view.current is not None
        expected = screen.view.current.expected_g or 0
        await put_on_scale(pilot, app, expected)
        assert "SF has no waybill number range" in feedback(app)
        await scan(pilot, "SF1234567890123")  # a waybill from the courier's roll
        assert "PACKED" in feedback(app)  # the weight on the scale was taken again
    assert order(shop, "TB-SF").status == OrderStatus.PACKED
    with UnitOfWork(shop) as uow:
        box = uow.session.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        assert box.tracking_no == "SF1234567890123"


async def test_a_typed_weight_refused_for_want_of_a_waybill_is_taken_once_one_is_scanned(
    shop: Engine, bench_settings: Settings
) -> None:
    oid = add_order(shop, "TB-SF2", [("CUP-002", 1)])
    change_order(shop, oid, carrier="SF")
    async with packing(shop, bench_settings, "TB-SF2") as (app, pilot):
        await scan(pilot, CUP)
        screen = bench(app)
        assert screen.view is not None and screen.view.current is not None
        expected = screen.view.current.expected_g or 0
        await put_on_scale(pilot, app, expected + 5000)  # first a reading far outside
        assert "BLOCKED" in str(screen.query_one(WeightPanel).render())
        # then the scale cannot settle (a box too big for its plate): the packer types it
        app.scale_reading(ScaleReading(Decimal(expected), ScaleStatus.MOTION))
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press(*str(expected), "enter")
        await pilot.pause()
        assert "SF has no waybill number range" in feedback(app)
        # the panel said "BLOCKED: … outside the tolerance" of the earlier reading
        panel = str(screen.query_one(WeightPanel).render())
        assert f"{expected} g weighed, not taken yet: see the message" in panel
        assert "BLOCKED" not in panel
        await scan(pilot, "SF1234567890130")
        assert "PACKED" in feedback(app)
    with UnitOfWork(shop) as uow:
        box = uow.session.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        assert (box.tracking_no, box.weight_source) == ("SF1234567890130", "manual")


@pytest.mark.parametrize("new_packer", [False, True], ids=["same packer", "new packer"])
async def test_a_box_left_on_the_scale_is_not_weighed_again_for_the_next_order(
    shop: Engine, bench_settings: Settings, new_packer: bool
) -> None:
    """The packed box stayed on the scale and the next order's box closed: its stable reading,
    the old box's, was accepted at once and labelled the new parcel.  With a sign-out and
    another packer's sign-in between, the new packing screen forgot the box weighed last."""
    add_order(shop, "TB1003", [("PAN-003", 2)])  # the same weight as TB1002's
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        old = await _pans_weighed_and_packed(pilot, app)
        if new_packer:
            await pilot.press("f10")  # sign out, the box still on the scale
            await pilot.pause()
            await sign_in(pilot, "BADGE-002")
        screen = bench(app)
        await scan(pilot, "TB1003")
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        assert screen.view is not None and screen.view.phase == Phase.WEIGHING
        await put_on_scale(pilot, app, old)  # still there: the scale keeps sending it
        assert screen.view.phase == Phase.WEIGHING and "PACKED" not in feedback(app)
        panel = str(screen.query_one(WeightPanel).render())
        assert "take the weighed box off the scale, then put this one on" in panel
        await put_on_scale(pilot, app, 0)  # lifted off
        await put_on_scale(pilot, app, old)  # the new box, as heavy
        assert "TB1003 PACKED" in feedback(app)


async def _pans_weighed_and_packed(pilot: Pilot[None], app: BenchApp) -> int:
    """TB1002's pans ticked, weighed and packed: the grams the scale weighed."""
    await scan(pilot, PAN)
    await scan(pilot, PAN)
    screen = bench(app)
    assert screen.view is not None and screen.view.current is not None
    grams = screen.view.current.expected_g or 0
    await put_on_scale(pilot, app, grams)
    assert "TB1002 PACKED" in feedback(app)
    return grams


async def test_own_number_f7_before_a_label_and_after_a_restart(
    shop: Engine, bench_settings: Settings
) -> None:
    """The open order's own number was "another order"; F7 before any label asked for a reason
    first and refused after; an order resumed after a restart could not be reprinted once
    packed ("No order to reprint.")."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, "TB1002")
        assert feedback(app) == "TB1002 is this order, open already: scan its items."
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen)  # no reason asked for
        assert feedback(app) == "No label has been printed for this order yet."
        await scan(pilot, PAN)
    again = make_app(shop, bench_settings)
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = bench(again)
        await scan(pilot, PAN)
        assert screen.view is not None and screen.view.current is not None
        await put_on_scale(pilot, again, screen.view.current.expected_g or 0)
        assert "TB1002 PACKED" in feedback(again)
        await pilot.press("f7")  # the printer is off: it waits, said before a reason is asked
        await pilot.pause()
        assert not isinstance(again.screen, ModalScreen)
        assert feedback(again).startswith("The label has not printed yet: it waits in the queue")
        all_printed(shop, bench_settings)
        await pilot.press("f7", *"jammed", "enter")
        await pilot.pause()
        assert feedback(again).endswith("queued again.")


async def test_a_serial_scanner_signs_in_and_scans(shop: Engine, bench_settings: Settings) -> None:
    """A serial or evdev scanner's codes reached the packing screen only: the badge scanned at
    the sign-in was dropped."""
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.scanned("BADGE-001")  # as the scanner's thread hands a code over
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen) and bench(app).packer.name == "王芳"
        app.scanned("TB1002")
        await pilot.pause()
        assert bench(app).view is not None and bench(app).view.order_no == "TB1002"  # type: ignore[union-attr]


async def test_a_pasted_order_number_opens_it(shop: Engine, bench_settings: Settings) -> None:
    """A paste into the scan line (a number copied from the marketplace) was dropped without a
    word; text pasted with a line break is scanned, the rest waits for Enter."""
    from textual import events

    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        line = bench(app).query_one(ScanLine)
        line.post_message(events.Paste("TB10"))
        await pilot.pause()
        assert line.buffer == "TB10"
        line.post_message(events.Paste("02\n"))
        await pilot.pause()
        await pilot.pause()
        assert bench(app).view is not None and bench(app).view.order_no == "TB1002"  # type: ignore[union-attr]
        assert line.buffer == ""


async def test_a_badge_scanned_at_work_is_called_a_badge(
    shop: Engine, bench_settings: Settings
) -> None:
    """A colleague's badge scanned while signed in was "no order has the number" (no order
    open) or "unknown barcode" (while picking)."""
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        said = "BADGE-002 is Li Lei's badge: to change the packer, sign out first (F10)."
        await scan(pilot, "BADGE-002")
        assert feedback(app) == said
        await scan(pilot, "TB1002")
        await scan(pilot, "BADGE-002")
        assert feedback(app) == said
        assert bench(app).view is not None and bench(app).view.ticked == 0  # type: ignore[union-attr]


async def test_the_simulated_devices_notice_names_the_section_to_set(
    shop: Engine, bench_settings: Settings
) -> None:
    """The notice's "[devices]" was read as markup and dropped: "Set  in the configuration"."""
    app = make_app(shop, bench_settings)
    app.notice = "SIMULATED scale. For a real bench, set [devices] in the configuration."
    async with app.run_test(size=SIZE) as pilot:
        for _screen in ("sign-in", "packing"):
            shown = str(app.screen.query_one("#notice", Static).render())
            assert shown == app.notice
            await sign_in(pilot)


async def test_an_item_scanned_with_no_order_open_is_called_an_item(
    shop: Engine, bench_settings: Settings
) -> None:
    """A product's barcode scanned before any order was open was "no order has the number":
    the packer who picked up the item first learns it is an item and how to open an order."""
    app = make_app(shop, bench_settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, SOAP)
        assert feedback(app) == (
            f"{SOAP} is 手工皂, an item: open an order first (F2, or scan its number on the slip)."
        )
        await scan(pilot, "16901234567929")  # the case of six counts as the item too
        assert "is 手工皂, an item" in feedback(app)
        assert bench(app).order_id is None


async def test_an_export_s_waybill_its_courier_never_gives_waits_for_a_scanned_one(
    shop: Engine, bench_settings: Settings
) -> None:
    """The import says the bench will ask for the waybill: it does, at the scale, and the
    waybill scanned there is the parcel's."""
    add_order(shop, "TB-ODD", [("PAN-003", 1)], tracking_no="abc")
    async with packing(shop, bench_settings, "TB-ODD") as (app, pilot):
        screen = bench(app)
        await scan(pilot, PAN)
        assert screen.view is not None and screen.view.phase == Phase.WEIGHING
        await put_on_scale(pilot, app, screen.view.current.expected_g or 0)  # type: ignore[union-attr]
        assert "ABC is not a YTO tracking number; scan the waybill" in feedback(app)
        assert order(shop, "TB-ODD").status == OrderStatus.PACKING
        await scan(pilot, "YT7000000000555")  # the box still on the scale: weighed again
        assert "label YT7000000000555 queued" in feedback(app)
        assert "TB-ODD PACKED" in feedback(app)
    with UnitOfWork(shop) as uow:
        numbers = uow.session.exec(select(Parcel.tracking_no)).all()
    assert numbers == ["YT7000000000555"]


async def test_a_box_left_on_the_scale_when_the_bench_started_is_not_weighed_for_the_next(
    shop: Engine, bench_settings: Settings
) -> None:
    """A bench restarted with the last box still on the scale accepted its weight at once for
    the box at hand (packed with a label, never weighed), or refused it against the new box."""
    settings = bench_settings.model_copy(
        update={"bench": bench_settings.bench.model_copy(update={"name": "bench-1"})}
    )
    app = BenchApp(settings, engine=shop, devices=False, clock=lambda: NOW)  # no empty reading
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await scan(pilot, "TB1002")
        screen = bench(app)
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        assert screen.view is not None and screen.view.phase == Phase.WEIGHING
        expected = screen.view.current.expected_g or 0  # type: ignore[union-attr]
        await put_on_scale(pilot, app, expected)  # the box of before the restart, as it happens
        assert screen.view.phase == Phase.WEIGHING and not events(shop, "weight_accepted")
        assert not events(shop, "weight_refused")
        panel = str(screen.query_one(WeightPanel).render())
        assert "take the box off the scale: it was on it when the bench started" in panel
        await put_on_scale(pilot, app, 0)  # taken off
        await put_on_scale(pilot, app, expected)  # this order's box
        assert "TB1002 PACKED" in feedback(app)


async def test_f5_does_not_go_round_a_working_scale(shop: Engine, bench_settings: Settings) -> None:
    """The scale weighed 2500 g against 1380 expected and blocked the box; F5 and 1380 typed
    packed it with a label saying 1380, no lead asked.  F5 is for a scale that cannot weigh."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        screen = bench(app)
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        assert screen.view is not None and screen.view.current is not None
        expected = screen.view.current.expected_g or 0
        await put_on_scale(pilot, app, expected * 3)
        assert screen.blocked_grams == expected * 3
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, BenchScreen)  # no form
        assert feedback(app) == (
            f"The scale reads {expected * 3} g, and the box's weight is taken from it; F5 is "
            "for a scale that is off or cannot weigh the box. A weight outside the tolerance "
            "needs a lead: F8."
        )
        await put_on_scale(pilot, app, 0)
        await pilot.press("f5")
        await pilot.pause()
        assert feedback(app).startswith("The scale works: put the box on it.")
        # a scale that cannot settle (a fan, a box too big for the plate): typed, as before
        app.scale_reading(ScaleReading(Decimal(expected), ScaleStatus.MOTION))
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press(*str(expected), "enter")
        await pilot.pause()
        assert "TB1002 PACKED" in feedback(app)
    assert [e["source"] for e in events(shop, "weight_accepted")] == ["manual"]


async def test_a_scale_that_cannot_weigh_says_what_to_do_and_leaves_f5_open(
    shop: Engine, bench_settings: Settings
) -> None:
    """Overloaded, under zero (zeroed with something on it) or in error, the panel said "put
    the box on the scale", and a stable negative reading refused F5: "the scale works"."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        screen = bench(app)
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        said = {
            ScaleReading(None, ScaleStatus.OVERLOAD): "the scale is overloaded: take weight off",
            ScaleReading(Decimal(-1070), ScaleStatus.STABLE): "the scale reads under zero: empty",
            ScaleReading(None, ScaleStatus.ERROR): "type the weight: F5",
        }
        for reading, verdict in said.items():
            app.scale_reading(reading)
            await pilot.pause()
            assert verdict in str(screen.query_one(WeightPanel).render())
        for reading in (  # under zero, still or settling, as after a tare taken off: no weight
            ScaleReading(Decimal(-1070), ScaleStatus.MOTION),
            *[ScaleReading(Decimal(-1070), ScaleStatus.STABLE)] * 3,
        ):
            app.scale_reading(reading)
            await pilot.pause()
        assert "the scale reads under zero: empty" in str(screen.query_one(WeightPanel).render())
        assert events(shop, "weight_accepted") == [] and events(shop, "weight_refused") == []
        await pilot.press("f5")  # under zero: the weight is typed
        await pilot.pause()
        assert not isinstance(app.screen, BenchScreen)  # the weight form


async def test_f6_offers_the_lines_still_to_tick_first(
    shop: Engine, bench_settings: Settings
) -> None:
    """F6 chose the order's first line, ticked in full: Enter pressed through the form held the
    order as short of the tea it had."""
    from textual.widgets import OptionList

    async with packing(shop, bench_settings, "TB1001") as (app, pilot):
        await scan(pilot, TEA)
        await scan(pilot, TEA)
        await pilot.press("f6")
        await pilot.pause()
        lines = app.screen.query_one("#lines", OptionList)
        shown = [str(lines.get_option_at_index(i).prompt) for i in range(lines.option_count)]
        assert [text.split()[0] for text in shown] == ["CUP-002", "SOAP-04", "TEA-001"]
        assert lines.highlighted == 0
        await pilot.press("enter", "enter", "enter")  # short, the first line, no note
        await pilot.pause()
    with UnitOfWork(shop) as uow:
        exc = uow.session.exec(select(OrderException)).one()
    assert (exc.kind, exc.sku, exc.quantity_short) == ("short", "CUP-002", 1)


async def test_a_label_for_a_printer_that_is_off_says_to_keep_the_box(
    shop: Engine, bench_settings: Settings
) -> None:
    """ "Label queued ✔ PACKED" with the printer off: boxes were put aside unlabelled, and their
    labels all came out together once it was back."""
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        bench(app).printer_state("paper out.", False)
        await _pans_weighed_and_packed(pilot, app)  # it says PACKED
        said = feedback(app)
        assert (
            "The printer is not ready: paper out. The label waits for it; keep the box here until "
            "it prints." in said
        )


def _rows_shown(widget: Static) -> list[str]:
    """The rows of text ``widget`` shows on the screen (not what it was given: what fits in its
    box), without its border."""
    top, right, bottom, left = widget.styles.gutter
    width, height = widget.outer_size
    lines = widget.render_lines(widget.region.reset_offset)[top : height - bottom]
    rows = [" ".join(line.crop(left, width - right).text.split()) for line in lines]
    return [row for row in rows if row]


def _shown(widget: Static) -> str:
    """The text ``widget`` shows, its rows joined by spaces."""
    return " ".join(_rows_shown(widget))


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_the_scales_trouble_is_said_once_on_the_top_line(
    shop: Engine, bench_settings: Settings, language: str, size: tuple[int, int]
) -> None:
    """An unplugged scale: its whole sentence was on the top line, again in the weight panel,
    and the panel then said "the scale gives no weight (see the top line…)"; at 80×24 that
    left about two rows of the pick list."""
    from packstation.widgets.status_bar import StatusBar

    set_language(language)
    async with packing(shop, bench_settings, "TB1002", size=size) as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        uri = "serial:///dev/ttyUSB0?protocol=mt-sics"
        trouble = _(
            "Cannot open the {what} at {uri} ({problem}); check the cable, that it is switched on and the permissions (group dialout)."
        ).format(what=_("scale"), uri=uri, problem="no such file or folder")
        app.scale_reading(ScaleReading(None, ScaleStatus.ERROR, b"", "g"))
        bench(app).scale_state(sentences(trouble, _("F5 types the weight.")))
        await pilot.pause()
        top = "".join(_shown(bench(app).query_one(StatusBar)).split())
        assert "".join(sentences(trouble, _("F5 types the weight.")).split()) in top  # whole
        panel = _rows_shown(bench(app).query_one(WeightPanel))
        assert uri not in "".join(panel)
        assert len(panel) <= 2  # as many as with a scale that weighs
        assert _("{what}: ").format(what=_("Scale")) + _("see the top line") in panel[0]
        assert panel[-1].endswith(_("type the weight: F5"))


@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_a_scale_that_answers_with_an_error_says_so_on_the_top_line(
    shop: Engine, bench_settings: Settings, language: str
) -> None:
    """A scale answering "S L" (MT-SICS: an error) while a box waited: the top line said only
    "Scale: error", and the panel pointed at it: "see the top line and its display"."""
    from packstation.devices.protocols import mtsics
    from packstation.widgets.status_bar import StatusBar

    set_language(language)
    async with packing(shop, bench_settings, "TB1002") as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        reading = mtsics.parse(b"S L\r\n")
        assert reading is not None
        app.scale_reading(reading)
        await pilot.pause()
        scale = _("{what}: ").format(what=_("Scale"))
        top = _shown(bench(app).query_one(StatusBar))
        assert scale + _("answers with an error (see its display)") in top
        panel = _shown(bench(app).query_one(WeightPanel))
        assert scale + _("see the top line") in panel


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_the_weight_panel_breaks_between_its_parts(
    shop: Engine, bench_settings: Settings, language: str, size: tuple[int, int]
) -> None:
    """A scale that cannot be opened: the panel's row ended in a bare "│" and the verdict
    began the next, and in Chinese the scale's name had an English colon
    (电子秤: where the top line says 电子秤：)."""
    set_language(language)
    async with packing(shop, bench_settings, "TB1002", size=size) as (app, pilot):
        await scan(pilot, PAN)
        await scan(pilot, PAN)
        trouble = _(
            "Cannot open the {what} at {uri} ({problem}); check the cable, that it is switched on and the permissions (group dialout)."
        ).format(
            what=_("scale"),
            uri="serial:///dev/ttyUSB0?protocol=mt-sics",
            problem="no such file or folder",
        )
        app.scale_reading(ScaleReading(None, ScaleStatus.ERROR, b"", "g"))
        bench(app).scale_state(sentences(trouble, _("F5 types the weight.")))
        await pilot.pause()
        rows = _rows_shown(bench(app).query_one(WeightPanel))
        assert all(row and not row.endswith("│") and not row.startswith("│") for row in rows)
        assert _("{what}: ").format(what=_("Scale")).strip() in " ".join(rows)


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_long_message_is_shown_to_its_end(
    shop: Engine, bench_settings: Settings, size: tuple[int, int]
) -> None:
    """PACKED, the label queued and why the printer is not ready took three lines at 120
    columns (more at 80): the message box showed two, and "keep the box here until it prints"
    was cut off. The box grows for such a message, and is back to its height for a short one."""
    async with packing(shop, bench_settings, "TB1002", size=size) as (app, pilot):
        box = bench(app).query_one(Feedback)
        height = box.region.height
        off = (
            "The printer at tcp://192.168.1.60:9100 cannot be reached (connection refused); "
            "check it is on and on the network."
        )
        bench(app).printer_state(off, False)
        await _pans_weighed_and_packed(pilot, app)
        await pilot.pause()
        assert "PACKED" in feedback(app)
        # the printer's sentence after a colon, not inside brackets of its own
        assert f"The printer is not ready: {off} The label waits for it;" in feedback(app)
        assert _shown(box).endswith("keep the box here until it prints.")
        await scan(pilot, "TB1002")  # already packed: one line
        await pilot.pause()
        assert box.region.height == height
