"""Products, orders and people for the packing tests (integration and functional).

Rows are written straight through the models so these tests do not depend on the importer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from packstation.domain.status import OrderStatus, Role
from packstation.services.users import hash_pin
from packstation.store.models import Order, OrderLine, Product, ProductBarcode, User
from packstation.store.uow import UnitOfWork

PAID = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)
LEAD_PIN = "4321"

# sku, name, spec, grams, fragile, barcode, dimensions
PRODUCTS = [
    ("TEA-001", "西湖龙井 明前特级", "250克/罐", 300, False, "6901234567892", (100, 100, 120)),
    ("CUP-002", "青瓷茶杯", "2只装", 400, True, "6901234567908", (120, 120, 100)),
    ("PAN-003", "不粘炒锅", "32厘米", 1500, False, "6901234567915", (330, 330, 100)),
    ("SOAP-04", "手工皂", "100克", 110, False, "6901234567922", (80, 60, 30)),
]
CASE_BARCODE = "16901234567929"  # six SOAP-04


@dataclass(frozen=True)
class Shop:
    engine: Engine

    def uow(self, bench: str = "bench-1", user: str = "王芳") -> UnitOfWork:
        return UnitOfWork(self.engine, bench=bench, user=user)


def seed_catalogue(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        for sku, name, spec, grams, fragile, code, (length, w, h) in PRODUCTS:
            uow.session.add(
                Product(
                    sku=sku,
                    name=name,
                    spec=spec,
                    unit_weight_g=grams,
                    fragile=fragile,
                    length_mm=length,
                    width_mm=w,
                    height_mm=h,
                    location="A-01",
                )
            )
            uow.flush()
            uow.session.add(ProductBarcode(code=code, sku=sku))
        uow.session.add(ProductBarcode(code=CASE_BARCODE, sku="SOAP-04", multiplier=6))
        uow.session.add(User(name="王芳", role=Role.PACKER, badge="BADGE-001"))
        uow.session.add(User(name="Li Lei", role=Role.PACKER, badge="BADGE-002"))
        uow.session.add(
            User(name="陈主管", role=Role.LEAD, badge="BADGE-900", pin_hash=hash_pin(LEAD_PIN))
        )
        uow.commit()


def add_order(
    engine: Engine,
    order_no: str,
    lines: Sequence[tuple[str, int]],
    *,
    status: str = OrderStatus.READY,
    due: dt.date = TODAY,
    paid_at: dt.datetime = PAID,
    buyer_note: str = "",
    seller_note: str = "",
    tracking_no: str = "",
    gift: Sequence[str] = (),
    insured_fen: int = 0,
) -> int:
    names = {p[0]: (p[1], p[2]) for p in PRODUCTS}
    with UnitOfWork(engine) as uow:
        order = Order(
            order_no=order_no,
            recipient_name="张三",
            phone="13800000000",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            address="文三路 100 号",
            paid_at=paid_at,
            due_date=due,
            status=status,
            buyer_note=buyer_note,
            seller_note=seller_note,
            tracking_no=tracking_no,
            insured_value_fen=insured_fen,
        )
        uow.session.add(order)
        uow.flush()
        assert order.id is not None
        for number, (sku, qty) in enumerate(lines, start=1):
            name, spec = names.get(sku, (sku, ""))  # a product a test added itself
            uow.session.add(
                OrderLine(
                    order_id=order.id,
                    line_no=number,
                    sku=sku,
                    title=name,
                    spec=spec,
                    quantity=qty,
                    is_gift=sku in gift,
                )
            )
        uow.commit()
        return order.id


def change_order(engine: Engine, order_id: int, **values: object) -> None:
    """Set columns of an order, as an import or a lead would have changed them."""
    with UnitOfWork(engine) as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        for name, value in values.items():
            setattr(order, name, value)
        uow.session.add(order)
        uow.commit()
