"""Settings for the packing tests (a YTO waybill range, so labels get numbers) and a store with
their catalogue."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from packstation.config import CarrierSettings, Settings
from tests.integration.packing.factories import seed_catalogue


def shop_settings(store_url: str) -> Settings:
    return Settings(
        carriers={
            "YTO": CarrierSettings(
                name="圆通速递", waybill_range=["YT7000000000000", "YT7000000999999"]
            )
        }
    ).with_store_url(store_url)


@pytest.fixture
def settings(store_url: str) -> Settings:
    return shop_settings(store_url)


@pytest.fixture
def shop(engine: Engine) -> Engine:
    """The store with the packing tests' products, barcodes and people."""
    seed_catalogue(engine)
    return engine
