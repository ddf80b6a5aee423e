"""The label and slip are drawn before the weighing transaction, and used only if still right."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from packstation.config import Settings
from packstation.domain.status import WeightSource
from packstation.services import documents, packing, printing, tracking
from packstation.services.packing import weighing
from packstation.services.packing_view import read_order
from packstation.store.engine import READONLY
from packstation.store.models import Carrier, Event, Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import add_order, seed_catalogue

TEA = "6901234567892"


def uow(engine: Engine, *, readonly: bool = False) -> UnitOfWork:
    return UnitOfWork(engine, bench="bench-1", user="王芳", readonly=readonly)


def ready_to_weigh(engine: Engine, settings: Settings) -> tuple[int, int]:
    """An order of one tea, ticked: (order id, expected grams)."""
    seed_catalogue(engine)
    oid = add_order(engine, "D1", [("TEA-001", 1)])
    packing.open_order(uow(engine), code="D1", settings=settings)
    assert packing.scan_item(uow(engine), order_id=oid, code=TEA, settings=settings).box_closed
    view = read_order(uow(engine, readonly=True), oid, settings)
    assert view is not None and view.current is not None and view.current.expected_g
    return oid, view.current.expected_g


def jobs(engine: Engine, oid: int) -> list[PrintJob]:
    with uow(engine, readonly=True) as u:
        return list(u.session.exec(select(PrintJob).where(PrintJob.order_id == oid)))


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    label, slip = documents.render_parcel_label, documents.render_order_slip

    def render_label(settings: Settings, data: object) -> object:
        calls.append("label")
        return label(settings, data)  # type: ignore[arg-type]

    def render_slip(settings: Settings, data: object) -> object:
        calls.append("slip")
        return slip(settings, data)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "render_parcel_label", render_label)
    monkeypatch.setattr(documents, "render_order_slip", render_slip)
    return calls


def keep_drafts(monkeypatch: pytest.MonkeyPatch) -> list[printing.Drafts]:
    """The documents drawn before each weighing transaction, from now on."""
    drafted: list[printing.Drafts] = []
    draw = printing.draw_parcel_documents

    def keep(*args: object, **kwargs: object) -> printing.Drafts:
        result = draw(*args, **kwargs)  # type: ignore[arg-type]
        drafted.append(result)
        return result

    monkeypatch.setattr(printing, "draw_parcel_documents", keep)
    return drafted


def test_documents_drawn_once_before_the_transaction_are_queued(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid, expected = ready_to_weigh(engine, settings)
    calls = count_renders(monkeypatch)
    drafted = keep_drafts(monkeypatch)
    done = packing.weigh(
        uow(engine), order_id=oid, grams=expected, source=WeightSource.SCALE, settings=settings
    )
    assert done.accepted and done.order_packed
    assert calls == ["label", "slip"]  # drawn once each, not again inside the transaction
    queued = {job.kind: job.content for job in jobs(engine, oid)}
    assert queued == {"label": drafted[0].label.content, "slip": drafted[0].slip.content}  # type: ignore[union-attr]
    assert drafted[0].label_data.weight_g == expected  # the weight being accepted is printed


def test_a_change_between_drawing_and_queueing_is_drawn_again(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid, expected = ready_to_weigh(engine, settings)
    draw = printing.draw_parcel_documents
    stale: list[printing.Drafts] = []

    def then_the_lead_edits_the_address(*args: object, **kwargs: object) -> printing.Drafts:
        result = draw(*args, **kwargs)  # type: ignore[arg-type]
        stale.append(result)
        with uow(engine) as u:
            order = u.session.get(Order, oid)
            assert order is not None
            order.address = "文三路 90 号 2 单元"
            u.session.add(order)
            u.commit()
        return result

    monkeypatch.setattr(printing, "draw_parcel_documents", then_the_lead_edits_the_address)
    calls = count_renders(monkeypatch)
    done = packing.weigh(
        uow(engine), order_id=oid, grams=expected, source=WeightSource.SCALE, settings=settings
    )
    assert done.accepted
    label = next(job for job in jobs(engine, oid) if job.kind == "label")
    assert label.content != stale[0].label.content
    assert calls == ["label", "slip", "label"]  # the label again; the slip has no address


def test_a_refused_weight_takes_no_waybill_number(engine: Engine, settings: Settings) -> None:
    oid, expected = ready_to_weigh(engine, settings)
    refused = packing.weigh(
        uow(engine), order_id=oid, grams=expected * 3, source=WeightSource.SCALE, settings=settings
    )
    assert not refused.accepted
    with uow(engine, readonly=True) as u:
        numbers = list(u.session.exec(select(Parcel.tracking_no).where(Parcel.order_id == oid)))
    assert numbers == [None]
    assert jobs(engine, oid) == []


def test_a_number_taken_by_another_bench_meanwhile_is_not_printed(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drafts are drawn with the carrier's next number before anything is taken; when
    another bench takes that number first, the weighing numbers the box, draws it again and
    prints the box's own number, and the attempt with the stale drafts leaves nothing behind."""
    oid, expected = ready_to_weigh(engine, settings)
    monkeypatch.setattr(weighing, "guesses_numbers", lambda _uow: True)  # PostgreSQL too
    draw = printing.draw_parcel_documents
    drawn: list[printing.Drafts] = []

    def then_another_bench_takes_the_number(*args: object, **kwargs: object) -> printing.Drafts:
        result = draw(*args, **kwargs)  # type: ignore[arg-type]
        drawn.append(result)
        if len(drawn) == 1:
            with UnitOfWork(engine, bench="bench-2", user="李雷") as other:
                tracking.allocate(other, settings, "YTO")
                other.commit()
        return result

    monkeypatch.setattr(printing, "draw_parcel_documents", then_another_bench_takes_the_number)
    done = packing.weigh(
        uow(engine),
        order_id=oid,
        grams=expected,
        source=WeightSource.SCALE,
        settings=settings,
    )
    assert done.accepted and done.order_packed
    assert [d.label_data.tracking_no for d in drawn] == ["YT7000000000000", "YT7000000000001"]
    with uow(engine, readonly=True) as u:
        parcel = u.session.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        kinds = list(
            u.session.exec(
                select(Event.kind).where(Event.order_id == oid, Event.bench == "bench-1")
            )
        )
    assert parcel.tracking_no == "YT7000000000001"
    queued = {job.kind: job.content for job in jobs(engine, oid)}
    assert queued == {"label": drawn[1].label.content, "slip": drawn[1].slip.content}  # type: ignore[union-attr]
    assert queued["label"] != drawn[0].label.content
    assert kinds.count("weight_accepted") == 1
    assert kinds.count("tracking_assigned") == 1
    assert kinds.count("print_queued") == 2


def test_the_next_number_of_the_range_is_drawn_and_taken_in_the_weighing(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One bench alone: the box gets the number its documents were drawn with, in the
    weighing's own transaction (on SQLite; PostgreSQL numbers the box first, the same number)."""
    oid, expected = ready_to_weigh(engine, settings)
    transactions = count_writing_transactions(engine, monkeypatch)
    with uow(engine, readonly=True) as u:
        before = u.session.get(Carrier, "YTO")
        next_number = before.range_next if before else "YT7000000000000"
    done = packing.weigh(
        uow(engine), order_id=oid, grams=expected, source=WeightSource.SCALE, settings=settings
    )
    assert done.accepted
    with uow(engine, readonly=True) as u:
        parcel = u.session.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        carrier = u.session.get(Carrier, "YTO")
    assert parcel.tracking_no == next_number
    assert carrier is not None and carrier.range_next == "YT7000000000001"
    guessing = engine.dialect.name == "sqlite"
    assert len(transactions) == (1 if guessing else 2)


def count_writing_transactions(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The writing units of work begun from now on (one entry each)."""
    begun: list[str] = []
    enter = UnitOfWork.__enter__

    def counting(self: UnitOfWork) -> UnitOfWork:
        if not self.engine.get_execution_options().get(READONLY):
            begun.append(self.bench)
        return enter(self)

    monkeypatch.setattr(UnitOfWork, "__enter__", counting)
    return begun


def test_numbering_first_draws_with_the_number_taken(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbering first (as on PostgreSQL), the number is taken after what the documents say was
    read: when the range's next number is already used elsewhere, the box takes the one after
    and the documents are drawn once, with it."""
    oid, expected = ready_to_weigh(engine, settings)
    monkeypatch.setattr(weighing, "guesses_numbers", lambda _uow: False)
    other = add_order(engine, "D2", [("TEA-001", 1)])
    with uow(engine) as u:  # a pre-printed waybill with the range's next number
        order = u.session.get(Order, other)
        assert order is not None
        order.tracking_no = "YT7000000000000"
        u.session.add(order)
        u.commit()
    calls = count_renders(monkeypatch)
    drafted = keep_drafts(monkeypatch)
    done = packing.weigh(
        uow(engine), order_id=oid, grams=expected, source=WeightSource.SCALE, settings=settings
    )
    assert done.accepted
    with uow(engine, readonly=True) as u:
        parcel = u.session.exec(select(Parcel).where(Parcel.order_id == oid)).one()
    assert parcel.tracking_no == "YT7000000000001"
    assert drafted[0].label_data.tracking_no == "YT7000000000001"
    assert drafted[0].slip_data is not None
    assert drafted[0].slip_data.tracking_no == "YT7000000000001"
    assert calls == ["label", "slip"]  # drawn once, with the number taken; not again
