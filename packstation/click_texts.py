"""Click's own words (Usage:, Options, Error: …) in the language of the command line.

Click looks its texts up with the standard ``gettext`` module, which reads compiled catalogues
chosen by the environment.  packstation's catalogues are ``.po`` files chosen by ``--lang``, so
``use_packstation_catalogue`` points click's lookups at ``packstation.i18n`` instead.  The texts
below are the ones a person meets in help and errors; any other of click's stays in English.
Chinese keeps one form for every count, under the singular: click gives the singular's and the
plural's values alike ("Did you mean {possibility}?" is also given ``possibilities``), so the
one form reads right for a single suggestion and for several.

A few of click's errors are put together from English that no catalogue reaches: a number's
type is named by its English name ("integer", "float range"), a missing parameter's sentence
ends with an ASCII full stop written after its name, and a suggestion follows the error after
a space.  Those three are said here in the language, as click says them in English.
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

from packstation.i18n import N_, _, ngettext, sentences

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
    N_("{missing}{name}."),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Got unexpected extra argument ({args})"),
    N_("Option {name!r} requires an argument."),
    N_("Did you mean {possibility}?"),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not a valid {number_type}."),
    # the number types' names, which click gives as {number_type}
    N_("integer"),
    N_("float"),
    N_("integer range"),
    N_("float range"),
    N_("{value} is not in the range {range}."),
    N_("{value!r} does not match the format {format}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
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


class _TypeNamed(str):
    """A text of click's whose ``{number_type}`` is the type's English name: named in the
    language too ("'abc' 不是有效的整数。", not "…数值（integer）")."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        if isinstance(kwargs.get("number_type"), str):
            kwargs["number_type"] = _(str(kwargs["number_type"]))
        return super().format(*args, **kwargs)


def _types_text(message: str) -> str:
    text = _(message)
    return _TypeNamed(text) if "{number_type}" in message else text


def _missing_message(self: click.exceptions.MissingParameter) -> str:
    """Click's "Missing option '-o' / '--output'." with the language's full stop (click writes
    the ASCII one after the name itself), and what the type adds after it as the language
    writes a second sentence."""
    hint = self.param_hint
    if hint is None and self.param is not None:
        hint = self.param.get_error_hint(self.ctx)
    name = click.exceptions._join_param_hints(hint)
    name = f" {name}" if name else ""
    kind = self.param_type
    if kind is None and self.param is not None:
        kind = self.param.param_type_name
    missing = {
        "argument": _("Missing argument"),
        "option": _("Missing option"),
    }.get(kind or "", _("Missing parameter"))
    said = _("{missing}{name}.").format(missing=missing, name=name)
    more = [self.message] if self.message else []
    if self.param is not None:
        more.append(self.param.type.get_missing_message(param=self.param, ctx=self.ctx) or "")
    return sentences(said, *more)


def _with_suggestion(self: click.exceptions.NoSuchOption | click.exceptions.NoSuchCommand) -> str:
    """The error and click's suggestion ("Did you mean '--since'?") as the language writes two
    sentences (Chinese: no space between them)."""
    if not self.possibilities:
        return self.message
    return sentences(self.message, click.exceptions._format_possibilities(self.possibilities))


def _path_name(self: click.types.Path) -> str:
    """A path option's kind (file, directory, path) in the language of the moment: click names
    it once, in the language of the moment its command was made, and a command made earlier in
    another language (as in one process running commands in both) kept that language."""
    if self.file_okay and not self.dir_okay:
        return _("file")
    if self.dir_okay and not self.file_okay:
        return _("directory")
    return _("path")


def _name_set(_self: click.types.Path, _name: str) -> None:
    """Click's ``self.name = _("file")`` as it makes the type: the name is read as it is used."""


def use_packstation_catalogue() -> None:
    """Click's texts from now on come from packstation's catalogue, in its current language."""
    for module in _CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = _types_text if module is click.types else _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    click.exceptions.MissingParameter.format_message = _missing_message  # type: ignore[method-assign]
    click.exceptions.NoSuchOption.format_message = _with_suggestion  # type: ignore[method-assign]
    click.exceptions.NoSuchCommand.format_message = _with_suggestion  # type: ignore[method-assign]
    click.types.Path.name = property(_path_name, _name_set)  # type: ignore[assignment]
