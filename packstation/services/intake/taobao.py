"""The Taobao/Tmall two-file export (reference/marketplace.md): the order report, one row per
order, and the item report, one row per order line, joined on the order number.

Called by ``intake.import_orders``.  The item report is read first and held (compactly) by order
number; the order report is then streamed and each order joined with its lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from packstation.domain.address import split_address
from packstation.domain.orders import MarketState, is_gift, taobao_state
from packstation.i18n import _
from packstation.services.intake.context import ReadContext
from packstation.services.intake.parsed import ParsedLine, ParsedOrder
from packstation.services.intake.readers import CsvFile, clean, records
from packstation.services.intake.report import Problem
from packstation.services.intake.validation import Columns, RowCheck

PLATFORM = "taobao"

ORDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_no": ("订单编号",),
    "buyer": ("买家会员名",),
    "amount": ("买家实际支付金额",),
    "status": ("订单状态",),
    "buyer_note": ("买家留言",),
    "recipient": ("收货人姓名",),
    "address": ("收货地址",),
    "landline": ("联系电话",),
    "mobile": ("联系手机",),
    "paid_at": ("订单付款时间",),
    "tracking_no": ("物流单号",),
    "courier": ("物流公司",),
    "seller_note": ("订单备注",),
    "shop": ("店铺名称",),
}
ORDER_REQUIRED = ("order_no", "status", "recipient", "address", "paid_at")

ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_no": ("订单编号",),
    "title": ("标题", "宝贝标题"),
    "price": ("价格", "单价"),
    "qty": ("购买数量", "数量"),
    "outer_id": ("外部系统编号",),
    "attrs": ("商品属性", "销售属性"),
    "status": ("订单状态",),
    "sku": ("商家编码", "商品编码", "SKU"),
}
ITEM_REQUIRED = ("order_no", "title", "price", "qty", "sku")


def is_order_report(header: Sequence[str]) -> bool:
    return "订单编号" in header and ("收货地址" in header or "收货人姓名" in header)


def is_item_report(header: Sequence[str]) -> bool:
    return (
        "订单编号" in header
        and not is_order_report(header)
        and ("购买数量" in header or "商家编码" in header)
    )


# One item row, kept until its order is read: (file, row, line or None when invalid, its state)
ItemRow = tuple[str, int, ParsedLine | None, MarketState | None]


def read_items(file: CsvFile, ctx: ReadContext) -> dict[str, list[ItemRow]]:
    cols = Columns.find(file, ITEM_COLUMNS, ITEM_REQUIRED, ctx.problems)
    items: dict[str, list[ItemRow]] = {}
    if any(k not in cols.index for k in ITEM_REQUIRED):
        return items
    check = RowCheck(cols, ctx.problems)
    i_no, i_title, i_price, i_qty, i_sku = (cols.index[k] for k in ITEM_REQUIRED)
    i_outer = cols.index.get("outer_id")
    i_attrs = cols.index.get("attrs")
    i_status = cols.index.get("status")
    rows = records(file.path, file.encoding, progress=ctx.file_progress())
    next(rows)  # the header
    for row, cells in rows:
        check.start(row)
        if not check.width(cells):
            continue
        order_no = check.required("order_no", clean(cells[i_no]), _("order number"))
        sku = clean(cells[i_sku])
        if not sku and i_outer is not None:
            sku = clean(cells[i_outer])
        sku = ctx.sku(check, "sku", sku)
        title = ctx.share(cells[i_title].strip())
        qty = check.quantity("qty", clean(cells[i_qty]))
        price = check.price("price", clean(cells[i_price]))
        spec = ctx.share(clean(cells[i_attrs])) if i_attrs is not None else ""
        state = taobao_state(cells[i_status]) if i_status is not None else None
        line = None
        if not check.failed:
            line = ParsedLine(sku, title, spec, qty, price, is_gift(title, price))
        if order_no:
            items.setdefault(order_no, []).append((file.name, row, line, state))
    return items


def read_orders(file: CsvFile, ctx: ReadContext) -> Iterator[ParsedOrder]:
    cols = Columns.find(file, ORDER_COLUMNS, ORDER_REQUIRED, ctx.problems)
    if "mobile" not in cols.index and "landline" not in cols.index:
        ctx.problems.append(
            Problem(
                file.name,
                1,
                "联系手机",
                "",
                _(
                    "The column '{column}' is missing from the header; export the file with this "
                    "column or add it."
                ).format(column="联系手机"),
            )
        )
    if any(k not in cols.index for k in ORDER_REQUIRED):
        return
    check = RowCheck(cols, ctx.problems)
    idx = cols.index
    i_no, i_status, i_recipient, i_address, i_paid = (idx[k] for k in ORDER_REQUIRED)
    optional = {k: idx.get(k) for k in ORDER_COLUMNS if k not in ORDER_REQUIRED}

    def cell(cells: list[str], key: str) -> str:
        i = optional[key]
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    rows = records(file.path, file.encoding, progress=ctx.file_progress())
    next(rows)
    for row, cells in rows:
        check.start(row)
        if not check.width(cells):
            continue
        order_no = check.required("order_no", clean(cells[i_no]), _("order number"))
        status_text = cells[i_status].strip()
        state = check.state("status", status_text, taobao_state(status_text))
        order = ParsedOrder(
            platform=PLATFORM,
            order_no=order_no,
            state=state,
            file=file.name,
            row=row,
            marketplace_status=status_text[:40],
        )
        queued = state is MarketState.PAID
        order.recipient_name = cells[i_recipient].strip()
        order.phone = cell(cells, "mobile") or cell(cells, "landline")
        address_cell = cells[i_address].strip()
        parts = split_address(address_cell)
        order.province, order.city, order.district = parts.province, parts.city, parts.district
        order.address, order.postcode = parts.detail, parts.postcode
        paid_text = clean(cells[i_paid])
        if queued:
            check.required("recipient", order.recipient_name, _("recipient's name"))
            check.required("address", address_cell, _("address"))
            if not order.phone:
                check.fail(
                    "mobile",
                    "",
                    _("The order has neither a mobile nor a phone number; fill one in."),
                )
            if not paid_text:
                check.fail(
                    "paid_at",
                    paid_text,
                    _("A paid order needs its payment time; export the file again."),
                )
        if paid_text:
            order.paid_at = check.instant("paid_at", paid_text, ctx.zone)
        order.buyer = cell(cells, "buyer")
        order.shop = cell(cells, "shop")
        order.buyer_note = cell(cells, "buyer_note")
        order.seller_note = cell(cells, "seller_note")
        order.tracking_no = cell(cells, "tracking_no")[:40]
        order.carrier = ctx.carrier(check, "courier", cell(cells, "courier"))
        order.amount_fen = check.amount("amount", cell(cells, "amount"))
        if not order_no:
            continue
        yield order


def attach_lines(
    order: ParsedOrder, rows: list[ItemRow], ctx: ReadContext, duplicated: bool
) -> None:
    """Give an order its lines: refunded lines of a live order are dropped (and reported), and
    when the order was listed twice its repeated item rows count once."""
    seen: set[tuple[str, str, str, int, int]] = set()
    for file, row, line, state in rows:
        if line is None:
            continue  # already reported
        if duplicated:
            key = (line.sku, line.title, line.spec, line.quantity, line.unit_price_fen)
            if key in seen:
                continue
            seen.add(key)
        if state is MarketState.CLOSED and order.state is not MarketState.CLOSED:
            ctx.report.lines_skipped_refunded += 1
            ctx.notice(
                Problem(
                    file,
                    row,
                    "订单状态",
                    line.sku,
                    _(
                        "The line of order {order} was refunded or closed; it is not packed."
                    ).format(order=order.order_no),
                )
            )
            continue
        order.lines.append(line)
