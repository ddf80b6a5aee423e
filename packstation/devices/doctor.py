"""Device checks for ``packstation doctor``: ports and HID scales seen, the configured scanner
there, the configured scale and printer answering.  Each check is (name, ok, one sentence)."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from packstation.devices.base import DeviceError, ScaleStatus, no_scale
from packstation.devices.registry import close_quietly, open_printer, open_scale, open_scanner
from packstation.devices.uri import parse_uri
from packstation.devices.weighing import EMPTY_G, status_word
from packstation.i18n import _, listed, sentences

if TYPE_CHECKING:
    from packstation.config import Settings


def serial_ports() -> list[tuple[str, str]]:
    """(device, description) of every serial port pyserial sees; no description where pyserial
    knows none (it says "n/a", in English whatever the language)."""
    from serial.tools import list_ports

    return [
        (p.device, "" if p.description in (None, "n/a") else p.description)
        for p in sorted(list_ports.comports())
    ]


def _ports_check() -> tuple[str, bool, str]:
    ports = serial_ports()
    if not ports:
        return (_("serial ports"), True, _("No serial ports seen."))
    seen = listed(f"{dev} ({desc})" if desc and desc != "n/a" else dev for dev, desc in ports)
    return (_("serial ports"), True, _("Serial ports seen: {ports}.").format(ports=seen))


def _hid_check() -> tuple[str, bool, str] | None:
    from packstation.devices.transports.hid_scale import hid_scales

    try:
        import hid  # noqa: F401
    except ImportError:
        return None
    scales = hid_scales()
    if not scales:
        return (_("USB scales"), True, _("No USB HID scales seen."))
    seen = listed(
        f"{d.get('product_string') or '?'} ({d['vendor_id']:04x}:{d['product_id']:04x})"
        for d in scales
    )
    return (_("USB scales"), True, _("USB HID scales seen: {scales}.").format(scales=seen))


def _scale_check(uri: str) -> tuple[str, bool, str]:
    name = _("scale")
    if no_scale(uri):
        return (name, True, _("No scale configured: weights are typed by hand."))
    if uri.strip().lower().startswith("sim:"):
        return (
            name,
            True,
            _(
                "The scale is the simulator (sim://): nothing is weighed; set devices.scale for a real bench."
            ),
        )
    try:
        scale = open_scale(uri)
    except DeviceError as exc:
        return (name, False, str(exc))
    try:
        reading = scale.read(2.0)
    except DeviceError as exc:
        return (name, False, str(exc))
    finally:
        close_quietly(scale)
    grams = "-" if reading.grams is None else f"{reading.grams.normalize():f} g"
    said = _("The scale at {where} answers: {grams}, {status}.").format(
        where=scale.description, grams=grams, status=status_word(reading)
    )
    faulty = reading.status in (ScaleStatus.OVERLOAD, ScaleStatus.UNDERLOAD, ScaleStatus.ERROR)
    if faulty or (reading.grams is not None and reading.grams <= -EMPTY_G):
        # it answers, and cannot weigh: "OK" was said of an overloaded scale or one under zero
        return (
            name,
            False,
            sentences(said, _("It cannot weigh like this: empty it and zero it (its zero key).")),
        )
    return (name, True, said)


def _printer_check(uri: str, language: str, timeout: float) -> tuple[str, bool, str]:
    name = _("printer")
    if uri.strip().lower().startswith("sim:"):
        return (
            name,
            True,
            _(
                "The printer is the simulator (sim://): nothing is printed; set devices.printer for a real bench."
            ),
        )
    try:
        printer = open_printer(uri, language=language, timeout=timeout)
    except DeviceError as exc:
        return (name, False, str(exc))
    try:
        state = printer.status(timeout=timeout)
    finally:
        close_quietly(printer)
    if state.ready:
        return (name, True, _("The printer at {where} is ready.").format(where=printer.description))
    return (
        name,
        False,
        _("The printer at {where} is not ready: {reason}.").format(
            where=printer.description, reason=state.message.rstrip(".。")
        ),
    )


def _scanner_check(uri: str) -> tuple[str, bool, str]:
    """A scanner address that names no scanner, or a device that is not there: the bench
    started without a word, and scans never arrived."""
    name = _("scanner")
    try:
        reader = open_scanner(uri, lambda _scan: None, lambda _state: None)
        parsed = parse_uri(uri)
    except DeviceError as exc:
        return (name, False, str(exc))
    if reader is None:
        return (name, True, _("The scanner types as a keyboard: its scans arrive as keys."))
    if parsed.path and not os.path.exists(parsed.path):
        return (
            name,
            False,
            _(
                "The scanner's device {path} does not exist; plug it in, or correct "
                "devices.scanner ('packstation ports' lists the serial ports)."
            ).format(path=parsed.path),
        )
    if parsed.scheme == "evdev" and importlib.util.find_spec("evdev") is None:
        return (
            name,
            False,
            _("evdev scanners need the evdev extra: pip install 'packstation[evdev]'."),
        )
    mode = os.R_OK if parsed.scheme == "evdev" else os.R_OK | os.W_OK
    if parsed.path and not os.access(parsed.path, mode):
        group = "input" if parsed.scheme == "evdev" else "dialout"
        return (
            name,
            False,
            _(
                "This user may not read the scanner's device {path}; add it to the group "
                "{group} (then sign in again) or install the udev rule from the README."
            ).format(path=parsed.path, group=group),
        )
    return (name, True, _("The scanner is at {where}.").format(where=uri.strip()))


def device_checks(settings: Settings) -> list[tuple[str, bool, str]]:
    checks = [_ports_check()]
    hid = _hid_check()
    if hid is not None:
        checks.append(hid)
    devices = settings.devices
    checks.append(_scanner_check(devices.scanner))
    checks.append(_scale_check(devices.scale))
    language = settings.printing.language
    timeout = settings.printing.timeout_seconds
    checks.append(_printer_check(devices.printer, language, timeout))
    if devices.slip_printer:
        # a receipt slip printer speaks ESC/POS whatever the labels' language (it was asked in
        # ZPL, and said to be silent)
        receipt = settings.printing.slip_size in ("80mm", "58mm")
        slip = _printer_check(devices.slip_printer, "escpos" if receipt else language, timeout)
        checks.append((_("slip printer"), slip[1], slip[2]))
    if devices.manifest_printer and devices.manifest_printer not in (
        devices.printer,
        devices.slip_printer,
    ):
        lists = _printer_check(devices.manifest_printer, language, timeout)
        checks.append((_("handover list printer"), lists[1], lists[2]))
    return checks
