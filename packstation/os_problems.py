"""Why a file could not be opened or written, in the user's language, and the output files of
the commands checked before anything is done.

The operating system's own reasons ("No such file or directory") come in English whatever the
language of the program; the common ones are said here in the language of the moment.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from pathlib import Path

from packstation.errors import UserError
from packstation.i18n import N_, _

_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ECONNREFUSED: N_("connection refused"),
    errno.ETIMEDOUT: N_("no answer in time"),
    errno.EHOSTUNREACH: N_("the host cannot be reached"),
    errno.ENETUNREACH: N_("the network cannot be reached"),
    errno.EADDRINUSE: N_("the address is in use"),
    errno.EADDRNOTAVAIL: N_("no such address on this machine"),
    errno.EIO: N_("input/output error"),  # an unplugged USB adapter's port
}


KNOWN_REASONS = frozenset(_REASONS)  # the errors said in the user's language


def os_problem(exc: OSError) -> str:
    """The reason ``exc`` gives, translated when it is a common one."""
    if isinstance(exc, socket.gaierror):  # a host name that names no address
        return _("no such host")
    reason = _REASONS.get(exc.errno or 0)
    return _(reason) if reason else str(exc.strerror or exc)


def check_output(path: Path) -> None:
    """Refuse a file that cannot be written before a command does what it writes about (hands
    parcels over, draws a label): its folder missing or read-only, or a folder there."""
    not_a_dash(path)
    folder = path.parent
    if path.is_dir():
        problem = _(_REASONS[errno.EISDIR])
    elif not folder.is_dir():
        problem = _(N_("its folder does not exist"))
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = _(_REASONS[errno.EACCES])
    else:
        problem = _try_open(path)  # root passes access(): a system folder still refuses it
    if not problem:
        return
    raise UserError(
        _("{file} cannot be written ({problem}); give another file name.").format(
            file=path, problem=problem
        )
    )


def _try_open(path: Path) -> str:
    """Open the file for writing as the command will, leaving it as it was: a file made for
    the try is removed, one there is opened to append (not emptied).  The problem, or ""."""
    existed = path.exists()
    if existed and not path.is_file():  # a device or a pipe: opening one may wait for a reader
        return ""
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        return os_problem(exc)
    if not existed:
        with contextlib.suppress(OSError):
            path.unlink()
    return ""


def not_a_dash(path: Path) -> None:
    """Refuse ``-o -``: it reads as standard output, and a file named "-" was written instead."""
    if str(path) == "-":
        raise UserError(_("'-' is not taken as standard output here; give a file name."))


def write_output(path: Path, data: bytes | str) -> None:
    """Write a command's output file, or refuse in one sentence."""
    not_a_dash(path)
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise UserError(
            _("{file} cannot be written ({problem}); give another file name.").format(
                file=path, problem=os_problem(exc)
            )
        ) from None
