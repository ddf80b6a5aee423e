"""A known order whose lines the marketplace changed: a line refunded, a quantity raised, an
item added.  The export says what the order is now; the store has what it was imported with.

Called by ``intake.apply``.  While no bench has touched the order, its lines are replaced; once
one has (units ticked, a box opened, the order claimed), the order waits on hold for the lead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select

from packstation.services.intake.parsed import ParsedOrder
from packstation.store.models import OrderLine, Parcel

LINE = OrderLine.__table__  # type: ignore[attr-defined]
PARCEL = Parcel.__table__  # type: ignore[attr-defined]
_CHUNK = 500


@dataclass
class StoredLines:
    """An order's lines as stored: units by SKU, and how many rows."""

    units: Counter[str] = field(default_factory=Counter)
    rows: int = 0


def stored_lines(conn: Connection, order_ids: Collection[int]) -> dict[int, StoredLines]:
    found = {order_id: StoredLines() for order_id in order_ids}
    ids = list(order_ids)
    for start in range(0, len(ids), _CHUNK):
        query = select(LINE.c.order_id, LINE.c.sku, LINE.c.quantity).where(
            LINE.c.order_id.in_(ids[start : start + _CHUNK])
        )
        for order_id, sku, quantity in conn.execute(query):
            found[order_id].units[sku] += quantity
            found[order_id].rows += 1
    return found


def changed_lines(order: ParsedOrder, stored: StoredLines) -> str:
    """What changed, as "SKU ×old → ×new" for each SKU whose units differ; empty when none."""
    wanted: Counter[str] = Counter()
    for line in order.lines:
        wanted[line.sku] += line.quantity
    return units_changed(stored.units, wanted)


def units_changed(had: Counter[str], wanted: Counter[str]) -> str:
    """ "SKU ×old → ×new" for each SKU whose units differ, by SKU; empty when none."""
    return "; ".join(
        f"{sku} ×{had[sku]} → ×{wanted[sku]}"
        for sku in sorted(set(had) | set(wanted))
        if had[sku] != wanted[sku]
    )


def untouched(conn: Connection, order_id: int) -> bool:
    """No bench has begun the order: no box of it (not even one undone) and no unit ticked."""
    boxes = conn.execute(select(func.count()).where(PARCEL.c.order_id == order_id)).scalar_one()
    packed = conn.execute(
        select(func.coalesce(func.sum(LINE.c.quantity_packed), 0)).where(
            LINE.c.order_id == order_id
        )
    ).scalar_one()
    return boxes == 0 and packed == 0


def replace_lines(conn: Connection, order_id: int, order: ParsedOrder) -> None:
    """The order's lines become the file's (the order untouched by any bench)."""
    conn.execute(delete(LINE).where(LINE.c.order_id == order_id))
    conn.execute(
        insert(LINE),
        [
            {
                "order_id": order_id,
                "line_no": number,
                "sku": line.sku,
                "title": line.title[:400],
                "spec": line.spec[:200],
                "quantity": line.quantity,
                "unit_price_fen": line.unit_price_fen,
                "is_gift": line.is_gift,
                "quantity_packed": 0,
            }
            for number, line in enumerate(order.lines, start=1)
        ],
    )
