"""A weight for a box, and what weighing answers: shared by the full weighing (``weighing``) and
the plain one that packs an order in a few statements (``quick_weighing``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from packstation.config import Settings
from packstation.domain.packing import within_tolerance
from packstation.domain.status import WeightSource


@dataclass(frozen=True)
class Weight:
    """A weight for the live box of an order, as the bench gave it."""

    order_id: int
    grams: int
    source: WeightSource
    lead: str
    reason: str
    now: dt.datetime


@dataclass(frozen=True)
class WeighResult:
    accepted: bool
    measured_g: int
    expected_g: int
    message: str
    jobs: int = 0
    order_packed: bool = False
    await_label_scan: bool = False


def accepted(grams: int, expected_g: int, source: WeightSource, settings: Settings) -> bool:
    """Inside the tolerance of the box's expected weight, or a lead's override."""
    weighing = settings.weighing
    inside = within_tolerance(grams, expected_g, weighing.tolerance_g, weighing.tolerance_pct)
    return inside or source is WeightSource.OVERRIDE
