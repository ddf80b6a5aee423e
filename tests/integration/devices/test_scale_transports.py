"""Scales over real ptys and TCP sockets, against the simulator, in every protocol."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from packstation.devices.base import DeviceError, ScaleReading, ScaleStatus
from packstation.devices.registry import open_scale
from packstation.devices.sim.endpoints import PtyEndpoint
from packstation.devices.sim.scale_server import ScaleServer
from packstation.devices.transports.stream_scale import StreamScale
from packstation.devices.weighing import ScaleMonitor, StableWeight

PROTOCOLS = ["mt-sics", "ad", "nci"]
Start = Callable[..., ScaleServer]


def read_until(
    scale: Any, predicate: Callable[[ScaleReading], bool], timeout: float = 10.0
) -> ScaleReading:
    deadline = time.monotonic() + timeout
    reading = scale.read(0.5)
    while not predicate(reading):
        assert time.monotonic() < deadline, f"last reading {reading}"
        reading = scale.read(0.5)
    return reading


@pytest.mark.parametrize("tcp", [False, True], ids=["pty", "tcp"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_stable_moving_and_faults(scale_server: Start, protocol: str, tcp: bool) -> None:
    server = scale_server(protocol, tcp=tcp)
    server.apply("1234")
    scale = open_scale(server.uri)
    try:
        first = scale.read(1.0)
        assert first.status is ScaleStatus.MOTION
        settled = StableWeight(2)
        reading = read_until(scale, lambda r: settled.feed(r) is not None)
        assert reading.grams == Decimal(1234)
        for command, status in [
            ("over", ScaleStatus.OVERLOAD),
            ("under", ScaleStatus.UNDERLOAD),
            ("moving", ScaleStatus.MOTION),
        ]:
            server.apply(command)
            assert read_until(scale, lambda r, s=status: r.status is s).status is status
        server.apply("error")
        if protocol == "ad":
            # A&D has no error frame: what comes is skipped as garbage and the read times out
            with pytest.raises(DeviceError):
                read_until(scale, lambda r: False, timeout=0.6)
            assert isinstance(scale, StreamScale) and scale.garbage > 0
        else:
            assert read_until(scale, lambda r: r.status is ScaleStatus.ERROR).grams is None
        server.apply("stable")
        assert read_until(scale, lambda r: r.stable).grams == Decimal(1234)
    finally:
        scale.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unit_switching(scale_server: Start, protocol: str) -> None:
    server = scale_server(protocol)
    # the simulator says the weight as typed, not "2E+3 g"
    assert server.apply("2000") == "scale: 2000 g on the platter"
    scale = open_scale(server.uri)
    try:
        for unit, tolerance in [("kg", "0.1"), ("lb", "1"), ("oz", "1"), ("g", "0.1")]:
            server.apply(f"unit {unit}")
            reading = read_until(scale, lambda r, u=unit: r.unit == u and r.stable)
            assert reading.grams is not None
            assert abs(reading.grams - 2000) <= Decimal(tolerance)
    finally:
        scale.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_garbage_is_skipped_and_counted(scale_server: Start, protocol: str) -> None:
    server = scale_server(protocol)
    server.apply("750")
    scale = open_scale(server.uri)
    assert isinstance(scale, StreamScale)
    try:
        read_until(scale, lambda r: r.stable)
        server.apply("garbage")
        reading = read_until(scale, lambda r: scale.garbage > 0)
        assert read_until(scale, lambda r: r.stable).grams == Decimal(750)
        assert reading.status in (ScaleStatus.STABLE, ScaleStatus.MOTION)
    finally:
        scale.close()


def test_partial_frames_are_joined(tmp_path: Any) -> None:
    """A frame arriving in pieces, with noise in between, reads as one reading."""
    line = PtyEndpoint(lambda data: b"", None)
    line.start()
    try:
        scale = open_scale(f"serial://{line.address}?protocol=ad")
        try:
            pieces = [b"\x00\xffnoise\r\nST,GS,+00", b"01.2", b"34kg", b"\r\n"]

            def dribble() -> None:
                for piece in pieces:
                    line.write(piece)
                    time.sleep(0.03)

            writer = threading.Thread(target=dribble)
            writer.start()
            reading = scale.read(1.0)
            writer.join()
            assert reading.grams == Decimal(1234)
            assert reading.stable
            assert isinstance(scale, StreamScale) and scale.garbage == 1
        finally:
            scale.close()
    finally:
        line.stop()


def test_a_still_frame_between_moving_ones_is_not_stable() -> None:
    """A scale alternating moving and still frames (a box settling) streamed between two
    reads: the newest frame, still, was taken as stable, the moving ones never looked at."""
    line = PtyEndpoint(lambda data: b"", None)
    line.start()
    try:
        scale = open_scale(f"serial://{line.address}?protocol=ad")
        try:
            line.write(b"US,GS,+0001.262kg\r\nST,GS,+0001.230kg\r\n" * 3)
            time.sleep(0.1)
            reading = scale.read(1.0)
            assert reading.grams == Decimal(1230) and not reading.stable
            line.write(b"ST,GS,+0001.230kg\r\n" * 2)  # settled: still frames alone
            time.sleep(0.1)
            assert scale.read(1.0).stable
        finally:
            scale.close()
    finally:
        line.stop()


@pytest.mark.parametrize(
    ("frame", "unit"), [(b"ST,GS,+0006.150ct\r\n", "ct"), (b"QT,+000012 PC\r\n", "PCS")]
)
def test_a_scale_set_to_another_unit_is_told_so(frame: bytes, unit: str) -> None:
    """A scale set to carats or to counting pieces was said to speak another protocol: the
    person changed the protocol, when the scale's unit key was what to press."""
    line = PtyEndpoint(lambda data: b"", None)
    line.start()
    try:
        scale = open_scale(f"serial://{line.address}?protocol=ad")
        try:
            line.write(frame * 3)
            with pytest.raises(DeviceError) as refused:
                scale.read(0.5)
            assert f"shows its reading in {unit}, not in g or kg; set it to weigh" in str(
                refused.value
            )
        finally:
            scale.close()
    finally:
        line.stop()


@pytest.mark.parametrize("tcp", [False, True], ids=["pty", "tcp"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_auto_finds_the_protocol(scale_server: Start, protocol: str, tcp: bool) -> None:
    server = scale_server(protocol, tcp=tcp)
    server.apply("321")
    scale = open_scale(server.uri.replace(f"protocol={protocol}", "protocol=auto"))
    try:
        assert isinstance(scale, StreamScale)
        assert scale.protocol.name == protocol
        assert "found automatically" in scale.description
        assert read_until(scale, lambda r: r.stable).grams == Decimal(321)
    finally:
        scale.close()


def test_auto_on_a_silent_line_says_so() -> None:
    line = PtyEndpoint(lambda data: b"", None)
    line.start()
    try:
        with pytest.raises(DeviceError, match="No scale protocol answered"):
            open_scale(f"serial://{line.address}?protocol=auto")
    finally:
        line.stop()


@pytest.mark.parametrize("protocol", ["mt-sics", "ad"])
def test_zero_and_tare_from_the_bench(scale_server: Start, protocol: str) -> None:
    server = scale_server(protocol)
    server.apply("400")
    scale = open_scale(server.uri)
    try:
        read_until(scale, lambda r: r.stable and r.grams == 400)
        scale.tare()
        assert read_until(scale, lambda r: r.stable and r.grams == 0).grams == 0
    finally:
        scale.close()


def test_nci_cannot_tare() -> None:
    server = ScaleServer("nci").start()
    try:
        scale = open_scale(server.uri)
        with pytest.raises(DeviceError, match="cannot tare"):
            scale.tare()
        scale.zero()
        scale.close()
    finally:
        server.stop()


@pytest.mark.parametrize("tcp", [False, True], ids=["pty", "tcp"])
def test_unplugged_mid_read_and_back(scale_server: Start, tcp: bool) -> None:
    server = scale_server("ad", tcp=tcp)
    server.apply("999")
    states: list[str] = []
    readings: list[ScaleReading] = []
    changed = threading.Condition()

    def on_state(state: str) -> None:
        with changed:
            states.append(state)
            changed.notify_all()

    def on_reading(reading: ScaleReading) -> None:
        with changed:
            readings.append(reading)
            changed.notify_all()

    monitor = ScaleMonitor(
        lambda: open_scale(server.uri),
        on_reading,
        on_state,
        poll_interval=0.02,
        read_timeout=0.3,
        backoff_initial=0.02,
        backoff_max=0.1,
    )
    monitor.start()
    try:
        with changed:
            assert changed.wait_for(lambda: any(r.stable for r in readings), timeout=10.0)
        server.apply("unplug")
        with changed:
            assert changed.wait_for(lambda: "disconnected" in states, timeout=10.0)
            seen = len(readings)
        server.apply("plug")
        with changed:
            assert changed.wait_for(
                lambda: states[-1] == "connected" and len(readings) > seen + 1, timeout=10.0
            )
        assert readings[-1].grams is not None
        assert states[0] == "connected"
        assert "reconnecting" in states
    finally:
        monitor.stop()


def test_a_scale_that_never_answers_times_out() -> None:
    line = PtyEndpoint(lambda data: b"", None)
    line.start()
    try:
        scale = open_scale(f"serial://{line.address}?protocol=mt-sics")
        started = time.monotonic()
        with pytest.raises(DeviceError, match="did not answer"):
            scale.read(0.3)
        # its own 0.3 s, not a wait for an answer that never comes (a bound far from a busy
        # machine's delays)
        assert time.monotonic() - started < 10.0
        scale.close()
    finally:
        line.stop()


def test_a_scale_speaking_another_protocol_is_told_apart_from_a_silent_one(
    scale_server: Start,
) -> None:
    server = scale_server("ad")  # streams A&D frames; the bench is set for MT-SICS
    server.apply("750")
    scale = open_scale(server.uri.replace("protocol=ad", "protocol=mt-sics"))
    try:
        with pytest.raises(DeviceError, match="the MT-SICS protocol cannot read; set protocol="):
            scale.read(0.5)
    finally:
        scale.close()


def test_a_port_another_program_holds_is_named_in_use(scale_server: Start) -> None:
    server = scale_server("mt-sics")
    first = open_scale(server.uri)
    try:
        with pytest.raises(DeviceError, match="is in use by another program"):
            open_scale(server.uri)
    finally:
        first.close()


def _scale_link(settings: Any, readings: list[ScaleReading], said: list[str]) -> Any:
    """The bench's device link with its scale alone, its readings and top-line words kept."""
    from packstation.screens.bench.devices import DeviceLink

    class App:
        def call_from_thread(self, call: Callable[..., None], *args: Any) -> None:
            call(*args)

    return DeviceLink(
        App(),  # type: ignore[arg-type]
        settings,
        None,  # type: ignore[arg-type]
        on_reading=readings.append,
        on_scale_state=said.append,
        on_printer=lambda _message, _ready: None,
        on_scan=lambda _code: None,
    )


def test_the_bench_shows_why_the_scale_gives_no_reading_until_one_comes(
    scale_server: Start, tmp_path: Any
) -> None:
    """It opened fine each time and failed a second later, so the bench said 'connected'."""
    from packstation.config import Settings

    server = scale_server("ad")
    server.apply("750")
    wrong = server.uri.replace("protocol=ad", "protocol=mt-sics")
    base = Settings()
    settings = base.model_copy(update={"devices": base.devices.model_copy(update={"scale": wrong})})
    said: list[str] = []
    readings: list[ScaleReading] = []
    link = _scale_link(settings, readings, said)
    link._start_scale()
    try:
        deadline = time.monotonic() + 10
        while not any("cannot read" in s for s in said[1:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # it opens again meanwhile: still the reason, not "connected"
        assert "cannot read" in said[-1] and said[-1].endswith("F5 types the weight.")
        assert readings and all(r.grams is None for r in readings)  # no weight, ever
    finally:
        assert link.monitor is not None
        link.monitor.stop()


def test_the_scale_trouble_and_f5_are_two_sentences_as_the_language_writes_them(
    tmp_path: Any,
) -> None:
    """In Chinese the top line read "…或 nci。 可按 F5 手工输入重量。": an English space between
    two Chinese sentences."""
    from packstation.config import Settings
    from packstation.i18n import set_language

    set_language("zh_CN")
    base = Settings()
    missing = f"serial://{tmp_path}/no-scale?protocol=mt-sics"
    settings = base.model_copy(
        update={"devices": base.devices.model_copy(update={"scale": missing})}
    )
    said: list[str] = []
    link = _scale_link(settings, [], said)
    link._start_scale()
    try:
        deadline = time.monotonic() + 10
        while not any("F5" in s and "no-scale" in s for s in said) and time.monotonic() < deadline:
            time.sleep(0.05)
        told = next(s for s in said if "no-scale" in s)
        assert told.endswith("（dialout 用户组）。可按 F5 手工输入重量。")
    finally:
        assert link.monitor is not None
        link.monitor.stop()


def test_a_scale_gone_silent_leaves_no_stable_weight_behind(scale_server: Start) -> None:
    """The bench kept the last stable reading of a scale that went silent or was unplugged, and
    refused F5 ("the scale works"), though its top line said to type the weight."""
    from packstation.config import Settings

    server = scale_server("ad")
    server.apply("750")
    base = Settings()
    settings = base.model_copy(
        update={"devices": base.devices.model_copy(update={"scale": server.uri})}
    )
    readings: list[ScaleReading] = []
    link = _scale_link(settings, readings, [])
    link._start_scale()
    try:
        deadline = time.monotonic() + 10
        while not any(r.stable for r in readings) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(r.stable for r in readings)
        server.apply("unplug")
        while readings[-1].grams is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readings[-1].grams is None and not readings[-1].stable
    finally:
        assert link.monitor is not None
        link.monitor.stop()


def test_the_bench_says_when_its_scanner_cannot_be_read(tmp_path: Path) -> None:
    """A wrong scanner address, or a serial scanner not there: the bench said nothing, and the
    packer's scans never arrived."""
    from packstation.config import Settings
    from packstation.screens.bench.devices import DeviceLink

    notes: list[tuple[str, str]] = []

    class App:
        def call_from_thread(self, call: Callable[..., None], *args: Any) -> None:
            call(*args)

        def notify(self, message: str, *, severity: str, timeout: float) -> None:
            notes.append((severity, message))

    def link(uri: str) -> DeviceLink:
        base = Settings()
        devices = base.devices.model_copy(update={"scanner": uri})
        return DeviceLink(
            App(),  # type: ignore[arg-type]
            base.model_copy(update={"devices": devices}),
            None,  # type: ignore[arg-type]
            on_reading=lambda _reading: None,
            on_scale_state=lambda _state: None,
            on_printer=lambda _message, _ready: None,
            on_scan=lambda _code: None,
        )

    link("baz")._start_scanner()
    assert notes == [
        (
            "error",
            "Unknown scanner URI 'baz'; use keyboard, serial:// or evdev://. Scans typed as keys "
            "still work.",
        )
    ]
    notes.clear()
    missing = link(f"serial://{tmp_path / 'ttyUSB9'}")
    missing._start_scanner()
    try:
        deadline = time.monotonic() + 5
        while not notes and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # it tries again meanwhile: said once
        assert [severity for severity, _said in notes] == ["error"]
        assert notes[0][1].startswith(
            f"The scanner at serial://{tmp_path / 'ttyUSB9'} cannot be read"
        )
    finally:
        assert missing.scanner is not None
        missing.scanner.stop()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_zero_says_whether_the_scale_did_it(scale_server: Start, protocol: str) -> None:
    """``zero`` sent its command and said nothing of the answer: a scale that refused (over its
    range) was said to be zeroed, and went on reading what it did."""
    server = scale_server(protocol)
    server.apply("400")
    scale = open_scale(server.uri)
    try:
        read_until(scale, lambda r: r.stable and r.grams == 400)
        server.apply("over")
        with pytest.raises(DeviceError, match=r"(refused to zero|did not come to 0 g)"):
            scale.zero()
        server.apply("stable")
        read_until(scale, lambda r: r.stable and r.grams == 400)  # nothing changed
        scale.zero()
        assert read_until(scale, lambda r: r.stable).grams == 0
    finally:
        scale.close()


class _FakePort:
    """A serial port in memory: what is written is kept, ``answers`` are what comes back."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.written = b""
        self.timeout: float | None = 1.0
        self._pending = b""

    @property
    def in_waiting(self) -> int:
        return len(self._pending)

    def write(self, data: bytes) -> int:
        self.written += data
        self._pending += self.answer
        return len(data)

    def read(self, size: int = 1) -> bytes:
        if not self._pending:
            time.sleep(self.timeout or 0)
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def reset_input_buffer(self) -> None:
        self._pending = b""

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("protocol", "answer", "said"),
    [
        ("mt-sics", b"", "did not answer the zero command within 0.3 s"),
        ("mt-sics", b"ZI I\r\n", "did not zero: it was moving or busy"),
        ("mt-sics", b"ES\r\n", "refused to zero (an error, or a command it does not know)"),
        ("mt-sics", b"ZI -\r\n", "refused to zero: the weight on it is beyond"),
        ("nci", b"\n?\r\x03", "refused to zero (an error"),
        ("nci", b"\n02\r\x03", "refused to zero: the weight on it is beyond"),
        ("nci", b"", "did not answer the zero command"),
        ("ad", b"", "sent nothing within 0.3 s after the zero command"),
        (
            "ad",
            b"ST,GS,+00000.250kg\r\n",
            "did not come to 0 g after the zero command (it reads 250 g)",
        ),
    ],
)
def test_zero_over_a_fake_line_says_a_refusal_or_silence(
    monkeypatch: pytest.MonkeyPatch, protocol: str, answer: bytes, said: str
) -> None:
    from packstation.devices.protocols.registry import protocol_named
    from packstation.devices.transports import stream_scale

    monkeypatch.setattr(stream_scale, "COMMAND_WAIT_S", 0.3)
    port = _FakePort(answer)
    scale = StreamScale(port, protocol_named(protocol), "fake")
    with pytest.raises(DeviceError, match=re.escape(said)):
        scale.zero()
    assert port.written == protocol_named(protocol).zero_command


@pytest.mark.parametrize(
    ("protocol", "answer"),
    [("mt-sics", b"ZI S\r\n"), ("mt-sics", b"ZI D\r\n"), ("nci", b"\n00\r\x03")],
)
def test_zero_over_a_fake_line_done(protocol: str, answer: bytes) -> None:
    from packstation.devices.protocols.registry import protocol_named

    StreamScale(_FakePort(answer), protocol_named(protocol), "fake").zero()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_reading_under_zero_is_read_as_such(scale_server: Start, protocol: str) -> None:
    """A real scale reads under zero once a tare is taken off; every protocol brings the
    negative weight through (the bench says the scale reads under zero and takes no weight)."""
    server = scale_server(protocol)
    server.apply("-50")
    scale = open_scale(server.uri)
    try:
        assert read_until(scale, lambda r: r.stable).grams == Decimal(-50)
    finally:
        scale.close()


def test_the_readme_says_what_a_missing_scale_shows() -> None:
    """The README said a missing scale "shows as *disconnected*"; the bench shows why it cannot
    be opened, and the README says that."""
    errors: list[str] = []
    uri = "serial:///dev/packstation-no-such-scale"
    monitor = ScaleMonitor(
        lambda: open_scale(uri), lambda _r: None, lambda _s: None, on_error=errors.append
    )
    monitor.start()
    try:
        deadline = time.monotonic() + 10.0
        while not errors:
            assert time.monotonic() < deadline, "no sentence for the missing scale"
            time.sleep(0.01)
    finally:
        monitor.stop()
    assert errors[0].startswith(f"Cannot open the scale at {uri} (no such file or folder); ")
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    devices = readme.split("## Devices", 1)[1].split("### Checking the devices", 1)[0]
    said = " ".join(devices.split())
    assert "shows as *disconnected*" not in said
    assert '("Cannot open the scale at … (no such file or folder); …")' in said
