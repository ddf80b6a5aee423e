"""Where a simulator serves: a pty (looks like a serial port) or a TCP port on 127.0.0.1.

Each endpoint runs one daemon thread; ``handle(data) -> reply`` is the device's brain and
``tick() -> bytes`` what it says unasked (a streaming scale).  ``unplug()`` closes the line like a
pulled cable; ``plug()`` brings it back (a pty gets a new path: the ``link`` follows it).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

Handler = Callable[[bytes], bytes]
Ticker = Callable[[], bytes]

TICK = 0.1  # a streaming scale sends about ten frames a second


class PtyEndpoint:
    """A pseudo-terminal: the client opens ``address`` (``/dev/pts/N``) as a serial port."""

    def __init__(
        self,
        handle: Handler,
        tick: Ticker | None = None,
        *,
        link: str | Path | None = None,
        interval: float = TICK,
    ) -> None:
        self._handle = handle
        self._tick = tick
        self.interval = interval
        self.link = Path(link) if link else None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._master = -1
        self._slave = -1
        self.address = ""
        self._thread: threading.Thread | None = None

    def _open(self) -> None:
        master, slave = os.openpty()
        # raw: no echo of what we write back to us, no line editing, no CR/LF translation
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.address = os.ttyname(slave)
        if self.link is not None:
            temporary = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self.address)
            temporary.replace(self.link)

    def _close(self) -> None:
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1

    def start(self) -> None:
        self._open()
        self._thread = threading.Thread(target=self._run, name="sim-pty", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._master < 0:
                return
            with contextlib.suppress(BlockingIOError, OSError):
                # nobody reading: a real line drops what it sends, so do we
                os.write(self._master, data)

    def unplug(self) -> None:
        with self._lock:
            self._close()

    def plug(self) -> None:
        with self._lock:
            if self._master < 0:
                self._open()

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    def _run(self) -> None:
        next_tick = time.monotonic() + self.interval
        while not self._stop.is_set():
            master = self._master
            if master < 0:
                self._stop.wait(0.05)
                continue
            try:
                readable, _w, _x = select.select([master], [], [], 0.02)
            except (OSError, ValueError):
                continue  # unplugged under our feet
            if readable:
                try:
                    data = os.read(master, 4096)
                except (BlockingIOError, OSError):
                    data = b""
                if data:
                    reply = self._handle(data)
                    if reply:
                        self.write(reply)
            if self._tick is not None and time.monotonic() >= next_tick:
                next_tick = time.monotonic() + self.interval
                frame = self._tick()
                if frame:
                    self.write(frame)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        with self._lock:
            self._close()
        if self.link is not None:
            with contextlib.suppress(OSError):
                self.link.unlink()


class TcpEndpoint:
    """A TCP port on 127.0.0.1 (serial-over-Ethernet converters look like this)."""

    def __init__(
        self,
        handle: Handler,
        tick: Ticker | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        interval: float = TICK,
    ) -> None:
        self._handle = handle
        self._tick = tick
        self.interval = interval
        self._stop = threading.Event()
        self._plugged = threading.Event()
        self._plugged.set()
        self._clients: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server = socket.create_server((host, port), reuse_port=False)
        self._server.settimeout(0.1)
        self.host, self.port = self._server.getsockname()[:2]
        self.address = f"{self.host}:{self.port}"
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        thread = threading.Thread(target=self._accept, name="sim-tcp", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._plugged.is_set():
                conn.close()  # the converter is there, the scale behind it is not
                continue
            with self._lock:
                self._clients.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.02)
        next_tick = time.monotonic() + self.interval
        try:
            while not self._stop.is_set() and self._plugged.is_set():
                try:
                    data = conn.recv(4096)
                    if not data:
                        return
                    reply = self._handle(data)
                    if reply:
                        conn.sendall(reply)
                except TimeoutError:
                    pass
                if self._tick is not None and time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + self.interval
                    frame = self._tick()
                    if frame:
                        conn.sendall(frame)
        except OSError:
            return
        finally:
            with self._lock:
                self._clients.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def write(self, data: bytes) -> None:
        with self._lock:
            clients = list(self._clients)
        for conn in clients:
            with contextlib.suppress(OSError):
                conn.sendall(data)

    def unplug(self) -> None:
        self._plugged.clear()
        with self._lock:
            clients = list(self._clients)
        for conn in clients:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def plug(self) -> None:
        self._plugged.set()

    @property
    def plugged(self) -> bool:
        return self._plugged.is_set()

    def stop(self) -> None:
        self._stop.set()
        self.unplug()
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._server.close()
        for thread in self._threads:
            thread.join(2.0)
