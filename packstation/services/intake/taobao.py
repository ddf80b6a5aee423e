"""The Taobao/Tmall two-file export (reference/marketplace.md): the order report, one row per
order, and the item report, one row per order line, joined on the order number.

Called by ``intake.import_orders``.  The item report is read first and held (compactly) by order
number; the order report is then streamed and each order joined with its lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from packstation.domain.address import split_address
from packstation.domain.orders import TO_SHIP, WENT, MarketState, is_gift, taobao_state
from packstation.i18n import _
from packstation.services.intake.context import ReadContext
from packstation.services.intake.parsed import KEPT, ParsedLine, ParsedOrder
from packstation.services.intake.readers import CsvFile, clean
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


# One item row, kept until its order is read: (file, row, line or None when invalid, its state,
# the hash of all its cells: a row repeated cell for cell is one line written twice)
ItemRow = tuple[str, int, ParsedLine | None, MarketState | None, int]


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
    rows = file.records(progress=ctx.file_progress())
    next(rows)  # the header
    # The same line (SKU, title, spec, quantity, price) recurs on thousands of rows: each
    # distinct one is checked once and its ParsedLine shared (nothing changes a line later).
    name = file.name
    needed, width = check.needed, cols.width
    lines: dict[tuple[str, ...], ParsedLine] = {}
    titles: dict[str, str] = {}
    states: dict[str, MarketState | None] = {}
    i_attr = i_attrs if i_attrs is not None else i_no
    for row, cells in rows:
        if not needed <= len(cells) <= width:
            check.start(row)
            if not check.width(cells):
                if len(cells) > i_no:
                    ctx.refused_items.add(_number(cells[i_no]))
                continue
        raw_no = cells[i_no]
        if raw_no.startswith('="') and raw_no.endswith('"'):
            order_no = raw_no[2:-1].strip()
        else:
            order_no = clean(raw_no)
        key = (cells[i_sku], cells[i_title], cells[i_attr], cells[i_qty], cells[i_price])
        line = lines.get(key)
        if line is None:
            check.start(row)
            line = _line(check, ctx, cells, key, i_outer, i_attrs is not None, titles)
            if line is not None and key[0]:  # an empty SKU falls back to another cell
                lines[key] = line
        elif not order_no:
            check.start(row)
        if not order_no:
            check.required("order_no", order_no, _("order number"))
            continue
        state = None
        if i_status is not None:
            raw = cells[i_status]
            state = states[raw] if raw in states else states.setdefault(raw, taobao_state(raw))
        items.setdefault(order_no, []).append((name, row, line, state, hash(tuple(cells))))
    return items


def _line(
    check: RowCheck,
    ctx: ReadContext,
    cells: list[str],
    key: tuple[str, ...],
    i_outer: int | None,
    has_attrs: bool,
    titles: dict[str, str],
) -> ParsedLine | None:
    """Check the line cells of one row; None (and the problems recorded) when they are wrong."""
    raw_sku, raw_title, raw_attrs, raw_qty, raw_price = key
    sku = clean(raw_sku)
    if not sku and i_outer is not None:
        sku = clean(cells[i_outer])
    sku = ctx.sku(check, "sku", sku)
    title = titles.get(raw_title) or titles.setdefault(raw_title, raw_title.strip())
    qty = check.quantity("qty", raw_qty)
    price = check.price("price", raw_price)
    spec = ctx.share(clean(raw_attrs)) if has_attrs else ""
    if check.failed:
        return None
    return ParsedLine(sku, title, spec, qty, price, is_gift(title, price))


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
    absent = frozenset(k for k in ("buyer_note", "seller_note") if k not in idx)
    if "courier" not in idx:
        absent |= {"carrier"}
    # an empty courier cell names no courier: the default it reads as changes nothing stored
    unnamed = absent | {"carrier"}
    i_track, i_courier, i_amount = optional["tracking_no"], optional["courier"], optional["amount"]

    what_no, what_name, what_address = (
        _("order number"),
        _("recipient's name"),
        _("recipient's address"),
    )
    what_phone, what_waybill = _("phone number"), _("tracking number")
    name, zone, needed = file.name, ctx.zone, check.needed
    shops: dict[str, str] = {}
    states: dict[str, MarketState | None] = {}
    rows = file.records(progress=ctx.file_progress())
    next(rows)
    for row, cells in rows:
        check.row, check.failed = row, False
        if not needed <= len(cells) <= blank and not check.width(cells):
            if len(cells) > i_no:
                ctx.refused_orders.add(_number(cells[i_no]))
            continue
        if len(cells) <= blank:
            cells += [""] * (blank + 1 - len(cells))
        order_no = check.digits(
            "order_no", check.required("order_no", _number(cells[i_no]), what_no), what_no
        )
        status_text = cells[i_status].strip()
        found = (
            states[status_text]
            if status_text in states
            else states.setdefault(status_text, taobao_state(status_text))
        )
        state = check.state("status", status_text, found)
        recipient = check.fits("recipient", cells[i_recipient].strip(), KEPT["recipient_name"])
        mobile, landline = cells[i_mobile], cells[i_landline]
        phone = check.digits(
            "mobile", (mobile and clean(mobile)) or (landline and clean(landline)), what_phone
        )
        address_cell = cells[i_address].strip()
        parts = split_address(address_cell)
        check.fits("address", parts.detail, KEPT["address"])
        paid_text = clean(cells[i_paid])
        if state in TO_SHIP:
            check.required("recipient", recipient, what_name)
            check.required("address", address_cell, what_address)
            check.destination("address", address_cell, parts.province, parts.city)
            if not phone:
                check.fail(
                    "mobile",
                    "",
                    _("The order has neither a mobile nor a phone number; fill one in."),
                )
            check.phone("mobile", phone)
            if not paid_text:
                check.fail(
                    "paid_at",
                    paid_text,
                    _("A paid order needs its payment time; export the file again."),
                )
        shop = cells[i_shop]
        tracking, courier, amount = cells[i_track], clean(cells[i_courier]), cells[i_amount]
        order = ParsedOrder(
            PLATFORM,
            order_no,
            state,
            name,
            row,
            status_text[:40],
            shops.get(shop) or shops.setdefault(shop, clean(shop)),
            clean(cells[i_buyer]),
            recipient,
            phone,
            parts.province,
            parts.city,
            parts.district,
            parts.detail,
            parts.postcode,
            check.instant("paid_at", paid_text, zone) if paid_text else None,
            ctx.carrier(check, "courier", courier) if courier else ctx.default_carrier,
            check.digits("tracking_no", clean(tracking)[:40], what_waybill) if tracking else "",
            check.amount("amount", clean(amount)) if amount else 0,
            cells[i_bnote].strip(),
            cells[i_snote].strip(),
            absent=absent if courier else unnamed,
        )
        if not order_no:
            continue
        yield order


def attach_lines(
    order: ParsedOrder, rows: list[ItemRow], ctx: ReadContext, duplicated: bool
) -> None:
    """Give an order its lines: refunded lines of a live order are dropped (and reported), so
    are the lines of a partly shipped order (部分发货) whose rows say they went, and
    when the order was listed twice its repeated item rows count once.  An item row repeated
    cell for cell counts once too, and is reported: the export has no line number, and the
    marketplace writes one row per item and attributes (the same SKU in another colour is
    another row), so an exact repeat is the same line written twice (it doubled the
    quantity packed)."""
    seen: set[tuple[str, str, str, int, int]] = set()
    whole: set[int] = set()
    for file, row, line, state, cells in rows:
        repeated = cells in whole
        whole.add(cells)
        if line is None:
            continue  # already reported
        if duplicated:
            key = (line.sku, line.title, line.spec, line.quantity, line.unit_price_fen)
            if key in seen:
                continue
            seen.add(key)
        elif repeated:
            ctx.report.duplicate_item_rows += 1
            ctx.notice(
                Problem(
                    file,
                    row,
                    "",
                    order.order_no,
                    _("The row repeats an earlier row of order {order}; it counts once.").format(
                        order=order.order_no
                    ),
                )
            )
            continue
        if state is MarketState.CLOSED and order.state is not MarketState.CLOSED:
            ctx.report.lines_skipped_refunded += 1
            ctx.notice(
                Problem(
                    file,
                    row,
                    "商家编码",  # the line's SKU (its 订单状态 says it was refunded)
                    line.sku,
                    _("The line of order {order} was refunded or closed; it is not packed.").format(
                        order=order.order_no
                    ),
                )
            )
            continue
        if order.state is MarketState.PARTLY_SHIPPED:
            if state in WENT:  # shipped already (from elsewhere, or by hand): not packed here
                ctx.report.lines_shipped_elsewhere += 1
                order.shipped_lines.append(line)
                continue
            order.unsaid = order.unsaid or state is not MarketState.PAID
        order.lines.append(line)
    if order.shipped_lines and not order.lines and not order.unsaid:
        order.state = MarketState.SHIPPED  # every item of it went: nothing is left to pack
