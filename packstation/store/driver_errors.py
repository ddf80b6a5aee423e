"""What the database drivers' errors say: the first line of their text (the rest can be long,
and a sentence shows it last), PostgreSQL's SQLSTATE and SQLite's result code.

Each takes SQLAlchemy's wrapper (the driver's error is its ``orig``) or the driver's own error.
"""

from __future__ import annotations

# SQLite's primary result codes (an extended code carries its primary code in its low byte:
# SQLITE_IOERR_WRITE is 778): a write lock that did not come; a disk that cannot be written
# (a read-only file, an input/output error, a full disk)
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL = 8, 10, 13


def _driver_error(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc


def first_line(exc: BaseException) -> str:
    """The first line of the driver's text, or the error's name when it has none."""
    lines = str(_driver_error(exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def sqlstate(exc: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE, None for any other error (or one given without it)."""
    return getattr(_driver_error(exc), "sqlstate", None)


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code, None for any other error."""
    code = getattr(_driver_error(exc), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None
