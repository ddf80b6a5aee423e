"""The demo store: a realistic shop seeded once, reused after, refused where it cannot be written."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, func, select

from packstation.cli import build_cli
from packstation.domain.barcodes import is_ean13
from packstation.domain.status import OrderStatus
from packstation.errors import UserError
from packstation.i18n import set_language
from packstation.services.demo import prepare_demo
from packstation.store.engine import make_engine
from packstation.store.models import Order, OrderLine, Product, ProductBarcode, User
from packstation.store.uow import UnitOfWork

NOW = dt.datetime(2026, 11, 26, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_demo_seeds_a_realistic_shop(tmp_path: Path) -> None:
    settings, summary = prepare_demo(tmp_path / "demo", orders=60, now=NOW)
    assert summary.seeded_now
    assert settings.devices.printer == f"dir://{tmp_path / 'demo' / 'labels'}"
    assert settings.devices.scale == "sim://"
    # the handover lists the lead seals stay in the demo's folder, not where it was started
    assert settings.shipping.manifest_dir == str(tmp_path / "demo" / "lists")
    listed = summary.barcodes.read_text(encoding="utf-8").splitlines()
    assert listed[0] == "barcode,sku,units,name,spec"
    # the spec tells apart the products of one name (a T-shirt in three colours and sizes)
    assert "6921234500064,TSH-CTN-RED-M,1,纯棉T恤,颜色分类：红色;尺码：M" in listed
    assert len(listed) == 1 + 24 + 1  # every product and the carton of six
    engine = make_engine(settings.store.url)
    with UnitOfWork(engine, readonly=True) as uow:
        s = uow.session
        products = list(s.exec(select(Product)))
        assert len(products) >= 20
        assert any(p.fragile for p in products)
        assert all(p.name and p.name_en and p.spec and p.unit_weight_g > 0 for p in products)
        codes = list(s.exec(select(ProductBarcode)))
        assert all(is_ean13(c.code) for c in codes)
        assert {f"{c.code},{c.sku},{c.multiplier}" for c in codes} == {
            ",".join(row.split(",")[:3]) for row in listed[1:]
        }
        assert [c.multiplier for c in codes if c.multiplier > 1] == [6]
        orders = list(s.exec(select(Order)))
        assert len(orders) >= 60
        cutoff_today = NOW.replace(hour=16, minute=0)
        paid = [o.paid_at for o in orders if o.paid_at]
        assert any(p.date() < NOW.date() for p in (x.astimezone(NOW.tzinfo) for x in paid))
        assert any(x < cutoff_today and x.astimezone(NOW.tzinfo).date() == NOW.date() for x in paid)
        assert any(x >= cutoff_today for x in paid)
        assert {o.due_date for o in orders} >= {
            NOW.date() - dt.timedelta(days=1),
            NOW.date(),
            NOW.date() + dt.timedelta(days=1),
        }
        assert sum(o.status == OrderStatus.CANCELLED for o in orders) == 1
        assert len({o.carrier for o in orders}) >= 2
        assert any(o.buyer_note for o in orders)
        lines = list(s.exec(select(OrderLine)))
        assert any(line.is_gift and line.unit_price_fen == 0 for line in lines)
        multi = s.exec(
            select(func.count())
            .select_from(OrderLine)
            .group_by(col(OrderLine.order_id))
            .having(func.count() > 1)
        ).all()
        assert len(multi) > 10
        users = {u.name: u for u in s.exec(select(User))}
        assert {"packer", "lead"} == {u.role for u in users.values()}
        assert all(u.pin_hash.startswith("$argon2") for u in users.values() if u.role == "lead")
    engine.dispose()
    _, again = prepare_demo(tmp_path / "demo", orders=60, now=NOW)
    assert not again.seeded_now
    assert again.orders == summary.orders


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(UserError, match="choose a writable folder"):
        prepare_demo(locked / "demo")


def test_unwritable_folder_is_refused_by_the_command(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["demo", "--dir", str(blocker / "demo"), "--seed-only"]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, UserError)
    assert "choose a writable folder with --dir" in str(result.exception)


def test_demo_command_seed_only_then_doctor(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["demo", "--dir", str(tmp_path / "d"), "--seed-only"])
    assert result.exit_code == 0, result.output
    assert "Labels are written to" in result.output
    doctor = runner.invoke(
        build_cli(), ["--config", str(tmp_path / "d" / "demo.toml"), "doctor", "--json"]
    )
    assert '"check": "store", "ok": true' in doctor.output
    # for scripts, whatever the language ("check": "配置" matched nothing a script knew)
    chinese = runner.invoke(
        build_cli(),
        ["--lang", "zh_CN", "--config", str(tmp_path / "d" / "demo.toml"), "doctor", "--json"],
    )
    assert '"check": "store", "ok": true' in chinese.output


def test_demo_command_says_one_order_for_one(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "d"
    seeded = runner.invoke(
        build_cli(), ["demo", "--dir", str(folder), "--orders", "1", "--seed-only"]
    )
    assert seeded.exit_code == 0, seeded.output
    assert seeded.output.splitlines()[0] == (
        f"Seeded the demo store in {folder}: 24 products, 1 order, 3 users."
    )
    set_language("zh_CN")
    again = runner.invoke(build_cli(), ["demo", "--dir", str(folder), "--seed-only"])
    assert again.exit_code == 0, again.output
    assert (
        again.output.splitlines()[0] == f"沿用演示数据库 {folder}：24 个商品，1 个订单，3 个用户。"
    )
    assert "--orders" not in again.output  # not given: nothing to say of it
    set_language("en")
    # given for a store that is kept: ignored, and it said nothing of it
    kept = runner.invoke(
        build_cli(), ["demo", "--dir", str(folder), "--orders", "5", "--seed-only"]
    )
    assert kept.output.splitlines()[1] == (
        "--orders seeds a new demo store; this one is kept as it is (--dir FOLDER makes a new one)."
    )


def test_a_reused_demo_names_who_can_sign_in_now(tmp_path: Path) -> None:
    """The demo printed its seeded people and the lead's PIN 1234 every time, also after the
    PIN was changed or a packer removed; another store or configuration given was ignored."""
    runner = CliRunner()
    folder = tmp_path / "d"
    first = runner.invoke(build_cli(), ["demo", "--dir", str(folder), "--seed-only"])
    assert first.exit_code == 0, first.output
    assert (
        "Sign in as: 小李 (U-1001), 小张 (U-1002), 王组长 (U-9001); the lead's PIN is 1234."
        in first.output
    )
    config = ["--config", str(folder / "demo.toml")]
    changed = runner.invoke(build_cli(), [*config, "user", "pin", "王组长"], input="5678\n5678\n")
    assert changed.exit_code == 0, changed.output
    removed = runner.invoke(build_cli(), [*config, "user", "remove", "小张"])
    assert removed.exit_code == 0, removed.output
    again = runner.invoke(build_cli(), ["demo", "--dir", str(folder), "--seed-only"])
    assert again.exit_code == 0, again.output
    assert "Sign in as: 小李 (U-1001), 王组长 (U-9001)." in again.output
    assert "2 users." in again.output  # the one removed is not counted (it said 3)
    assert "1234" not in again.output and "小张" not in again.output
    for given in (["--db", f"sqlite:///{tmp_path / 'other.db'}"], config):
        refused = runner.invoke(build_cli(), [*given, "demo", "--dir", str(folder), "--seed-only"])
        assert refused.exit_code == 2 and "leave out --db and --config" in refused.output
    assert not (tmp_path / "other.db").exists()


def test_the_demo_keeps_to_its_own_store_whatever_packstation_db_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exported for the warehouse's PostgreSQL, as the set-up says, PACKSTATION_DB took the
    demo's 60 orders, its products and a lead with PIN 1234 into the warehouse's store."""
    warehouse = tmp_path / "warehouse.db"
    monkeypatch.setenv("PACKSTATION_DB", f"sqlite:///{warehouse}")
    runner = CliRunner()
    folder = tmp_path / "d"
    seeded = runner.invoke(build_cli(), ["demo", "--dir", str(folder), "--seed-only"])
    assert seeded.exit_code == 0, seeded.output
    assert not warehouse.exists()
    engine = make_engine(f"sqlite:///{folder / 'packstation.db'}")
    try:
        with UnitOfWork(engine) as uow:
            assert uow.session.exec(select(func.count()).select_from(Order)).one() == 60
    finally:
        engine.dispose()
    assert (
        "PACKSTATION_DB is set: the demo left it alone, but other commands use it rather than "
        "the demo's store" in seeded.output
    )
