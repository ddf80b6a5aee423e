"""The words a person reads for a status: an order's, a parcel's, a print job's.

Called wherever a status reaches a screen, a printed list or a command's text output; the
stored values (``domain.status``) stay English identifiers, and JSON output keeps them.
"""

from __future__ import annotations

from packstation.domain.status import OrderStatus, ParcelStatus, PrintStatus
from packstation.i18n import _


def _named(status: str, names: dict[str, str]) -> str:
    """The name of ``status``; a value this version does not know is shown as it is stored."""
    return next((text for key, text in names.items() if key == status), status)


def status_label(status: str) -> str:
    """An order's status as the screen shows it."""
    return _named(
        status,
        {
            OrderStatus.IMPORTED: _("imported"),
            OrderStatus.READY: _("ready to pack"),
            OrderStatus.PACKING: _("packing"),
            OrderStatus.ON_HOLD: _("on hold"),
            OrderStatus.PACKED: _("packed"),
            OrderStatus.HANDED_OVER: _("handed over"),
            OrderStatus.CONFIRMED: _("confirmed"),
            OrderStatus.CANCELLED: _("cancelled"),
        },
    )


def parcel_status_label(status: str) -> str:
    """A parcel's (a box's) status as the screen shows it."""
    return _named(
        status,
        {
            ParcelStatus.OPEN: _("being filled"),
            ParcelStatus.WEIGHED: _("weighed"),
            ParcelStatus.LABELLED: _("labelled"),
            ParcelStatus.PACKED: _("packed"),
            ParcelStatus.HANDED_OVER: _("handed over"),
            ParcelStatus.VOID: _("void"),
        },
    )


def print_status_label(status: str) -> str:
    """A print job's status as the screen shows it."""
    return _named(
        status,
        {
            PrintStatus.QUEUED: _("queued"),
            PrintStatus.SENT: _("sent"),
            PrintStatus.CONFIRMED: _("confirmed"),
            PrintStatus.FAILED: _("failed"),
            PrintStatus.UNKNOWN: _("unknown: may have printed"),
            PrintStatus.VOID: _("void"),
        },
    )
