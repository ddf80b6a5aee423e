"""The ``packstation`` command's entry point: ``packstation.cli`` and what it imports, loaded
with a Ctrl-C said in a sentence (pressed while the libraries load, it was a traceback)."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from packstation.cli import main as run
    except KeyboardInterrupt:
        _interrupted()
    run()


def _interrupted() -> None:
    from packstation.cli import _early_language
    from packstation.i18n import _, set_language

    language = _early_language(sys.argv[1:])
    set_language(language if language in ("en", "zh_CN") else "en")
    sys.stderr.write(_("Interrupted.") + "\n")
    sys.exit(130)
