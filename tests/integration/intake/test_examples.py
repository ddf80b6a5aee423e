"""The example files of the documentation import as they are."""

from __future__ import annotations

from pathlib import Path

from packstation.config import Settings
from packstation.services.intake import import_orders, import_products
from tests.integration.intake.store_view import Factory, lines

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_the_examples_import(uow_factory: Factory, settings: Settings) -> None:
    products = import_products(uow_factory(), EXAMPLES / "products.csv")
    assert products.ok, products.errors
    assert products.products_added == 4
    report = import_orders(uow_factory(), [EXAMPLES / "orders-generic.csv"], settings=settings)
    assert report.ok, report.errors
    assert (report.orders_imported, report.lines_imported) == (2, 3)
    assert [line.is_gift for line in lines(uow_factory, "WEB-10001")] == [False, True]
