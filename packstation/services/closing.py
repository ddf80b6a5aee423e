"""End of day: the reconciliation a shift lead signs off before leaving.

Called by the lead application's end-of-day screen.  The counts are those of the day's queue
(every order due that day, and overdue ones still open); "missing" are the orders due that have
not left and have no written reason — the figure that must be zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import col

from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.services.lead import UnshippedOrder, unshipped_without_reason
from packstation.services.queue import OPEN, queue_counts
from packstation.store.models import Handover, Order, Parcel
from packstation.store.uow import UnitOfWork


@dataclass(frozen=True)
class Reconciliation:
    day: dt.date
    counts: dict[str, int]
    missing_count: int
    missing: list[UnshippedOrder] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(self.counts.values())

    @property
    def shipped(self) -> int:
        return self.counts.get(S.HANDED_OVER, 0) + self.counts.get(S.CONFIRMED, 0)

    def figures(self) -> list[tuple[str, int]]:
        """(key, value) in the order the screen and the report show them."""
        c = self.counts
        return [
            ("imported", self.imported),
            ("ready", c.get(S.READY, 0) + c.get(S.IMPORTED, 0)),
            ("packing", c.get(S.PACKING, 0)),
            ("packed", c.get(S.PACKED, 0)),
            ("handed_over", c.get(S.HANDED_OVER, 0)),
            ("confirmed", c.get(S.CONFIRMED, 0)),
            ("cancelled", c.get(S.CANCELLED, 0)),
            ("on_hold", c.get(S.ON_HOLD, 0)),
            ("missing", self.missing_count),
        ]


def _late_shipped(uow: UnitOfWork, day: dt.date) -> dict[str, int]:
    """Orders due before the day that left on it (a handover of the day holds a parcel of
    theirs): the queue no longer shows them, but the day's figures count them."""
    handed_today = (
        select(col(Parcel.order_id))
        .join(Handover, col(Handover.id) == col(Parcel.handover_id))
        .where(col(Handover.date) == day)
    )
    with uow:
        rows = uow.session.execute(
            select(col(Order.status), func.count())
            .where(
                col(Order.due_date) < day,
                col(Order.status).not_in(OPEN),
                col(Order.id).in_(handed_today),
            )
            .group_by(col(Order.status))
        ).all()
    return {status: int(count) for status, count in rows}


def reconciliation(uow: UnitOfWork, *, day: dt.date, settings: Settings) -> Reconciliation:
    counts = queue_counts(uow, day=day, settings=settings)
    for status, count in _late_shipped(uow, day).items():
        counts[status] = counts.get(status, 0) + count
    missing_count, missing = unshipped_without_reason(uow, day=day)
    return Reconciliation(day=day, counts=counts, missing_count=missing_count, missing=missing)
