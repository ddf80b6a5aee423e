"""The words a person reads for an event of the log (``order show``); the stored kinds stay
English identifiers, and JSON output keeps them."""

from __future__ import annotations

from packstation.i18n import N_, _

_EVENTS: dict[str, str] = {
    "address_corrected": N_("address corrected"),
    "batch_printed": N_("printed in a batch"),
    "batch_reprinted": N_("batch printed again"),
    "box_closed": N_("box closed"),
    "box_opened": N_("box opened"),
    "box_packed": N_("box packed"),
    "box_voided": N_("box voided"),
    "cancelled_at_bench": N_("stopped at the bench (cancelled)"),
    "carton_selected": N_("carton chosen"),
    "claim_taken_over": N_("taken over from another bench"),
    "courier_changed": N_("courier changed"),
    "documents_queued": N_("label and slip queued"),
    "exception_raised": N_("problem raised"),
    "exception_resolved": N_("problem resolved"),
    "exceptions_settled": N_("problems settled"),
    "handover_list_reprinted": N_("handover list printed again"),
    "handover_opened": N_("handover opened"),
    "handover_refused": N_("refused in a handover"),
    "handover_removed": N_("taken out of a handover"),
    "handover_scanned": N_("scanned into a handover"),
    "handover_sealed": N_("handover sealed"),
    "item_scanned": N_("item scanned"),
    "item_ticked_by_hand": N_("item ticked by hand"),
    "label_check_failed": N_("label check failed"),
    "label_checked": N_("label checked"),
    "label_reprinted": N_("label printed again"),
    "label_voided": N_("label voided"),
    "not_shipping_today": N_("does not ship today"),
    "open_refused": N_("refused at a bench"),
    "order_cancelled": N_("order cancelled"),
    "order_claimed": N_("taken by a bench"),
    "order_handed_over": N_("handed over"),
    "order_imported": N_("imported"),
    "order_on_hold": N_("put on hold"),
    "order_packed": N_("order packed"),
    "order_released": N_("released"),
    "order_split": N_("split into parcels"),
    "order_updated": N_("changed by the marketplace or the lead"),
    "orders_imported": N_("orders imported"),
    "override_refused": N_("lead override refused"),
    "print_adopted": N_("print job taken over"),
    "print_queued": N_("print queued"),
    "print_sent": N_("sent to the printer"),
    "print_waiting": N_("waiting for the printer"),
    "products_imported": N_("products imported"),
    "scan_refused": N_("scan refused"),
    "shipment_confirmed": N_("shipment confirmed"),
    "signed_in": N_("signed in"),
    "signed_out": N_("signed out"),
    "stock_adjusted": N_("stock adjusted"),
    "stock_counted": N_("stock counted"),
    "tracking_assigned": N_("waybill number assigned"),
    "tracking_released": N_("waybill number let go"),
    "user_added": N_("user added"),
    "user_pin_changed": N_("PIN changed"),
    "user_removed": N_("user removed"),
    "weight_accepted": N_("weight accepted"),
    "weight_refused": N_("weight refused"),
    "weight_override": N_("weight accepted by a lead"),
}


def event_label(kind: str) -> str:
    """An event's kind as a person reads it; a kind this version does not name is shown as it
    is stored."""
    name = _EVENTS.get(kind)
    return _(name) if name else kind
