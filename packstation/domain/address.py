"""Splitting the one-cell address of a marketplace export into its parts.

Taobao writes ``浙江省 杭州市 西湖区 文三路123号 (310000)``: province, city, district and detail
separated by spaces, the postcode in parentheses.  Older exports and other shops run the parts
together (``浙江省杭州市西湖区文三路123号``); those are split on the administrative suffixes.
Called by the order import; pure.  ``place_names`` gives the parts as a parcel shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    postcode: str = ""


_POSTCODE = re.compile(r"[\(（]\s*(\d{6})\s*[\)）]\s*$")
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_REGIONS = ("内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "台湾")
_PROVINCE = re.compile(
    r"^(?:(?:北京|天津|上海|重庆)市?|(?:内蒙古|广西|西藏|宁夏|新疆)(?:[^省市区县]{0,6}自治区)?"
    r"|(?:香港|澳门)(?:特别行政区)?|台湾省?|[^省市]{2,7}?省)"
)
_CITY = re.compile(r"^.{1,12}?(?:自治州|地区|市|盟)")
_DISTRICT = re.compile(r"^.{1,12}?(?:区|县|旗|市)")


def split_address(cell: str) -> Address:
    """The parts of a one-cell address; what cannot be told apart stays in ``detail``."""
    text = " ".join(cell.replace("\u3000", " ").split())
    postcode = ""
    match = _POSTCODE.search(text)
    if match:
        postcode = match.group(1)
        text = text[: match.start()].rstrip()
    tokens = text.split(" ")
    if len(tokens) >= 4 and _looks_like_province(tokens[0]):
        return Address(tokens[0], tokens[1], tokens[2], " ".join(tokens[3:]), postcode)
    return _split_joined(text, postcode)


def _looks_like_province(token: str) -> bool:
    return (
        token.endswith(("省", "自治区", "特别行政区", "市"))
        or token.startswith(_MUNICIPALITIES)
        or token.startswith(_REGIONS)
    )


def _split_joined(text: str, postcode: str) -> Address:
    rest = text
    parts: list[str] = []
    for pattern in (_PROVINCE, _CITY, _DISTRICT):
        rest = rest.lstrip()
        if len(parts) == 1 and parts[0].startswith(_MUNICIPALITIES):
            # a municipality is its own city: 上海市浦东新区…
            parts.append(parts[0] if parts[0].endswith("市") else parts[0] + "市")
            continue
        found = pattern.match(rest)
        if not found:
            break
        parts.append(found.group(0))
        rest = rest[found.end() :]
    if not parts:
        return Address(detail=text, postcode=postcode)
    parts += [""] * (3 - len(parts))
    return Address(parts[0], parts[1], parts[2], rest.strip(), postcode)


def place_names(province: str, city: str, district: str) -> list[str]:
    """The parts of a place as a parcel shows them, empty ones left out.  A municipality is
    its own city, and the exports repeat it (上海 上海市 浦东新区): it is written once, so the
    district follows it (上海 浦东新区)."""
    if province and city and province.removesuffix("市") == city.removesuffix("市"):
        city = ""
    return [part for part in (province, city, district) if part]
