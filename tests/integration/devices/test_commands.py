"""``packstation sim``, ``scale read`` and ``printer test`` as a person runs them: separate
processes talking over a real pty and a real socket."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from packstation.cli import main
from packstation.commands import printer as printer_command
from packstation.config import DeviceSettings, PrintingSettings, Settings
from packstation.devices import doctor as device_doctor
from packstation.devices.base import PrinterState
from packstation.devices.doctor import device_checks
from packstation.devices.sim.printer import SimulatedPrinter
from packstation.devices.sim.printer_server import PrinterServer
from packstation.devices.sim.scale_server import ScaleServer
from packstation.i18n import set_language

PACKSTATION = [sys.executable, "-m", "packstation"]


def env() -> dict[str, str]:
    return {**os.environ, "PACKSTATION_LANG": "en", "PACKSTATION_CONFIG": os.devnull}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """The command line in this process (the devices on the other side are real)."""
    monkeypatch.setenv("PACKSTATION_LANG", "en")
    monkeypatch.setenv("PACKSTATION_CONFIG", os.devnull)

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture
def sim_scale_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [*PACKSTATION, "sim", "scale", "--protocol", "mt-sics", "--weight", "1.5kg"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"(serial://\S+)", first)
    assert match, first + (process.stderr.read() if process.stderr else "")
    yield process, match.group(1)
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=5)


def test_sim_scale_and_scale_read(
    sim_scale_process: tuple[subprocess.Popen[str], str], run: Callable[..., Result]
) -> None:
    process, uri = sim_scale_process
    assert process.stdout is not None
    # what can be typed is said at the start (it was in --help only)
    assert process.stdout.readline().startswith("scale: type a weight (250, 1.5kg, 2lb, 8oz)")
    result = run("scale", "read", "--device", uri, "--timeout", "3", "--json")
    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert reading["grams"] == 1500
    assert reading["stable"] is True
    assert reading["status"] == "stable"
    assert reading["raw"].startswith("S S")
    said = run("--lang", "zh_CN", "scale", "read", "--device", uri, "--timeout", "3")
    assert said.stdout.startswith("1500 g  稳定  （"), said.stdout  # the status in Chinese too
    assert process.stdin is not None
    process.stdin.write("over\n")
    process.stdin.flush()
    # an overload is said at once with what to do (it waited out the timeout, then said the
    # scale "did not settle")
    started = time.monotonic()
    result = run("scale", "read", "--device", uri, "--timeout", "30", "--json")
    assert time.monotonic() - started < 20  # not the 30 s: it is no speed target
    assert result.returncode != 0
    assert json.loads(result.stdout)["status"] == "overload"
    assert "overloaded: take weight off the platter" in result.stderr
    for typed, said in (
        ("-50", "reads under zero: empty the platter and zero it"),  # a stable -50 g was fine
        ("1 lb", ""),
    ):
        process.stdin.write(f"{typed}\n")
        process.stdin.flush()
        result = run("scale", "read", "--device", uri, "--timeout", "3", "--json")
        assert said in result.stderr and (result.returncode != 0) == bool(said)
    assert json.loads(result.stdout)["grams"] == 453.6  # 453.59237 g, to a tenth of a gram
    process.stdin.write("quit\n")
    process.stdin.flush()
    assert process.wait(timeout=5) == 0


def test_sim_scale_refuses_a_weight_under_zero_at_the_start(run: Callable[..., Result]) -> None:
    """``sim scale --weight -5`` served a platter holding -5 g; a reading under zero is typed
    once it runs, said as such."""
    result = run("sim", "scale", "--weight", "-5")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        "'-5' is under zero, and nothing on a platter weighs less than nothing; give 0 or more"
        in result.stderr
    )
    with ScaleServer("mt-sics") as server:
        assert server.apply("-50") == (
            "scale: reads -50 g, under zero, as after a tare taken off the platter"
        )


def test_scale_read_waits_a_while_at_least(run: Callable[..., Result]) -> None:
    """--timeout -1 printed a reading, then that it 'did not settle within -1 s'."""
    result = run("scale", "read", "--device", "sim://", "--timeout", "-1")
    assert result.returncode == 2 and "-1.0 is not in the range x>=0.1" in result.stderr


def test_scale_read_without_a_scale_is_one_sentence(run: Callable[..., Result]) -> None:
    result = run("scale", "read", "--device", "serial:///dev/no-such-scale")
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_silent_scale_is_said_to_be_silent_for_the_whole_wait(
    run: Callable[..., Result],
) -> None:
    """A polled scale that answers nothing is asked once a second until the timeout: the error
    said "did not answer within 1 s" after five seconds of waiting."""
    ours, theirs = os.openpty()  # a serial line with nobody at the other end
    try:
        device = f"serial://{os.ttyname(theirs)}?protocol=mt-sics"
        started = time.monotonic()
        result = run("scale", "read", "--device", device, "--timeout", "2.5")
        waited = time.monotonic() - started
    finally:
        os.close(ours)
        os.close(theirs)
    assert result.returncode == 4
    assert result.stderr.strip() == (
        f"packstation: The scale at {device.split('?')[0]} did not answer within 2.5 s; "
        "check that it is on and awake."
    )
    assert waited >= 2.5  # it did wait the whole time


def test_scale_zero_and_tare_say_what_the_scale_answered(run: Callable[..., Result]) -> None:
    """``scale zero`` and ``scale tare`` said "Done" whatever the scale answered: one over its
    range refused, and the command said it was done."""
    with ScaleServer("mt-sics") as server:
        server.apply("400")
        server.apply("over")
        for action in ("zero", "tare"):
            result = run("scale", action, "--device", server.uri)
            assert result.returncode == 4 and result.stdout == ""
            assert result.stderr.count("\n") == 1
            assert f"refused to {action}: the weight on it is beyond" in result.stderr
        server.apply("stable")
        result = run("scale", "zero", "--device", server.uri)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("The scale is zeroed: ")
        result = run("scale", "tare", "--device", server.uri)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("The scale is tared")


def test_printer_test_against_the_simulator(tmp_path: Path, run: Callable[..., Result]) -> None:
    with PrinterServer(tmp_path / "jobs") as server:
        result = run("printer", "test", "--printer", server.uri)
        assert result.returncode == 0, result.stderr
        assert "ready" in result.stdout
        result = run("printer", "test", "--printer", server.uri, "--language", "escpos", "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["ready"] is True
        assert len(server.jobs) == 2
        assert server.jobs[0].startswith(b"^XA")
        assert b"packstation test" in server.jobs[1]
        assert server.apply("jobs") == "printer: 2 jobs printed, 0 held"
        set_language("zh_CN")
        assert server.apply("jobs") == "打印机：已打印 2 个任务，暂存 0 个"
        set_language("en")
        server.apply("head-open")
        result = run("printer", "test", "--printer", server.uri)
        assert result.returncode != 0
        assert "head open" in result.stderr
        result = run("printer", "status", "--printer", server.uri)
        assert result.returncode == 4 and result.stdout == ""  # a device's fault, as test's
        assert result.stderr.count("head open") == 1 and "not ready" in result.stderr
        chinese = run("--lang", "zh_CN", "printer", "status", "--printer", server.uri).stderr
        assert "打印机未就绪" in chinese and "。。" not in chinese  # it ended in two stops
        server.apply("ready")
        result = run("printer", "status", "--printer", server.uri)
        assert result.returncode == 0 and "ready" in result.stdout and result.stderr == ""


def test_sim_printer_process_records_jobs(tmp_path: Path, run: Callable[..., Result]) -> None:
    folder = tmp_path / "jobs"
    process = subprocess.Popen(
        [*PACKSTATION, "sim", "printer", "--port", "0", "--dir", str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        uri = re.search(r"(tcp://[\d.]+:\d+)", process.stdout.readline())
        assert uri
        said = process.stdout.readline()
        assert said == "printer: type ready, paper-out, head-open, silent, off, jobs or quit\n"
        result = run("printer", "test", "--printer", uri.group(1))
        assert result.returncode == 0, result.stderr
        process.stdin.write("jobs\nquit\n")
        process.stdin.flush()
        out, _err = process.communicate(timeout=5)
        assert "printer: 1 job printed, 0 held" in out
        assert process.returncode == 0
        assert [p.suffix for p in folder.iterdir()] == [".zpl"]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=5)


def test_device_checks(tmp_path: Path) -> None:
    with ScaleServer("ad") as scale, PrinterServer(tmp_path / "jobs") as printer:
        scale.apply("250")
        settings = Settings(devices=DeviceSettings(scale=scale.uri, printer=printer.uri))
        checks = {name: (ok, sentence) for name, ok, sentence in device_checks(settings)}
        assert checks["serial ports"][0]
        assert checks["scale"][0], checks["scale"]
        # the status said as a word of the language ("motion", and "stable" in Chinese, before)
        assert re.search(r"answers: \d+ g, (stable|moving)\.$", checks["scale"][1]), checks
        assert checks["printer"][0], checks["printer"]
        # it answers and cannot weigh: "OK" was said of an overloaded scale, or one under zero
        for state in ("over", "-200"):
            scale.apply(state)
            time.sleep(0.3)
            checks = {name: (ok, sentence) for name, ok, sentence in device_checks(settings)}
            assert not checks["scale"][0], (state, checks["scale"])
            assert checks["scale"][1].endswith("empty it and zero it (its zero key).")
        scale.apply("250")
        printer.apply("silent")
        settings = Settings(
            devices=DeviceSettings(scale="none", printer=printer.uri),
            printing=PrintingSettings(timeout_seconds=0.3),
        )
        checks = {name: (ok, sentence) for name, ok, sentence in device_checks(settings)}
        assert checks["scale"][0]
        assert not checks["printer"][0]
        assert "did not answer" in checks["printer"][1]
        printer.apply("ready")


def test_sim_printer_that_cannot_listen_says_what_to_change(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    """Each cause its own advice: "try --port 0" was given for a host that does not exist too."""
    with PrinterServer(tmp_path / "first", port=0) as taken:
        port = taken.uri.rsplit(":", 1)[1]
        used = run("sim", "printer", "--port", port, "--dir", str(tmp_path / "jobs"))
    assert used.returncode == 1
    assert used.stderr.strip() == (
        f"packstation: Cannot listen on 127.0.0.1:{port} (the address is in use); "
        "try --port 0 (any free port)."
    )
    for host, problem in (
        ("999.1.1.1", "no such host"),
        ("192.0.2.1", "no such address on this machine"),  # TEST-NET-1: nobody's address
    ):
        refused = run("sim", "printer", "--host", host, "--dir", str(tmp_path / "jobs"))
        assert refused.returncode == 1
        assert refused.stderr.strip() == (
            f"packstation: Cannot listen on {host}:9100 ({problem}); "
            "give --host an address of this machine, e.g. 127.0.0.1."
        )
    # a jobs' folder that cannot be made is the folder's trouble, not the network's
    nowhere = "/proc/packstation-jobs"
    refused = run("sim", "printer", "--port", "0", "--dir", nowhere)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"packstation: The folder {nowhere} cannot take the jobs (")
    assert refused.stderr.strip().endswith("give --dir a folder this user can write to.")


def test_a_port_that_does_not_open_says_why_in_the_user_s_words(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    """pyserial's English, with the path twice, came inside the Chinese sentence; a plain file
    given as the port said "Inappropriate ioctl for device"."""
    plain = tmp_path / "regular.txt"
    plain.write_text("x", encoding="utf-8")
    missing = run("--lang", "zh_CN", "scale", "read", "--device", "serial:///dev/no-such-tty")
    assert "（没有这个文件或文件夹）" in missing.stderr and "Errno" not in missing.stderr
    wrong = run("scale", "read", "--device", f"serial://{plain}")
    assert "(it is not a serial port)" in wrong.stderr and "ioctl" not in wrong.stderr


def test_printer_status_waits_as_long_as_the_configuration_says(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``printing.timeout_seconds`` is how long a printer may take to answer; ``printer
    status``, ``printer test`` and ``doctor`` waited 3 s at most whatever it said, and called a
    printer on a slow network silent."""
    asked: list[float] = []

    class Slow(SimulatedPrinter):
        def status(self, timeout: float = 2.0) -> PrinterState:
            asked.append(timeout)
            return super().status(timeout)

    monkeypatch.setattr(printer_command, "open_printer", lambda uri, **_kw: Slow())
    monkeypatch.setattr(device_doctor, "open_printer", lambda uri, **_kw: Slow())
    config = tmp_path / "bench.toml"
    config.write_text("[printing]\ntimeout_seconds = 8\n", encoding="utf-8")
    for command in ("status", "test"):
        result = run("--config", str(config), "printer", command, "--printer", "tcp://10.0.0.9")
        assert result.returncode == 0, result.stderr
    settings = Settings(
        devices=DeviceSettings(scale="none", printer="tcp://10.0.0.9"),
        printing=PrintingSettings(timeout_seconds=8),
    )
    device_checks(settings)
    assert asked == [8.0, 8.0, 8.0]


def test_doctor_ends_a_printer_s_sentence_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The printer's own sentence ends with a stop: doctor ended it twice ("联网。。")."""

    class Off(SimulatedPrinter):
        def status(self, timeout: float = 2.0) -> PrinterState:
            return PrinterState(ready=False, message="The printer cannot be reached; check it.")

    monkeypatch.setattr(device_doctor, "open_printer", lambda uri, **_kw: Off())
    settings = Settings(devices=DeviceSettings(scale="none", printer="tcp://10.0.0.9"))
    [(_name, ok, said)] = [c for c in device_checks(settings) if c[0] == "printer"]
    assert not ok and said.endswith("cannot be reached; check it.")


def test_a_port_without_a_description_is_not_called_n_a(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyserial names a port it knows nothing about "n/a": `ports` printed that English beside a
    built-in serial port, in Chinese too."""
    from serial.tools import list_ports, list_ports_common

    built_in = list_ports_common.ListPortInfo("/dev/ttyS0")  # description "n/a"
    adapter = list_ports_common.ListPortInfo("/dev/ttyUSB0")
    adapter.description = "FT232R USB UART"
    monkeypatch.setattr(list_ports, "comports", lambda: [adapter, built_in])
    assert device_doctor.serial_ports() == [("/dev/ttyS0", ""), ("/dev/ttyUSB0", "FT232R USB UART")]


def test_doctor_checks_the_scanner(tmp_path: Path) -> None:
    """A scanner address naming no scanner, or a device not there, was not checked: the bench
    started without a word and its scans never arrived."""

    def scanner(uri: str) -> tuple[bool, str]:
        settings = Settings(devices=DeviceSettings(scale="none", scanner=uri))
        [(_name, ok, said)] = [c for c in device_checks(settings) if c[0] == "scanner"]
        return ok, said

    assert scanner("keyboard") == (
        True,
        "The scanner types as a keyboard: its scans arrive as keys.",
    )
    assert scanner("baz") == (
        False,
        "Unknown scanner URI 'baz'; use keyboard, serial:// or evdev://.",
    )
    missing = tmp_path / "ttyUSB9"
    ok, said = scanner(f"serial://{missing}")
    assert not ok and said.startswith(f"The scanner's device {missing} does not exist; plug it in")
    missing.touch()
    assert scanner(f"serial://{missing}")[0]


def test_doctor_checks_the_scanner_can_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evdev scanner without the evdev extra, or a device node this user may not read,
    passed: the bench then said nothing and took no scan."""
    node = tmp_path / "event7"
    node.touch()
    settings = Settings(devices=DeviceSettings(scale="none", scanner=f"evdev://{node}"))

    def said() -> tuple[bool, str]:
        [(_name, ok, sentence)] = [c for c in device_checks(settings) if c[0] == "scanner"]
        return ok, sentence

    monkeypatch.setattr(device_doctor.importlib.util, "find_spec", lambda name: None)
    assert said() == (
        False,
        "evdev scanners need the evdev extra: pip install 'packstation[evdev]'.",
    )
    monkeypatch.undo()
    monkeypatch.setattr(device_doctor.importlib.util, "find_spec", lambda name: object())
    # as root every file is readable: the answer of access() is what the check asks
    monkeypatch.setattr(device_doctor.os, "access", lambda path, mode: False)
    ok, sentence = said()
    assert not ok and sentence.startswith(f"This user may not read the scanner's device {node};")
    assert "group input" in sentence
    settings = Settings(devices=DeviceSettings(scale="none", scanner=f"serial://{node}"))
    ok, sentence = said()
    assert not ok and "group dialout" in sentence
    monkeypatch.setattr(device_doctor.os, "access", lambda path, mode: True)
    assert said() == (True, f"The scanner is at serial://{node}.")


def test_a_receipt_slip_printer_is_asked_in_its_own_language() -> None:
    """A receipt printer (ESC/POS) for 80 mm slips was asked in ZPL, the labels' language, and
    said not to answer, though the bench's sender reached it."""
    import socket
    import threading

    from packstation.config import PrintingSettings as Printing
    from packstation.devices.printers.status import ESCPOS_QUERY, build_escpos

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def serve() -> None:  # answers ESC/POS status queries alone, as a receipt printer does
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _peer = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    if conn.recv(64).startswith(ESCPOS_QUERY):
                        conn.sendall(build_escpos())
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        uri = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        settings = Settings(
            devices=DeviceSettings(scale="none", printer="sim://", slip_printer=uri),
            printing=Printing(slip_size="80mm", timeout_seconds=1.0),
        )
        checks = {name: (ok, sentence) for name, ok, sentence in device_checks(settings)}
        assert checks["slip printer"] == (True, f"The printer at {uri} is ready.")
    finally:
        stop.set()
        thread.join(5)
        server.close()
