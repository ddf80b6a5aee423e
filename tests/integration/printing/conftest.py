"""Orders, lines and parcels made directly with the models (order import is another area's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from packstation.config import CarrierSettings, DeviceSettings, Settings
from packstation.domain.status import OrderStatus
from packstation.store.models import Order, OrderLine, Parcel, Product
from packstation.store.uow import UnitOfWork

RANGE = ["YT7000000000000", "YT7000000000999"]


@pytest.fixture
def print_settings(settings: Settings, tmp_path: Any) -> Settings:
    """Settings with a YTO range and a printer URI the tests' transports answer to."""
    return settings.model_copy(
        update={
            "carriers": {"YTO": CarrierSettings(name="圆通速递", waybill_range=RANGE)},
            "devices": DeviceSettings(printer="test://label"),
        }
    )


def make_order(
    uow: UnitOfWork,
    *,
    order_no: str = "3364111318168545451",
    recipient: str = "张三丰",
    lines: tuple[tuple[str, int, bool], ...] = (("CUP-500-BK", 2, False), ("BRUSH-01", 1, True)),
    tracking_no: str = "",
    carrier: str = "YTO",
    parcels: int = 1,
) -> tuple[int, list[int]]:
    """An order ready to pack with its lines and parcels; returns (order id, parcel ids)."""
    with uow:
        for sku, _qty, _gift in lines:
            if (
                uow.session.get(Product, 1) is None
                or not uow.session.exec(
                    __import__("sqlmodel").select(Product).where(Product.sku == sku)
                ).first()
            ):
                uow.session.add(
                    Product(sku=sku, name=f"商品 {sku}", location=f"A-{len(sku):02d}-1")
                )
        order = Order(
            order_no=order_no,
            recipient_name=recipient,
            phone="13812345678",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            address="文三路 123号 华星科技大厦 8楼",
            postcode="310012",
            paid_at=dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC),
            due_date=dt.date(2026, 11, 26),
            carrier=carrier,
            tracking_no=tracking_no,
            status=OrderStatus.PACKING,
        )
        uow.session.add(order)
        uow.flush()
        assert order.id is not None
        for n, (sku, qty, gift) in enumerate(lines, start=1):
            uow.session.add(
                OrderLine(
                    order_id=order.id,
                    line_no=n,
                    sku=sku,
                    title=f"不锈钢保温杯 {sku}",
                    spec="黑色",
                    quantity=qty,
                    is_gift=gift,
                )
            )
        ids = []
        for seq in range(1, parcels + 1):
            parcel = Parcel(order_id=order.id, seq=seq, carrier=carrier, measured_weight_g=1234)
            uow.session.add(parcel)
            uow.flush()
            assert parcel.id is not None
            ids.append(parcel.id)
        uow.commit()
        return order.id, ids


@pytest.fixture
def new_order(uow_factory: Callable[..., UnitOfWork]) -> Callable[..., tuple[int, list[int]]]:
    def make(**kwargs: Any) -> tuple[int, list[int]]:
        return make_order(uow_factory(), **kwargs)

    return make


@pytest.fixture
def bench_uow(engine: Engine) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(engine, bench="bench-1", user="packer")
