"""The generic order file: one CSV row per order line, with the order's fields repeated on each
row — for shops on other platforms and for scripts.  Documented in the README with
``examples/orders-generic.csv``.

Called by ``intake.import_orders``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from packstation.domain.address import Address, split_address
from packstation.domain.orders import GIFT_WORD, generic_state, is_gift
from packstation.i18n import _
from packstation.services.intake.context import ReadContext
from packstation.services.intake.parsed import CHANGEABLE, KEPT, ParsedLine, ParsedOrder
from packstation.services.intake.readers import CsvFile, clean
from packstation.services.intake.report import Problem
from packstation.services.intake.validation import Columns, RowCheck

DEFAULT_PLATFORM = "generic"

COLUMNS: dict[str, tuple[str, ...]] = {
    "order_no": ("order_no", "order", "订单编号"),
    "paid_at": ("paid_at", "paid", "订单付款时间"),
    "recipient": ("recipient", "name", "收货人姓名"),
    "phone": ("phone", "mobile", "联系手机"),
    "province": ("province", "省"),
    "city": ("city", "市"),
    "district": ("district", "区"),
    "address": ("address", "详细地址"),
    "postcode": ("postcode", "zip", "邮编"),
    "sku": ("sku", "商家编码"),
    "qty": ("qty", "quantity", "数量"),
    "price": ("price", "价格"),
    "gift": ("gift", "赠品"),
    "carrier": ("carrier", "courier", "物流公司"),
    "buyer_note": ("buyer_note", "买家留言"),
    "seller_note": ("seller_note", "notes", "note", "订单备注"),
    "title": ("title", "标题"),
    "spec": ("spec", "规格"),
    "status": ("status", "订单状态"),
    "platform": ("platform", "平台"),
    "shop": ("shop", "店铺名称"),
    "buyer": ("buyer", "买家会员名"),
    "tracking_no": ("tracking_no", "物流单号"),
}
# the column of each field an import may change, where it is named otherwise
_COLUMN_OF = {"recipient_name": "recipient"}
REQUIRED = ("order_no", "paid_at", "recipient", "phone", "address", "sku", "qty")
# the cells that belong to the order, not the line: the rows of one order must agree on them
ORDER_FIELDS = (
    "paid_at",
    "recipient",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "postcode",
    "carrier",
    "status",
    "buyer_note",
    "seller_note",
)


def is_generic(header: Sequence[str]) -> bool:
    lowered = {h.lower() for h in header}
    return "order_no" in lowered and "sku" in lowered


def read_generic(file: CsvFile, ctx: ReadContext) -> Iterator[ParsedOrder]:
    """The orders of the file, each with all its lines (the rows of an order need not be
    adjacent, so the file is read to its end before the first order is given)."""
    cols = Columns.find(file, COLUMNS, REQUIRED, ctx.problems)
    if any(k not in cols.index for k in REQUIRED):
        return
    check = RowCheck(cols, ctx.problems)
    idx = {k: cols.index.get(k) for k in COLUMNS}
    absent = frozenset(name for name in CHANGEABLE if idx[_COLUMN_OF.get(name, name)] is None)
    unnamed = absent | {"carrier"}  # an empty carrier cell: the default, not a change

    def cell(cells: list[str], key: str) -> str:
        i = idx[key]
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    orders: dict[tuple[str, str], ParsedOrder] = {}
    signatures: dict[tuple[str, str], tuple[str, ...]] = {}
    seen_rows: set[tuple[str, ...]] = set()
    duplicated: set[tuple[str, str]] = set()
    rows = file.records(progress=ctx.file_progress())
    next(rows)
    for row, cells in rows:
        check.start(row)
        if not check.width(cells):
            continue
        what_no = _("order number")
        order_no = check.digits(
            "order_no", check.required("order_no", cell(cells, "order_no"), what_no), what_no
        )
        platform = cell(cells, "platform").lower() or DEFAULT_PLATFORM
        key = (platform, order_no)
        whole = tuple(c.strip() for c in cells)
        if whole in seen_rows:
            duplicated.add(key)
            ctx.notice(
                Problem(
                    file.name,
                    row,
                    "",
                    order_no,
                    _("The row repeats an earlier row of order {order}; it counts once.").format(
                        order=order_no
                    ),
                )
            )
            continue
        seen_rows.add(whole)
        signature = tuple(cell(cells, k) for k in ORDER_FIELDS)
        sku = ctx.sku(check, "sku", cell(cells, "sku"))
        qty = check.quantity("qty", cell(cells, "qty"))
        price_cell = cell(cells, "price")
        price = check.amount("price", price_cell)
        title = ctx.share(cell(cells, "title") or ctx.product_name(sku))
        gift_cell = cell(cells, "gift")
        if gift_cell:
            gift = check.flag("gift", gift_cell)
        else:
            # no price is not a price of 0: a file without the column made every line a gift
            gift = is_gift(title, price) if price_cell else GIFT_WORD in title
        order = orders.get(key)
        if order is None:
            place = _place(cells, cell)
            check.destination("address", cell(cells, "address"), place.province, place.city)
            status_text = cell(cells, "status")
            order = ParsedOrder(
                platform=platform[:32],
                order_no=order_no,
                state=check.state("status", status_text, generic_state(status_text)),
                file=file.name,
                row=row,
                marketplace_status=status_text[:40],
                shop=cell(cells, "shop"),
                buyer=cell(cells, "buyer"),
                recipient_name=check.fits(
                    "recipient",
                    check.required("recipient", cell(cells, "recipient"), _("recipient's name")),
                    KEPT["recipient_name"],
                ),
                phone=check.phone(
                    "phone",
                    check.digits(
                        "phone",
                        check.required("phone", cell(cells, "phone"), _("phone number")),
                        _("phone number"),
                    ),
                ),
                province=place.province,
                city=place.city,
                district=place.district,
                address=check.fits(
                    "address",
                    check.required("address", place.detail, _("recipient's address")),
                    KEPT["address"],
                ),
                postcode=place.postcode,
                paid_at=check.instant("paid_at", cell(cells, "paid_at"), ctx.zone),
                carrier=ctx.carrier(check, "carrier", cell(cells, "carrier")),
                tracking_no=check.digits(
                    "tracking_no", cell(cells, "tracking_no")[:40], _("tracking number")
                ),
                buyer_note=cell(cells, "buyer_note"),
                seller_note=cell(cells, "seller_note"),
                absent=absent if cell(cells, "carrier") else unnamed,
            )
            if order_no:
                orders[key] = order
                signatures[key] = signature
        elif signatures[key] != signature:
            differing = next(
                ORDER_FIELDS[i]
                for i, (a, b) in enumerate(zip(signature, signatures[key], strict=True))
                if a != b
            )
            check.fail(
                differing,
                cell(cells, differing),
                _(
                    "The rows of order {order} disagree on this column (row {first} says "
                    "otherwise); make them the same."
                ).format(order=order_no, first=order.row),
            )
        if not check.failed and order_no:
            order.lines.append(
                ParsedLine(sku, title, ctx.share(cell(cells, "spec")), qty, price, gift)
            )
    ctx.report.duplicates_in_file += len(duplicated)
    ctx.report.order_rows += len(duplicated)
    yield from orders.values()


def _place(cells: list[str], cell: Callable[[list[str], str], str]) -> Address:
    """The row's address, its parts from their columns; a whole address in the address cell
    (浙江省杭州市西湖区文三路1号) is split when the province and city columns are empty (it
    was kept whole, and the label's destination printed empty)."""
    given = Address(
        cell(cells, "province"),
        cell(cells, "city"),
        cell(cells, "district"),
        cell(cells, "address"),
        cell(cells, "postcode"),
    )
    if given.province or given.city:
        return given
    parts = split_address(given.detail)
    return replace(parts, postcode=given.postcode or parts.postcode)
