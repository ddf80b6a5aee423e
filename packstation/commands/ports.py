"""``packstation ports``: the serial ports and USB HID scales this machine sees, to find the URI
to configure."""

from __future__ import annotations

import click

from packstation.commands.context import echo_json
from packstation.devices.doctor import serial_ports
from packstation.devices.transports.hid_scale import hid_scales
from packstation.i18n import _


@click.command("ports", help=_("List serial ports and USB HID scales, with the URI to configure."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
def ports(as_json: bool) -> None:
    serial = [{"uri": f"serial://{dev}", "description": desc} for dev, desc in serial_ports()]
    hid = [
        {
            "uri": f"hid://{d['vendor_id']:04x}:{d['product_id']:04x}",
            "description": str(d.get("product_string") or ""),
        }
        for d in hid_scales()
    ]
    if as_json:
        echo_json({"serial": serial, "hid": hid})
        return
    if not serial and not hid:
        click.echo(_("No serial ports and no USB HID scales seen."))
    for entry in serial + hid:
        click.echo("\t".join(filter(None, (entry["uri"], entry["description"]))))


COMMANDS = [ports]
