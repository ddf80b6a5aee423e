"""Simulators on real ptys and sockets, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from packstation.devices.sim.printer_server import PrinterServer
from packstation.devices.sim.scale_server import ScaleServer


@pytest.fixture
def scale_server(tmp_path: Path) -> Iterator[Callable[..., ScaleServer]]:
    started: list[ScaleServer] = []

    def start(protocol: str, *, tcp: bool = False, unit: str = "g") -> ScaleServer:
        link = None if tcp else tmp_path / f"scale-{len(started)}"
        server = ScaleServer(protocol, tcp=tcp, link=link, unit=unit, interval=0.05)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def printer_server(tmp_path: Path) -> Iterator[PrinterServer]:
    server = PrinterServer(tmp_path / "printed", idle_timeout=2.0)
    server.start()
    yield server
    server.stop()
