"""A serial scanner on a pty: single scans, bursts, CR and CR LF, unplug and back."""

from __future__ import annotations

import threading
from pathlib import Path

from packstation.devices.base import Scan
from packstation.devices.registry import open_scanner
from packstation.devices.scanner import SerialScanner
from packstation.devices.sim.scanner_server import ScannerServer


class Collector:
    def __init__(self) -> None:
        self.scans: list[Scan] = []
        self.states: list[str] = []
        self.changed = threading.Condition()

    def on_scan(self, scan: Scan) -> None:
        with self.changed:
            self.scans.append(scan)
            self.changed.notify_all()

    def on_state(self, state: str) -> None:
        with self.changed:
            self.states.append(state)
            self.changed.notify_all()

    def codes(self) -> list[str]:
        return [s.code for s in self.scans]

    def wait_codes(self, count: int) -> list[str]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.scans) >= count, timeout=10.0), (
                self.codes()
            )
        return self.codes()


def test_bursts_and_terminators(tmp_path: Path) -> None:
    got = Collector()
    with ScannerServer(link=tmp_path / "scanner") as sim:
        reader = open_scanner(sim.uri, got.on_scan, got.on_state)
        assert isinstance(reader, SerialScanner)
        reader.start()
        try:
            with got.changed:
                assert got.changed.wait_for(lambda: "connected" in got.states, timeout=10.0)
            sim.scan("6901234567892")
            assert got.wait_codes(1) == ["6901234567892"]
            sim.scan("A1", "B2", "C3")  # three codes in one write
            sim.send_raw(b"D4\r\nE5\r\n")
            sim.send_raw(b"F6")  # a code split across two reads
            sim.send_raw(b"\r")
            sim.send_raw("箱子-7\r".encode())
            assert got.wait_codes(8)[1:] == ["A1", "B2", "C3", "D4", "E5", "F6", "箱子-7"]
            assert all(scan.source == "serial" for scan in got.scans)
        finally:
            reader.stop()


def test_unplugged_scanner_comes_back(tmp_path: Path) -> None:
    got = Collector()
    with ScannerServer(link=tmp_path / "scanner") as sim:
        reader = SerialScanner(
            sim.uri, got.on_scan, got.on_state, backoff_initial=0.02, backoff_max=0.1
        )
        reader.start()
        try:
            with got.changed:
                assert got.changed.wait_for(lambda: "connected" in got.states, timeout=10.0)
            sim.apply("unplug")
            with got.changed:
                assert got.changed.wait_for(lambda: "disconnected" in got.states, timeout=10.0)
            sim.apply("plug")
            with got.changed:
                assert got.changed.wait_for(lambda: got.states[-1] == "connected", timeout=10.0)
            sim.scan("AFTER-REPLUG")
            assert got.wait_codes(1) == ["AFTER-REPLUG"]
        finally:
            reader.stop()
