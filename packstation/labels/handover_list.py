"""Layout of the courier handover list: ``HandoverListData`` → pages of ``Drawing``.

Called by ``labels.render``.  Drawn with the labels' font like every printed document, so the
Chinese of the carrier, the shop and the courier prints on a label printer as on a receipt
printer; captions are bilingual document text, as on the slip.
"""

from __future__ import annotations

from packstation.labels.canvas import Drawing
from packstation.labels.compose import Column, Pen, slip_canvas
from packstation.labels.content import HandoverListData, kilograms
from packstation.labels.templates import SlipTemplate, dots_per_mm


def compose_handover_list(
    data: HandoverListData, template: SlipTemplate, *, font_path: str, dpi: int
) -> list[Drawing]:
    """On fixed-size labels the list runs over as many pages as it needs, the total and the
    courier's signature on the last; on a receipt roll it is one page as long as the list."""
    width, fixed = slip_canvas(template, dpi)
    pages: list[Drawing] = []
    remaining = list(enumerate(data.parcels, start=1))
    while True:
        drawing = Drawing(width, fixed or 10_000)
        pen = Pen(drawing, font_path, dots_per_mm(dpi))
        limit = None if fixed is None else fixed - pen.d(template.margin)
        col = Column(pen, template, width, limit)
        _heading(col, data, template, len(pages) + 1)
        row_h = pen.d(template.body) + pen.d(1.2)
        footer_h = pen.d(template.body * 4 + 14)
        placed = 0  # a page takes one row at least, however small the label
        while remaining and (
            col.room(row_h + footer_h) or (col.room(row_h) and len(remaining) > 1) or not placed
        ):
            placed += 1
            number, (waybill, grams) = remaining.pop(0)
            size = pen.d(template.body)
            pen.text(f"{number}", col.left, col.y, pen.d(9), size + 4, size=size, align="right")
            pen.text(
                waybill, col.left + pen.d(11), col.y, col.width - pen.d(32), size + 4, size=size
            )
            pen.text(
                kilograms(grams),
                col.left + col.width - pen.d(20),
                col.y,
                pen.d(20),
                size + 4,
                size=size,
                align="right",
            )
            col.y += row_h
        if not remaining:
            _footer(col, data, template)
        if fixed is None:
            drawing.height = col.y + pen.d(template.margin) + pen.d(4)  # room to tear off
        pages.append(drawing)
        if not remaining:
            return pages


def _heading(col: Column, data: HandoverListData, template: SlipTemplate, page: int) -> None:
    title = "快递交接单 Courier handover list" + (f" ({page})" if page > 1 else "")
    if data.shop:
        col.y += col.add(data.shop, template.title, bold=True, align="center", lines=2)
    col.y += col.add(title, template.body, bold=True, align="center")
    col.y += col.add(f"快递 Carrier: {data.carrier} {data.carrier_name}", template.small)
    handovers = ", ".join(str(i) for i in data.handovers)
    col.y += col.add(
        f"日期 Date: {data.day.isoformat()}"
        + (f"  交接 Handover: {handovers}" if handovers else ""),
        template.small,
    )
    if data.courier:
        col.y += col.add(f"快递员 Courier: {data.courier}", template.small)
    col.y += col.add(f"共 {len(data.parcels)} 件 Parcels: {len(data.parcels)}", template.small)
    col.rule()


def _footer(col: Column, data: HandoverListData, template: SlipTemplate) -> None:
    col.rule()
    total = kilograms(sum(grams for _waybill, grams in data.parcels))
    col.y += col.add(f"总重 Total weight: {total}", template.body, bold=True)
    col.y += col.pen.d(4)
    col.y += col.add("快递员签字 Courier signature: ____________", template.body)
    col.y += col.pen.d(3)
    col.y += col.add("时间 Time: ____________", template.body)
