"""A simulated scale on a pty or a TCP port, speaking MT-SICS, A&D or NCI
(``packstation sim scale`` and the tests).

``ScaleModel`` is what lies on the platter and how the scale feels; ``apply`` takes the commands a
person types on standard input ("1234", "1.5 kg", "moving", "over", "under", "error", "stable",
"unit lb", "garbage", "unplug", "plug", "quit").
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path

from packstation.devices.base import DeviceError, ScaleStatus
from packstation.devices.protocols import nci
from packstation.devices.protocols.base import GRAMS_PER_UNIT, ScaleProtocol, from_grams
from packstation.devices.protocols.registry import protocol_named
from packstation.devices.sim.endpoints import PtyEndpoint, TcpEndpoint
from packstation.i18n import _

GARBAGE = b"\x00\xff#?!garbage\r\n"
_FAULTS = {
    "moving": ScaleStatus.MOTION,
    "over": ScaleStatus.OVERLOAD,
    "under": ScaleStatus.UNDERLOAD,
    "error": ScaleStatus.ERROR,
}


# a weight typed for the platter: 1234, 1.2 kg, 3 lb
WEIGHT = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)\s*(g|kg|lb|oz)?")


class ScaleModel:
    """The simulated scale's state; every method is thread-safe."""

    def __init__(self, protocol: ScaleProtocol, *, unit: str = "g", settle_frames: int = 2):
        self.protocol = protocol
        self.unit = unit
        self.settle_frames = settle_frames
        self._lock = threading.Lock()
        self._gross = Decimal(0)
        self._offset = Decimal(0)
        self._settling = 0
        self._fault: ScaleStatus | None = None
        self._garbage = False
        self._partial = b""
        self.commands_seen = 0

    # --- what a person does to the scale
    def set_weight(self, grams: Decimal | int) -> None:
        with self._lock:
            self._gross = Decimal(grams)
            self._fault = None
            self._settling = self.settle_frames

    def set_fault(self, status: ScaleStatus | None) -> None:
        with self._lock:
            self._fault = status

    def set_unit(self, unit: str) -> None:
        if unit not in GRAMS_PER_UNIT:
            raise ValueError(unit)
        with self._lock:
            self.unit = unit

    def send_garbage(self) -> None:
        with self._lock:
            self._garbage = True

    # --- what the scale says
    def frame(self) -> bytes:
        with self._lock:
            net = self._gross - self._offset
            if self._fault is not None:
                status = self._fault
            elif self._settling > 0:
                self._settling -= 1
                status = ScaleStatus.MOTION
                net += self._settling + 1  # the needle still swings
            else:
                status = ScaleStatus.STABLE
            data = self.protocol.format_reading(net, status, self.unit)
            if self._garbage:
                self._garbage = False
                data = GARBAGE + data
            return data

    def tick(self) -> bytes:
        return self.frame() if self.protocol.streaming else b""

    def handle(self, data: bytes) -> bytes:
        """Answers to the commands a host sends (polling protocols, zero and tare)."""
        with self._lock:
            buffer = self._partial + data
            *lines, self._partial = re.split(rb"\r\n|\r|\n", buffer)
            self._partial = self._partial[-64:]
        reply = b""
        for line in lines:
            command = line.strip().upper()
            if not command:
                continue
            self.commands_seen += 1
            reply += self._answer(command)
        return reply

    def _answer(self, command: bytes) -> bytes:
        name = self.protocol.name
        if command in (b"Z", b"ZI") or (command in (b"T", b"TI") and name != "nci"):
            return self._zero(command)
        if name == "mt-sics":
            return self.frame() if command in (b"S", b"SI") else b"ES\r\n"
        if name == "nci":
            if command == b"W":
                return self.frame()
            if command == b"S":
                return nci.status_answer(self._fault or ScaleStatus.STABLE)
            return b"\n?\r\x03"
        if command == b"Q":  # A&D: one frame on request
            return self.frame()
        return b""

    def _zero(self, command: bytes) -> bytes:
        """Zero or tare as a scale does: not while it reads over or under its range or is in
        error (nor, for ``Z`` and ``T``, which wait for a still weight, while it moves); and
        the answer its protocol gives (A&D answers nothing)."""
        with self._lock:
            fault = self._fault
            immediate = command.endswith(b"I")
            done = fault is None or (fault is ScaleStatus.MOTION and immediate)
            if done:
                self._offset = self._gross
            tare = from_grams(self._offset, self.unit)
        name = self.protocol.name
        if name == "nci":
            return nci.status_answer(fault or ScaleStatus.STABLE)
        if name != "mt-sics":
            return b""
        if not done:
            flag = {ScaleStatus.OVERLOAD: "+", ScaleStatus.UNDERLOAD: "-"}.get(
                fault or ScaleStatus.ERROR, "I"
            )
        elif command.startswith(b"Z"):
            flag = "A" if not immediate else ("D" if fault else "S")
        else:
            flag = ("D" if fault else "S") + f" {tare} {self.unit}"
        return f"{command.decode('ascii')} {flag}\r\n".encode("ascii")

    # --- commands typed on standard input or in a script
    def apply(self, line: str, endpoint: PtyEndpoint | TcpEndpoint | None = None) -> str:
        """Carry out one command; returns a sentence for the person typing (empty: quit)."""
        words = line.strip().lower().split()
        if not words:
            return " "
        word = words[0]
        if word in ("quit", "exit", "q"):
            return ""
        if word in ("help", "?"):
            return _(
                "scale: type a weight (250, 1.5kg, 2lb, 8oz), moving, over, under, error, stable, "
                "unit kg, garbage, unplug, plug or quit"
            )
        if word in _FAULTS:
            self.set_fault(_FAULTS[word])
            return _("scale: {state}").format(state=_FAULTS[word].value)
        if word == "stable":
            self.set_fault(None)
            return _("scale: stable")
        if word == "garbage":
            self.send_garbage()
            return _("scale: the next frame comes after garbage")
        if word == "unit" and len(words) == 2 and words[1] in GRAMS_PER_UNIT:
            self.set_unit(words[1])
            return _("scale: sending in {unit}").format(unit=words[1])
        if word in ("unplug", "sleep") and endpoint is not None:
            endpoint.unplug()
            return _("scale: unplugged")
        if word in ("plug", "wake") and endpoint is not None:
            endpoint.plug()
            return _("scale: plugged in at {address}").format(address=endpoint.address)
        match = WEIGHT.fullmatch(line.strip().lower())
        if match:
            try:
                grams = Decimal(match.group(1)) * GRAMS_PER_UNIT[match.group(2) or "g"]
            except InvalidOperation:
                grams = None
            if grams is not None and grams < 0:  # as a real scale does after a tare taken off
                self.set_weight(grams)
                return _(
                    "scale: reads {grams} g, under zero, as after a tare taken off the platter"
                ).format(grams=f"{grams.normalize():f}")
            if grams is not None:
                self.set_weight(grams)
                return _("scale: {grams} g on the platter").format(grams=f"{grams.normalize():f}")
        return _(
            "scale: unknown command '{line}' (grams, 'moving', 'over', 'under', 'error', 'stable', 'unit kg', 'garbage', 'unplug', 'plug', 'quit')"
        ).format(line=line.strip())


class ScaleServer:
    """A simulated scale serving on a pty (default) or a TCP port."""

    def __init__(
        self,
        protocol: str = "mt-sics",
        *,
        tcp: bool = False,
        port: int = 0,
        link: str | Path | None = None,
        unit: str = "g",
        interval: float = 0.1,
    ) -> None:
        proto = protocol_named(protocol)
        if proto.name == "dymo":
            raise DeviceError(
                _("A Dymo scale is USB HID and cannot be simulated on a serial line.")
            )
        self.model = ScaleModel(proto, unit=unit)
        self.endpoint: PtyEndpoint | TcpEndpoint
        if tcp:
            self.endpoint = TcpEndpoint(
                self.model.handle, self.model.tick, port=port, interval=interval
            )
        else:
            self.endpoint = PtyEndpoint(
                self.model.handle, self.model.tick, link=link, interval=interval
            )

    @property
    def uri(self) -> str:
        """The URI a bench would configure for this scale."""
        query = f"?protocol={self.model.protocol.name}"
        if isinstance(self.endpoint, TcpEndpoint):
            return f"tcp://{self.endpoint.address}{query}"
        where = self.endpoint.link or self.endpoint.address
        return f"serial://{where}{query}"

    def start(self) -> ScaleServer:
        self.endpoint.start()
        return self

    def apply(self, line: str) -> str:
        return self.model.apply(line, self.endpoint)

    def stop(self) -> None:
        self.endpoint.stop()

    def __enter__(self) -> ScaleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
