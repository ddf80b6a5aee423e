"""``dir:///path``: every job becomes one file, named so that the files sort in print order.

For benches whose printing is done by something else (a spooler watching the folder) and for
looking at what would have been printed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path

from packstation.devices.base import PrinterState, PrintJobNotSent
from packstation.i18n import _
from packstation.os_problems import os_problem

_sequence = itertools.count(1)


class FolderPrinter:
    def __init__(self, folder: str | Path, *, language: str = "zpl") -> None:
        self.folder = Path(folder)
        self.extension = ".zpl" if language == "zpl" else ".bin"
        self.description = f"dir://{self.folder}"

    def job_name(self) -> str:
        # nanoseconds, then the process and a counter: in order, and never the same name twice
        return f"{time.time_ns():020d}-{os.getpid():07d}-{next(_sequence):06d}{self.extension}"

    def send(self, data: bytes, timeout: float = 5.0) -> None:
        name = self.job_name()
        partial = self.folder / f".{name}.part"
        try:
            partial.write_bytes(data)
            # a watcher sees the job only once it is whole
            partial.rename(self.folder / name)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise PrintJobNotSent(
                _("Cannot write the job to the folder {folder} ({problem}).").format(
                    folder=self.folder, problem=os_problem(exc)
                )
            ) from None

    def status(self, timeout: float = 2.0) -> PrinterState:
        if not self.folder.is_dir():
            return PrinterState(
                ready=False,
                message=_("the folder {folder} does not exist").format(folder=self.folder),
            )
        if not os.access(self.folder, os.W_OK | os.X_OK):
            return PrinterState(
                ready=False,
                message=_("the folder {folder} is not writable").format(folder=self.folder),
            )
        return PrinterState(ready=True, message=_("ready"))

    def jobs(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir() if p.suffix == self.extension)

    def close(self) -> None:
        pass
