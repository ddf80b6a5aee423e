"""What the packing screen writes about the order it shows, as Rich text: the line when no
order is open, the header, the notes and the box line.  Pure: built from an
``OrderView``, drawn by ``packing.BenchScreen``."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from packstation.i18n import _, ngettext
from packstation.services.packing_view import OrderView
from packstation.services.status_names import carrier_label


def no_order() -> Text:
    return Text(
        _(
            "No order open. Scan an order number, a packing slip or a waybill; F2 takes the next due order."
        ),
        style="bold",
    )


def ready_for_the_next() -> Text:
    return Text.assemble(
        (_("Ready for the next order") + "\n\n", "bold"),
        _("Scan the order number, the packing slip or the waybill,") + "\n",
        _("or press F2 (or scan NEXT) for the next due order."),
    )


def header(view: OrderView, today: dt.date) -> list[Text]:
    """The order's number, courier, recipient and due date (overdue stands out), each a piece
    of the header line (``HEADER_GAP`` between them; a narrow screen wraps between pieces)."""
    pieces = [
        Text.assemble((_("Order") + " ", "bold"), (view.order_no, "bold reverse")),
        Text(carrier_label(view.carrier)),
        Text(f"{view.recipient} · {view.region}"),
    ]
    if view.due_date is not None:
        due = Text(_("due") + f" {view.due_date.isoformat()}")
        if view.due_date < today:
            due.append(" " + _("OVERDUE"), style="bold red reverse")
        pieces.append(due)
    return pieces


HEADER_GAP = "  │  "


def notes(view: OrderView) -> Text:
    """The buyer's and the seller's notes; empty when there are none."""
    note = Text()
    if view.buyer_note:
        note.append(_("Buyer note") + ": ", style="bold")
        note.append(view.buyer_note, style="bold yellow")
    if view.seller_note:
        if view.buyer_note:
            note.append("   ")
        note.append(_("Seller note") + ": ", style="bold")
        note.append(view.seller_note, style="bold yellow")
    return note


def box_line(view: OrderView) -> Text:
    """The box being filled, as the courier counts it, and how many boxes the order has."""
    box = view.current
    text = Text()
    if box is not None:
        text.append(_("Box {seq}").format(seq=box.place), style="bold")
        units = ngettext("{count} unit", "{count} units", box.units)
        text.append(f" ({units.format(count=box.units)})")
        text.append("  " + _("Carton") + f" {box.carton or '—'}")
    if view.box_count > 1:
        text.append("  │  " + _("{n} boxes").format(n=view.box_count))
    return text
