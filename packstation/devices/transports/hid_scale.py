"""A USB HID postal scale (Dymo M10/M25 and alike) through hidapi, an optional extra.

``pip install 'packstation[hid]'``; on Linux the hidraw node needs a udev rule (see the README).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from packstation.devices.base import DeviceDisconnected, DeviceError, ScaleReading, ScaleSilent
from packstation.devices.protocols.base import FrameError
from packstation.devices.protocols.registry import DYMO
from packstation.i18n import _

DYMO_VENDOR = 0x0922
SCALE_USAGE_PAGE = 0x8D


def hid_module() -> Any:
    try:
        import hid
    except ImportError:
        raise DeviceError(
            _("USB HID scales need the hid extra: pip install 'packstation[hid]'.")
        ) from None
    return hid


def parse_vid_pid(text: str) -> tuple[int, int]:
    try:
        vendor, product = text.split(":")
        return int(vendor, 16), int(product, 16)
    except ValueError:
        raise DeviceError(
            _("'{text}' is not a USB vendor:product pair such as 0922:8003.").format(text=text)
        ) from None


def hid_scales() -> list[dict[str, Any]]:
    """The HID scales this machine sees (empty without hidapi)."""
    try:
        hid = hid_module()
    except DeviceError:
        return []
    return [
        d
        for d in hid.enumerate()
        if d.get("vendor_id") == DYMO_VENDOR or d.get("usage_page") == SCALE_USAGE_PAGE
    ]


class HidScale:
    """Implements ``Scale`` over hidapi; the scale sends reports by itself, we keep the newest."""

    def __init__(self, vid_pid: str) -> None:
        vendor, product = parse_vid_pid(vid_pid)
        hid = hid_module()
        self.description = f"hid://{vid_pid} ({DYMO.title})"
        self.garbage = 0
        factory = getattr(hid, "device", None)
        try:
            if factory is not None:
                self._device = factory()
                self._device.open(vendor, product)
            else:  # the ``hid`` package (ctypes) spells it differently
                self._device = hid.Device(vendor, product)
        except (OSError, ValueError) as exc:
            raise DeviceError(
                _(
                    "Cannot open the USB scale {vid_pid} ({problem}); is it switched on, and does a udev rule give you access?"
                ).format(vid_pid=vid_pid, problem=exc)
            ) from None

    def read(self, timeout: float = 1.0) -> ScaleReading:
        deadline = time.monotonic() + timeout
        latest: ScaleReading | None = None
        while True:
            wait_ms = 0 if latest is not None else max(1, int((deadline - time.monotonic()) * 1000))
            try:
                data = bytes(self._device.read(8, wait_ms))
            except (OSError, ValueError) as exc:
                # the scale switched itself off or was unplugged
                raise DeviceDisconnected(
                    _("The USB scale is disconnected ({problem}); switch it on again.").format(
                        problem=exc
                    )
                ) from None
            if not data:
                if latest is not None:
                    return latest
                if time.monotonic() >= deadline:
                    raise ScaleSilent(_hid_silent, timeout)
                continue
            try:
                reading = DYMO.parse(data[:6])
            except FrameError:
                self.garbage += 1
                continue
            if reading is not None:
                latest = reading

    def zero(self) -> None:
        raise DeviceError(_("A USB postal scale is zeroed with its own key."))

    def tare(self) -> None:
        raise DeviceError(_("A USB postal scale is zeroed with its own key."))

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._device.close()


def _hid_silent(seconds: float) -> str:
    return _("The USB scale sent nothing within {seconds} s; is it switched on?").format(
        seconds=f"{round(seconds, 1):g}"
    )
