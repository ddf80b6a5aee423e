"""A simulated port-9100 label printer (``packstation sim printer`` and the tests).

Records every job to a folder (ZPL ``^XA…^XZ`` formats one file each; anything else one file per
connection), answers ``~HS`` and ``DLE EOT n``, and acts out paper-out, head-open (answers, holds
the jobs until it is ready again), silent (reads and answers nothing) and off (refuses
connections).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

from packstation.devices.printers.status import DLE_EOT, ZplStatus, build_escpos, build_hs
from packstation.devices.sim.printer import PrinterMode
from packstation.i18n import _, ngettext

_RECEIVE_BUFFER = 64 * 1024  # small, so that a silent printer stalls a sender as a real one does


class PrinterServer:
    def __init__(
        self,
        folder: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        idle_timeout: float = 30.0,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.idle_timeout = idle_timeout
        self.mode = PrinterMode.READY
        self.jobs: list[bytes] = []  # printed, in order
        self.held: list[bytes] = []  # received while out of paper or with the head open
        self.status_queries = 0
        self.incomplete = 0  # ZPL formats cut off before ^XZ (not printed)
        self._lock = threading.Lock()

        self._stop = threading.Event()
        self._readable = threading.Event()  # cleared while silent
        self._readable.set()
        self._threads: list[threading.Thread] = []
        self._clients: set[socket.socket] = set()
        self._server: socket.socket | None = None
        self.port = port
        self._listen()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"tcp://{self.address}"

    def _listen(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
        server.bind((self.host, self.port))
        server.listen(8)
        server.settimeout(0.1)
        self.port = server.getsockname()[1]
        self._server = server

    def start(self) -> PrinterServer:
        thread = threading.Thread(target=self._accept, name="sim-printer", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            server = self._server
            if server is None:
                self._stop.wait(0.05)
                continue
            try:
                conn, _peer = server.accept()
            except TimeoutError:
                continue
            except OSError:
                self._stop.wait(0.05)  # closed while switched off
                continue
            if self._server is not server:  # switched off while this connection came in
                conn.close()
                continue
            with self._lock:
                self._clients.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    # --- one connection
    def _serve(self, conn: socket.socket) -> None:
        # each job is recorded the moment it is complete (a ZPL format at ^XZ, anything else
        # when its connection closes); status queries are answered at once, even mid-job
        conn.settimeout(0.05)
        buffer = bytearray()
        raw_job = bytearray()  # a job that is not ZPL: everything until the connection closes
        idle = 0.0
        try:
            while not self._stop.is_set():
                if not self._readable.is_set():
                    self._readable.wait(0.05)  # silent: take nothing, say nothing
                    continue
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    idle += 0.05
                    if idle > self.idle_timeout:
                        break
                    continue
                if not data:
                    break
                idle = 0.0
                if raw_job:
                    raw_job += data
                    continue
                buffer += data
                self._process(conn, buffer, raw_job)
        except OSError:
            pass
        finally:
            job = bytes(raw_job) + bytes(buffer)
            if job.lstrip().startswith(b"^XA"):
                # a format cut off before ^XZ: a ZPL printer never prints it
                with self._lock:
                    self.incomplete += 1
            elif job.strip():
                self._record(job)
            with self._lock:
                self._clients.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def _process(self, conn: socket.socket, buffer: bytearray, raw_job: bytearray) -> None:
        while buffer:
            # a large format comes in many pieces: look for its end in the newest bytes only
            if (
                len(buffer) > 4096
                and buffer.find(b"^XZ", len(buffer) - 70000) < 0
                and bytes(buffer[:64]).lstrip(b" \r\n\t").startswith(b"^XA")
            ):
                return
            stripped = bytes(buffer).lstrip(b" \r\n\t")
            skipped = len(buffer) - len(stripped)
            if stripped.startswith(DLE_EOT):
                if len(stripped) < 3:
                    return
                del buffer[: skipped + 3]
                self._answer(conn, self._escpos_answer(stripped[2]))
            elif stripped.startswith(b"~HS"):
                del buffer[: skipped + 3]
                self._answer(conn, self._zpl_answer())
            elif stripped.startswith(b"^XA"):
                end = stripped.find(b"^XZ")
                if end < 0:
                    return
                self._record(stripped[: end + 3])
                del buffer[: skipped + end + 3]
            elif len(stripped) < 3 and any(
                p.startswith(stripped) for p in (b"^XA", b"~HS", DLE_EOT)
            ):
                return  # the rest of a command is still on its way
            else:
                raw_job += buffer
                buffer.clear()

    def _answer(self, conn: socket.socket, reply: bytes) -> None:
        with self._lock:
            self.status_queries += 1
        if reply:
            conn.sendall(reply)

    def _zpl_answer(self) -> bytes:
        mode = self.mode
        return build_hs(
            ZplStatus(
                paper_out=mode is PrinterMode.PAPER_OUT,
                head_open=mode is PrinterMode.HEAD_OPEN,
                formats_in_buffer=len(self.held),
            )
        )

    def _escpos_answer(self, n: int) -> bytes:
        answer = build_escpos(
            paper_out=self.mode is PrinterMode.PAPER_OUT,
            head_open=self.mode is PrinterMode.HEAD_OPEN,
        )
        return {1: answer[0:1], 2: answer[1:2], 4: answer[2:3]}.get(n, b"\x12")

    def _record(self, job: bytes) -> None:
        with self._lock:
            if self.mode in (PrinterMode.PAPER_OUT, PrinterMode.HEAD_OPEN):
                self.held.append(job)
                return
            self._write(job)

    def _write(self, job: bytes) -> None:
        self.jobs.append(job)
        extension = ".zpl" if job.lstrip().startswith(b"^XA") else ".bin"
        path = self.folder / f"job-{len(self.jobs):06d}{extension}"
        path.write_bytes(job)

    # --- what a person does to the printer
    def set_mode(self, mode: PrinterMode | str) -> None:
        mode = PrinterMode(mode)
        with self._lock:
            previous, self.mode = self.mode, mode
            if mode is PrinterMode.READY:
                for job in self.held:
                    self._write(job)
                self.held.clear()
        if mode is PrinterMode.SILENT:
            self._readable.clear()
        else:
            self._readable.set()
        if mode is PrinterMode.OFF and previous is not PrinterMode.OFF:
            self._close_all()
        elif mode is not PrinterMode.OFF and self._server is None:
            self._listen()

    def _close_all(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            # shutdown first: it wakes a thread blocked in accept(), which close() alone does not
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                server.close()
        with self._lock:
            clients = list(self._clients)
        for conn in clients:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def apply(self, line: str) -> str:
        """One command from standard input or a script (empty answer: quit)."""
        word = line.strip().lower().replace("_", "-")
        if not word:
            return " "
        if word in ("quit", "exit", "q"):
            return ""
        if word in ("help", "?"):
            return _("printer: type ready, paper-out, head-open, silent, off, jobs or quit")
        aliases = {"on": "ready", "paper": "ready", "close": "ready", "open": "head-open"}
        word = aliases.get(word, word)
        if word in {m.value for m in PrinterMode}:
            self.set_mode(word)
            return _("printer: {mode}").format(mode=word)
        if word == "jobs":
            return ngettext(
                "printer: {count} job printed, {held} held",
                "printer: {count} jobs printed, {held} held",
                len(self.jobs),
            ).format(count=len(self.jobs), held=len(self.held))
        return _(
            "printer: unknown command '{line}' (ready, paper-out, head-open, silent, off, jobs, quit)"
        ).format(line=line.strip())

    def stop(self) -> None:
        self._stop.set()
        self._readable.set()
        self._close_all()
        for thread in self._threads:
            thread.join(2.0)

    def __enter__(self) -> PrinterServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
