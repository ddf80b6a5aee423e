"""Device URIs from the configuration or a ``--device``/``--printer`` flag, split into parts.

Called by ``registry`` and the scanner reader; pure (no I/O).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from packstation.devices.base import DeviceError
from packstation.i18n import _, listed

# what a serial line is set with (``serial_link.open_serial``)
SERIAL_OPTIONS = ("baud", "bits", "parity", "stop")


@dataclass(frozen=True)
class DeviceUri:
    """``scheme://host:port/path?key=value`` with the parts a device needs."""

    text: str
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    query: dict[str, str] = field(default_factory=dict)

    def option(self, key: str, default: str = "") -> str:
        return self.query.get(key, default)

    def int_option(self, key: str, default: int) -> int:
        value = self.query.get(key)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise DeviceError(
                _("'{uri}': {key} must be a whole number, not '{value}'.").format(
                    uri=self.text, key=key, value=value
                )
            ) from None

    def only(self, *known: str) -> DeviceUri:
        """This URI, if it has no option but ``known`` ones: a misspelt option was ignored, and
        the device opened with its default (``protocl=ad`` read as ``protocol=auto``)."""
        unknown = sorted(set(self.query) - set(known))
        if not unknown:
            return self
        if not known:
            raise DeviceError(
                _("'{uri}' takes no options; remove '?{key}=…'.").format(
                    uri=self.text, key=unknown[0]
                )
            )
        raise DeviceError(
            _("'{uri}': there is no option '{key}'; this device takes {known}.").format(
                uri=self.text, key=unknown[0], known=listed(known)
            )
        )

    @property
    def target(self) -> str:
        """What follows ``scheme://`` without the query: a path, a queue name, ``host:port``."""
        if self.host and self.path:
            return self.host + self.path
        return self.host or self.path


def parse_uri(text: str) -> DeviceUri:
    """Split a device URI; a bare path such as ``/dev/ttyUSB0`` is read as ``serial://``, and
    the kernel's USB printer (``/dev/usb/lp0``) as ``file://``."""
    text = text.strip()
    if not text:
        raise DeviceError(_("No device is configured; give a device URI."))
    if text.startswith("/dev/usb/lp"):
        text = "file://" + text
    elif text.startswith("/"):
        text = "serial://" + text
    if "://" not in text:
        return DeviceUri(text=text, scheme=text.lower())
    parts = urlsplit(text)
    port: int | None = None
    if parts.scheme.lower() in ("usb", "hid", "cups"):
        # ``netloc`` keeps the case that ``hostname`` lowers: queue names and VID:PID need it raw
        host = unquote(parts.netloc.rsplit("@", 1)[-1])
    else:
        host = unquote(parts.hostname or "")
        try:
            port = parts.port
        except ValueError:
            raise DeviceError(
                _("'{uri}': the port is not a number between 1 and 65535.").format(uri=text)
            ) from None
    return DeviceUri(
        text=text,
        scheme=parts.scheme.lower(),
        host=host,
        port=port,
        path=unquote(parts.path),
        query=dict(parse_qsl(parts.query)),
    )
