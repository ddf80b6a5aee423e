"""End of day: the reconciliation a shift lead signs off before leaving.

Called by the lead application's end-of-day screen.  The figures are those of
``services.reports.day_report`` (what ``packstation report day`` prints), so the screen and the
command never disagree; this module only adds the rows behind "missing" for the screen to list.
"Missing" are the orders due that have not left and have no written reason — the figure that must
be zero; they include orders due on earlier days ("carried over"), which the day's own figures
leave out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from packstation.config import Settings
from packstation.services.lead import UnshippedOrder, unshipped_without_reason
from packstation.services.reports import day_report
from packstation.store.uow import UnitOfWork

#: the figures in the order the screen shows them (keys of day_report's counts, then missing)
FIGURES = (
    "due",
    "ready",
    "packing",
    "packed",
    "handed_over",
    "part_recalled",
    "confirmed",
    "cancelled",
    "on_hold",
    "carried_over",
    "missing",
)


@dataclass(frozen=True)
class Reconciliation:
    day: dt.date
    counts: dict[str, int]
    missing_orders: list[str]  # order numbers, as day_report gives them
    missing: list[UnshippedOrder] = field(default_factory=list)  # the same orders, with details
    carried_over: int = 0  # due on an earlier day and not out yet (some of them missing)

    @property
    def missing_count(self) -> int:
        return len(self.missing_orders)

    @property
    def due(self) -> int:
        return sum(self.counts.values())

    def figures(self) -> list[tuple[str, int]]:
        """(key, value) in the order the screen shows them."""
        values = {
            **self.counts,
            "due": self.due,
            "carried_over": self.carried_over,
            "missing": self.missing_count,
        }
        # an order cancelled after part of it left is rare: its line only when there is one
        return [
            (key, int(values.get(key, 0)))
            for key in FIGURES
            if key != "part_recalled" or values.get(key)
        ]


def reconciliation(uow: UnitOfWork, *, day: dt.date, settings: Settings) -> Reconciliation:
    report = day_report(uow, day=day, settings=settings)
    _count, rows = unshipped_without_reason(uow, day=day)
    return Reconciliation(
        day=day,
        counts={k: int(v) for k, v in report["counts"].items()},
        missing_orders=list(report["unshipped_without_reason"]),
        missing=rows,
        carried_over=int(report["carried_over"]),
    )
