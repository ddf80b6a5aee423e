"""What a packer does, for the packing tests."""

from __future__ import annotations

from sqlalchemy import Engine

from packstation.config import Settings
from packstation.domain.status import WeightSource
from packstation.services import packing
from packstation.services.packing_view import Phase, read_order
from packstation.store.uow import UnitOfWork


def weigh_the_box(engine: Engine, order_id: int, settings: Settings) -> packing.WeighResult:
    """The closed box on the scale, at exactly its expected weight."""
    view = read_order(UnitOfWork(engine, bench="bench-1", user="王芳"), order_id, settings)
    assert view is not None and view.phase == Phase.WEIGHING and view.current is not None
    return packing.weigh(
        UnitOfWork(engine, bench="bench-1", user="王芳"),
        order_id=order_id,
        grams=view.current.expected_g or 0,
        source=WeightSource.SCALE,
        settings=settings,
    )
