"""``packstation stock``: the figures listed, units added or removed with a reason, a shelf
counted — each recorded for the audit, on both stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from packstation.cli import main
from packstation.services.audit import audit
from packstation.services.stock import count
from packstation.store.models import Event, Product
from packstation.store.uow import UnitOfWork
from tests.integration.packing.factories import seed_catalogue


@pytest.fixture
def shop(engine: Engine) -> Engine:
    seed_catalogue(engine)
    count(UnitOfWork(engine), sku="TEA-001", on_hand=10, reason="盘点")  # its stock-take
    return engine


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--db", url, "stock", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def on_hand(engine: Engine, sku: str) -> int:
    with UnitOfWork(engine, readonly=True) as uow:
        return uow.session.exec(select(Product.on_hand).where(Product.sku == sku)).one()


def test_units_in_and_out_with_a_reason(
    shop: Engine, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, store_url, "add", "TEA-001", "3", "--reason", "买家退货")[1] == (
        "TEA-001: +3, now 13 on hand.\n"
    )
    # a negative number is units out, not an option
    assert run(capsys, store_url, "add", "TEA-001", "-2", "--reason", "破损报废")[1] == (
        "TEA-001: -2, now 11 on hand.\n"
    )
    with UnitOfWork(shop, readonly=True) as uow:
        payloads = [
            json.loads(e.payload)
            for e in uow.session.exec(select(Event).where(Event.kind == "stock_adjusted"))
        ]
    assert [(p["units"], p["reason"], p["on_hand"]) for p in payloads] == [
        (3, "买家退货", 13),
        (-2, "破损报废", 11),
    ]
    report = audit(shop)
    assert report.ok and report.checked["stock"] == 1
    # no reason: one line saying what to do, as for 0 units (click's three-line usage error)
    code, out, err = run(capsys, store_url, "add", "TEA-001", "3")
    assert (code, out) == (1, "")
    assert err == "packstation: Say why the stock changes (e.g. buyer return, damaged).\n"


def test_a_counted_shelf_sets_the_figure_and_starts_the_audit_there(
    shop: Engine, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, store_url, "count", "CUP-002", "7", "--reason", "月底盘点")
    assert (code, out) == (0, "CUP-002: 0 → 7 on hand.\n")
    assert on_hand(shop, "CUP-002") == 7
    assert audit(shop).checked["stock"] == 2  # TEA-001 and now CUP-002


def test_show_lists_the_figures(
    shop: Engine, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, store_url, "show", "--json", "TEA-001", "CUP-002")
    assert code == 0
    assert [(r["sku"], r["on_hand"]) for r in json.loads(out)] == [("CUP-002", 0), ("TEA-001", 10)]
    code, out, _err = run(capsys, store_url, "show")
    lines = out.splitlines()
    assert lines[0].split() == ["SKU", "location", "on", "hand", "name"]
    assert len(lines) == 1 + 4 and any(line.startswith("TEA-001") for line in lines)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "NOPE-1", "1", "--reason", "x"), "No product has SKU NOPE-1"),
        (("add", "TEA-001", "0", "--reason", "x"), "not 0"),
        (("add", "TEA-001", "2", "--reason", " "), "Say why the stock changes"),
        (("add", "TEA-001", "-11", "--reason", "x"), "TEA-001 has 10 on hand, fewer than 11"),
        (("count", "NOPE-1", "3"), "No product has SKU NOPE-1"),
        (("count", "TEA-001", "-1"), "A counted stock cannot be below 0."),
        # beyond any shelf (and the store's integers: a traceback, or 1.8e+19 on hand)
        (("add", "TEA-001", "99999999999999999999", "--reason", "x"), "at most 10000000"),
        (("add", "TEA-001", "9999995", "--reason", "x"), "cannot have 10000005 on hand"),
        (("count", "TEA-001", "99999999999999999999"), "at most 10000000; check the figure."),
        (("show", "TEA-001", "NOPE-1"), "No product has SKU NOPE-1"),
    ],
)
def test_a_mistake_is_one_line_and_changes_nothing(
    shop: Engine,
    store_url: str,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    says: str,
) -> None:
    code, _out, err = run(capsys, store_url, *args)
    assert code == 1 and err.count("\n") == 1 and says in err and "Traceback" not in err
    assert on_hand(shop, "TEA-001") == 10
    with UnitOfWork(shop, readonly=True) as uow:
        adjusted = uow.session.exec(select(Event.id).where(Event.kind == "stock_adjusted")).all()
    assert adjusted == []
