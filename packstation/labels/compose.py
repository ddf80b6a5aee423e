"""Layout: a template (``templates``) plus a parcel's data (``content``) → a ``Drawing``.

Called by ``labels.render``.  Captions are printed bilingual (收/To) whatever the bench's UI
language, since the courier's sorters read Chinese and the buyer may not; they are document text,
not interface text, and are therefore not translated.
"""

from __future__ import annotations

from packstation.labels import code128
from packstation.labels.canvas import Align, Bars, Bitmap, Drawing, Rect, text_ink, wrap
from packstation.labels.content import LabelData, PickListData, SlipData, mask_name, mask_phone
from packstation.labels.fonts import load_font
from packstation.labels.templates import Region, SlipTemplate, Template, dots_per_mm


def named(title: str, spec: str) -> str:
    """A line's title with its spec in brackets, each said once: a shop's gift named
    熊猫钥匙扣（赠品） with the spec 赠品 printed （赠品）（赠品）."""
    if not spec or spec in title:
        return title
    return f"{title}（{spec}）"


class Pen:
    """Draws text and barcodes into a drawing, converting millimetres to dots."""

    def __init__(self, drawing: Drawing, font_path: str, per_mm: int) -> None:
        self.drawing = drawing
        self.font_path = font_path
        self.per_mm = per_mm

    def d(self, mm: float) -> int:
        return round(mm * self.per_mm)

    def text(
        self,
        text: str,
        x: int,
        y: int,
        w: int,
        h: int,
        *,
        size: int,
        bold: bool = False,
        align: Align = "left",
        lines: int = 1,
        min_size: int = 0,
    ) -> None:
        if not text.strip() or w <= 0 or h <= 0:
            return
        ink = text_ink(
            text,
            font_path=self.font_path,
            size=size,
            width=w,
            height=h,
            max_lines=lines,
            bold=bold,
            align=align,
            min_size=min_size,
        )
        if ink is not None:
            self.drawing.items.append(Bitmap(x + ink.dx, y + ink.dy, ink.image, ink))

    def region(self, region: Region, text: str) -> None:
        self.text(
            text,
            self.d(region.x),
            self.d(region.y),
            self.d(region.w),
            self.d(region.h),
            size=self.d(region.size),
            bold=region.bold,
            align=region.align,
            lines=region.lines,
            min_size=self.d(region.min_size),
        )

    def barcode(self, text: str, x: int, y: int, w: int, h: int, max_module: int = 4) -> Bars:
        """A Code 128 as wide as fits (module 1…max_module dots) with its quiet zones, centred."""
        symbols = code128.plan(text)
        modules = code128.width_in_modules(symbols)
        module = max(1, min(max_module, w // (modules + 2 * code128.QUIET_ZONE)))
        if module == 1 and modules * 2 <= w:
            module = 2  # a 1-dot module is too thin to scan: give up quiet zone width first
        bars = Bars(x + (w - modules * module) // 2, y, module, h, symbols)
        self.drawing.items.append(bars)
        return bars

    def rule(self, x: int, y: int, w: int, h: int, t: int) -> None:
        self.drawing.items.append(Rect(x, y, w, h, max(1, t)))


def spaced(number: str) -> str:
    """YT7000000000001 → YT70 0000 0000 001: groups of four are easier to read out."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def weight_text(grams: int | None) -> str:
    """A parcel's weight as the label prints it, in kilograms; a few grams keep a third
    decimal (2 g printed as 0.00 kg, a parcel that weighs nothing)."""
    if grams is None:
        return ""
    shown = f"{grams / 1000:.2f}"
    if shown == "0.00" and grams > 0:
        shown = f"{grams / 1000:.3f}"
    return f"{shown} kg"


def compose_label(data: LabelData, template: Template, *, font_path: str, dpi: int) -> Drawing:
    width, height = template.size_dots(dpi)
    drawing = Drawing(width, height)
    pen = Pen(drawing, font_path, dots_per_mm(dpi))
    r = template.regions
    for rule in template.rules:
        pen.rule(pen.d(rule.x), pen.d(rule.y), pen.d(rule.w), pen.d(rule.h), pen.d(rule.t))

    pen.region(r["carrier"], f"{data.carrier_name} {data.carrier_name_en}".strip())
    pen.region(r["service"], data.service or "标准快递 Standard")
    if data.printed_at is not None:
        pen.region(r["printed"], data.printed_at.strftime("%Y-%m-%d %H:%M"))
    pen.region(r["sort"], data.sort_code or data.destination)
    if data.hub:
        pen.region(r["hub"], f"集包地 {data.hub}")

    box = r["barcode"]
    pen.barcode(data.tracking_no, pen.d(box.x), pen.d(box.y), pen.d(box.w), pen.d(box.h))
    pen.region(r["tracking"], spaced(data.tracking_no))

    recipient, sender = data.recipient, data.sender
    for mark, text in (("to_mark", "收"), ("from_mark", "寄")):
        m = r[mark]
        pen.rule(pen.d(m.x), pen.d(m.y), pen.d(m.w), pen.d(m.h), pen.d(0.4))
        pen.region(Region(m.x, m.y + 0.6, m.w, m.h - 1, m.size, True, "center"), text)
    pen.region(r["to_person"], f"{recipient.name}  {recipient.phone}")
    pen.region(r["to_address"], recipient.address)
    pen.region(r["from_person"], f"{sender.name}  {sender.phone}")
    pen.region(r["from_address"], sender.address)

    pen.region(r["goods"], f"内件 Goods: {data.goods}")
    marks = []
    if data.fragile:
        marks.append("易碎 FRAGILE")
    if data.insured_fen:
        marks.append(f"保价 ¥{data.insured_fen / 100:.2f}")
    if marks:
        m = r["marks"]
        pen.rule(pen.d(m.x), pen.d(m.y), pen.d(m.w), pen.d(m.h), pen.d(0.6))
        inner = Region(m.x + 1, m.y + 1, m.w - 2, m.h - 2, m.size, True, "center", m.lines)
        pen.region(inner, "\n".join(marks))
    pen.region(r["order"], f"订单 Order {data.order_no}")
    # 件 1 alone while the order's count is not known yet (more boxes still to be packed)
    parcel = f"{data.parcel_seq}/{data.parcel_count}" if data.parcel_count else f"{data.parcel_seq}"
    pen.region(r["weight"], f"{weight_text(data.weight_g)}  件 {parcel}".strip())

    pen.region(r["stub_title"], f"存根联 Stub · {data.carrier_name}")
    pen.region(r["stub_parcel"], f"第 {parcel} 件")
    box = r["stub_barcode"]
    pen.barcode(
        data.tracking_no, pen.d(box.x), pen.d(box.y), pen.d(box.w), pen.d(box.h), max_module=3
    )
    pen.region(r["stub_tracking"], spaced(data.tracking_no))
    if "stub_to" in r:
        pen.region(r["stub_to"], f"收 {recipient.name}  {data.destination}")
    if "stub_order" in r:
        pen.region(r["stub_order"], f"订单 Order {data.order_no}  {weight_text(data.weight_g)}")
    return drawing


def masked_party(name: str, phone: str, address: str, *, mask: bool) -> tuple[str, str, str]:
    if not mask:
        return name, phone, address
    return mask_name(name), mask_phone(phone), address


class Column:
    """Content flowing down a slip: each ``add`` places a block below the previous one."""

    def __init__(self, pen: Pen, template: SlipTemplate, width: int, limit: int | None) -> None:
        self.pen = pen
        self.t = template
        self.left = pen.d(template.margin)
        self.width = width - 2 * self.left
        self.y = pen.d(template.margin)
        self.limit = limit  # the last usable dot row on a fixed-height page

    def room(self, needed: int) -> bool:
        return self.limit is None or self.y + needed <= self.limit

    def add(
        self,
        text: str,
        size_mm: float,
        *,
        bold: bool = False,
        align: Align = "left",
        lines: int = 4,
        indent: int = 0,
        width: int | None = None,
    ) -> int:
        size = self.pen.d(size_mm)
        w = (width or self.width) - indent
        count = min(lines, max(1, len(wrap(text, load_font(self.pen.font_path, size), w))))
        h = count * (size + max(2, size // 6))
        self.pen.text(
            text, self.left + indent, self.y, w, h, size=size, bold=bold, align=align, lines=count
        )
        return h

    def rule(self, gap_mm: float = 1.0) -> None:
        self.y += self.pen.d(gap_mm)
        self.pen.rule(self.left, self.y, self.width, self.pen.d(0.3), self.pen.d(0.3))
        self.y += self.pen.d(gap_mm)


def slip_canvas(template: SlipTemplate, dpi: int) -> tuple[int, int | None]:
    per_mm = dots_per_mm(dpi)
    width = round(template.width_mm * per_mm)
    if template.name == "4x6":
        width = round(4 * dpi)
    # a receipt roll prints 8-dot columns: keep the width a multiple of 8
    width -= width % 8
    height = None if template.height_mm is None else round(template.height_mm * per_mm)
    if template.name == "4x6":
        height = round(6 * dpi)
    return width, height


def compose_slip(data: SlipData, template: SlipTemplate, *, font_path: str, dpi: int) -> Drawing:
    width, fixed = slip_canvas(template, dpi)
    drawing = Drawing(width, fixed or 10_000)
    pen = Pen(drawing, font_path, dots_per_mm(dpi))
    col = Column(pen, template, width, None if fixed is None else fixed - pen.d(template.margin))

    col.y += col.add(data.shop, template.title, bold=True, align="center", lines=2)
    col.y += col.add("发货单 Packing slip", template.body, bold=True, align="center")
    col.y += pen.d(1)
    bars = pen.barcode(
        data.order_no, col.left, col.y, col.width, pen.d(template.barcode_h), max_module=3
    )
    col.y += bars.height + pen.d(0.8)
    col.y += col.add(data.order_no, template.body, align="center")
    col.y += pen.d(1)
    col.y += col.add(f"收件人 To: {data.recipient}", template.body, lines=2)
    if data.paid_at is not None:
        col.y += col.add(f"付款 Paid: {data.paid_at:%Y-%m-%d %H:%M}", template.small)
    if data.tracking_no:
        col.y += col.add(f"运单 Waybill: {data.tracking_no}", template.small)
    if data.parcel_count > 1:
        col.y += col.add(
            f"共 {data.parcel_count} 件包裹 {data.parcel_count} parcels", template.small
        )
    col.rule()

    qty_w = pen.d(12)
    text_w = col.width - qty_w
    header = col.add("商品 Item", template.small, bold=True, width=text_w)
    pen.text(
        "数量 Qty",
        col.left + text_w,
        col.y,
        qty_w,
        header,
        size=pen.d(template.small),
        bold=True,
        align="right",
    )
    col.y += header + pen.d(0.8)
    footer_h = pen.d(template.body * 3 + template.small * 4 + 6)
    units = 0
    for index, line in enumerate(data.lines):
        units += line.quantity
        title = ("【赠品 Gift】" if line.gift else "") + named(line.title, line.spec)
        body_h = pen.d(template.body) * 2 + pen.d(template.small) * 2
        if not col.room(body_h + footer_h):
            rest = len(data.lines) - index
            more = sum(x.quantity for x in data.lines[index:])
            units += more - line.quantity
            col.y += col.add(f"…另有 {rest} 行 / {rest} more lines", template.small)
            break
        top = col.y
        used = col.add(title, template.body, lines=2, width=text_w)
        pen.text(
            f"× {line.quantity}",
            col.left + text_w,
            top,
            qty_w,
            pen.d(template.body) + 4,
            size=pen.d(template.body),
            bold=True,
            align="right",
        )
        col.y += used
        col.y += col.add(f"SKU {line.sku}", template.small, width=text_w) + pen.d(0.6)
    col.rule()
    col.y += col.add(f"共 {units} 件 Total units: {units}", template.body, bold=True)
    if data.buyer_note:
        col.y += col.add(f"买家留言 Buyer note: {data.buyer_note}", template.small, lines=3)
    if data.note:
        col.y += pen.d(1)
        col.y += col.add(data.note, template.small, lines=3, align="center")
    if fixed is None:
        drawing.height = col.y + pen.d(template.margin) + pen.d(4)  # room to tear off
    return drawing


def compose_pick_list(
    data: PickListData, template: SlipTemplate, *, font_path: str, dpi: int
) -> list[Drawing]:
    """The batch pick list; on fixed-size labels it runs over as many pages as it needs."""
    width, fixed = slip_canvas(template, dpi)
    pages: list[Drawing] = []
    remaining = list(data.lines)
    page_no = 0
    while True:
        page_no += 1
        drawing = Drawing(width, fixed or 10_000)
        pen = Pen(drawing, font_path, dots_per_mm(dpi))
        limit = None if fixed is None else fixed - pen.d(template.margin)
        col = Column(pen, template, width, limit)
        title = f"拣货单 Pick list · {data.batch}"
        if page_no > 1:
            title += f" ({page_no})"
        col.y += col.add(title, template.title, bold=True, lines=2)
        stamp = f"{data.printed_at:%Y-%m-%d %H:%M}  " if data.printed_at else ""
        col.y += col.add(
            f"{stamp}订单 Orders: {data.orders}  {data.filters}".strip(), template.small, lines=2
        )
        col.rule()
        loc_w, qty_w = pen.d(16), pen.d(12)
        mid_w = col.width - loc_w - qty_w
        row_h = pen.d(template.body) + pen.d(template.small) + pen.d(2)
        while remaining and col.room(row_h):
            line = remaining.pop(0)
            top = col.y
            size = pen.d(template.body)
            pen.text(line.location or "—", col.left, top, loc_w, size + 4, size=size, bold=True)
            pen.text(
                f"{line.quantity}",
                col.left + loc_w + mid_w,
                top,
                qty_w,
                size + 4,
                size=size,
                bold=True,
                align="right",
            )
            name = f"{line.sku} {named(line.title, line.spec)}"
            used = col.add(name, template.body, lines=2, indent=loc_w, width=loc_w + mid_w)
            col.y += max(used, size + 4) + pen.d(1)
        if not remaining:
            col.rule()
            total = sum(x.quantity for x in data.lines)
            col.y += col.add(
                f"共 {len(data.lines)} 种 SKUs, {total} 件 units", template.body, bold=True
            )
        if fixed is None:
            drawing.height = col.y + pen.d(template.margin) + pen.d(4)
        pages.append(drawing)
        if not remaining:
            return pages
