"""Opening devices by URI: errors are one DeviceError sentence; the simulators are shared."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from packstation.devices import registry
from packstation.devices.base import DeviceError
from packstation.devices.sim.printer import PrinterMode
from packstation.devices.uri import parse_uri


def test_uri_parts() -> None:
    uri = parse_uri("serial:///dev/ttyUSB0?baud=4800&protocol=nci")
    assert (uri.scheme, uri.target, uri.int_option("baud", 9600)) == (
        "serial",
        "/dev/ttyUSB0",
        4800,
    )
    assert parse_uri("tcp://10.0.0.5:4001").port == 4001
    assert parse_uri("usb://04B8:0E15").target == "04B8:0E15"
    assert parse_uri("cups://Zebra_GK420d").target == "Zebra_GK420d"
    assert parse_uri("/dev/ttyACM0").scheme == "serial"
    # the kernel's USB printer, given bare, is the device file (it was opened as a serial line
    # and refused with a hint about the dialout group)
    bare = parse_uri("/dev/usb/lp0")
    assert (bare.scheme, bare.target) == ("file", "/dev/usb/lp0")
    with pytest.raises(DeviceError):
        parse_uri("serial:///dev/x?baud=fast").int_option("baud", 9600)


@pytest.mark.parametrize(
    "uri",
    [
        "none",
        "bogus://x",
        "serial:///dev/does-not-exist-0",
        "serial:///dev/null?protocol=toledo",
        "serial:///dev/x?protocol=dymo",
        "tcp://127.0.0.1",
        "hid://zz",
    ],
)
def test_bad_scale_uris_raise_one_sentence(uri: str) -> None:
    with pytest.raises(DeviceError) as caught:
        registry.open_scale(uri)
    message = str(caught.value)
    assert message and "\n" not in message


def test_what_to_check_depends_on_the_line() -> None:
    """A serial cable and its group for a serial port; the network for a serial server."""
    with pytest.raises(DeviceError) as serial_port:
        registry.open_scale("serial:///dev/does-not-exist-0")
    assert "(group dialout)" in str(serial_port.value)
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(DeviceError) as network:
        registry.open_scale(f"tcp://127.0.0.1:{port}")
    said = str(network.value)
    assert said.startswith(f"Cannot reach the scale at tcp://127.0.0.1:{port} (")
    assert said.endswith(
        "check that it is switched on and on the network, and its address and port."
    )
    assert "dialout" not in said


def test_a_serial_server_that_cannot_be_reached_says_why_in_few_words() -> None:
    """pyserial's socket:// wraps the system's reason in English words that repeat the address;
    the reason is said as for a printer: refused, or a host name that names no address."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(DeviceError) as refused:
        registry.open_scale(f"tcp://127.0.0.1:{port}?protocol=ad")
    assert "?protocol=ad (connection refused); check" in str(refused.value)
    with pytest.raises(DeviceError) as unknown:
        registry.open_scale("tcp://nohost.invalid:4001?protocol=ad")
    assert "(no such host); check" in str(unknown.value)
    assert "Could not open port" not in str(unknown.value)


def test_no_scale_means_typed_weights() -> None:
    with pytest.raises(DeviceError, match="typed by hand"):
        registry.open_scale("none")


def test_sim_scale_is_shared() -> None:
    assert registry.open_scale("sim://") is registry.simulated_scale()
    assert registry.open_scale("sim://") is registry.open_scale("sim://")


@pytest.mark.parametrize("uri", ["bogus://x", "tcp://", "usb://nothing", "serial:///dev/none-0"])
def test_bad_printer_uris(uri: str) -> None:
    with pytest.raises(DeviceError):
        registry.open_printer(uri)


def test_sim_printer_records_and_refuses() -> None:
    printer = registry.open_printer("sim://")
    assert printer is registry.simulated_printer()
    sim = registry.simulated_printer()
    sim.jobs.clear()
    printer.send(b"^XA^XZ")
    assert sim.jobs == [b"^XA^XZ"]
    for mode in (PrinterMode.OFF, PrinterMode.PAPER_OUT, PrinterMode.HEAD_OPEN, PrinterMode.SILENT):
        sim.set_mode(mode)
        assert not printer.status().ready
        with pytest.raises(DeviceError) as caught:
            printer.send(b"^XA^XZ")
        assert getattr(caught.value, "partial", None) is (mode is PrinterMode.SILENT)
    sim.set_mode(PrinterMode.READY)
    assert printer.status().ready
    assert sim.jobs == [b"^XA^XZ"]


def test_folder_printer_writes_jobs_in_order(tmp_path: Path) -> None:
    printer = registry.open_printer(f"dir://{tmp_path}")
    for number in range(5):
        printer.send(f"^XA^FD{number}^FS^XZ".encode())
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".zpl"] * 5
    assert [f.read_bytes() for f in files] == [f"^XA^FD{n}^FS^XZ".encode() for n in range(5)]
    assert printer.status().ready
    escpos = registry.open_printer(f"dir://{tmp_path}/slips", language="escpos")
    assert not escpos.status().ready  # the folder is missing
    with pytest.raises(DeviceError):
        escpos.send(b"\x1b@")
    (tmp_path / "slips").mkdir()
    escpos.send(b"\x1b@")
    assert [p.suffix for p in (tmp_path / "slips").iterdir()] == [".bin"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_folder_printer_not_writable(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        assert not registry.open_printer(f"dir://{tmp_path}").status().ready
    finally:
        tmp_path.chmod(0o700)


def test_device_file_printer_on_a_plain_file(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = registry.open_printer(f"file://{target}")
    printer.send(b"one")
    printer.send(b"two")
    assert target.read_bytes() == b"onetwo"
    assert printer.status().ready


def test_scanner_uris() -> None:
    assert registry.open_scanner("keyboard", print, print) is None
    with pytest.raises(DeviceError):
        registry.open_scanner("bluetooth://x", print, print)
    with pytest.raises(DeviceError):
        registry.open_scanner("evdev:///dev/input/event0?layout=klingon", print, print)


@pytest.mark.parametrize(
    ("opening", "said"),
    [
        (
            lambda: registry.open_scale("serial:///dev/ttyUSB0?protocl=ad"),
            "'serial:///dev/ttyUSB0?protocl=ad': there is no option 'protocl'; "
            "this device takes protocol, baud, bits, parity, stop.",
        ),
        (
            lambda: registry.open_scale("tcp://10.0.0.5:4001?baud=9600"),
            "'tcp://10.0.0.5:4001?baud=9600': there is no option 'baud'; "
            "this device takes protocol.",
        ),
        (
            lambda: registry.open_scale("sim://?weight=abc"),
            "'sim://?weight=abc' takes no options; remove '?weight=…'.",
        ),
        (
            lambda: registry.open_printer("tcp://10.0.0.9:9100?dpi=300"),
            "'tcp://10.0.0.9:9100?dpi=300' takes no options; remove '?dpi=…'.",
        ),
        (
            lambda: registry.open_printer("serial:///dev/ttyS0?baudrate=19200"),
            "'serial:///dev/ttyS0?baudrate=19200': there is no option 'baudrate'; "
            "this device takes baud, bits, parity, stop.",
        ),
        (
            lambda: registry.open_scanner(
                "evdev:///dev/input/event3?layuot=de", lambda _s: None, lambda _s: None
            ),
            "'evdev:///dev/input/event3?layuot=de': there is no option 'layuot'; "
            "this device takes layout, grab.",
        ),
    ],
)
def test_a_misspelt_option_is_refused_before_anything_opens(
    opening: Callable[[], object], said: str
) -> None:
    """An option a device does not take was ignored: ``protocl=ad`` opened the scale with the
    protocol guessed, ``sim://?weight=abc`` was a scale that weighs nothing."""
    with pytest.raises(DeviceError) as refused:
        opening()
    assert str(refused.value) == said
