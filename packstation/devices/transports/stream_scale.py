"""A scale on a serial line or TCP: polls polling protocols, reads streaming ones.

Made by ``registry.open_scale``; the parsing is the protocol's, the bytes come from pyserial.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from packstation.devices.base import (
    DeviceDisconnected,
    DeviceError,
    ScaleReading,
    ScaleSilent,
    ScaleStatus,
)
from packstation.devices.protocols.base import (
    CommandAnswer,
    FrameError,
    ScaleProtocol,
    UnitError,
    split_frames,
)
from packstation.devices.protocols.registry import SERIAL_PROTOCOLS
from packstation.devices.transports.serial_link import PORT_ERRORS
from packstation.i18n import N_, _

# how long a zero or tare command waits for the scale to say it was done
COMMAND_WAIT_S = 2.0

# what the scale's refusal of a zero or tare means, and what to do
REFUSALS = {
    CommandAnswer.BUSY: N_(
        "The scale at {where} did not {action}: it was moving or busy; let it settle and try again."
    ),
    CommandAnswer.OUT_OF_RANGE: N_(
        "The scale at {where} refused to {action}: the weight on it is beyond what it may "
        "{action}; take it off and try again."
    ),
    CommandAnswer.REFUSED: N_(
        "The scale at {where} refused to {action} (an error, or a command it does not know); "
        "use its key."
    ),
}


class StreamScale:
    """Implements ``Scale`` over a pyserial port (a real serial line, a pty or ``socket://``)."""

    def __init__(self, port: Any, protocol: ScaleProtocol, where: str, *, found: bool = False):
        self._port = port
        self.protocol = protocol
        self.where = where
        self.garbage = 0  # frames skipped because they were not readings
        self._buffer = bytearray()
        if found:
            self.description = _("{where} ({protocol}, found automatically)").format(
                where=where, protocol=protocol.title
            )
        else:
            self.description = f"{where} ({protocol.title})"

    def _fail(self, exc: Exception) -> DeviceError:
        return DeviceDisconnected(
            _(
                "The scale at {where} is disconnected ({problem}); check the cable and that it is switched on."
            ).format(where=self.where, problem=exc)
        )

    def _read_some(self, wait: float) -> bytes:
        try:
            wait = max(0.0, wait)
            if self._port.timeout != wait:  # a change reconfigures a real serial port
                self._port.timeout = wait
            data: bytes = self._port.read(1)
            if data:
                data += self._port.read(self._port.in_waiting)
            return data
        except PORT_ERRORS as exc:
            raise self._fail(exc) from None

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except PORT_ERRORS as exc:
            raise self._fail(exc) from None

    def read(self, timeout: float = 1.0) -> ScaleReading:
        deadline = time.monotonic() + timeout
        garbage_before = self.garbage
        if self.protocol.poll is not None:
            with contextlib.suppress(*PORT_ERRORS):
                self._port.reset_input_buffer()
            self._buffer.clear()
            self._write(self.protocol.poll)
        latest: ScaleReading | None = None
        moved = False  # a frame of this read was not still: the newest one is not believed
        unit = ""  # a frame read in a unit that is no weight (pcs, ct): the scale's setting
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            # a streaming scale has sent many frames since the last read: take the newest one
            data = self._read_some(0.0 if latest is not None else min(remaining, 0.1))
            if not data:
                if latest is not None:
                    return _still_if(latest, moved)
                continue
            self._buffer += data
            frames, dropped = split_frames(self._buffer, self.protocol.terminators)
            self.garbage += dropped
            garbled = False
            for frame in frames:
                try:
                    reading = self.protocol.parse(frame)
                except UnitError as exc:
                    self.garbage += 1
                    unit = exc.unit
                    continue
                except FrameError:
                    self.garbage += 1
                    garbled = True
                    continue
                if reading is not None:
                    latest = reading
                    moved = moved or reading.status is ScaleStatus.MOTION
            if garbled and latest is None and self.protocol.poll is not None:
                self._write(self.protocol.poll)  # the answer was lost in noise: ask again
            if latest is not None and self.protocol.poll is not None:
                return _still_if(latest, moved)
        if latest is not None:
            return _still_if(latest, moved)
        if unit:  # the protocol is right, the scale counts or weighs in another unit
            raise DeviceError(
                _(
                    "The scale at {where} shows its reading in {unit}, not in g or kg; set "
                    "it to weigh in grams or kilograms (its unit key or set-up menu)."
                ).format(where=self.where, unit=unit)
            )
        if self.garbage > garbage_before:  # it talks, but not in the protocol configured
            raise DeviceError(
                _(
                    "The scale at {where} sends data that the {protocol} protocol cannot read; "
                    "set protocol= in its address to the scale's protocol, or protocol=auto."
                ).format(where=self.where, protocol=self.protocol.title)
            )
        raise ScaleSilent(self._silent, timeout)

    def _silent(self, seconds: float) -> str:
        return _(
            "The scale at {where} did not answer within {seconds} s; check that it is on and awake."
        ).format(where=self.where, seconds=f"{round(seconds, 1):g}")

    def _command(self, command: bytes | None, action: str) -> None:
        """Send a zero or tare command and hear that it was done: the scale's answer where its
        protocol gives one, else its readings after it (at zero)."""
        if command is None:
            raise DeviceError(
                _("A {protocol} scale cannot {action} from the bench; use the scale's key.").format(
                    protocol=self.protocol.title, action=action
                )
            )
        with contextlib.suppress(*PORT_ERRORS):
            self._port.reset_input_buffer()  # readings asked for before: not the answer
        self._buffer.clear()
        self._write(command)
        if self.protocol.answer is None:
            self._see_zero(action)
            return
        answer = self._answer(self.protocol.answer)
        if answer is None:
            raise DeviceError(
                _(
                    "The scale at {where} did not answer the {action} command within {seconds} s; "
                    "check that it is on, then look at its display or use its key."
                ).format(where=self.where, action=action, seconds=f"{COMMAND_WAIT_S:g}")
            )
        if answer is not CommandAnswer.DONE:
            raise DeviceError(_(REFUSALS[answer]).format(where=self.where, action=action))

    def _answer(self, parse: Callable[[bytes], CommandAnswer | None]) -> CommandAnswer | None:
        """The first answer to a command within ``COMMAND_WAIT_S``; None: none came."""
        deadline = time.monotonic() + COMMAND_WAIT_S
        while (remaining := deadline - time.monotonic()) > 0:
            self._buffer += self._read_some(min(remaining, 0.1))
            frames, _dropped = split_frames(self._buffer, self.protocol.terminators)
            for frame in frames:
                answer = parse(frame)
                if answer is not None:
                    return answer
        return None

    def _see_zero(self, action: str) -> None:
        """A scale that answers nothing (A&D/CAS streams): done once it reads 0 g, stable."""
        deadline = time.monotonic() + COMMAND_WAIT_S
        last: ScaleReading | None = None
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                last = self.read(min(remaining, 0.5))
            except ScaleSilent:
                continue
            if last.stable and last.grams is not None and abs(last.grams) < 1:
                return
        if last is None:
            raise DeviceError(
                _(
                    "The scale at {where} sent nothing within {seconds} s after the {action} "
                    "command; check that it is on, then look at its display or use its key."
                ).format(where=self.where, action=action, seconds=f"{COMMAND_WAIT_S:g}")
            )
        raise DeviceError(
            _(
                "The scale at {where} did not come to 0 g after the {action} command (it reads "
                "{reading}); let it settle and try again, or use its key."
            ).format(
                where=self.where,
                action=action,
                reading=_("{grams} g").format(grams=f"{last.grams.normalize():f}")
                if last.grams is not None
                else last.status.value,
            )
        )

    def zero(self) -> None:
        self._command(self.protocol.zero_command, _("zero"))

    def tare(self) -> None:
        self._command(self.protocol.tare_command, _("tare"))

    def close(self) -> None:
        with contextlib.suppress(*PORT_ERRORS):
            self._port.close()


def detect_protocol(port: Any, where: str, *, wait: float = 0.5) -> StreamScale:
    """``protocol=auto``: listen for a streaming scale, then ask in each polling protocol."""
    for protocol in SERIAL_PROTOCOLS:
        scale = StreamScale(port, protocol, where, found=True)
        try:
            reading = scale.read(wait)
        except DeviceDisconnected:
            raise
        except DeviceError:
            continue
        if reading is not None:
            scale.garbage = 0
            return scale
    with contextlib.suppress(*PORT_ERRORS):
        port.close()
    raise DeviceError(
        _(
            "No scale protocol answered at {where}; set protocol=mt-sics, ad or nci in the URI."
        ).format(where=where)
    )


def _still_if(reading: ScaleReading, moved: bool) -> ScaleReading:
    """The newest frame, as moving when a frame before it in the same read was: a scale that
    alternates between moving and still frames (a box still settling) was read as stable,
    the moving frames between two reads never looked at."""
    if moved and reading.status is ScaleStatus.STABLE:
        return replace(reading, status=ScaleStatus.MOTION)
    return reading
