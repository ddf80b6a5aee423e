"""What the rest of packstation knows about devices: readings, states and the three interfaces.

Screens and services use only these; each transport and protocol lives in its own module and is
chosen from a URI by ``packstation.devices.registry``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from packstation.errors import UserError

# what ``devices.scale`` says when the bench has no scale: weights are typed (F5)
NO_SCALE = ("", "none", "manual", "off")


def no_scale(uri: str) -> bool:
    return uri.strip().lower() in NO_SCALE


class DeviceError(UserError):
    """A device is absent, silent or answered nonsense; the message is one sentence for a person.

    A ``UserError``: the command line prints it on one line and exits non-zero.
    """

    exit_code = 4


class PrintJobNotSent(DeviceError):
    """Not one byte of the job reached the printer: sending it again cannot print it twice."""

    partial = False
    bytes_sent = 0


class PrintJobInterrupted(DeviceError):
    """The printer stopped in the middle of a job: part of it may have printed."""

    partial = True


class DeviceDisconnected(DeviceError):
    """The device went away: unplugged, asleep, or its connection closed; worth reconnecting."""


class ScaleSilent(DeviceError):
    """The scale sent no reading in the time it was given; ``say`` words that for any number of
    seconds, so that a caller who asked several times says how long it waited in all."""

    def __init__(self, say: Callable[[float], str], seconds: float) -> None:
        super().__init__(say(seconds))
        self.say = say


class ScaleStatus(StrEnum):
    STABLE = "stable"
    MOTION = "motion"
    OVERLOAD = "overload"
    UNDERLOAD = "underload"
    ERROR = "error"


@dataclass(frozen=True)
class ScaleReading:
    """One frame from a scale, converted to grams (an exact decimal)."""

    grams: Decimal | None
    status: ScaleStatus
    raw: bytes = b""
    unit: str = "g"  # the unit the scale sent

    @property
    def stable(self) -> bool:
        return self.status is ScaleStatus.STABLE and self.grams is not None


class Scale(Protocol):
    """A connected scale."""

    description: str

    def read(self, timeout: float = 1.0) -> ScaleReading:
        """The next reading; raises DeviceError when the scale is absent or silent."""
        ...

    def zero(self) -> None: ...

    def tare(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PrinterState:
    """What a printer said about itself; ``ready`` False means jobs must wait."""

    ready: bool
    message: str = ""
    paper_out: bool = False
    head_open: bool = False
    paused: bool = False
    details: dict[str, str] = field(default_factory=dict)
    known: bool = True  # False: not asked yet (a sender that has not reached the printer)

    @property
    def code(self) -> str:
        """The state in one stable English word, for scripts (``message`` is for people)."""
        if not self.known:
            return "unknown"
        if self.ready:
            return "ready"
        if self.paper_out:
            return "paper_out"
        if self.head_open:
            return "head_open"
        if self.paused:
            return "paused"
        return "not_ready"  # unreachable, switched off, an error: ``message`` says which


class PrinterTransport(Protocol):
    """A connection to a printer: bytes out, status in where the printer language allows."""

    description: str

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        """Deliver one job; raises DeviceError when the printer refuses or is unreachable."""
        ...

    def status(self, timeout: float = 2.0) -> PrinterState:
        """Ask the printer; no answer within ``timeout`` is a fault, never 'ready'."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Scan:
    """One barcode read, from whichever scanner."""

    code: str
    source: str = "keyboard"  # keyboard | serial | evdev | sim
