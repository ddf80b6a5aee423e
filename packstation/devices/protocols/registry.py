"""The known scale protocols by the name used in a URI (``protocol=mt-sics``)."""

from __future__ import annotations

from packstation.devices.base import DeviceError
from packstation.devices.protocols import ad, dymo, mtsics, nci
from packstation.devices.protocols.base import ScaleProtocol
from packstation.i18n import _, listed

MT_SICS = ScaleProtocol(
    name="mt-sics",
    title="MT-SICS",
    terminators=b"\r\n",
    poll=b"SI\r\n",
    zero_command=b"ZI\r\n",
    tare_command=b"TI\r\n",
    parse=mtsics.parse,
    format_reading=mtsics.format_reading,
    answer=mtsics.command_answer,
)
AD = ScaleProtocol(
    name="ad",
    title="A&D/CAS",
    terminators=b"\r\n",
    poll=None,
    zero_command=b"Z\r\n",
    tare_command=b"T\r\n",
    parse=ad.parse,
    format_reading=ad.format_reading,
)
NCI = ScaleProtocol(
    name="nci",
    title="NCI/Weigh-Tronix",
    terminators=b"\x03",
    poll=b"W\r",
    zero_command=b"Z\r",
    tare_command=None,
    parse=nci.parse,
    format_reading=nci.format_reading,
    answer=nci.command_answer,
)
DYMO = ScaleProtocol(
    name="dymo",
    title="Dymo USB HID",
    terminators=b"",
    poll=None,
    zero_command=None,
    tare_command=None,
    parse=dymo.parse,
    format_reading=dymo.format_reading,
)

PROTOCOLS: dict[str, ScaleProtocol] = {p.name: p for p in (MT_SICS, AD, NCI, DYMO)}
_ALIASES = {"mtsics": "mt-sics", "sics": "mt-sics", "cas": "ad", "and": "ad", "scp-01": "nci"}

# the protocols spoken over a serial line or TCP, in the order ``protocol=auto`` tries them
SERIAL_PROTOCOLS = (AD, MT_SICS, NCI)


def protocol_named(name: str) -> ScaleProtocol:
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return PROTOCOLS[key]
    except KeyError:
        raise DeviceError(
            _("Unknown scale protocol '{name}'; use one of {known} or auto.").format(
                name=name, known=listed(sorted(PROTOCOLS))
            )
        ) from None
