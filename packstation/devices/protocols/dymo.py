"""Dymo M10/M25 and similar USB HID postal scales: a 6-byte report (pure parser).

[0] report id 3; [1] status (1 fault, 2 stable at zero, 3 in motion, 4 stable, 5 under zero,
6 over limit, 7 needs calibration, 8 needs re-zeroing); [2] unit (2 g, 11 oz, 12 lb, 3 kg);
[3] signed exponent; [4..5] weight little-endian, negative when the status is 5.
"""

from __future__ import annotations

from decimal import Decimal

from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.devices.protocols.base import GRAMS_PER_UNIT, FrameError

REPORT_ID = 3
_UNITS = {1: "mg", 2: "g", 3: "kg", 11: "oz", 12: "lb"}
_UNIT_CODES = {name: code for code, name in _UNITS.items()}
_STATUS = {
    1: ScaleStatus.ERROR,
    2: ScaleStatus.STABLE,
    3: ScaleStatus.MOTION,
    4: ScaleStatus.STABLE,
    5: ScaleStatus.UNDERLOAD,
    6: ScaleStatus.OVERLOAD,
    7: ScaleStatus.ERROR,
    8: ScaleStatus.ERROR,
}


def parse(frame: bytes) -> ScaleReading | None:
    if len(frame) != 6:
        raise FrameError("a Dymo report is 6 bytes")
    if frame[0] != REPORT_ID:
        return None  # another report of the device (such as its settings): not a weight
    status = _STATUS.get(frame[1])
    if status is None:
        raise FrameError(f"unknown status {frame[1]}")
    unit = _UNITS.get(frame[2])
    if unit is None:
        raise FrameError(f"unknown unit code {frame[2]}")
    exponent = frame[3] - 256 if frame[3] > 127 else frame[3]
    if not -6 <= exponent <= 3:
        raise FrameError(f"exponent {exponent} out of range")
    raw_value = frame[4] | frame[5] << 8
    value = Decimal(raw_value).scaleb(exponent)
    if status is ScaleStatus.UNDERLOAD:
        value = -value
    if status in (ScaleStatus.ERROR, ScaleStatus.OVERLOAD):
        return ScaleReading(grams=None, status=status, raw=frame, unit=unit)
    return ScaleReading(grams=value * GRAMS_PER_UNIT[unit], status=status, raw=frame, unit=unit)


def format_reading(grams: Decimal | None, status: ScaleStatus, unit: str = "g") -> bytes:
    """The report a Dymo scale would send (tests and the simulator)."""
    value = grams or Decimal(0)
    code = {
        ScaleStatus.STABLE: 2 if value == 0 else 4,
        ScaleStatus.MOTION: 3,
        ScaleStatus.UNDERLOAD: 5,
        ScaleStatus.OVERLOAD: 6,
        ScaleStatus.ERROR: 1,
    }[status]
    exponent = {"g": 0, "mg": 0, "kg": -3, "oz": -1}.get(unit, -2)
    number = int((abs(value) / GRAMS_PER_UNIT[unit]).scaleb(-exponent).to_integral_value())
    number = min(number, 0xFFFF)
    return bytes([REPORT_ID, code, _UNIT_CODES[unit], exponent & 0xFF, number & 0xFF, number >> 8])
