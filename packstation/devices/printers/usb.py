"""``usb://VID:PID``: a USB printer through python-escpos (which needs pyusb)."""

from __future__ import annotations

import contextlib
import importlib.util
from typing import Any

from packstation.devices.base import DeviceError, PrinterState
from packstation.devices.printers.status import no_answer, parse_answer, query_for
from packstation.devices.protocols.base import FrameError
from packstation.devices.transports.hid_scale import parse_vid_pid
from packstation.escpos_profiles import keep_profiles
from packstation.i18n import _


class UsbPrinter:
    def __init__(self, vid_pid: str, *, language: str = "zpl", timeout: float = 5.0) -> None:
        vendor, product = parse_vid_pid(vid_pid)
        self.language = language
        self.description = f"usb://{vid_pid}"
        try:
            # python-escpos imports without pyusb and fails only once used, in English, and
            # again when the half-made printer is collected: asked first
            if importlib.util.find_spec("usb") is None:
                raise ImportError("pyusb")
            keep_profiles()
            from escpos.printer import Usb
        except ImportError:
            raise DeviceError(
                _("USB printers need pyusb: pip install pyusb (or use file:///dev/usb/lp0).")
            ) from None
        try:
            self._printer: Any = Usb(vendor, product, timeout=int(timeout * 1000))
            self._printer.open()
        except Exception as exc:  # python-escpos raises its own classes and pyusb's
            raise DeviceError(
                _(
                    "Cannot open the USB printer {vid_pid} ({problem}); check the cable and the udev rule."
                ).format(vid_pid=vid_pid, problem=exc)
            ) from None

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        try:
            self._printer._raw(data)
        except Exception as exc:
            raise DeviceError(
                _("The printer at {where} refused the job ({problem}).").format(
                    where=self.description, problem=exc
                )
            ) from None

    def status(self, timeout: float = 2.0) -> PrinterState:
        try:
            self._printer._raw(query_for(self.language))
            answer = bytes(self._printer._read())
        except Exception:
            return no_answer(self.description, timeout)
        try:
            return parse_answer(self.language, answer)
        except FrameError:
            return no_answer(self.description, timeout)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._printer.close()
