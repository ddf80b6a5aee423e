from __future__ import annotations

import pytest

from packstation.domain.carriers import code_for_name, english_name, marketplace_name
from packstation.domain.orders import MarketState, generic_state, is_gift, taobao_state, yuan_to_fen


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("等待买家付款", MarketState.UNPAID),
        # a payment still being confirmed: not paid yet (it refused the whole file)
        ("付款确认中", MarketState.UNPAID),
        ("买家已付款，等待卖家发货", MarketState.PAID),
        ("卖家已发货，等待买家确认", MarketState.SHIPPED),
        ("交易成功", MarketState.DONE),
        ("交易关闭", MarketState.CLOSED),
        ("交易关闭（退款成功）", MarketState.CLOSED),
        # part of it shipped: not paid-and-waiting (every line was queued and shipped twice)
        ("卖家部分发货", MarketState.PARTLY_SHIPPED),
        ("部分发货", MarketState.PARTLY_SHIPPED),
        ("whatever", None),
    ],
)
def test_taobao_states(text: str, state: MarketState | None) -> None:
    assert taobao_state(text) is state


def test_generic_states() -> None:
    assert generic_state("") is MarketState.PAID
    assert generic_state("Refunded") is MarketState.CLOSED
    assert generic_state("交易关闭") is MarketState.CLOSED
    assert generic_state("lost") is None
    assert generic_state("Partly shipped") is MarketState.PARTLY_SHIPPED
    assert generic_state("部分发货") is MarketState.PARTLY_SHIPPED


@pytest.mark.parametrize(
    ("text", "fen"),
    [("39.90", 3990), ("0", 0), ("0.00", 0), ("1,299.5", 129950), ("¥12", 1200)],
)
def test_yuan_to_fen(text: str, fen: int) -> None:
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "-1", "1.234", "nan", "inf"])
def test_yuan_to_fen_refuses(text: str) -> None:
    assert yuan_to_fen(text) is None


def test_gifts() -> None:
    assert is_gift("贴纸", 0)
    assert is_gift("【赠品】贴纸", 100)
    assert not is_gift("T恤", 3990)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("圆通速递", "YTO"),
        ("圆通", "YTO"),
        ("中通快递", "ZTO"),
        ("申通快递", "STO"),
        ("韵达快递", "YUNDA"),
        ("顺丰速运", "SF"),
        ("京东快递", "JD"),
        ("邮政EMS", "EMS"),
        ("EMS", "EMS"),
        ("极兔速递", "JT"),
        ("yto express", "YTO"),
        ("sf", "SF"),
        ("德邦物流", None),
    ],
)
def test_courier_names(name: str, code: str | None) -> None:
    assert code_for_name(name) == code


def test_names_for_codes() -> None:
    assert marketplace_name("YTO") == "圆通速递"
    assert marketplace_name("yunda") == "韵达快递"
    assert marketplace_name("XYZ") == "XYZ"
    assert english_name("JT") == "J&T Express"
