"""Label data and the machine's CJK font for the renderer tests."""

from __future__ import annotations

import datetime as dt

import pytest

from packstation.config import Settings
from packstation.labels.content import LabelData, Party, SlipData, SlipLine
from packstation.labels.fonts import find_cjk_font


@pytest.fixture(scope="session")
def font_path() -> str:
    """A real CJK font: CI installs fonts-wqy-microhei; without one these tests cannot run."""
    return str(find_cjk_font(Settings()))


def chinese_label(**changes: object) -> LabelData:
    data = LabelData(
        carrier_code="YTO",
        carrier_name="圆通速递",
        carrier_name_en="YTO Express",
        service="标准快递",
        tracking_no="YT7000000000001",
        recipient=Party(
            "张*", "138****5678", "浙江省 杭州市 西湖区 文三路 123号 华星科技大厦 8楼 (310012)"
        ),
        sender=Party("仓库发货组", "0571-88888888", "浙江省 杭州市 余杭区 仓前街道 文一西路 1号"),
        goods="不锈钢保温杯 500ml 黑色 ×2；杯刷 ×1（赠品）",
        order_no="3364111318168545451",
        parcel_seq=1,
        parcel_count=2,
        weight_g=1234,
        printed_at=dt.datetime(2026, 11, 26, 15, 4),
        destination="浙江省 杭州市",
        fragile=True,
        insured_fen=19900,
    )
    return dataclass_replace(data, **changes)


def dataclass_replace(data: LabelData, **changes: object) -> LabelData:
    import dataclasses

    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def english_label() -> LabelData:
    return chinese_label(
        carrier_code="SF",
        carrier_name="顺丰速运",
        carrier_name_en="SF Express",
        service="",
        tracking_no="SF1234567890123",
        recipient=Party(
            "L* L**",
            "139****5678",
            "Room 802, Huaxing Tower, 123 Wensan Road, Xihu District, Hangzhou, Zhejiang 310012",
        ),
        sender=Party("Warehouse team", "0571-88888888", "1 Wenyi West Road, Yuhang, Hangzhou"),
        goods="Vacuum flask 500ml x2",
        order_no="TB20261126001",
        destination="Hangzhou, Zhejiang",
        fragile=False,
        insured_fen=0,
    )


def slip() -> SlipData:
    return SlipData(
        shop="packstation 示例店铺",
        order_no="3364111318168545451",
        recipient="张三丰 杭州市",
        lines=(
            SlipLine("CUP-500-BK", "不锈钢保温杯 500ml", "黑色", 2),
            SlipLine("BRUSH-01", "杯刷", "", 1, gift=True),
        ),
        note="感谢您的惠顾！如有问题请联系在线客服。",
        buyer_note="请尽快发货",
        paid_at=dt.datetime(2026, 11, 26, 10, 0),
        tracking_no="YT7000000000001",
    )
