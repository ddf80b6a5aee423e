"""The printed courier handover list: the bytes of a ``manifest`` print job.

Called by ``services.handover`` when a handover is sealed.  ZPL label printers get pages of the
label size with plain ASCII text (a label printer has no CJK font unless one was downloaded to
it, and tracking numbers, dates and weights are ASCII anyway); ESC/POS receipt printers get the
list as text in GB18030 (what Chinese receipt printers expect), in the screen's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from packstation.i18n import _

if TYPE_CHECKING:
    from packstation.services.handover import Manifest

ROWS_PER_PAGE = 26  # leaves room for the total and the signature on the last page
_ESC_INIT = b"\x1b@"
_ESC_CUT = b"\x1dV\x42\x00"  # feed and cut


def kilograms(grams: int) -> str:
    return f"{grams / 1000:.3f} kg"


def render_manifest(manifest: Manifest, *, language: str, shop: str = "") -> bytes:
    if language == "escpos":
        return _escpos(manifest, shop)
    return _zpl(manifest)


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


def _escpos(manifest: Manifest, shop: str) -> bytes:
    body = manifest_text(manifest, shop).encode("gb18030", errors="replace")
    return _ESC_INIT + body + b"\n\n\n" + _ESC_CUT


def _zpl_text(x: int, y: int, text: str, height: int = 28) -> str:
    safe = (
        text.encode("ascii", errors="replace").decode("ascii").replace("^", " ").replace("~", " ")
    )
    return f"^FO{x},{y}^A0N,{height},{height}^FD{safe}^FS"


def _zpl(manifest: Manifest) -> bytes:
    rows = manifest.lines
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    out = []
    for page in range(pages):
        chunk = rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        parts = ["^XA^CI0^PW812^LL1218"]
        parts.append(_zpl_text(40, 40, f"HANDOVER LIST  {manifest.carrier}", 44))
        parts.append(
            _zpl_text(
                40,
                100,
                f"DATE {manifest.date.isoformat()}  PARCELS {manifest.count}  PAGE {page + 1}/{pages}",
            )
        )
        parts.append("^FO40,140^GB732,3,3^FS")
        y = 160
        for index, line in enumerate(chunk, start=page * ROWS_PER_PAGE + 1):
            parts.append(
                _zpl_text(
                    40, y, f"{index:>4}  {line.tracking_no:<22} {kilograms(line.weight_g):>11}"
                )
            )
            y += 32
        if page == pages - 1:
            y += 16
            parts.append(f"^FO40,{y}^GB732,3,3^FS")
            parts.append(
                _zpl_text(
                    40,
                    y + 16,
                    f"TOTAL {manifest.count} PARCELS  {kilograms(manifest.total_weight_g)}",
                )
            )
            parts.append(_zpl_text(40, y + 80, "COURIER SIGNATURE: ______________________"))
            parts.append(_zpl_text(40, y + 130, "TIME: ______________________"))
        parts.append("^XZ")
        out.append("".join(parts))
    return "\n".join(out).encode("ascii")
