"""Orders as read from a file, before they meet the store: the same shape for every format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from packstation.domain.orders import MarketState


@dataclass(slots=True)
class ParsedLine:
    sku: str
    title: str
    spec: str
    quantity: int
    unit_price_fen: int
    is_gift: bool


@dataclass(slots=True)
class ParsedOrder:
    platform: str
    order_no: str
    state: MarketState
    file: str
    row: int
    marketplace_status: str = ""
    shop: str = ""
    buyer: str = ""
    recipient_name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    postcode: str = ""
    paid_at: dt.datetime | None = None
    carrier: str = ""
    tracking_no: str = ""
    amount_fen: int = 0
    buyer_note: str = ""
    seller_note: str = ""
    lines: list[ParsedLine] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.order_no)


# The fields that, when the marketplace changes them, change what the bench must do.
CHANGEABLE = (
    "recipient_name",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "postcode",
    "buyer_note",
    "seller_note",
)
