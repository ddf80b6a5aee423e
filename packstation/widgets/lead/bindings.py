"""Key bindings whose descriptions follow the language chosen at run time.

Textual merges a class's ``BINDINGS`` when the class is created, that is when the module is
imported — before the application has chosen its language.  Screens therefore declare their
descriptions in English (marked with ``N_``) and translate their own copy when they are built.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from packstation.i18n import _


def translate_bindings(node: DOMNode) -> None:
    bindings = node._bindings  # the node's own copy (Textual copies the class map per instance)
    bindings.key_to_bindings = {
        key: [replace(b, description=_(b.description)) if b.description else b for b in group]
        for key, group in bindings.key_to_bindings.items()
    }
