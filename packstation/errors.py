"""Errors a user can cause.  Each carries one sentence saying what was wrong and what to do.

The command line prints ``str(error)`` on stderr and exits non-zero; screens show it in the status
line.  Anything that is not a ``UserError`` is a bug and may show a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: bad input, a missing file, an unreachable store."""

    exit_code = 1


class ConfigError(UserError):
    """The configuration file is broken or names an unknown key."""

    exit_code = 2


class StoreError(UserError):
    """The store cannot be used: unreachable, wrong schema, unsafe location."""

    exit_code = 3


class StoreBusy(StoreError):
    """The store answered, but rows another program holds kept an action waiting too long: the
    store is not lost, and trying again later is all there is to do."""
