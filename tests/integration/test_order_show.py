"""`packstation order show` as a lead reads it (both stores)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from packstation.cli import main
from packstation.store.models import Event, OrderLine
from tests.support.lead_data import order


def _show(capsys: pytest.CaptureFixture[str], store_url: str, lang: str) -> str:
    try:
        main(["--db", store_url, "--lang", lang, "order", "show", "T-1"])
    except SystemExit as stopped:
        assert stopped.code in (0, None)
    return capsys.readouterr().out


def test_a_gift_is_marked_once(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """Shops often name a gift so already (茶包试饮装（赠品）): in Chinese the mark is not
    added again; in English it is, as the name does not say it in English."""
    with Session(engine) as s:
        row = order(s, "T-1")
        for number, title in enumerate(("茶包试饮装（赠品）", "贴纸"), start=1):
            s.add(
                OrderLine(
                    order_id=row.id,
                    line_no=number,
                    sku=f"G-{number}",
                    title=title,
                    quantity=1,
                    is_gift=True,
                )
            )
        s.commit()
    chinese = _show(capsys, store_url, "zh_CN")
    assert "  G-1              0/1  茶包试饮装（赠品）\n" in chinese
    assert "  G-2              0/1  贴纸（赠品）\n" in chinese
    english = _show(capsys, store_url, "en")
    assert "茶包试饮装（赠品） (gift)\n" in english and "贴纸 (gift)\n" in english


def test_a_held_order_says_why_and_its_events_are_named(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """The hold reason and a waybill printed before packing were in the JSON only; the events
    were their stored names (order_imported) in Chinese too, and their columns did not line up
    after a Chinese name."""
    with Session(engine) as s:
        row = order(
            s, "T-1", status="on_hold", hold_reason="地址不全", tracking_no="YT7000000000009"
        )
        s.add(Event(kind="order_imported", order_id=row.id, bench="b-1", user="小王"))
        s.add(Event(kind="label_voided", order_id=row.id, bench="b-1", user="陈主管"))
        s.commit()
    english = _show(capsys, store_url, "en")
    assert "  on hold: 地址不全\n" in english
    assert "  the order's waybill: YT7000000000009\n" in english
    assert "  imported                 b-1 小王\n" in english
    chinese = _show(capsys, store_url, "zh_CN")
    assert chinese.startswith("订单 T-1（淘宝）")  # it said （taobao）
    assert "  挂起原因：地址不全\n" in chinese
    assert "  已导入                   b-1 小王\n" in chinese
    assert "  面单作废                 b-1 陈主管\n" in chinese
