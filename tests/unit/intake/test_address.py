from __future__ import annotations

from types import SimpleNamespace

import pytest

from packstation.domain.address import Address, place_names, split_address
from packstation.services.documents import destination, full_address


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "浙江省 杭州市 西湖区 文三路123号 (310000)",
            Address("浙江省", "杭州市", "西湖区", "文三路123号", "310000"),
        ),
        (
            "北京 北京市 朝阳区 建国路88号 SOHO 1号楼 (100022)",
            Address("北京", "北京市", "朝阳区", "建国路88号 SOHO 1号楼", "100022"),
        ),
        (
            "广东省　深圳市　南山区　科技园路1号（518000）",
            Address("广东省", "深圳市", "南山区", "科技园路1号", "518000"),
        ),
        ("浙江省杭州市西湖区文三路123号", Address("浙江省", "杭州市", "西湖区", "文三路123号", "")),
        ("上海市浦东新区世纪大道1号", Address("上海市", "上海市", "浦东新区", "世纪大道1号", "")),
        (
            "广西壮族自治区南宁市青秀区民族大道1号(530000)",
            Address("广西壮族自治区", "南宁市", "青秀区", "民族大道1号", "530000"),
        ),
        (
            "湖北省恩施土家族苗族自治州恩施市舞阳大道",
            Address("湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大道", ""),
        ),
        ("仓库自提", Address(detail="仓库自提")),
        ("", Address()),
    ],
)
def test_split_address(cell: str, expected: Address) -> None:
    assert split_address(cell) == expected


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        (("浙江省", "杭州市", "西湖区"), ["浙江省", "杭州市", "西湖区"]),
        (("上海", "上海市", "浦东新区"), ["上海", "浦东新区"]),  # Taobao's export
        (("上海市", "上海市", "浦东新区"), ["上海市", "浦东新区"]),  # split from one run
        (("重庆", "重庆市", "渝中区"), ["重庆", "渝中区"]),
        (("吉林省", "吉林市", "船营区"), ["吉林省", "吉林市", "船营区"]),  # not a repeat
        (("", "", "西湖区"), ["西湖区"]),
    ],
)
def test_a_municipality_is_written_once(parts: tuple[str, str, str], shown: list[str]) -> None:
    assert place_names(*parts) == shown


def test_the_label_names_a_municipality_once_and_its_district() -> None:
    """The big destination line read 上海市 上海市, and the address repeated it."""
    order = SimpleNamespace(
        province="上海", city="上海市", district="浦东新区", address="张江路 88弄", postcode=""
    )
    assert destination(order) == "上海 浦东新区"
    assert full_address(order) == "上海 浦东新区 张江路 88弄"
    elsewhere = SimpleNamespace(
        province="浙江省",
        city="杭州市",
        district="西湖区",
        address="文三路123号",
        postcode="310000",
    )
    assert destination(elsewhere) == "浙江省 杭州市"
    assert full_address(elsewhere) == "浙江省 杭州市 西湖区 文三路123号 (310000)"
