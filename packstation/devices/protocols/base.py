"""What every scale protocol provides, the frame splitter and unit conversion (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from packstation.devices.base import ScaleReading


class FrameError(ValueError):
    """A frame that is not a reading of the protocol: skipped and counted, never fatal."""


class UnitError(FrameError):
    """A reading in a unit that is no weight the bench reads (pieces, carats, a percentage)."""

    def __init__(self, unit: str) -> None:
        super().__init__(f"unknown unit {unit!r}")
        self.unit = unit


class CommandAnswer(StrEnum):
    """What a scale answered to a zero or tare command."""

    DONE = "done"
    BUSY = "busy"  # cannot now: moving, or busy with something else
    OUT_OF_RANGE = "out_of_range"  # the weight on it is beyond what it may zero or tare
    REFUSED = "refused"  # an unknown command, a logical error, a fault of the scale


GRAMS_PER_UNIT: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "mg": Decimal("0.001"),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}


def to_grams(value: str, unit: str) -> Decimal:
    """An exact decimal number of grams; ``FrameError`` for a bad number or an unknown unit."""
    factor = GRAMS_PER_UNIT.get(unit.strip().lower())
    if factor is None:
        raise UnitError(unit.strip())
    text = value.replace(" ", "")
    if not text or len(text) > 20:
        raise FrameError(f"no number in {value!r}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FrameError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise FrameError(f"not a number: {value!r}")
    return number * factor


def split_frames(
    buffer: bytearray, terminators: bytes, max_length: int = 96
) -> tuple[list[bytes], int]:
    """Take the complete frames out of ``buffer``; returns them and how many were too long.

    A run of bytes longer than ``max_length`` without a terminator is garbage: it is dropped so
    that one noisy line cannot grow the buffer for ever.  Empty frames (the LF of CR LF) are
    skipped.
    """
    frames: list[bytes] = []
    dropped = 0
    start = 0
    for index, byte in enumerate(buffer):
        if byte in terminators:
            frame = bytes(buffer[start:index])
            start = index + 1
            if len(frame) > max_length:
                dropped += 1
            elif frame.strip(b"\r\n"):
                frames.append(frame)
    del buffer[:start]
    if len(buffer) > max_length:
        buffer.clear()
        dropped += 1
    return frames, dropped


@dataclass(frozen=True)
class ScaleProtocol:
    """One protocol: how frames end, what to send, how to read a frame."""

    name: str  # as in the URI: mt-sics, ad, nci, dymo
    title: str  # for people: "MT-SICS"
    terminators: bytes
    poll: bytes | None  # the command that asks for a reading; None: the scale streams
    zero_command: bytes | None
    tare_command: bytes | None
    parse: Callable[[bytes], ScaleReading | None]
    format_reading: Callable[..., bytes]
    # the scale's answer to a zero or tare command in a frame (None: the frame is no answer to
    # it); None here: the protocol answers nothing, and the readings after it must tell
    answer: Callable[[bytes], CommandAnswer | None] | None = None

    @property
    def streaming(self) -> bool:
        return self.poll is None


def from_grams(grams: Decimal, unit: str) -> str:
    """Grams written in ``unit`` the way a scale shows them (used by the simulators)."""
    places = {"g": Decimal("0.1"), "kg": Decimal("0.0001"), "mg": Decimal(1)}.get(
        unit, Decimal("0.001")
    )
    return str((grams / GRAMS_PER_UNIT[unit]).quantize(places))


def ascii_text(frame: bytes) -> str:
    """The frame as text; a protocol frame is plain ASCII, anything else is garbage."""
    try:
        text = frame.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError("not ASCII") from None
    if any(not (ch.isprintable() or ch in "\r\n\t\x02\x03") for ch in text):
        raise FrameError("control characters in frame")
    return text
