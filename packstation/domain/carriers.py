"""The couriers packstation knows: code, the name the marketplace writes, the English name.

A pure table used by the order import (a courier named in an export becomes a carrier code) and
by the ship-confirm export (a carrier code becomes the name the marketplace expects back).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CarrierName:
    code: str
    marketplace: str  # as the Taobao/Tmall seller centre writes it
    english: str
    aliases: tuple[str, ...] = ()


CARRIERS: tuple[CarrierName, ...] = (
    CarrierName("YTO", "圆通速递", "YTO Express", ("圆通", "圆通快递")),
    CarrierName("ZTO", "中通快递", "ZTO Express", ("中通", "中通速递")),
    CarrierName("STO", "申通快递", "STO Express", ("申通", "申通速递")),
    CarrierName("YUNDA", "韵达快递", "Yunda Express", ("韵达", "韵达速递")),
    CarrierName("SF", "顺丰速运", "SF Express", ("顺丰", "顺丰快递", "顺丰速递")),
    CarrierName("JD", "京东快递", "JD Logistics", ("京东", "京东物流")),
    CarrierName("EMS", "邮政EMS", "China Post EMS", ("EMS", "中国邮政", "邮政", "邮政快递包裹")),
    CarrierName("JT", "极兔速递", "J&T Express", ("极兔", "极兔快递", "J&T", "JTEXPRESS")),
)

_BY_CODE = {c.code: c for c in CARRIERS}


def _key(name: str) -> str:
    return "".join(name.split()).upper()


_BY_NAME: dict[str, str] = {}
for _c in CARRIERS:
    for _n in (_c.code, _c.marketplace, _c.english, *_c.aliases):
        _BY_NAME[_key(_n)] = _c.code


def code_for_name(name: str) -> str | None:
    """The carrier code for a courier name as a marketplace, a person or a script writes it
    (``圆通速递``, ``圆通``, ``YTO Express``, ``yto``); None when the name is unknown."""
    return _BY_NAME.get(_key(name))


def marketplace_name(code: str) -> str:
    """The name the marketplace's batch-ship upload expects (the code itself when unknown)."""
    known = _BY_CODE.get(code.upper())
    return known.marketplace if known else code


def english_name(code: str) -> str:
    known = _BY_CODE.get(code.upper())
    return known.english if known else code


def known_names() -> list[str]:
    """The marketplace names, for messages that list what is accepted."""
    return [c.marketplace for c in CARRIERS]
