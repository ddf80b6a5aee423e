"""Writing marketplace files the way the seller centre does, for the intake tests.

Every quirk of reference/marketplace.md can be switched on: GBK/GB18030 or UTF-8 (with or without
BOM), ``="…"`` numbers, leading apostrophes, header cells with trailing spaces, CR LF, quoted
commas and line breaks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ORDER_HEADER = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "运送方式",
    "联系电话 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "宝贝标题 ",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
]
ITEM_HEADER = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]
PAID = "买家已付款，等待卖家发货"
UNPAID = "等待买家付款"
SHIPPED = "卖家已发货，等待买家确认"
CLOSED = "交易关闭"


@dataclass
class Item:
    sku: str
    qty: int = 1
    price: str = "39.90"
    title: str = "纯棉T恤 男款"
    attrs: str = "颜色分类：白色;尺码：L"
    status: str = ""  # empty: the order's


@dataclass
class TOrder:
    no: str
    items: list[Item] = field(default_factory=list)
    status: str = PAID
    paid: str = "2026-03-02 10:15:00"
    name: str = "张三"
    address: str = "浙江省 杭州市 西湖区 文三路123号 (310000)"
    mobile: str = "13812345678"
    courier: str = ""
    tracking: str = ""
    buyer_message: str = ""
    seller_note: str = ""
    shop: str = "示例旗舰店"


def order_row(o: TOrder, *, armour: bool = True) -> list[str]:
    no = f'="{o.no}"' if armour else o.no
    total = sum(i.qty for i in o.items)
    paid_amount = "99.00"
    return [
        no,
        "buyer_" + o.no[-4:],
        "",
        paid_amount,
        "0.00",
        "0",
        paid_amount,
        "0",
        paid_amount,
        "0",
        o.status,
        o.buyer_message,
        o.name,
        o.address,
        "快递",
        "",
        ("'" + o.mobile) if armour and o.mobile else o.mobile,
        "2026-03-02 10:00:00",
        o.paid,
        o.items[0].title if o.items else "",
        str(len(o.items)),
        (f'="{o.tracking}"' if armour and o.tracking else o.tracking),
        o.courier,
        o.seller_note,
        str(total),
        "12345",
        o.shop,
        "",
    ]


def item_rows(o: TOrder, *, armour: bool = True) -> list[list[str]]:
    no = f'="{o.no}"' if armour else o.no
    return [
        [no, i.title, i.price, str(i.qty), "", i.attrs, "", "", i.status or o.status, i.sku]
        for i in o.items
    ]


# Excel's "Unicode text" (文本文件(制表符分隔) in Unicode): UTF-16 with a byte-order mark, tabs
EXCEL_UNICODE_TEXT = "utf-16-tab"


def _csv(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    # the seller centre writes CR LF and leaves ="…" cells unquoted
    writer = csv.writer(
        buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, delimiter=delimiter
    )
    writer.writerows(rows)
    return buffer.getvalue()


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == EXCEL_UNICODE_TEXT:
        return text.encode("utf-16")
    return text.encode(encoding)


def write_taobao(
    folder: Path,
    orders: Sequence[TOrder],
    *,
    encoding: str = "gb18030",
    armour: bool = True,
    stem: str = "",
) -> tuple[Path, Path]:
    """The order report and the item report of ``orders``."""
    folder.mkdir(parents=True, exist_ok=True)
    order_path = folder / f"ExportOrderList{stem}.csv"
    item_path = folder / f"ExportOrderDetailList{stem}.csv"
    header = ORDER_HEADER if armour else [h.strip() for h in ORDER_HEADER]
    sep = "\t" if encoding == EXCEL_UNICODE_TEXT else ","
    order_path.write_bytes(
        encode(_csv([header] + [order_row(o, armour=armour) for o in orders], sep), encoding)
    )
    items = [r for o in orders for r in item_rows(o, armour=armour)]
    item_path.write_bytes(encode(_csv([ITEM_HEADER, *items], sep), encoding))
    return order_path, item_path


GENERIC_HEADER = [
    "order_no",
    "paid_at",
    "recipient",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "postcode",
    "sku",
    "qty",
    "price",
    "gift",
    "carrier",
    "buyer_note",
    "seller_note",
]


def write_generic(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    header: Sequence[str] = GENERIC_HEADER,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(_csv([list(header), *rows]), encoding))
    return path


def generic_row(
    order_no: str,
    sku: str,
    qty: int = 1,
    *,
    paid: str = "2026-03-02 10:15:00",
    price: str = "19.90",
    gift: str = "0",
    carrier: str = "",
    note: str = "",
) -> list[str]:
    return [
        order_no,
        paid,
        "李四",
        "13900001111",
        "广东省",
        "深圳市",
        "南山区",
        "科技园路1号",
        "518000",
        sku,
        str(qty),
        price,
        gift,
        carrier,
        note,
        "",
    ]
