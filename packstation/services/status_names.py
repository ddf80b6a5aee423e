"""The words a person reads for a status (an order's, a parcel's, a print job's), a
marketplace, a courier and an event of the log.

Called wherever a status reaches a screen, a printed list or a command's text output; the
stored values (``domain.status``) stay English identifiers, and JSON output keeps them.
"""

from __future__ import annotations

from packstation.domain.carriers import short_name
from packstation.domain.status import OrderStatus, ParcelStatus, PrintKind, PrintStatus, Role
from packstation.i18n import N_, _, get_language, said_later

_ORDER: dict[str, str] = {
    OrderStatus.IMPORTED: N_("imported"),
    OrderStatus.READY: N_("ready to pack"),
    OrderStatus.PACKING: N_("packing"),
    OrderStatus.ON_HOLD: N_("on hold"),
    OrderStatus.PACKED: N_("packed"),
    OrderStatus.HANDED_OVER: N_("handed over"),
    OrderStatus.PART_RECALLED: N_("part handed over, rest recalled"),
    OrderStatus.CONFIRMED: N_("confirmed"),
    OrderStatus.CANCELLED: N_("cancelled"),
}
_PARCEL: dict[str, str] = {
    ParcelStatus.OPEN: N_("being filled"),
    ParcelStatus.WEIGHED: N_("weighed"),
    ParcelStatus.LABELLED: N_("labelled"),
    ParcelStatus.PACKED: N_("packed"),
    ParcelStatus.HANDED_OVER: N_("handed over"),
    ParcelStatus.VOID: N_("void"),
}
_PRINT: dict[str, str] = {
    PrintStatus.QUEUED: N_("queued"),
    PrintStatus.SENT: N_("sent"),
    PrintStatus.CONFIRMED: N_("confirmed"),
    PrintStatus.FAILED: N_("failed"),
    PrintStatus.UNKNOWN: N_("unknown: may have printed"),
    PrintStatus.VOID: N_("void"),
}


_PRINT_KIND: dict[str, str] = {
    PrintKind.LABEL: N_("label"),
    PrintKind.SLIP: N_("packing slip"),
    PrintKind.MANIFEST: N_("handover list"),
    PrintKind.PICK_LIST: N_("pick list"),
    PrintKind.TEST: N_("test page"),
    PrintKind.COMMAND_SHEET: N_("command barcode sheet"),
}


_PLATFORM: dict[str, str] = {
    "taobao": N_("Taobao"),
    "tmall": N_("Tmall"),
    "generic": N_("other shop"),
}

# the event log's kinds, for ``order show``
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
    "handover_discarded": N_("handover thrown away"),
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
    "rest_recalled": N_("rest recalled (part had left)"),
    "scan_refused": N_("scan refused"),
    "shipment_confirmed": N_("shipment confirmed"),
    "signed_in": N_("signed in"),
    "split_changed": N_("packed in other boxes than the lead's split"),
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


def _named(status: str, names: dict[str, str]) -> str:
    """The name of ``status`` in the current language; a value this version does not know is
    shown as it is stored."""
    name = names.get(status)
    return _(name) if name else status


def status_label(status: str) -> str:
    """An order's status as the screen shows it."""
    return _named(status, _ORDER)


def parcel_status_label(status: str) -> str:
    """A parcel's (a box's) status as the screen shows it."""
    return _named(status, _PARCEL)


def status_said_later(status: str, *, parcel: bool = False) -> list[object]:
    """An order's (``parcel``: a parcel's) status for a reason kept in the store, named in the
    language of whoever reads it (``i18n.said_later``)."""
    return said_later((_PARCEL if parcel else _ORDER).get(status, status))


def print_status_label(status: str) -> str:
    """A print job's status as the screen shows it."""
    return _named(status, _PRINT)


def print_kind_label(kind: str) -> str:
    """What a print job prints, as a person names it."""
    return _named(kind, _PRINT_KIND)


def platform_label(platform: str) -> str:
    """The marketplace an order came from, as a person names it (a platform of a file of
    one's own is shown as written)."""
    return _named(platform, _PLATFORM)


def event_label(kind: str) -> str:
    """An event's kind as a person reads it (``order show``)."""
    return _named(kind, _EVENTS)


def carrier_label(code: str) -> str:
    """A courier as a screen names it: by its code in English (YTO, as its labels print it),
    by the name people say in Chinese (圆通); a carrier of the configuration's own by its code."""
    if not get_language().startswith("zh"):
        return code
    return short_name(code) or code


def role_label(role: str) -> str:
    """A user's role as people say it (the stored value is an identifier)."""
    return _("lead") if role == Role.LEAD else _("packer")
