"""Click's own words (Usage:, Options, Error: …) in the language of the command line.

Click looks its texts up with the standard ``gettext`` module, which reads compiled catalogues
chosen by the environment.  packstation's catalogues are ``.po`` files chosen by ``--lang``, so
``use_packstation_catalogue`` points click's lookups at ``packstation.i18n`` instead.  The texts
below are the ones a person meets in help and errors; any other of click's stays in English.
Chinese keeps one form for every count, under the singular: click gives the singular's and the
plural's values alike ("Did you mean {possibility}?" is also given ``possibilities``), so the
one form reads right for a single suggestion and for several.
"""

from __future__ import annotations

from types import ModuleType

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from packstation.i18n import N_, _, ngettext

TRANSLATED = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Got unexpected extra argument ({args})"),
    N_("Option {name!r} requires an argument."),
    N_("Did you mean {possibility}?"),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} does not match the format {format}."),
    N_("{name} {filename!r} does not exist."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
)

_CLICK_MODULES: tuple[ModuleType, ...] = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
)


def use_packstation_catalogue() -> None:
    """Click's texts from now on come from packstation's catalogue, in its current language."""
    for module in _CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
