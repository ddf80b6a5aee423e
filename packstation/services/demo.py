"""The demo bench: a folder of its own with a configuration, a SQLite store, a realistic shop
(catalogue, people, orders around the cut-off) and simulated devices.

Called by ``packstation demo``.  Seeding is deterministic for a given ``now`` and seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, func, select

from packstation.config import Settings, parse_settings
from packstation.demo.catalogue import (
    BUYER_NOTES,
    CASE_MULTIPLIER,
    CASE_SKU,
    EAN_PREFIX,
    GIFT_SKUS,
    PRODUCTS,
    RECIPIENTS,
    SELLER_NOTES,
    USERS,
)
from packstation.domain.barcodes import ean13_check_digit
from packstation.domain.status import OrderStatus
from packstation.errors import UserError
from packstation.i18n import _
from packstation.os_problems import os_problem
from packstation.services.carriers import sync_carriers
from packstation.services.users import hash_pin, pin_matches
from packstation.store.engine import make_engine
from packstation.store.migrate import upgrade
from packstation.store.models import Order, OrderLine, Product, ProductBarcode, User
from packstation.store.uow import UnitOfWork

CONFIG_NAME = "demo.toml"


@dataclass(frozen=True)
class DemoSummary:
    folder: Path
    config: Path
    barcodes: Path
    labels: Path
    products: int
    orders: int
    users: int
    seeded_now: bool  # False: an existing demo store was reused
    # who can sign in now (name, badge) and the lead's PIN while it is still the demo's: a
    # reused store may have had people removed or the PIN changed since it was seeded
    people: tuple[tuple[str, str], ...] = ()
    lead_pin: str | None = None


def demo_config_text(folder: Path) -> str:
    labels = folder / "labels"
    return f"""# The demo bench: written by `packstation demo`; edit freely.
[store]
url = "sqlite:///{folder / "packstation.db"}"

[bench]
name = "demo-bench"

[devices]
scanner = "keyboard"
scale = "sim://"
printer = "dir://{labels}"

[printing]
language = "zpl"
label_size = "100x150"

[shipping]
manifest_dir = "{folder / "lists"}"

[carriers.YTO]
name = "圆通速递"
pickup = "18:00"
waybill_range = ["YT7000000000000", "YT7000000999999"]

[carriers.ZTO]
name = "中通快递"
pickup = "17:30"
waybill_range = ["731000000000", "731000999999"]

[carriers.SF]
name = "顺丰速运"
pickup = "19:00"
waybill_range = ["SF1000000000000", "SF1000000999999"]
"""


def prepare_folder(folder: Path) -> Path:
    """Create the demo folder, its labels folder and configuration (handover lists are saved in
    its ``lists`` folder); refuse a folder we cannot write."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "labels").mkdir(exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            _(
                "Cannot use {folder} for the demo ({problem}); choose a writable folder with --dir."
            ).format(folder=folder, problem=os_problem(exc))
        ) from None
    config = folder / CONFIG_NAME
    if not config.exists():
        config.write_text(demo_config_text(folder), encoding="utf-8")
    return config


def ean13_for(index: int) -> str:
    first12 = f"{EAN_PREFIX}{index:04d}"
    return first12 + ean13_check_digit(first12)


def seed_catalogue(uow: UnitOfWork, settings: Settings) -> int:
    for index, p in enumerate(PRODUCTS, start=1):
        length, width, height = p.dims_mm
        uow.session.add(
            Product(
                sku=p.sku,
                name=p.name,
                name_en=p.name_en,
                spec=p.spec,
                unit_weight_g=p.weight_g,
                fragile=p.fragile,
                length_mm=length,
                width_mm=width,
                height_mm=height,
                location=p.location,
                on_hand=p.on_hand,
            )
        )
        uow.session.add(ProductBarcode(code=ean13_for(index), sku=p.sku))
    uow.session.flush()
    uow.session.add(ProductBarcode(code=ean13_for(900), sku=CASE_SKU, multiplier=CASE_MULTIPLIER))
    # the demo's stock-take, as an import of the catalogue records it (the audit starts there)
    uow.record(
        "products_imported",
        file="demo",
        added=len(PRODUCTS),
        updated=0,
        stock={p.sku: p.on_hand for p in PRODUCTS},
    )
    sync_carriers(uow, settings)
    return len(PRODUCTS)


BARCODES_NAME = "barcodes.csv"


def write_barcode_list(folder: Path) -> Path:
    """The demo's barcodes in a file, for trying the bench without a scanner: type a code and
    Enter, exactly what a keyboard-wedge scanner sends."""
    path = folder / BARCODES_NAME
    case = next(p for p in PRODUCTS if p.sku == CASE_SKU)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["barcode", "sku", "units", "name", "spec"])
        for index, p in enumerate(PRODUCTS, start=1):
            out.writerow([ean13_for(index), p.sku, 1, p.name, p.spec])
        out.writerow([ean13_for(900), CASE_SKU, CASE_MULTIPLIER, case.name, case.spec])
    return path


def seed_users(uow: UnitOfWork) -> int:
    for name, role, badge, pin in USERS:
        uow.session.add(
            User(name=name, role=role, badge=badge, pin_hash=hash_pin(pin) if pin else "")
        )
    return len(USERS)


def _paid_times(
    rng: random.Random, count: int, now: dt.datetime, settings: Settings
) -> list[dt.datetime]:
    """Paid times from yesterday morning until a few minutes ago, in the shop's time zone."""
    calendar = settings.shipping.calendar()
    local_now = now.astimezone(calendar.zone)
    start = dt.datetime.combine(
        local_now.date() - dt.timedelta(days=1), dt.time(8, 0), tzinfo=calendar.zone
    )
    span = max(60.0, (local_now - start).total_seconds() - 300)
    return sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def seed_orders(
    uow: UnitOfWork, settings: Settings, *, count: int, now: dt.datetime, seed: int = 7
) -> int:
    rng = random.Random(seed)
    calendar = settings.shipping.calendar()
    sellable = [p for p in PRODUCTS if p.sku not in GIFT_SKUS]
    for n, paid_at in enumerate(_paid_times(rng, count, now, settings)):
        name, mobile, province, city, district, detail, postcode = RECIPIENTS[n % len(RECIPIENTS)]
        carrier = "SF" if n == 5 else ("ZTO" if n % 17 == 9 else settings.shipping.default_carrier)
        order = Order(
            platform="taobao",
            order_no=str(3364111318168541307 + n * 7919),  # no round number: Excel makes those
            shop=settings.shop.name,
            buyer=f"tb{rng.randint(10_000_000, 99_999_999)}",
            recipient_name=name,
            phone=mobile,
            province=province,
            city=city,
            district=district,
            address=detail,
            postcode=postcode,
            paid_at=paid_at,
            due_date=calendar.due_date(paid_at),
            carrier=carrier,
            buyer_note=rng.choice(BUYER_NOTES),
            seller_note=rng.choice(SELLER_NOTES),
            status=OrderStatus.CANCELLED if n == 3 else OrderStatus.READY,
            marketplace_status="交易关闭" if n == 3 else "买家已付款，等待卖家发货",
            source_file="demo",
            source_row=n + 2,
        )
        uow.session.add(order)
        uow.session.flush()
        assert order.id is not None
        line_count = 1 if n % 3 == 0 else rng.randint(2, 4)
        picks = rng.sample(sellable, line_count)
        if n % 11 == 2:  # an order of a whole carton of soap: the case barcode ticks it in one scan
            picks = [next(p for p in PRODUCTS if p.sku == CASE_SKU)]
        total = 0
        for line_no, product in enumerate(picks, start=1):
            quantity = (
                CASE_MULTIPLIER
                if product.sku == CASE_SKU and n % 11 == 2
                else rng.choice((1, 1, 1, 2, 3))
            )
            price = rng.choice((1990, 2990, 4900, 8800, 12800))
            total += price * quantity
            uow.session.add(
                OrderLine(
                    order_id=order.id,
                    line_no=line_no,
                    sku=product.sku,
                    title=product.name,
                    spec=product.spec,
                    quantity=quantity,
                    unit_price_fen=price,
                )
            )
        if n % 4 == 1:  # promotional gift at price 0
            gift = PRODUCTS[[p.sku for p in PRODUCTS].index(rng.choice(GIFT_SKUS))]
            uow.session.add(
                OrderLine(
                    order_id=order.id,
                    line_no=len(picks) + 1,
                    sku=gift.sku,
                    title=gift.name,
                    spec=gift.spec,
                    quantity=1,
                    unit_price_fen=0,
                    is_gift=True,
                )
            )
        order.amount_fen = total
        order.insured_value_fen = total if total >= 30000 else 0
        uow.record("order_imported", order_id=order.id, source="demo")
        if order.status == OrderStatus.CANCELLED:
            uow.record("order_cancelled", order_id=order.id, reason="交易关闭")
    return count


@dataclass(frozen=True)
class _Seeded:
    products: int
    orders: int
    users: int
    fresh: bool
    people: tuple[tuple[str, str], ...]
    lead_pin: str | None


def _sign_ins(uow: UnitOfWork) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The active people with a badge, and the demo lead's PIN if that lead still has it."""
    active = uow.session.exec(
        select(User).where(col(User.active), col(User.badge).is_not(None)).order_by(col(User.id))
    ).all()
    people = tuple((u.name, u.badge or "") for u in active)
    pins = {name: pin for name, role, _badge, pin in USERS if role == "lead" and pin}
    kept = [
        pins[u.name] for u in active if u.name in pins and pin_matches(u.pin_hash, pins[u.name])
    ]
    return people, (kept[0] if kept else None)


def seed(
    engine_url: str, settings: Settings, *, orders: int, now: dt.datetime | None = None
) -> _Seeded:
    """Migrate the store and fill it once; an already seeded store is left as it is."""
    engine = make_engine(engine_url)
    try:
        upgrade(engine)
        uow = UnitOfWork(engine, bench=settings.bench.name, user="demo")
        with uow:
            products = uow.session.exec(select(func.count()).select_from(Product)).one()
            fresh = products == 0
            if fresh:
                products = seed_catalogue(uow, settings)
                seed_users(uow)
                seed_orders(uow, settings, count=orders, now=now or dt.datetime.now(dt.UTC))
                uow.flush()
            order_count = uow.session.exec(select(func.count()).select_from(Order)).one()
            users = uow.session.exec(
                select(func.count()).select_from(User).where(col(User.active))
            ).one()  # a removed user is not counted (the list below did not name them)
            people, pin = _sign_ins(uow)
            if fresh:
                uow.commit()
            return _Seeded(products, order_count, users, fresh, people, pin)
    finally:
        engine.dispose()


def prepare_demo(
    folder: Path, *, orders: int = 60, now: dt.datetime | None = None
) -> tuple[Settings, DemoSummary]:
    if orders < 1:
        raise UserError(_("The demo needs at least one order; use --orders 60 or more."))
    folder = folder.expanduser().resolve()
    config = prepare_folder(folder)
    # its own store, whatever PACKSTATION_DB says: the demo's shop went into the warehouse's
    settings = parse_settings(config.read_text(encoding="utf-8"), str(config))
    seeded = seed(settings.store.url, settings, orders=orders, now=now)
    write_barcode_list(folder)
    summary = DemoSummary(
        folder=folder,
        config=config,
        barcodes=folder / BARCODES_NAME,
        labels=folder / "labels",
        products=seeded.products,
        orders=seeded.orders,
        users=seeded.users,
        seeded_now=seeded.fresh,
        people=seeded.people,
        lead_pin=seeded.lead_pin,
    )
    return settings, summary
