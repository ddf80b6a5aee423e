"""``packstation label`` and ``packstation print batch`` on a SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from packstation.cli import build_cli
from packstation.store.engine import make_engine
from packstation.store.uow import UnitOfWork
from tests.integration.printing.conftest import make_order

CONFIG = """
[devices]
printer = "dir://{folder}"
[carriers.YTO]
waybill_range = ["YT7000000000000", "YT7000000000999"]
"""


def setup(tmp_path: Path, store_url: str) -> tuple[list[str], Path]:
    folder = tmp_path / "printed"
    folder.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(folder=folder), encoding="utf-8")
    engine = make_engine(store_url)
    make_order(UnitOfWork(engine, bench="b", user="u"), order_no="C1")
    engine.dispose()
    return ["--db", store_url, "--config", str(config)], folder


def test_preview_print_reprint_void(tmp_path: Path, store_url: str) -> None:
    base, folder = setup(tmp_path, store_url)
    runner = CliRunner()
    png = tmp_path / "label.png"
    result = runner.invoke(build_cli(), [*base, "label", "C1", "--preview", str(png)])
    assert result.exit_code == 0, result.output
    assert Image.open(png).size == (800, 1200)
    assert not any(folder.iterdir())  # a preview prints nothing

    result = runner.invoke(build_cli(), [*base, "label", "C1", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["sent"] == 2 and len(list(folder.iterdir())) == 2

    again = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert again.exit_code != 0 and "--reprint" in str(again.exception)

    result = runner.invoke(
        build_cli(), [*base, "label", "YT7000000000000", "--reprint", "--reason", "torn", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reprint_of"] == out["jobs"][0]
    printed = sorted(folder.iterdir())
    assert len(printed) == 3

    result = runner.invoke(build_cli(), [*base, "label", "C1", "--void", "--reason", "cancelled"])
    assert result.exit_code == 0, result.output


def test_print_batch_command(tmp_path: Path, store_url: str) -> None:
    base, _folder = setup(tmp_path, store_url)
    engine = make_engine(store_url)
    with UnitOfWork(engine) as uow:
        from sqlmodel import select

        from packstation.store.models import Order

        for order in uow.session.exec(select(Order)):
            order.status = "ready"
            uow.session.add(order)
        uow.commit()
    engine.dispose()
    result = CliRunner().invoke(
        build_cli(), [*base, "print", "batch", "--due", "2026-11-30", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["orders"] == ["C1"] and out["sent"] == 3
