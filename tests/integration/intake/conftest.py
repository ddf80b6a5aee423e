"""Shared set-up of the intake tests: a catalogue in the store and settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from packstation.services.intake import import_products
from packstation.store.uow import UnitOfWork

PRODUCTS = """sku,barcode,name,spec,weight_g,fragile,extra_barcodes,case_barcode,case_qty,on_hand,location
TS-WHT-L,6901234500011,纯棉T恤,白色 L,210,0,,,,100,A-01-01
TS-BLK-M,6901234500028,纯棉T恤,黑色 M,200,0,6901234500099,16901234500028,6,5,A-01-02
MUG-01,6901234500035,陶瓷马克杯,350ml,420,1,,,,2,B-02-01
GIFT-STK,6901234500042,贴纸赠品,,10,0,,,,1000,C-09-09
"""


@pytest.fixture
def catalogue(uow_factory: Callable[..., UnitOfWork], tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS, encoding="utf-8")
    report = import_products(uow_factory(), path)
    assert report.ok, report.errors
