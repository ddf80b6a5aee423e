"""A simulated serial barcode scanner on a pty (``packstation sim scanner`` and the tests)."""

from __future__ import annotations

from pathlib import Path

from packstation.devices.sim.endpoints import PtyEndpoint
from packstation.i18n import _, ngettext


class ScannerServer:
    def __init__(self, *, terminator: bytes = b"\r", link: str | Path | None = None) -> None:
        self.terminator = terminator
        self.endpoint = PtyEndpoint(lambda data: b"", None, link=link)

    @property
    def address(self) -> str:
        return self.endpoint.address

    @property
    def uri(self) -> str:
        return f"serial://{self.endpoint.link or self.endpoint.address}"

    def start(self) -> ScannerServer:
        self.endpoint.start()
        return self

    def scan(self, *codes: str) -> None:
        """Send codes back to back, as one burst."""
        self.send_raw(b"".join(code.encode("utf-8") + self.terminator for code in codes))

    def send_raw(self, data: bytes) -> None:
        self.endpoint.write(data)

    def apply(self, line: str) -> str:
        """A line of standard input: one or more codes separated by spaces, sent as one burst."""
        words = line.split()
        if not words:
            return " "
        if words[0].lower() in ("quit", "exit"):
            return ""
        if len(words) == 1 and words[0].lower() in ("help", "?"):
            return _(
                "scanner: type codes (several on a line are sent as one burst), unplug, plug or quit"
            )
        if words[0].lower() == "unplug":
            self.endpoint.unplug()
            return _("scanner: unplugged")
        if words[0].lower() == "plug":
            self.endpoint.plug()
            return _("scanner: plugged in at {address}").format(address=self.address)
        self.scan(*words)
        return ngettext(
            "scanner: sent {count} code", "scanner: sent {count} codes", len(words)
        ).format(count=len(words))

    def stop(self) -> None:
        self.endpoint.stop()

    def __enter__(self) -> ScannerServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
