"""The words of the trade for states and kinds, shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    IMPORTED = "imported"
    READY = "ready"
    PACKING = "packing"
    ON_HOLD = "on_hold"
    PACKED = "packed"
    HANDED_OVER = "handed_over"
    # a box of it left with the courier, and the lead called the rest back (cancelled after
    # part of it went): what went is shipped, and confirmed as such
    PART_RECALLED = "part_recalled"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ParcelStatus(StrEnum):
    OPEN = "open"  # items being ticked into it
    WEIGHED = "weighed"
    LABELLED = "labelled"
    PACKED = "packed"
    HANDED_OVER = "handed_over"
    VOID = "void"


# a box in none of these states is the one being worked on (the order's live box); a box of a
# multi-box order may be handed over while the next one is packed
FINISHED_BOXES = (ParcelStatus.PACKED, ParcelStatus.HANDED_OVER, ParcelStatus.VOID)


class PrintStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    VOID = "void"


class PrintKind(StrEnum):
    LABEL = "label"
    SLIP = "slip"
    MANIFEST = "manifest"
    PICK_LIST = "pick_list"
    TEST = "test"
    COMMAND_SHEET = "command_sheet"


class ExceptionKind(StrEnum):
    SHORT = "short"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    WEIGHT = "weight"
    ADDRESS = "address"
    CANCELLED = "cancelled"
    CHANGED = "changed"  # the marketplace changed an order already packed


class Role(StrEnum):
    PACKER = "packer"
    LEAD = "lead"


class WeightSource(StrEnum):
    SCALE = "scale"
    MANUAL = "manual"  # typed: no scale
    OVERRIDE = "override"  # a lead accepted a weight outside tolerance
