"""A warehouse for the stress tests and the many-benches benchmark: products and thousands of
orders, written with bulk inserts (one statement per table) so 2,000 orders take a moment."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import Engine, insert
from sqlmodel import col, select

from packstation.domain.status import OrderStatus
from packstation.store.engine import make_engine
from packstation.store.models import Order, OrderLine, Product, ProductBarcode
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

PAID = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
SKUS = 24
# the orders go out with these couriers in turn (each has a waybill range in the benches' settings)
CARRIERS = ("YTO", "ZTO", "STO", "YUNDA")
STOCK = 100_000


@dataclass(frozen=True)
class Warehouse:
    orders: int
    lines: int
    units: int


def sku(n: int) -> str:
    return f"SKU-{n:03d}"


def barcode(n: int) -> str:
    return f"69{n:011d}"


def seed_store(url: str, orders: int) -> None:
    """The products and ``orders`` ready orders, in the migrated store at ``url``."""
    engine = make_engine(url)
    try:
        seed_products(engine)
        seed_orders(engine, orders)
    finally:
        engine.dispose()


def seed_products(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.session.execute(
            insert(Product),
            [
                {
                    "sku": sku(n),
                    "name": f"商品 {n}",
                    "name_en": f"Product {n}",
                    "spec": "1件",
                    "unit_weight_g": 100 + 37 * n,
                    "fragile": n % 7 == 0,
                    "length_mm": 80 + n,
                    "width_mm": 60,
                    "height_mm": 40,
                    "location": f"A-{n:02d}",
                    "on_hand": STOCK,
                }
                for n in range(SKUS)
            ],
        )
        uow.session.execute(
            insert(ProductBarcode),
            [{"code": barcode(n), "sku": sku(n), "multiplier": 1} for n in range(SKUS)],
        )
        # the stock-take the audit replays the stock from, as an import of the catalogue records
        uow.record(
            "products_imported",
            file="seed",
            added=SKUS,
            updated=0,
            stock={sku(n): STOCK for n in range(SKUS)},
        )
        uow.commit()


def seed_orders(engine: Engine, count: int, *, seed: int = 1, prefix: str = "T") -> Warehouse:
    """``count`` ready orders of 1–2 lines of 1–2 units, due today, in paid order (small, as
    most marketplace orders are, so the stress runs spend their time on many orders)."""
    rng = random.Random(seed)
    now = utcnow()
    orders = [
        Order(
            order_no=f"{prefix}{n:06d}",
            recipient_name="张三",
            phone="13800000000",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            address=f"文三路 {n} 号",
            paid_at=PAID + dt.timedelta(seconds=n),
            due_date=PAID.date(),
            status=OrderStatus.READY,
            carrier=CARRIERS[n % len(CARRIERS)],
            imported_at=now,
            updated_at=now,
        ).model_dump(exclude={"id"})
        for n in range(count)
    ]
    lines: list[dict[str, object]] = []
    with UnitOfWork(engine) as uow:
        uow.session.execute(insert(Order), orders)
        ids = dict(
            uow.session.exec(
                select(col(Order.order_no), col(Order.id)).where(
                    col(Order.order_no).startswith(prefix)
                )
            ).all()
        )
        for n in range(count):
            order_id = ids[f"{prefix}{n:06d}"]
            for line_no, product in enumerate(rng.sample(range(SKUS), rng.randint(1, 2)), 1):
                lines.append(
                    {
                        "order_id": order_id,
                        "line_no": line_no,
                        "sku": sku(product),
                        "title": f"商品 {product}",
                        "spec": "1件",
                        "quantity": rng.choice((1, 1, 2)),
                        "unit_price_fen": 990,
                        "is_gift": False,
                        "quantity_packed": 0,
                    }
                )
        uow.session.execute(insert(OrderLine), lines)
        uow.commit()
    return Warehouse(count, len(lines), sum(int(str(x["quantity"])) for x in lines))
