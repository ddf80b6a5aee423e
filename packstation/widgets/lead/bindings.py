"""Key bindings whose descriptions follow the language chosen at run time.

Textual merges a class's ``BINDINGS`` when the class is created, that is when the module is
imported — before the application has chosen its language.  Screens therefore declare their
descriptions in English (marked with ``N_``) and translate their own copy when they are built.
A control key is shown as the bench's key bar shows it (``^T``, where Textual's footer says
``^t``), and a letter key in capitals, as the hints and the README name it.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from packstation.i18n import _


def _shown(binding: Binding) -> Binding:
    key_display = binding.key_display
    key = binding.key
    if key_display is None and key.startswith("ctrl+") and len(key) == 6:
        key_display = "^" + key[-1].upper()
    elif key_display is None and len(key) == 1 and key.isalpha():
        key_display = key.upper()  # as the README and the hints name it: E, not e
    return replace(binding, description=_(binding.description), key_display=key_display)


def translate_bindings(node: DOMNode) -> None:
    bindings = node._bindings  # the node's own copy (Textual copies the class map per instance)
    bindings.key_to_bindings = {
        key: [_shown(b) if b.description else b for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
