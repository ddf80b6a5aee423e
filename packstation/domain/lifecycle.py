"""The order lifecycle (DESIGN §4): which transitions are allowed.

``imported → ready → packing → packed → handed_over → confirmed``, with ``on_hold`` from ready,
packing or packed (back to packed when a lead releases an order whose boxes are all packed),
and ``cancelled`` from any state before handed_over.  An order cancelled after one of its boxes
left with the courier becomes ``part_recalled`` instead (the rest is called back), and is
confirmed as shipped like a handed-over one.
"""

from __future__ import annotations

import datetime as dt

from packstation.domain.status import OrderStatus as S


class TransitionRefused(Exception):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"{current} -> {wanted}")
        self.current = current
        self.wanted = wanted


ALLOWED: dict[S, frozenset[S]] = {
    S.IMPORTED: frozenset({S.READY, S.CANCELLED, S.ON_HOLD}),
    S.READY: frozenset({S.PACKING, S.ON_HOLD, S.CANCELLED, S.PACKED}),
    S.PACKING: frozenset({S.READY, S.PACKED, S.ON_HOLD, S.CANCELLED, S.PART_RECALLED}),
    S.ON_HOLD: frozenset({S.READY, S.CANCELLED, S.PACKING, S.PACKED, S.PART_RECALLED}),
    S.PACKED: frozenset(
        {S.HANDED_OVER, S.CANCELLED, S.ON_HOLD, S.PACKING, S.CONFIRMED, S.PART_RECALLED}
    ),
    S.HANDED_OVER: frozenset({S.CONFIRMED}),
    S.PART_RECALLED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset(),
    S.CANCELLED: frozenset(),
}


def can_move(current: str, wanted: str) -> bool:
    return S(wanted) in ALLOWED[S(current)]


def check_move(current: str, wanted: str) -> None:
    if not can_move(current, wanted):
        raise TransitionRefused(current, wanted)


def lease_ran_out(status: str, lease_until: dt.datetime | None, now: dt.datetime) -> bool:
    """Is this an order being packed whose bench let its lease run out (by ``now``, the store's
    clock)?  The next bench that asks for an order takes it over."""
    return status == S.PACKING and lease_until is not None and lease_until <= now
