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
    # the same SKU, price, quantity and spec recur on thousands of rows: each text is checked once
    name = file.name
    good_skus: dict[str, str] = {}
    specs: dict[str, str] = {}
    titles: dict[str, str] = {}
    states: dict[str, MarketState | None] = {}
    for row, cells in rows:
        check.start(row)
        if not check.width(cells):
            continue
        order_no = _number(cells[i_no])
        if not order_no:
            check.required("order_no", order_no, _("order number"))
        raw_sku = cells[i_sku]
        sku = good_skus.get(raw_sku)
        if sku is None:
            sku = clean(raw_sku)
            if not sku and i_outer is not None:
                sku = clean(cells[i_outer])
            sku = ctx.sku(check, "sku", sku)
            if not check.failed and raw_sku:
                good_skus[raw_sku] = sku
        title = cells[i_title]
        title = titles.get(title) or titles.setdefault(title, title.strip())
        qty = check.quantity("qty", cells[i_qty])
        price = check.price("price", cells[i_price])
        spec = ""
        if i_attrs is not None:
            raw = cells[i_attrs]
            spec = specs.get(raw) or specs.setdefault(raw, clean(raw))
        state = None
        if i_status is not None:
            raw = cells[i_status]
            state = states[raw] if raw in states else states.setdefault(raw, taobao_state(raw))
        line = None
        if not check.failed:
            line = ParsedLine(sku, title, spec, qty, price, is_gift(title, price))
        if order_no:
            items.setdefault(order_no, []).append((name, row, line, state))
    return items


def _number(cell: str) -> str:
    """An order number: usually armoured as ``="…"``."""
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1].strip()
    return clean(cell)


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
    # a missing optional column reads as the empty cell appended to every row
    blank = len(file.header)
    optional = {k: idx.get(k, blank) for k in ORDER_COLUMNS if k not in ORDER_REQUIRED}
    i_mobile, i_landline = optional["mobile"], optional["landline"]
    i_buyer, i_shop = optional["buyer"], optional["shop"]
    i_bnote, i_snote = optional["buyer_note"], optional["seller_note"]
    i_track, i_courier, i_amount = optional["tracking_no"], optional["courier"], optional["amount"]

    rows = records(file.path, file.encoding, progress=ctx.file_progress())
    next(rows)
    for row, cells in rows:
        check.start(row)
        if not check.width(cells):
            continue
        if len(cells) <= blank:
            cells += [""] * (blank + 1 - len(cells))
        order_no = check.required("order_no", _number(cells[i_no]), _("order number"))
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
        order.phone = clean(cells[i_mobile]) or clean(cells[i_landline])
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
        order.buyer = clean(cells[i_buyer])
        order.shop = ctx.share(clean(cells[i_shop]))
        order.buyer_note = cells[i_bnote].strip()
        order.seller_note = cells[i_snote].strip()
        order.tracking_no = clean(cells[i_track])[:40]
        order.carrier = ctx.carrier(check, "courier", clean(cells[i_courier]))
        order.amount_fen = check.amount("amount", clean(cells[i_amount]))
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
                    _("The line of order {order} was refunded or closed; it is not packed.").format(
                        order=order.order_no
                    ),
                )
            )
            continue
        order.lines.append(line)
