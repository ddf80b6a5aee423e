"""Printer connections against the port-9100 simulator and a printer on a pty: accepts, refuses,
goes silent mid-job, answers status."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from packstation.devices.base import DeviceError, PrintJobInterrupted, PrintJobNotSent
from packstation.devices.printers.status import ZplStatus, build_escpos, build_hs
from packstation.devices.registry import open_printer
from packstation.devices.sim.endpoints import PtyEndpoint
from packstation.devices.sim.printer import PrinterMode
from packstation.devices.sim.printer_server import PrinterServer

LABEL = b"^XA^FO50,50^A0N,40,40^FDorder 1001^FS^XZ"


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_accepts_and_records_each_label(printer_server: PrinterServer) -> None:
    printer = open_printer(printer_server.uri)
    printer.send(LABEL + b"\n" + LABEL.replace(b"1001", b"1002"))
    # each job is recorded when complete: wait, so that the order of the files is the order sent
    wait_for(lambda: len(printer_server.jobs) == 2)
    printer.send(LABEL.replace(b"1001", b"1003"))
    wait_for(lambda: len(printer_server.jobs) == 3)
    files = sorted(printer_server.folder.iterdir())
    assert [f.read_bytes() for f in files] == [
        LABEL,
        LABEL.replace(b"1001", b"1002"),
        LABEL.replace(b"1001", b"1003"),
    ]
    assert printer.status(1.0).ready


def test_escpos_job_and_status(printer_server: PrinterServer) -> None:
    printer = open_printer(printer_server.uri, language="escpos")
    job = b"\x1b@packing slip\n\x1dV\x00"
    printer.send(job)
    wait_for(lambda: printer_server.jobs == [job])
    assert printer.status(1.0).ready
    printer_server.set_mode(PrinterMode.PAPER_OUT)
    state = printer.status(1.0)
    assert not state.ready
    assert state.paper_out


@pytest.mark.parametrize("mode", [PrinterMode.PAPER_OUT, PrinterMode.HEAD_OPEN])
def test_not_ready_jobs_are_held_until_ready(
    printer_server: PrinterServer, mode: PrinterMode
) -> None:
    printer = open_printer(printer_server.uri)
    printer_server.set_mode(mode)
    state = printer.status(1.0)
    assert not state.ready
    assert state.paper_out == (mode is PrinterMode.PAPER_OUT)
    assert state.head_open == (mode is PrinterMode.HEAD_OPEN)
    printer.send(LABEL)
    wait_for(lambda: len(printer_server.held) == 1)
    assert printer_server.jobs == []
    printer_server.set_mode(PrinterMode.READY)
    assert printer_server.jobs == [LABEL]
    assert printer.status(1.0).ready


def test_refuses_when_off(printer_server: PrinterServer) -> None:
    printer = open_printer(printer_server.uri, timeout=0.5)
    printer_server.set_mode(PrinterMode.OFF)
    with pytest.raises(PrintJobNotSent, match="cannot be reached") as caught:
        printer.send(LABEL, timeout=0.5)
    # the print outbox may send it again: not one byte left
    assert caught.value.partial is False
    assert not printer.status(0.5).ready
    printer_server.set_mode(PrinterMode.READY)
    printer.send(LABEL, timeout=0.5)
    wait_for(lambda: printer_server.jobs == [LABEL])


# The printer's own timeout, far above the one each call gives: a call that took the printer's
# instead of its own would last a minute, and the bound below stays far from a busy machine's
# delays.
SLOW_PRINTER_S = 60.0
OWN_TIMEOUT_KEPT_S = 20.0


def test_silent_printer_is_a_fault_not_ok(printer_server: PrinterServer) -> None:
    printer = open_printer(printer_server.uri, timeout=SLOW_PRINTER_S)
    printer_server.set_mode(PrinterMode.SILENT)
    started = time.monotonic()
    state = printer.status(0.3)
    assert not state.ready
    assert "did not answer" in state.message
    assert time.monotonic() - started < OWN_TIMEOUT_KEPT_S


def test_silent_mid_job_times_out(printer_server: PrinterServer) -> None:
    printer = open_printer(printer_server.uri, timeout=SLOW_PRINTER_S)
    printer_server.set_mode(PrinterMode.SILENT)
    # a large graphic label: more than every socket buffer between us and a printer that stopped
    big = b"^XA^GFA," + b"F0" * 16_000_000 + b"^XZ"
    started = time.monotonic()
    with pytest.raises(PrintJobInterrupted, match="stopped taking data") as caught:
        printer.send(big, timeout=0.3)
    assert caught.value.partial is True  # part of it may have printed: a reprint needs a reason
    assert time.monotonic() - started < OWN_TIMEOUT_KEPT_S
    printer_server.set_mode(PrinterMode.READY)
    wait_for(lambda: printer_server.incomplete == 1)  # the cut-off label is never printed
    assert printer_server.jobs == []


def test_status_to_nowhere_is_not_ready() -> None:
    printer = open_printer("tcp://127.0.0.1:1", timeout=0.5)
    assert not printer.status(0.5).ready
    with pytest.raises(DeviceError):
        printer.send(LABEL, timeout=0.5)


def test_a_printer_that_cannot_be_reached_is_named_once() -> None:
    """The state of a network printer that refuses the connection is a reason that follows
    "Printer:" and "is not ready:", not a second sentence naming the printer again."""
    from packstation.devices.doctor import _printer_check

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    uri = f"tcp://127.0.0.1:{port}"
    state = open_printer(uri, timeout=0.5).status(0.5)
    assert (
        state.message == "cannot be reached (connection refused); check it is on and on the network"
    )
    _name, ok, said = _printer_check(uri, "zpl", 0.5)
    assert not ok
    assert said == (
        f"The printer at {uri} is not ready: cannot be reached (connection refused); "
        "check it is on and on the network."
    )


def test_an_unplugged_serial_printer_is_named_once() -> None:
    """The state of a serial printer whose port went away was pyserial's or termios's words
    ("(5, 'Input/output error')"); it is a reason that follows "Printer:" and "is not ready:"."""
    line = PtyEndpoint(lambda _data: b"", None)
    line.start()
    printer = open_printer(f"serial://{line.address}")
    try:
        line.stop()  # the cable pulled out
        state = printer.status(0.5)
    finally:
        printer.close()
    assert not state.ready
    assert state.message == (
        "cannot be reached (input/output error); check the cable and that it is switched on"
    )


def test_a_cups_queue_that_cannot_be_reached_is_named_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pycups's error is (status, sentence): the state was the tuple's repr, a sentence in
    brackets after "is not ready:"; it is a reason, the sentence's words in brackets."""
    import sys
    import types

    from packstation.devices.doctor import _printer_check

    class IPPError(Exception):
        pass

    class Connection:
        def getPrinterAttributes(self, queue: str) -> dict[str, object]:
            raise IPPError(1030, "The printer or class does not exist.")

    cups = types.ModuleType("cups")
    cups.IPPError = IPPError  # type: ignore[attr-defined]
    cups.Connection = Connection  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cups", cups)
    _name, ok, said = _printer_check("cups://Zebra", "zpl", 0.5)
    assert not ok
    assert said == (
        "The printer at cups://Zebra is not ready: cannot be reached through CUPS (The printer "
        "or class does not exist); check the queue's name and that CUPS is running."
    )


def test_the_simulated_printer_switched_off_is_named_once() -> None:
    """ "Printer: The simulated printer is switched off." on the bench's top line, and "The
    printer is not ready: The simulated printer is switched off." after a box: a reason now."""
    from packstation.devices.sim.printer import SimulatedPrinter

    printer = SimulatedPrinter()
    printer.set_mode(PrinterMode.OFF)
    assert printer.status().message == "switched off"
    with pytest.raises(PrintJobNotSent, match="The simulated printer is switched off"):
        printer.send(LABEL)


class _PtyPrinter:
    """A serial label printer: answers status queries, keeps what it is sent."""

    def __init__(self, answer: bytes) -> None:
        self.received = bytearray()
        self.answer = answer
        self.line = PtyEndpoint(self.handle, None)

    def handle(self, data: bytes) -> bytes:
        self.received += data
        if b"~HS" in data or data.startswith(b"\x10\x04"):
            return self.answer
        return b""


@pytest.mark.parametrize(
    ("language", "answer", "ready"),
    [
        ("zpl", build_hs(ZplStatus()), True),
        ("zpl", build_hs(ZplStatus(head_open=True)), False),
        ("escpos", build_escpos(), True),
        ("escpos", build_escpos(paper_out=True), False),
        ("zpl", b"", False),
    ],
)
def test_serial_printer_on_a_pty(language: str, answer: bytes, ready: bool) -> None:
    device = _PtyPrinter(answer)
    device.line.start()
    try:
        printer = open_printer(f"serial://{device.line.address}?baud=19200", language=language)
        try:
            printer.send(LABEL)
            wait_for(lambda: LABEL in device.received)
            assert printer.status(0.4).ready is ready
        finally:
            printer.close()
    finally:
        device.line.stop()


def test_device_file_that_is_a_pty(tmp_path: Path) -> None:
    """``file://`` on a character device asks it for status the same way."""
    device = _PtyPrinter(build_hs(ZplStatus(paper_out=True)))
    device.line.start()
    try:
        printer = open_printer(f"file://{device.line.address}")
        printer.send(LABEL)
        wait_for(lambda: LABEL in device.received)
        state = printer.status(0.5)
        assert state.paper_out
        assert not state.ready
        device.answer = b""
        assert "did not answer" in printer.status(0.2).message
    finally:
        device.line.stop()


def _one_connection(handle: Callable[[socket.socket], None], rcvbuf: int = 0) -> str:
    """A printer of one connection on a free port, doing ``handle`` with it; its address."""
    server = socket.socket()
    if rcvbuf:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _peer = server.accept()
        with conn:
            handle(conn)
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}"


def test_a_job_the_printer_reset_is_not_taken_for_printed() -> None:
    """The printer read a few bytes and reset the connection: the job counted as sent, and the
    label was lost without a word (the reset after the last byte went was not looked at)."""

    def reset_after_five_bytes(conn: socket.socket) -> None:
        conn.recv(5)
        time.sleep(0.2)  # the whole job has left our side by now
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    printer = open_printer(_one_connection(reset_after_five_bytes), timeout=2.0)
    with pytest.raises(PrintJobInterrupted) as caught:
        printer.send(LABEL, timeout=2.0)
    assert caught.value.partial is True


def test_a_job_the_printer_stopped_reading_is_not_taken_for_printed() -> None:
    """The printer took the connection and stopped reading with the job in our buffers: it was
    counted as sent once the drain's wait was over."""
    stop = threading.Event()
    printer = open_printer(_one_connection(lambda _conn: stop.wait(10), rcvbuf=4096), timeout=1.0)
    job = b"^XA^GFA," + b"F0" * 300_000 + b"^XZ"  # fits our send buffer, not the printer's
    try:
        with pytest.raises(PrintJobInterrupted, match="stopped taking data"):
            printer.send(job, timeout=1.0)
    finally:
        stop.set()


def test_a_printer_that_reads_the_job_and_keeps_its_half_open_printed_it() -> None:
    """Not every printer closes its half once the job is read: every byte acknowledged, the
    job is sent."""
    received = bytearray()
    done = threading.Event()

    def read_all_then_wait(conn: socket.socket) -> None:
        while chunk := conn.recv(65536):
            received.extend(chunk)
        done.wait(5)  # the end came; the half stays open past the sender's wait

    printer = open_printer(_one_connection(read_all_then_wait), timeout=3.0)
    try:
        printer.send(LABEL, timeout=3.0)
    finally:
        done.set()
    assert bytes(received) == LABEL
