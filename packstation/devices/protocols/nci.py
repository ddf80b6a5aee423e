"""NCI / Avery Weigh-Tronix / Brecknell SCP-01: ``W<CR>`` answered by
``<LF>xxxx.xxuu<CR><LF>hh<CR><ETX>`` (pure parser).

Status byte 1: bit 0 motion, bit 1 at zero, bit 2 RAM error, bit 3 EEPROM error.  Byte 2: bit 0
under capacity, bit 1 over capacity, bit 2 ROM error, bit 3 faulty calibration.  Bits 4 and 5 are
always set, so ``00`` means no flags.  An unknown command is answered ``<LF>?<CR><ETX>``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.devices.protocols.base import (
    CommandAnswer,
    FrameError,
    ascii_text,
    from_grams,
    to_grams,
)

_WEIGHT = re.compile(r"\s*(-?)\s*([0-9.]+)\s*([A-Za-z]{1,2})\s*")


def _flags(status: str) -> tuple[int, ...]:
    if not 2 <= len(status) <= 3:
        raise FrameError("status is two or three bytes")
    values = tuple(ord(ch) for ch in status)
    if any(v & 0xF0 != 0x30 for v in values):
        raise FrameError("status bytes without bits 4 and 5")
    return values


def parse(frame: bytes) -> ScaleReading | None:
    text = ascii_text(frame).replace("\x03", "")
    parts = [p for p in re.split(r"[\r\n]+", text) if p.strip()]
    if parts == ["?"]:
        return ScaleReading(grams=None, status=ScaleStatus.ERROR, raw=frame)
    if len(parts) == 1:
        _flags(parts[0])  # a status-only answer (to ``S``): no weight in it
        return None
    if len(parts) != 2:
        raise FrameError("not an NCI weight answer")
    first, second = _flags(parts[1])[:2]
    if first & 0b1100 or second & 0b1100:
        status = ScaleStatus.ERROR
    elif second & 0b10:
        status = ScaleStatus.OVERLOAD
    elif second & 0b01:
        status = ScaleStatus.UNDERLOAD
    elif first & 0b01:
        status = ScaleStatus.MOTION
    else:
        status = ScaleStatus.STABLE
    match = _WEIGHT.fullmatch(parts[0])
    if match is None:
        if status in (ScaleStatus.STABLE, ScaleStatus.MOTION):
            raise FrameError("no weight in an NCI answer")
        return ScaleReading(grams=None, status=status, raw=frame)
    sign, digits, unit = match.groups()
    grams = to_grams(sign + digits, unit)
    if status not in (ScaleStatus.STABLE, ScaleStatus.MOTION):
        return ScaleReading(grams=None, status=status, raw=frame, unit=unit.lower())
    return ScaleReading(grams=grams, status=status, raw=frame, unit=unit.lower())


def command_answer(frame: bytes) -> CommandAnswer | None:
    """The answer to ``Z<CR>``: the status bytes alone (``<LF>hh<CR><ETX>``), or ``?`` for a
    command the scale does not know; None for a weight answer or garbage."""
    try:
        parts = [p for p in re.split(r"[\r\n]+", ascii_text(frame).replace("\x03", "")) if p]
    except FrameError:
        return None
    if parts == ["?"]:
        return CommandAnswer.REFUSED
    if len(parts) != 1:
        return None
    try:
        first, second = _flags(parts[0])[:2]
    except FrameError:
        return None
    if first & 0b1100 or second & 0b1100:
        return CommandAnswer.REFUSED
    if second & 0b11:
        return CommandAnswer.OUT_OF_RANGE
    if first & 0b01:
        return CommandAnswer.BUSY
    return CommandAnswer.DONE


def status_answer(status: ScaleStatus) -> bytes:
    """The status bytes alone, as a scale answers ``S<CR>`` and ``Z<CR>`` (the simulator)."""
    first, second = _status_bytes(status)
    return f"\n{chr(first)}{chr(second)}\r\x03".encode("ascii")


def _status_bytes(status: ScaleStatus) -> tuple[int, int]:
    first, second = 0x30, 0x30
    if status is ScaleStatus.MOTION:
        first |= 0b01
    elif status is ScaleStatus.OVERLOAD:
        second |= 0b10
    elif status is ScaleStatus.UNDERLOAD:
        second |= 0b01
    elif status is ScaleStatus.ERROR:
        first |= 0b100
    return first, second


def format_reading(grams: Decimal | None, status: ScaleStatus, unit: str = "g") -> bytes:
    """The answer of a scale to ``W<CR>``."""
    first, second = _status_bytes(status)
    if status in (ScaleStatus.STABLE, ScaleStatus.MOTION):
        value = from_grams(grams or Decimal(0), unit)
        weight = f"{value:>8}{unit}"
    else:
        weight = "^^^^^^^" if status is ScaleStatus.OVERLOAD else "_______"
    return f"\n{weight}\r\n{chr(first)}{chr(second)}\r\x03".encode("ascii")
