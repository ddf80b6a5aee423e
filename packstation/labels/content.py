"""What goes on a label, a packing slip and a pick list: plain data, filled by the print service.

Kept apart from the layout so a renderer test can build one without a store.  Privacy masking
(隐私面单) is done here, before anything is drawn.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


def kilograms(grams: int) -> str:
    """A weight as lists print it: 1.234 kg."""
    return f"{grams / 1000:.3f} kg"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***, Li Lei → L* L**: the first character of each word stays."""
    name = name.strip()
    if not name:
        return ""
    if " " not in name:
        return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; others keep their first 3 and last 4 digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str  # one line: province city district detail (postcode)


@dataclass(frozen=True)
class LabelData:
    carrier_code: str
    carrier_name: str  # 圆通速递
    carrier_name_en: str
    service: str
    tracking_no: str
    recipient: Party
    sender: Party
    goods: str
    order_no: str
    parcel_seq: int = 1
    parcel_count: int = 1  # 0: not known yet (more boxes are still to be packed)
    weight_g: int | None = None
    printed_at: dt.datetime | None = None  # local time of the bench
    sort_code: str = ""  # 三段码, when the carrier gives one
    hub: str = ""  # 集包地
    destination: str = ""  # province city, printed big when there is no sort code
    fragile: bool = False
    insured_fen: int = 0


@dataclass(frozen=True)
class SlipLine:
    sku: str
    title: str
    spec: str
    quantity: int
    gift: bool = False
    location: str = ""


@dataclass(frozen=True)
class SlipData:
    shop: str
    order_no: str
    recipient: str  # name and city, for the buyer to recognise the parcel
    lines: tuple[SlipLine, ...]
    note: str = ""  # the shop's note from the configuration
    buyer_note: str = ""
    paid_at: dt.datetime | None = None
    tracking_no: str = ""
    parcel_count: int = 1


@dataclass(frozen=True)
class PickListData:
    """A batch pick list: SKU totals with their storage locations, in walking order."""

    batch: str
    orders: int
    lines: tuple[SlipLine, ...]
    printed_at: dt.datetime | None = None
    filters: str = ""
    order_nos: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class HandoverListData:
    """The list a courier signs for the parcels handed over: each parcel's waybill and weight."""

    carrier: str
    carrier_name: str
    day: dt.date
    handovers: tuple[int, ...]
    courier: str
    shop: str
    parcels: tuple[tuple[str, int], ...]  # (waybill number, grams)
