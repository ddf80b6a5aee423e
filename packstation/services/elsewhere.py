"""What changed in an open order that the bench did not do: a lead's void, courier or address
change, or an import, seen by the bench's poll.  The bench draws its own actions without
reading the order back, so a change made elsewhere stayed off its screen (a void of box 1 left
its items ticked there, and the box never closed)."""

from __future__ import annotations

from packstation.domain.status import OrderStatus, ParcelStatus
from packstation.i18n import _, sentences
from packstation.services.packing_view import OrderView
from packstation.services.status_names import carrier_label, status_label


def seen(view: OrderView) -> tuple[object, ...]:
    """What the packer works from: the courier, the address, the notes, each line's quantity
    and ticks, and each box's state and waybill."""
    return (
        view.carrier,
        view.recipient,
        view.region,
        view.buyer_note,
        view.seller_note,
        tuple((line.line_id, line.quantity, line.packed) for line in view.lines),
        tuple((box.parcel_id, box.status, box.tracking_no) for box in view.parcels),
    )


def changed_elsewhere(before: OrderView, after: OrderView) -> str:
    """The changes, said to the packer, with what to do about them."""
    said: list[str] = []
    was_void = {box.parcel_id for box in before.parcels if box.status == ParcelStatus.VOID}
    for box in after.parcels:
        if box.status == ParcelStatus.VOID and box.parcel_id not in was_void:
            said.append(
                _(
                    "Box {seq}'s label {tracking} was voided: tear it off, and tick its items "
                    "again."
                ).format(seq=box.seq, tracking=box.tracking_no or "-")
            )
    if after.carrier != before.carrier:
        said.append(_("The courier is now {carrier}.").format(carrier=carrier_label(after.carrier)))
        if before.waybill and not after.waybill:
            said.append(dropped_waybill(before.waybill))
    if (after.recipient, after.region) != (before.recipient, before.region):
        said.append(_("The address was corrected."))
    if (after.buyer_note, after.seller_note) != (before.buyer_note, before.seller_note):
        said.append(_("The notes changed: read them again."))
    quantities = [(line.line_id, line.quantity) for line in after.lines]
    if quantities != [(line.line_id, line.quantity) for line in before.lines]:
        said.append(_("The items changed: check the list."))
    if not said:
        said.append(_("The list is read again."))
    return sentences(_("Order {no} was changed elsewhere.").format(no=after.order_no), *said)


def dropped_waybill(number: str) -> str:
    """A waybill the order had before packing, gone with its courier: a batch may have printed
    it, and a packer holding it would put it on a box of the new courier."""
    return _(
        "Its waybill {number}, given before packing, is void: if it was printed, tear it up."
    ).format(number=number)


def not_ours_any_more(view: OrderView) -> str:
    """What the packer does with the goods of an order this bench no longer holds, by what
    became of it (it said only "This bench no longer holds the order")."""
    if view.status == OrderStatus.ON_HOLD:
        return _("Order {no} was put on hold ({reason}): put its goods aside for the lead.").format(
            no=view.order_no, reason=view.hold_reason or "-"
        )
    if view.status == OrderStatus.PACKING and view.claimed_bench:
        return _(
            "Order {no} is being packed at {bench} now ({user}): take its goods there."
        ).format(no=view.order_no, bench=view.claimed_bench, user=view.claimed_user or "-")
    return _(
        "Order {no} is no longer this bench's (it is {status}): put its goods aside and ask "
        "the lead."
    ).format(no=view.order_no, status=status_label(view.status))
