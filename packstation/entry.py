"""The ``packstation`` command's entry point: ``packstation.cli`` and what it imports, loaded
with a Ctrl-C said in a sentence (pressed while the libraries load, it was a traceback)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main() -> None:
    try:
        from packstation.cli import main as run
    except (KeyboardInterrupt, RuntimeError) as exc:
        if not by_ctrl_c(exc):
            raise
        sys.stderr.write(_interrupted() + "\n")
        sys.exit(130)
    run()


def by_ctrl_c(exc: BaseException) -> bool:
    """Was ``exc`` a Ctrl-C?  One that lands while a class is being made (a dataclass's
    fields) comes wrapped: "RuntimeError: Error calling __set_name__", caused by it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _interrupted() -> str:
    """ "Interrupted." in the user's language.  A library was half loaded when the Ctrl-C came
    (importing it again fails in its own way): the command line is not loaded again, and any
    failure to translate leaves the English word."""
    try:
        from packstation.i18n import _, default_language, language_named, set_language

        given = option_value(sys.argv[1:], "--lang") or os.environ.get("PACKSTATION_LANG", "")
        set_language(language_named(given) or default_language())
        return _("Interrupted.")
    except Exception:  # anything half loaded: the word is said all the same
        return "Interrupted."


def option_value(argv: Sequence[str], name: str) -> str | None:
    """The value of option ``name`` in ``argv`` (``--lang zh_CN`` or ``--lang=zh_CN``), read
    before click parses the command line."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None
