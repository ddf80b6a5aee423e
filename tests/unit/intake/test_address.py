from __future__ import annotations

import pytest

from packstation.domain.address import Address, split_address


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
