"""Errors a user can cause.  Each carries one sentence saying what was wrong and what to do.

The command line prints ``str(error)`` on stderr and exits non-zero; screens show it in the status
line.  Anything that is not a ``UserError`` is a bug and may show a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: bad input, a missing file, an unreachable store."""

    exit_code = 1


class NothingToDo(UserError):
    """Nothing for the command to do (no order due to print): said on one line, exit 0, as
    ``manifest`` and ``export shipments`` do; a script run at a quiet hour has not failed."""

    exit_code = 0


class ConfigError(UserError):
    """The configuration file is broken or names an unknown key."""

    exit_code = 2


class StoreError(UserError):
    """The store cannot be used: unreachable, wrong schema, unsafe location."""

    exit_code = 3


class StoreRefused(StoreError):
    """The store answered, but could not take an action: it is not lost (reads still work), and
    waiting for it to come back would not help."""


class StoreBusy(StoreRefused):
    """Rows another program holds kept an action waiting too long: trying again later is all
    there is to do."""


class StoreCannotWrite(StoreRefused):
    """The store cannot write: its disk is full or cannot be written, or the server only reads
    (a standby).  Someone must free space or fix the set-up."""
