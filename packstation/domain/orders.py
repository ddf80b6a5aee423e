"""Rules about marketplace orders that do not depend on a file format or a store.

Called by the order import (both formats), the documents and ``order show``, and by the tests.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache


class MarketState(StrEnum):
    """Where the marketplace says an order is."""

    UNPAID = "unpaid"
    PAID = "paid"  # paid, waiting for the seller to ship
    # paid, and the seller shipped part of it (部分发货): the items still waiting are queued
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    DONE = "done"
    CLOSED = "closed"  # closed or refunded


# the states an order is queued in: items of it wait to be shipped
TO_SHIP = frozenset({MarketState.PAID, MarketState.PARTLY_SHIPPED})
# where the marketplace says an order, or an item of it, left the shop
WENT = frozenset({MarketState.SHIPPED, MarketState.DONE})

# Taobao/Tmall wording (reference/marketplace.md); looked up by substring, in this order,
# because exports add details ("交易关闭（退款成功）", "卖家部分发货").
_TAOBAO_STATES: tuple[tuple[str, MarketState], ...] = (
    ("部分发货", MarketState.PARTLY_SHIPPED),  # whatever else the cell says
    ("等待买家付款", MarketState.UNPAID),
    ("付款确认中", MarketState.UNPAID),  # paid, the payment not confirmed yet: not due
    ("等待卖家发货", MarketState.PAID),
    ("买家已付款", MarketState.PAID),
    ("卖家已发货", MarketState.SHIPPED),
    ("等待买家确认", MarketState.SHIPPED),
    ("交易成功", MarketState.DONE),
    ("交易关闭", MarketState.CLOSED),
    ("关闭", MarketState.CLOSED),
    ("退款成功", MarketState.CLOSED),
)

_GENERIC_STATES: dict[str, MarketState] = {
    "": MarketState.PAID,
    "paid": MarketState.PAID,
    "unpaid": MarketState.UNPAID,
    "partly shipped": MarketState.PARTLY_SHIPPED,
    "partly_shipped": MarketState.PARTLY_SHIPPED,
    "shipped": MarketState.SHIPPED,
    "done": MarketState.DONE,
    "closed": MarketState.CLOSED,
    "cancelled": MarketState.CLOSED,
    "canceled": MarketState.CLOSED,
    "refunded": MarketState.CLOSED,
}


@cache
def taobao_state(text: str) -> MarketState | None:
    text = text.strip()
    for words, state in _TAOBAO_STATES:
        if words in text:
            return state
    return None


def generic_state(text: str) -> MarketState | None:
    found = _GENERIC_STATES.get(text.strip().lower())
    return found if found is not None else taobao_state(text) if text.strip() else None


GIFT_WORD = "赠品"


# the platforms whose orders the seller centre's ship-confirm upload takes (Tmall's come
# through Taobao's export)
SELLER_CENTRE_PLATFORMS = frozenset({"taobao", "tmall"})


def is_gift(title: str, price_fen: int) -> bool:
    """A promotional gift: a line at price 0 or titled with 赠品."""
    return price_fen == 0 or GIFT_WORD in title


def yuan_to_fen(text: str) -> int | None:
    """``12.5`` → 1250; None when not a non-negative amount with at most two decimals."""
    cleaned = text.strip().replace(",", "").lstrip("¥￥")
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    fen = amount * 100
    if fen != fen.to_integral_value():
        return None
    return int(fen)


def gift_mark(name: str, mark: str) -> str:
    """``mark`` for a gift's line named ``name`` (its title and spec), or "" when the name says
    so already: shops often name a gift 茶包试饮装（赠品）, and it is marked once."""
    return "" if mark.strip(" ()（）") in name else mark
