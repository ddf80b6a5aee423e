"""Orders as read from a file, before they meet the store: the same shape for every format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from packstation.domain.orders import MarketState
from packstation.i18n import N_, _
from packstation.services.intake.report import Problem


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
    # the fields of ``CHANGEABLE`` the file has no column for: they say nothing, and the
    # stored values stay (a file without a buyer-note column erased every stored note)
    absent: frozenset[str] = frozenset()
    # part of the order shipped (部分发货): the lines its item rows say went (they are not
    # packed here), and whether a row of it does not say whether it went
    shipped_lines: list[ParsedLine] = field(default_factory=list)
    unsaid: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.order_no)

    @property
    def left_unknown(self) -> bool:
        """Part of the order was shipped and the file does not say which items are left: no
        item row says it went (the generic format has no status per line), or a row says
        nothing.  It waits for the lead: queued whole, those items would ship twice."""
        return self.state is MarketState.PARTLY_SHIPPED and (self.unsaid or not self.shipped_lines)

    def said(self, sentence: str) -> Problem:
        """A problem or notice about the order as a whole, at its row of the file."""
        return Problem(self.file, self.row, "", self.order_no, sentence)


# The characters the store keeps of an order's cells (the columns' widths); more is cut.
KEPT = {
    "recipient_name": 100,
    "phone": 40,
    "province": 40,
    "city": 40,
    "district": 40,
    "address": 400,
    "postcode": 12,
}

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
    "carrier",  # only where the file names a courier: an empty cell is the shop's default
)


# Each field ``CHANGEABLE`` names, as a person names it (an exception's note said "city →").
FIELD_NAMES = {
    "recipient_name": N_("recipient's name"),
    "phone": N_("phone number"),
    "province": N_("province"),
    "city": N_("city"),
    "district": N_("district"),
    "address": N_("street address"),
    "postcode": N_("postcode"),
    "buyer_note": N_("buyer note"),
    "seller_note": N_("seller note"),
    "carrier": N_("courier"),
    "tracking_no": N_("tracking number"),
    "marketplace_status": N_("status on the marketplace"),
    # an order the marketplace says it shipped while it was not packed here (its waybill)
    "shipped": N_("shipped on the marketplace, waybill"),
}


# What an order's row says, as a person names it: two rows of one order must agree on all of it.
_SAID = (
    (("marketplace_status",), N_("status")),
    (("recipient_name",), N_("recipient's name")),
    (("phone",), N_("phone number")),
    (("province", "city", "district", "address", "postcode"), N_("address")),
    (("paid_at",), N_("payment time")),
    (("carrier",), N_("courier")),
    (("tracking_no",), N_("tracking number")),
    (("amount_fen",), N_("amount paid")),
    (("buyer_note",), N_("buyer note")),
    (("seller_note",), N_("seller note")),
    (("shop",), N_("shop")),
    (("buyer",), N_("buyer")),
)


def disagreement(first: ParsedOrder, again: ParsedOrder) -> tuple[str, str, str] | None:
    """Where a second row of an order says otherwise than its first: (what, was, now)."""
    for names, what in _SAID:
        was = " ".join(str(getattr(first, name) or "") for name in names).strip()
        now = " ".join(str(getattr(again, name) or "") for name in names).strip()
        if was != now:
            return _(what), was, now
    # a generic file has the order's lines on its rows: another file listing the order with
    # other items lost them (a Taobao order's items are joined later, from the item report)
    if _units(first) != _units(again):
        return _("list of items"), _items(first), _items(again)
    return None


def _units(order: ParsedOrder) -> list[tuple[str, int, bool]]:
    return sorted((line.sku, line.quantity, line.is_gift) for line in order.lines)


def _items(order: ParsedOrder) -> str:
    """The order's lines as a person checks them: "MUG-01 ×1, TS-WHT-L ×2"."""
    return ", ".join(f"{sku} ×{quantity}" for sku, quantity, _gift in _units(order))
