"""Devices chosen by URI: the one place that knows every transport.

Called by the bench application, the print worker, ``packstation scale``/``printer``/``doctor``
and the tests.  Opening never blocks for long and raises nothing but ``DeviceError`` with one
sentence.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Protocol

from packstation.devices.base import NO_SCALE, DeviceError, PrinterTransport, Scale, Scan
from packstation.devices.sim.printer import SimulatedPrinter
from packstation.devices.sim.scale import SimulatedScale
from packstation.devices.uri import SERIAL_OPTIONS, DeviceUri, parse_uri
from packstation.i18n import _

_shared_lock = threading.Lock()
_shared_scale: SimulatedScale | None = None
_shared_printer: SimulatedPrinter | None = None


def simulated_scale() -> SimulatedScale:
    """The one simulated scale of this process (``sim://``)."""
    global _shared_scale
    with _shared_lock:
        if _shared_scale is None:
            _shared_scale = SimulatedScale()
        return _shared_scale


def simulated_printer() -> SimulatedPrinter:
    """The one simulated printer of this process (``sim://``)."""
    global _shared_printer
    with _shared_lock:
        if _shared_printer is None:
            _shared_printer = SimulatedPrinter()
        return _shared_printer


def open_scale(uri: str, *, stable_readings: int = 3) -> Scale:
    """A connected scale for ``uri`` (``stable_readings`` is the caller's business: see
    ``weighing.StableWeight``; it is accepted here so that every caller passes the setting)."""
    parsed = parse_uri(uri)
    if parsed.scheme in NO_SCALE:
        raise DeviceError(_("No scale is configured: weights are typed by hand."))
    if parsed.scheme == "sim":
        parsed.only()
        return simulated_scale()
    if parsed.scheme == "serial":
        return _open_stream_scale(parsed.only("protocol", *SERIAL_OPTIONS))
    if parsed.scheme == "tcp":
        return _open_stream_scale(parsed.only("protocol"))
    if parsed.scheme == "hid":
        from packstation.devices.transports.hid_scale import HidScale

        return HidScale(parsed.only().target or "0922:8003")
    raise DeviceError(
        _("Unknown scale URI '{uri}'; use serial://, tcp://, hid://, sim:// or none.").format(
            uri=uri
        )
    )


def _open_stream_scale(parsed: DeviceUri) -> Scale:
    from packstation.devices.protocols.registry import protocol_named
    from packstation.devices.transports.serial_link import open_serial
    from packstation.devices.transports.stream_scale import StreamScale, detect_protocol

    name = parsed.option("protocol", "auto")
    protocol = None if name == "auto" else protocol_named(name)
    if protocol is not None and protocol.name == "dymo":
        raise DeviceError(_("A Dymo scale is a USB HID device: use hid://0922:8003."))
    port = open_serial(parsed, timeout=1.0, what=_("scale"))
    where = parsed.text.split("?", 1)[0]
    if protocol is None:
        return detect_protocol(port, where)
    return StreamScale(port, protocol, where)


def open_printer(uri: str, *, language: str = "zpl", timeout: float = 5.0) -> PrinterTransport:
    """A printer connection for ``uri``; ``language`` (zpl | escpos) decides the status query."""
    parsed = parse_uri(uri)
    scheme = parsed.scheme
    parsed.only(*(SERIAL_OPTIONS if scheme == "serial" else ()))
    if scheme == "sim":
        return simulated_printer()
    if scheme == "tcp":
        from packstation.devices.printers.tcp import TcpPrinter

        if not parsed.host:
            raise DeviceError(
                _("'{uri}' needs a host, such as tcp://192.168.1.60:9100.").format(uri=uri)
            )
        return TcpPrinter(parsed.host, parsed.port or 9100, language=language, timeout=timeout)
    if scheme == "file":
        from packstation.devices.printers.device_file import DeviceFilePrinter

        return DeviceFilePrinter(parsed.target, language=language)
    if scheme == "dir":
        from packstation.devices.printers.folder import FolderPrinter

        return FolderPrinter(parsed.target, language=language)
    if scheme == "serial":
        from packstation.devices.printers.serial_port import SerialPrinter

        return SerialPrinter(parsed, language=language, timeout=timeout)
    if scheme == "usb":
        from packstation.devices.printers.usb import UsbPrinter

        return UsbPrinter(parsed.target, language=language, timeout=timeout)
    if scheme == "cups":
        from packstation.devices.printers.cups_queue import CupsPrinter

        return CupsPrinter(parsed.target)
    raise DeviceError(
        _(
            "Unknown printer URI '{uri}'; use tcp://, file://, dir://, serial://, usb://, cups:// or sim://."
        ).format(uri=uri)
    )


class ScannerReader(Protocol):
    """What ``open_scanner`` returns: a reader thread with ``start``/``stop``."""

    def start(self) -> None: ...

    def stop(self, timeout: float = 3.0) -> None: ...


def open_scanner(
    uri: str, on_scan: Callable[[Scan], None], on_state: Callable[[str], None]
) -> ScannerReader | None:
    """A reader for a serial or evdev scanner, not yet started; ``None`` for ``keyboard`` (the
    application detects wedge scans itself with ``wedge.WedgeDetector``)."""
    parsed = parse_uri(uri)
    if parsed.scheme in ("keyboard", "wedge"):
        return None
    if parsed.scheme in ("serial", "tcp"):
        from packstation.devices.scanner import SerialScanner

        parsed.only(*(SERIAL_OPTIONS if parsed.scheme == "serial" else ()))
        return SerialScanner(uri, on_scan, on_state)
    if parsed.scheme == "evdev":
        from packstation.devices.scanner import EvdevScanner

        parsed.only("layout", "grab")
        return EvdevScanner(uri, on_scan, on_state)
    raise DeviceError(
        _("Unknown scanner URI '{uri}'; use keyboard, serial:// or evdev://.").format(uri=uri)
    )


def close_quietly(device: Scale | PrinterTransport | None) -> None:
    if device is not None:
        with contextlib.suppress(DeviceError, OSError):
            device.close()
