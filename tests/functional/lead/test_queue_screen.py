"""The queue screen: filtering as the lead types, paging, tomorrow, and refreshing by itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.exc import OperationalError
from sqlmodel import col
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from packstation.config import Settings
from packstation.lead_app import LeadApp
from packstation.screens.lead.queue import COLUMNS, QueueScreen
from packstation.services.queue import QueuePage, queue_page
from packstation.store.models import Order
from packstation.store.types import utcnow
from packstation.widgets.pieces import Pieces
from tests.functional.lead.conftest import until


def _numbers(app: LeadApp) -> list[str]:
    table = app.screen.query_one("#queue", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def _first_page(pilot: Pilot[None]) -> QueueScreen:
    """Wait for the day's first page and its count, read to fit the table.  At 120 columns the
    counts line wraps once the counts arrive, and the page read before is read again to fit the
    table, now a line shorter."""
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    await until(pilot, lambda: screen.total == 22 and screen.shown == (0, screen.page_size))
    return screen


def test_filter_as_you_type(make_app: Callable[..., LeadApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await until(pilot, lambda: screen.refreshes >= 1 and screen.total > 0)
            assert screen.total == 22  # due today (any status) and the overdue one
            numbers = _numbers(app)
            assert numbers[0] == "TB-OLD" and numbers[1] == "TB-HOLD"
            await pilot.press(*"SF")
            await until(pilot, lambda: _numbers(app) == ["TB-SF"])
            await pilot.press("escape")
            await pilot.press(*"hold")
            await until(pilot, lambda: _numbers(app) == ["TB-HOLD"])
            await pilot.press("escape", *"bench-2")
            await until(pilot, lambda: sorted(_numbers(app)) == ["TB-PACKING", "TB-ZTO"])
            await pilot.press("escape", *"00011")  # the last digits of a phone number
            await until(pilot, lambda: _numbers(app) == ["TB0011"])
            # nothing found is said so (it said "0–0 of 0")
            await pilot.press("escape", *"NOSUCH")
            await until(pilot, lambda: _numbers(app) == [])
            info = app.screen.query_one("#pageinfo", Static)
            await until(pilot, lambda: str(info.render()) == "No order matches the filter.")

    asyncio.run(scenario())


def test_pages_and_tomorrow(make_app: Callable[..., LeadApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 24)) as pilot:
            screen = await _first_page(pilot)
            table = screen.query_one("#queue", DataTable)
            # the page fits the table once the layout has settled (the counts line wraps, the
            # table shrinks a line, the page is read again): on a loaded machine that takes a
            # few frames after the first page is shown
            await until(
                pilot,
                lambda: (
                    screen.query_one("#summary", Pieces).size.height == 2
                    and len(_numbers(app)) == table.size.height - 1 < 22
                ),
            )
            size = len(_numbers(app))
            first_page = _numbers(app)
            await pilot.press("pagedown")
            await until(pilot, lambda: _numbers(app) and _numbers(app)[0] not in first_page)
            info = str(app.screen.query_one("#pageinfo", Static).render())
            assert f"{size + 1}–" in info and "of 22" in info
            await pilot.press("pageup")
            await until(pilot, lambda: _numbers(app) == first_page)
            # a page that began part-way (the page size grew with the terminal): PgUp goes
            # to the first page (it went nowhere)
            screen.page_offset = 3
            await pilot.press("pageup")
            await until(pilot, lambda: screen.page_offset == 0)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: screen.total == 23)

    asyncio.run(scenario())


def test_a_page_fits_a_narrow_terminal(
    make_app: Callable[..., LeadApp], lead_engine: Engine
) -> None:
    """Rows wider than the terminal give the table a horizontal scrollbar, which takes a row's
    line: the page is one row shorter, and none hides below the table."""
    with lead_engine.begin() as conn:  # a reason longer than the narrow columns leave room for
        conn.execute(
            update(Order).where(col(Order.order_no) == "TB-HOLD").values(hold_reason="缺" * 60)
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(90, 24)) as pilot:
            screen = await _first_page(pilot)
            table = screen.query_one("#queue", DataTable)
            # once the layout has settled (on a loaded machine, a few frames after the first
            # page is shown): the scrollbar is there, and every row of the page is in sight
            await until(
                pilot,
                lambda: (
                    table.max_scroll_x > 0
                    and table.max_scroll_y == 0
                    and len(_numbers(app)) == table.size.height - 2
                ),
            )

    asyncio.run(scenario())


def test_a_narrow_terminal_keeps_the_reason_in_view(make_app: Callable[..., LeadApp]) -> None:
    """At 80 columns the reasons were off the screen's edge, behind the paid time, bench,
    packer and recipient: a narrower terminal leaves those out, and shows them again once it
    is wide enough."""

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 24)) as pilot:
            screen = await _first_page(pilot)
            table = screen.query_one("#queue", DataTable)
            every = [str(label) for label in COLUMNS]
            for width, shown in (
                (80, ["Order", "Status", "Due", "Carrier", "Reason"]),
                (100, ["Order", "Status", "Due", "Carrier", "Bench", "Packer", "Reason"]),
                (120, every),
            ):
                await pilot.resize_terminal(width, 24)

                def fits(shown: list[str] = shown) -> bool:
                    labels = [str(c.label) for c in table.columns.values()]
                    return labels == shown and "TB-HOLD" in _numbers(app)

                await until(pilot, fits)
                row = table.get_row_at(_numbers(app).index("TB-HOLD"))
                assert str(row[-1]) == "SKU-1 缺货 1 件"
                await until(pilot, lambda: table.virtual_size.width <= table.size.width)

    asyncio.run(scenario())


def test_the_top_lines_wrap_between_their_pieces(make_app: Callable[..., LeadApp]) -> None:
    """At 60 columns the tabs, the deadlines and the counts each take more than one row, and
    no tab, deadline or count is split between two."""

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(60, 30)) as pilot:
            screen = await _first_page(pilot)
            await until(pilot, lambda: "confirm" in str(screen.query_one("#countdowns").render()))
            for name, whole in (
                ("#navigation", " F6 End of day"),
                ("#countdowns", "confirm 21:00 "),
                ("#summary", "handed over 1"),
            ):
                widget = screen.query_one(name, Pieces)
                rows = str(widget.render()).splitlines()
                assert len(rows) > 1 and widget.size.height == len(rows), (name, rows)
                assert any(whole in row for row in rows), (name, rows)
                assert max(len(row) for row in rows) <= widget.content_size.width

    asyncio.run(scenario())


def test_a_slow_read_of_an_earlier_page_does_not_cover_the_page_asked_for(
    make_app: Callable[..., LeadApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the first page that ends after the lead paged on is dropped, not shown over
    the next page (and its count with it)."""
    held = threading.Event()
    started = threading.Event()
    release = threading.Event()
    finished = threading.Event()

    def page(*args: Any, **kwargs: Any) -> QueuePage:
        if kwargs["offset"] == 0 and held.is_set():
            started.set()
            release.wait(10)
            result = queue_page(*args, **kwargs)
            finished.set()
            return result
        return queue_page(*args, **kwargs)

    monkeypatch.setattr("packstation.screens.lead.queue.queue_page", page)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 24)) as pilot:
            screen = await _first_page(pilot)
            held.set()
            screen.reload()  # the first page again, read slowly
            await until(pilot, started.is_set)
            await pilot.press("pagedown")
            await until(pilot, lambda: screen.shown[0] > 0)
            second_page = _numbers(app)
            counted = screen.counted
            release.set()
            await until(pilot, finished.is_set)
            for _ in range(20):  # time for the slow read's messages, were they posted
                await pilot.pause(0.02)
            assert _numbers(app) == second_page
            assert screen.counted == counted

    asyncio.run(scenario())


def test_refreshes_while_another_process_packs(
    make_app: Callable[..., LeadApp], lead_settings: Settings
) -> None:
    async def scenario() -> None:
        app = make_app(refresh_seconds=0.2)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await pilot.press(*"TB0003")
            await until(pilot, lambda: _numbers(app) == ["TB0003"])
            table = screen.query_one("#queue", DataTable)
            assert "ready" in str(table.get_row_at(0)[1])
            script = textwrap.dedent(
                f"""
                from sqlmodel import select
                from packstation.store.engine import make_engine
                from packstation.store.models import Order
                from packstation.store.uow import UnitOfWork
                engine = make_engine({lead_settings.store.url!r})
                uow = UnitOfWork(engine, bench="bench-7", user="小王")
                with uow:
                    order = uow.session.exec(select(Order).where(Order.order_no == "TB0003")).one()
                    order.status = "packing"
                    order.claimed_bench = "bench-7"
                    order.claimed_user = "小王"
                    uow.session.add(order)
                    uow.record("order_claimed", order_id=order.id)
                    uow.commit()
                """
            )
            subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
            await until(pilot, lambda: "bench-7" in [str(c) for c in table.get_row_at(0)])
            assert "packing" in str(table.get_row_at(0)[1])

    asyncio.run(scenario())


def test_a_store_that_went_away_is_one_sentence(
    make_app: Callable[..., LeadApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store dropped the connection while the queue was read: the message line says the
    store is unreachable, in one line without the statement, and the screen stays."""
    from packstation.screens.lead import queue

    def dropped(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "SELECT …", {}, Exception("server closed the connection unexpectedly\n\tdetail")
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await until(pilot, lambda: screen.refreshes >= 1)
            monkeypatch.setattr(queue, "queue_page", dropped)
            screen.reload()
            line = screen.query_one("#message", Static)
            await until(pilot, lambda: "unreachable" in str(line.render()))
            text = str(line.render())
            assert "server closed the connection unexpectedly" in text
            assert "SELECT" not in text and "\n" not in text
            assert isinstance(app.screen, QueueScreen)

    asyncio.run(scenario())


def test_a_bench_whose_lease_ran_out_stands_out(
    make_app: Callable[..., LeadApp], lead_engine: Engine
) -> None:
    """bench-2 stopped renewing its claim on TB-PACKING (it died, or lost the store): the lead
    sees when its lease ran out (the next bench that asks takes the order over)."""
    ran_out = utcnow() - dt.timedelta(minutes=3)
    with lead_engine.begin() as connection:
        connection.execute(
            update(Order).where(col(Order.order_no) == "TB-PACKING").values(lease_until=ran_out)
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(160, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            await until(pilot, lambda: screen.refreshes >= 1 and "TB-PACKING" in _numbers(app))
            table = screen.query_one("#queue", DataTable)
            row = table.get_row_at(_numbers(app).index("TB-PACKING"))
            at = ran_out.astimezone(app.zone).strftime("%H:%M")
            assert str(row[-1]) == f"lease ran out {at}"
            summary = str(screen.query_one("#summary", Pieces).render())
            assert "packing 1" in summary and "1 lease ran out" in summary

    asyncio.run(scenario())


def test_a_long_recipient_name_keeps_the_reason_in_view(
    make_app: Callable[..., LeadApp], lead_engine: Engine
) -> None:
    """A 53-character recipient widened its column on every page, and the reasons went off
    the screen at 140 columns."""
    with lead_engine.begin() as conn:
        conn.execute(
            update(Order).where(col(Order.order_no) == "TB-HOLD").values(recipient_name="长" * 53)
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            table = app.screen.query_one("#queue", DataTable)
            await until(pilot, lambda: "TB-HOLD" in _numbers(app))
            row = table.get_row_at(_numbers(app).index("TB-HOLD"))
            assert row[7].cell_len <= 16 and row[7].plain.endswith("…")
            assert table.virtual_size.width <= table.size.width  # the reason in view

    asyncio.run(scenario())
