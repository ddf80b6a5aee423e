"""Where the screens' background threads write what went wrong: a file, never the terminal.

A full-screen application owns the terminal; a traceback written to it by a thread (the print
outbox, a device reconnecting) would land in the middle of the packer's screen.  ``log_to_file``
sends the root logger to ``<name>.log`` in the user's log folder instead (on Linux
``~/.local/state/packstation/log``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import platformdirs


def log_to_file(name: str) -> Path:
    """Log warnings and errors of this process to the user's log folder; returns the file."""
    folder = Path(platformdirs.user_log_dir("packstation"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    # the file alone: a library that called basicConfig() on import (python-escpos does) left a
    # handler writing to the terminal; with one in place, basicConfig() does nothing later
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    return path
