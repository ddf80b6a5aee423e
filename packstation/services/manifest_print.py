"""The printed courier handover list: the bytes of a ``manifest`` print job, and the list as
text for the screen.

Called by ``services.handover`` when a handover is sealed.  The printed list is drawn like the
slips, with the labels' font (a label printer has no Chinese font of its own, and many receipt
printers print GB18030 text as garbage), in the language and size of the printer it goes to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from packstation.i18n import _
from packstation.labels.content import kilograms

if TYPE_CHECKING:
    from packstation.config import Settings
    from packstation.services.handover import Manifest


def list_printer(settings: Settings) -> str:
    """Where handover lists print: their own printer, else the slips', else the labels'."""
    devices = settings.devices
    return devices.manifest_printer or devices.slip_printer or devices.printer


def list_language_and_size(settings: Settings) -> tuple[str, str]:
    """The slip printer's language and paper when the lists go to it (a receipt printer speaks
    ESC/POS whatever the labels' language); else the labels' language, on a label, or on
    an 80 mm roll for an ESC/POS printer."""
    p = settings.printing
    if list_printer(settings) == settings.devices.slip_printer:
        from packstation.services.documents import slip_language_and_size

        return slip_language_and_size(settings)
    return p.language, p.label_size if p.language == "zpl" else "80mm"


def render_manifest(manifest: Manifest, settings: Settings) -> tuple[str, bytes]:
    """The printer language and the bytes of the list."""
    from packstation.labels.content import HandoverListData
    from packstation.labels.render import render_handover_list
    from packstation.services.documents import font_path

    language, size = list_language_and_size(settings)
    data = HandoverListData(
        carrier=manifest.carrier,
        carrier_name=manifest.carrier_name,
        day=manifest.date,
        handovers=tuple(manifest.handover_ids),
        courier=manifest.courier_name,
        shop=settings.shop.name,
        parcels=tuple((line.tracking_no, line.weight_g) for line in manifest.lines),
    )
    rendered = render_handover_list(
        data, language=language, size=size, dpi=settings.printing.dpi, font_path=font_path(settings)
    )
    return language, rendered.content


def manifest_text(manifest: Manifest, shop: str = "") -> str:
    """The list as plain text (also what the screen shows before printing)."""
    lines = []
    if shop:
        lines.append(shop)
    lines.append(_("Courier handover list"))
    lines.append(
        _("Carrier: {code} {name}").format(code=manifest.carrier, name=manifest.carrier_name)
    )
    lines.append(_("Date: {date}").format(date=manifest.date.isoformat()))
    if manifest.handover_ids:
        lines.append(
            _("Handover: {ids}").format(ids=", ".join(str(i) for i in manifest.handover_ids))
        )
    if manifest.courier_name:
        lines.append(_("Courier: {name}").format(name=manifest.courier_name))
    lines.append(_("Parcels: {count}").format(count=manifest.count))
    lines.append("-" * 42)
    for number, line in enumerate(manifest.lines, start=1):
        lines.append(f"{number:>4}  {line.tracking_no:<22} {kilograms(line.weight_g):>10}")
    lines.append("-" * 42)
    lines.append(_("Total weight: {weight}").format(weight=kilograms(manifest.total_weight_g)))
    lines.append("")
    lines.append(_("Courier signature: ____________________"))
    lines.append(_("Time: ____________________"))
    return "\n".join(lines) + "\n"
