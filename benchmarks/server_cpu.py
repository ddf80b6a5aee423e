"""The processor time a local PostgreSQL server spent, read from ``/proc`` (Linux).

The server is the postmaster and its children: each client's backend, the WAL writer, the
checkpointer.  A backend that ended was reaped by the postmaster, so its time is in the
postmaster's ``cutime``/``cstime``; the live children's time is in their own ``utime``/``stime``.
Read before and after a run (once the clients have disconnected), the difference is what the
server spent on the run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")


def _fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (which may hold spaces)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None  # gone meanwhile
    return raw[raw.rindex(")") + 2 :].split()


def postmaster_pid(data_dir: Path) -> int:
    """The server's main process, from the first line of ``postmaster.pid``."""
    return int((data_dir / "postmaster.pid").read_text(encoding="ascii").split()[0])


def server_seconds(postmaster: int) -> float:
    """Processor seconds spent so far by the postmaster, its reaped children and its live
    children."""
    ticks = os.sysconf("SC_CLK_TCK")
    own = _fields(postmaster)
    if own is None:
        raise RuntimeError(f"no PostgreSQL server with process id {postmaster}")
    # after the name: state ppid … utime (index 11) stime cutime cstime
    total = sum(int(value) for value in own[11:15])
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == postmaster:
            continue
        fields = _fields(int(entry.name))
        if fields is not None and int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wait_for_clients(postmaster: int, database: str, timeout_s: float = 10.0) -> None:
    """Wait until no backend of ``database`` is left (the clients have gone and their backends
    have ended), so that their time is in the postmaster's account."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not any(_serves(entry, postmaster, database) for entry in PROC.iterdir()):
            return
        time.sleep(0.05)
    raise TimeoutError(f"backends of {database} still running after {timeout_s:.0f} s")


def _serves(entry: Path, postmaster: int, database: str) -> bool:
    """Is ``entry`` a backend of ``postmaster`` serving ``database`` (its process title says
    ``postgres: USER DATABASE HOST …``)?"""
    if not entry.name.isdigit():
        return False
    fields = _fields(int(entry.name))
    if fields is None or int(fields[1]) != postmaster:
        return False
    try:
        title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return f" {database} " in title
