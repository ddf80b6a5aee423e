"""``packstation audit``: the event log replayed against the tables, clean after real packing and
pointing at each kind of difference when the tables were changed behind the log's back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, text, update
from sqlmodel import col, select

from packstation.cli import main
from packstation.domain.status import WeightSource
from packstation.services.audit import audit
from packstation.services.claims import claim_next_due
from packstation.services.intake import import_products
from packstation.services.lead import cancel_order
from packstation.services.outbox import OutboxSender
from packstation.services.packing import release_order, scan_item, weigh
from packstation.services.packing_view import read_order
from packstation.store.models import Event, Order, OrderLine, Parcel, ParcelItem, PrintJob, Product
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import add_order, seed_catalogue
from tests.stress.driver import settings_for

TEA, CUP = "6901234567892", "6901234567908"


def _pack_two_orders(engine: Engine, url: str, tmp_path: Path) -> None:
    settings = settings_for(url, bench="bench-1", lease_seconds=60, printer_dir=str(tmp_path))
    seed_catalogue(engine)
    add_order(engine, "A1", [("TEA-001", 2), ("CUP-002", 1)])
    add_order(engine, "A2", [("TEA-001", 1)])
    for _ in range(2):
        claim = claim_next_due(UnitOfWork(engine, bench="bench-1", user="王芳"), lease_seconds=60)
        assert claim is not None
        for code in (TEA, TEA, CUP, TEA):  # refusals (over-scan, wrong item) included
            view = read_order(UnitOfWork(engine, readonly=True), claim.order_id, settings)
            assert view is not None
            if view.all_ticked:
                break
            scan_item(
                UnitOfWork(engine, bench="bench-1", user="王芳"),
                order_id=claim.order_id,
                code=code,
                settings=settings,
            )
        view = read_order(UnitOfWork(engine, readonly=True), claim.order_id, settings)
        assert view is not None and view.current is not None
        assert view.current.expected_g is not None
        result = weigh(
            UnitOfWork(engine, bench="bench-1", user="王芳"),
            order_id=claim.order_id,
            grams=view.current.expected_g + 5,
            source=WeightSource.SCALE,
            settings=settings,
        )
        assert result.accepted and result.order_packed
    OutboxSender(engine, settings).run_once()


def _audit_cli(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "packstation", "--db", url, "audit", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_log_agrees_with_the_tables_after_packing(
    engine: Engine, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pack_two_orders(engine, store_url, tmp_path)
    report = audit(engine)
    assert report.ok, report.findings
    assert report.orders == 2 and report.parcels == 2 and report.print_jobs == 4
    assert report.checked["bench_numbering"] == 1
    assert report.checked["lines"] == 3
    result = _audit_cli(store_url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["findings"] == [] and data["events"] == report.events
    main(["--db", store_url, "--lang", "en", "audit"])
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"{report.events} events from 1 bench; 2 orders, 2 parcels, 4 print jobs."
    assert len(said) > 1 and all(line.startswith("OK  ") for line in said[1:])


def test_the_json_names_every_check_whatever_the_store_holds(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    """``audit --json`` named a check in "checked" only when the store held something of its
    kind (no "stock" before a stock-take, no "tracking_numbers" before a label): a script
    reading data["checked"]["stock"] broke on one store and not on another."""
    checks = [
        "bench_numbering",
        "box_items",
        "lines",
        "orders",
        "print_jobs",
        "stock",
        "tracking_numbers",
        "weights",
    ]
    empty = _audit_cli(store_url)
    assert empty.returncode == 0, empty.stderr
    data = json.loads(empty.stdout)
    assert list(data["checked"]) == list(data["problems"]) == checks
    assert data["checked"]["stock"] is None  # no stock-take: nothing to start from
    assert data["checked"]["orders"] == 0 and data["problems"]["orders"] == 0
    stock_take = tmp_path / "stock.csv"
    stock_take.write_text(
        f"sku,barcode,name,weight_g,on_hand\nTEA-001,{TEA},西湖龙井 明前特级,300,50\n",
        encoding="utf-8",
    )
    assert import_products(UnitOfWork(engine, user="王组长"), stock_take).ok
    data = json.loads(_audit_cli(store_url).stdout)
    assert list(data["checked"]) == checks and data["checked"]["stock"] == 1


def test_each_kind_of_difference_is_found(engine: Engine, store_url: str, tmp_path: Path) -> None:
    _pack_two_orders(engine, store_url, tmp_path)
    with UnitOfWork(engine) as uow:
        # a line changed without a scan, a weight without a weighing, a label number reused
        line = uow.session.exec(select(OrderLine).where(OrderLine.sku == "CUP-002")).one()
        uow.session.execute(
            update(OrderLine).where(OrderLine.id == line.id).values(quantity_packed=2)  # type: ignore[arg-type]
        )
        first, second = uow.session.exec(select(Parcel).order_by(Parcel.id)).all()  # type: ignore[arg-type]
        uow.session.execute(
            update(Parcel).where(Parcel.id == first.id).values(measured_weight_g=1)  # type: ignore[arg-type]
        )
        # a gap in bench-1's numbering
        last = uow.session.exec(
            select(func.max(Event.bench_seq)).where(Event.bench == "bench-1")
        ).one()
        uow.session.add(Event(bench="bench-1", bench_seq=(last or 0) + 2, kind="note"))
        uow.commit()
    with engine.begin() as conn:  # the unique (carrier, number) would refuse the same carrier
        conn.execute(
            text("UPDATE parcel SET carrier = 'ZTO', tracking_no = :no WHERE id = :id"),
            {"no": first.tracking_no, "id": second.id},
        )
    report = audit(engine)
    assert not report.ok
    found = {f.check for f in report.findings}
    assert found == {"lines", "weights", "bench_numbering", "tracking_numbers"}
    gap = next(f for f in report.findings if f.check == "bench_numbering")
    assert "numbers missing: " + str((last or 0) + 1) in gap.problem

    result = _audit_cli(store_url)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["problems"]["lines"] == 2  # past its quantity, not in boxes


def test_one_difference_of_a_kind_reads_in_the_singular(
    engine: Engine, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pack_two_orders(engine, store_url, tmp_path)
    with UnitOfWork(engine) as uow:
        uow.session.add(Event(bench="bench-1", bench_seq=None, kind="note"))
        uow.commit()
    with pytest.raises(SystemExit):
        main(["--db", store_url, "--lang", "en", "audit"])
    said = capsys.readouterr()
    assert "DIFF  event numbering of each bench: 1 checked, 1 difference" in said.out
    assert "bench bench-1: 1 event without a number, numbers missing: -, numbers twice: -" in (
        said.out
    )
    assert said.err.startswith("The event log and the stored state differ in 1 place;")

    with UnitOfWork(engine) as uow:
        a1, a2 = uow.session.exec(select(Parcel).order_by(col(Parcel.id))).all()
        tea, cup = uow.session.exec(
            select(ParcelItem).where(ParcelItem.parcel_id == a1.id).order_by(col(ParcelItem.id))
        ).all()
        assert (tea.quantity, cup.quantity) == (2, 1)
        job = uow.session.exec(select(PrintJob.id).where(PrintJob.parcel_id == a2.id)).first()
        uow.session.execute(
            update(ParcelItem).where(col(ParcelItem.id) == tea.id).values(quantity=1)
        )
        uow.session.execute(delete(ParcelItem).where(col(ParcelItem.id) == cup.id))
        uow.session.execute(delete(PrintJob).where(col(PrintJob.id) == job))
        uow.commit()
    found = audit(engine).findings
    problems = [f.problem for f in found]
    # each named as `order show` and the screens name it: the parcel by its waybill, the line
    # by its SKU (the store's ids were shown: "parcel 17 line 3")
    with UnitOfWork(engine, readonly=True) as uow:
        waybills = uow.session.exec(select(Parcel.tracking_no).order_by(col(Parcel.id))).all()
    assert {f.subject for f in found if f.check == "box_items"} == {
        f"parcel {waybills[0]}, TEA-001",
        f"parcel {waybills[0]}, CUP-002",
    }
    assert "1 unit stored, 2 ticked by events" in problems
    assert "1 unit ticked by events but none stored" in problems
    assert "1 print job stored, 2 queued by events" in problems
    with pytest.raises(SystemExit):
        main(["--db", store_url, "--lang", "en", "audit"])
    said = capsys.readouterr()
    assert "units in boxes against item scans: 3 checked, 2 differences" in said.out
    # each difference under its own check, not all of them after the last check
    lines = said.out.splitlines()
    at = next(i for i, line in enumerate(lines) if "units in boxes against item scans" in line)
    assert {line.strip() for line in lines[at + 1 : at + 3]} == {
        f"{f.subject}: {f.problem}" for f in found if f.check == "box_items"
    }
    printed = next(i for i, line in enumerate(lines) if "print jobs against print events" in line)
    assert lines[printed + 1].strip() == next(
        f"{f.subject}: {f.problem}" for f in found if f.check == "print_jobs"
    )
    assert said.err.startswith(
        f"The event log and the stored state differ in {len(problems)} places;"
    )


def test_the_stock_is_replayed_from_its_last_stock_take(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    _pack_two_orders(engine, store_url, tmp_path)  # before the stock-take: not replayed
    stock_take = tmp_path / "stock.csv"
    stock_take.write_text(
        "sku,barcode,name,weight_g,on_hand\n"
        f"TEA-001,{TEA},西湖龙井 明前特级,300,50\n"
        f"CUP-002,{CUP},青瓷茶杯,400,10\n",
        encoding="utf-8",
    )
    assert import_products(UnitOfWork(engine, user="王组长"), stock_take).ok
    settings = settings_for(store_url, bench="bench-1", lease_seconds=60, printer_dir=str(tmp_path))
    order_id = add_order(engine, "A3", [("TEA-001", 2)])

    def bench() -> UnitOfWork:
        return UnitOfWork(engine, bench="bench-1", user="王芳")

    assert claim_next_due(bench(), lease_seconds=60) is not None
    scan_item(bench(), order_id=order_id, code=TEA, settings=settings)
    release_order(bench(), order_id=order_id, reason="break")  # its unit goes back
    assert claim_next_due(bench(), lease_seconds=60) is not None
    scan_item(bench(), order_id=order_id, code=TEA, settings=settings)
    scan_item(bench(), order_id=order_id, code=TEA, settings=settings)
    with UnitOfWork(engine, readonly=True) as uow:
        first = uow.session.exec(select(Order.id).where(Order.order_no == "A1")).one()
    # a packed order cancelled: its two teas and its cup go back
    cancel_order(UnitOfWork(engine, user="王组长"), order_id=first or 0, reason="buyer cancelled")

    report = audit(engine)
    assert report.ok, report.findings
    assert report.checked["stock"] == 2  # the SKUs of the stock-take
    with UnitOfWork(engine) as uow:
        stock = dict(uow.session.exec(select(Product.sku, Product.on_hand)).all())
        assert (stock["TEA-001"], stock["CUP-002"]) == (50, 11)
        uow.session.execute(update(Product).where(col(Product.sku) == "TEA-001").values(on_hand=49))
        uow.commit()
    found = audit(engine).findings
    assert [(f.check, f.subject, f.problem) for f in found] == [
        ("stock", "product TEA-001", "49 in stock but the log says 50")
    ]
