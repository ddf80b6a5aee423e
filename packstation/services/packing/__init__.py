"""Packing an order at the bench (DESIGN §5): open, tick, box, weigh, label, exceptions.

Called by the bench application (``packstation.screens.bench``), the tests and the stress tools.
Every public function is one short transaction that re-reads and locks the order it changes
(through ``claims.held_order``), writes its event with ``uow.record`` and commits (on PostgreSQL,
or when a guessed number was lost, weighing first takes the parcel's waybill number in a short
transaction of its own); a bench killed
between two calls loses nothing that was shown as done.  Lines are never packed beyond their
quantity: the tick is a guarded UPDATE checked in the same transaction.

``opening`` finds and claims an order, ``ticking`` fills the open box, ``weighing`` weighs and
labels it, ``waybill`` gives a waiting box a scanned waybill's number, ``leaving`` puts an order back or on
hold; ``boxes`` holds what they share.
"""

from packstation.services.claims import Claim, ClaimLost
from packstation.services.packing.leaving import (
    EXCEPTION_KINDS,
    PUT_BACK,
    raise_exception,
    release_order,
    stop_cancelled,
)
from packstation.services.packing.opening import find_order_id, open_order, prepare, take_next
from packstation.services.packing.ticking import (
    ScanResult,
    close_box,
    find_carton,
    line_state,
    scan_item,
    select_carton,
    tick_manually,
)
from packstation.services.packing.waybill import bind_waybill
from packstation.services.packing.weighing import (
    check_label,
    refuse_override,
    reprint,
    reprint_refusal,
    weigh,
)
from packstation.services.packing.weights import WeighResult

__all__ = [
    "EXCEPTION_KINDS",
    "PUT_BACK",
    "Claim",
    "ClaimLost",
    "ScanResult",
    "WeighResult",
    "bind_waybill",
    "check_label",
    "close_box",
    "find_carton",
    "find_order_id",
    "line_state",
    "open_order",
    "prepare",
    "raise_exception",
    "refuse_override",
    "release_order",
    "reprint",
    "reprint_refusal",
    "scan_item",
    "select_carton",
    "stop_cancelled",
    "take_next",
    "tick_manually",
    "weigh",
]
