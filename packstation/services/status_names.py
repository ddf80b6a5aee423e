"""The words a person reads for a status: an order's, a parcel's, a print job's.

Called wherever a status reaches a screen, a printed list or a command's text output; the
stored values (``domain.status``) stay English identifiers, and JSON output keeps them.
"""

from __future__ import annotations

from packstation.domain.status import OrderStatus, ParcelStatus, PrintStatus
from packstation.i18n import N_, _

_ORDER: dict[str, str] = {
    OrderStatus.IMPORTED: N_("imported"),
    OrderStatus.READY: N_("ready to pack"),
    OrderStatus.PACKING: N_("packing"),
    OrderStatus.ON_HOLD: N_("on hold"),
    OrderStatus.PACKED: N_("packed"),
    OrderStatus.HANDED_OVER: N_("handed over"),
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


_PLATFORM: dict[str, str] = {
    "taobao": N_("Taobao"),
    "tmall": N_("Tmall"),
    "generic": N_("other shop"),
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


def print_status_label(status: str) -> str:
    """A print job's status as the screen shows it."""
    return _named(status, _PRINT)


def platform_label(platform: str) -> str:
    """The marketplace an order came from, as a person names it (a platform of a file of
    one's own is shown as written)."""
    return _named(platform, _PLATFORM)
