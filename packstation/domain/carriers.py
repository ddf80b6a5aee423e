"""The couriers packstation knows without any configuration: code, the name the marketplace
writes, the English name, other names people use, and the form of their tracking numbers.

The one table of carriers: the order import (a courier named in an export becomes a code), the
ship-confirm export (a code becomes the name the marketplace expects back), the carrier table of
the store and the tracking-number checks (``domain.tracking``) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CarrierName:
    code: str
    marketplace: str  # as the Taobao/Tmall seller centre writes it
    english: str
    aliases: tuple[str, ...] = ()
    # a regular expression a whole tracking number must match (reference/marketplace.md);
    # format checks only: domestic carriers publish no check digits
    pattern: str = r"[A-Z0-9]{8,40}"

    @property
    def short(self) -> str:
        """The name people say in Chinese (圆通, 顺丰), short enough for a table's column: the
        first Chinese alias, else the marketplace's name."""
        return next((a for a in self.aliases if not a.isascii()), self.marketplace)


CARRIERS: tuple[CarrierName, ...] = (
    CarrierName("YTO", "圆通速递", "YTO Express", ("圆通", "圆通快递"), r"[A-Z0-9]{2}\d{10,13}"),
    # ZTO's 12-digit numbers use prefixes the reference does not list: any 12 digits pass.
    CarrierName("ZTO", "中通快递", "ZTO Express", ("中通", "中通速递"), r"\d{14}|\d{12}"),
    CarrierName("STO", "申通快递", "STO Express", ("申通", "申通速递"), r"77\d{13}|\d{12,15}"),
    CarrierName("YUNDA", "韵达快递", "Yunda Express", ("韵达", "韵达速递", "YD"), r"\d{13}|\d{15}"),
    CarrierName("SF", "顺丰速运", "SF Express", ("顺丰", "顺丰快递", "顺丰速递"), r"SF\d{13}"),
    CarrierName(
        "JD", "京东快递", "JD Logistics", ("京东", "京东物流"), r"JD[XK]\d{12}|JDV[A-Z]\d{11}"
    ),
    CarrierName(
        "EMS",
        "邮政EMS",
        "China Post EMS",
        ("EMS", "中国邮政", "邮政", "邮政快递包裹"),
        r"[A-Z]{2}\d{9}[A-Z]{2}|\d{13}",
    ),
    CarrierName(
        "JT", "极兔速递", "J&T Express", ("极兔", "极兔快递", "J&T", "JTEXPRESS"), r"JT\d{12,13}"
    ),
)

_BY_CODE = {c.code: c for c in CARRIERS}


def _key(name: str) -> str:
    return "".join(name.split()).upper()


_BY_NAME: dict[str, str] = {}
for _c in CARRIERS:
    for _n in (_c.code, _c.marketplace, _c.english, *_c.aliases):
        _BY_NAME[_key(_n)] = _c.code


def short_name(code: str) -> str | None:
    """The Chinese name people say for a known carrier code (YTO → 圆通); None for a carrier of
    the configuration's own."""
    carrier = _BY_CODE.get(code.upper())
    return carrier.short if carrier is not None else None


def code_named(name: str) -> str | None:
    """The carrier code of a name written whole (圆通, 顺丰速运, YTO Express), None otherwise: not a
    name found inside a longer text, as ``code_for_name`` does."""
    return _BY_NAME.get(_key(name))


def code_for_name(name: str) -> str | None:
    """The carrier code for a courier name as a marketplace, a person or a script writes it
    (``圆通速递``, ``圆通``, ``YTO Express``, ``yto``, ``圆通速递(电子面单)``); None when unknown."""
    key = _key(name)
    if not key:
        return None
    exact = _BY_NAME.get(key)
    if exact:
        return exact
    # a known Chinese name inside a longer one: 中通快递（经济型）
    for carrier in CARRIERS:
        if any(n in name for n in (carrier.marketplace, *carrier.aliases) if not n.isascii()):
            return carrier.code
    return None


def by_code(code: str) -> CarrierName | None:
    return _BY_CODE.get(code.upper())


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
