"""`packstation order show` as a lead reads it (both stores)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from packstation.cli import main
from packstation.store.models import Event, OrderLine, PrintJob
from tests.support.lead_data import label, order, parcel


def _show(capsys: pytest.CaptureFixture[str], store_url: str, lang: str) -> str:
    try:
        main(["--db", store_url, "--lang", lang, "order", "show", "T-1"])
    except SystemExit as stopped:
        assert stopped.code in (0, None)
    return capsys.readouterr().out


def _events(s: Session, order_id: int | None, *events: tuple[str, dict[str, Any]]) -> None:
    for kind, payload in events:
        s.add(
            Event(
                kind=kind, order_id=order_id, bench="b-1", user="小王", payload=json.dumps(payload)
            )
        )
    s.commit()


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


def test_the_slip_a_waybill_printed_first_and_what_events_changed_are_shown(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """A waybill printed before packing and the slip were in no part of the output (only the
    labels of parcels were), and an import's update or a lead's corrected address said only
    that it happened, not what changed."""
    with Session(engine) as s:
        row = order(s, "T-1", status="packed")
        box = parcel(s, row, "YT7000000000010")
        label(s, box)
        jobs = (
            ("label", None, "void", "address corrected"),  # printed first, then voided
            ("slip", box.id, "sent", ""),
        )
        for kind, parcel_id, status, reason in jobs:
            s.add(
                PrintJob(
                    order_id=row.id,
                    parcel_id=parcel_id,
                    kind=kind,
                    printer="sim://",
                    language="zpl",
                    content=b"^XA^XZ",
                    sha256="x",
                    status=status,
                    reason=reason,
                )
            )
        updated = {"source": "import", "changes": {"city": ["杭州市", "南京市"]}}
        # as the log keeps them: keys sorted (address, city, province)
        corrected = {
            "before": {"address": "文三路1号", "city": "杭州市", "province": "浙江省"},
            "after": {"address": "中山路1号", "city": "南京市", "province": "江苏省"},
        }
        # a weight let through by a lead: who did it was in the JSON alone
        overridden = {"grams": 1480, "lead": "王组长", "reason": "加了泡沫"}
        _events(
            s,
            row.id,
            ("order_updated", updated),
            ("address_corrected", corrected),
            ("weight_accepted", overridden),
        )
    english = _show(capsys, store_url, "en")
    assert (
        "Other print jobs:\n  label job 2: void\n  packing slip job 3: sent (parcel 1)\n" in english
    )
    assert "      city: 杭州市 → 南京市\n" in english
    # in the order an address is written, not the log's (street address, city, province)
    assert (
        "      province: 浙江省 → 江苏省; city: 杭州市 → 南京市; street address: 文三路1号 → 中山路1号\n"
        in english
    )
    assert "      overridden by 王组长; reason: 加了泡沫\n" in english
    chinese = _show(capsys, store_url, "zh_CN")
    assert (
        "其他打印任务：\n  面单打印任务 2：已作废\n  发货单打印任务 3：已发送（包裹 1）\n"
        in chinese
    )
    assert "      城市：杭州市 → 南京市\n" in chinese and "，快递 圆通\n" in chinese
    assert "      由王组长放行；原因：加了泡沫\n" in chinese
    main(["--db", store_url, "order", "show", "T-1", "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert [(d["kind"], d["parcel_seq"]) for d in shown["documents"]] == [
        ("label", None),
        ("slip", 1),
    ]
    assert shown["events"][0]["details"] == updated


def test_the_orders_waybill_is_said_once_with_its_parcel(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """A number given before packing that a parcel carries was said twice, as "the order's
    waybill" too, and so still after the parcel's label was voided: a lead read a void number
    as the order's."""
    with Session(engine) as s:
        row = order(s, "T-1", status="on_hold", tracking_no="YT7000000000011")
        box = parcel(s, row, "YT7000000000011", status="void")
        label(s, box)
        s.commit()
    english = _show(capsys, store_url, "en")
    assert "the order's waybill" not in english
    assert "  #1 void YT7000000000011 " in english


def test_the_items_an_import_or_a_release_changed_are_shown(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """An export that raised a quantity changed the order's lines, and `order show` listed the
    event with its address changes alone (or with nothing under it): the new items were in the
    JSON only."""
    with Session(engine) as s:
        row = order(s, "T-1")
        imported = {
            "source": "import",
            "changes": {"city": ["杭州市", "南京市"], "lines": ["", "MUG-01 ×1 → ×3"]},
        }
        released = {
            "source": "lead",
            "changes": {
                "lines": [
                    [{"sku": "MUG-01", "quantity": 3}, {"sku": "TS-WHT-L", "quantity": 2}],
                    [{"sku": "MUG-01", "quantity": 3}, {"sku": "SOAP-1", "quantity": 1}],
                ]
            },
        }
        _events(s, row.id, ("order_updated", imported), ("order_updated", released))
    english = _show(capsys, store_url, "en")
    assert "      city: 杭州市 → 南京市; items: MUG-01 ×1 → ×3\n" in english
    assert "      items: SOAP-1 ×0 → ×1; TS-WHT-L ×2 → ×0\n" in english
    chinese = _show(capsys, store_url, "zh_CN")
    assert "      城市：杭州市 → 南京市；商品：MUG-01 ×1 → ×3\n" in chinese


def test_a_figure_not_known_is_a_dash_without_a_unit(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """A box split off by the lead and never packed (the order went as one box) has no weight:
    it read "weight - g (expected - g)", a dash with a unit, in both languages."""
    with Session(engine) as s:
        row = order(s, "T-1", status="packed")
        spare = parcel(s, row, None, status="void")
        spare.measured_weight_g = None
        box = parcel(s, row, "YT7000000000012", seq=2, weight_g=1480)
        box.expected_weight_g = 1450
        s.commit()
    english = _show(capsys, store_url, "en")
    assert "  #1 void - weight - (expected -) carton -\n" in english
    assert " weight 1480 g (expected 1450 g) carton -\n" in english
    assert "- g" not in english
    chinese = _show(capsys, store_url, "zh_CN")
    assert " 重量 -（预计 -）纸箱 -\n" in chinese
    assert " 重量 1480 克（预计 1450 克）纸箱 -\n" in chinese
    assert "- 克" not in chinese
