"""The ``packstation`` command line: the root group, error handling and command discovery.

Commands live in ``packstation.commands.*`` (one module per group), listed in
``packstation.commands.INDEX``; only the module of the command that runs is loaded, with the
store and the services it needs.  This module never imports Textual, SQLAlchemy or the store —
the commands import what they use when they run.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

import click

from packstation import __version__
from packstation.click_texts import use_packstation_catalogue
from packstation.commands import INDEX
from packstation.config import find_config, parse_settings
from packstation.entry import by_ctrl_c, option_value
from packstation.errors import NothingToDo, StoreError, UserError
from packstation.help_format import use_cell_formatter
from packstation.i18n import N_, _, default_language, language_named, set_language


def _early_language(argv: Sequence[str]) -> str:
    """The language for help texts, decided before the commands are built (a name the program
    does not know is said by the ``--lang`` option, or for the variable, here)."""
    given = option_value(argv, "--lang")
    if given:
        return language_named(given) or "en"
    env = os.environ.get("PACKSTATION_LANG", "").strip()
    if env:
        named = language_named(env)
        if named is not None:
            return named
        set_language(default_language())
        click.echo("PACKSTATION_LANG: " + _(UNKNOWN_LANGUAGE).format(value=env), err=True)
    try:
        path = find_config(option_value(argv, "--config"))
        if path is not None and path.is_file():
            configured = parse_settings(path.read_text(encoding="utf-8"), str(path)).ui.language
            if configured:
                return configured
    except (UserError, OSError, UnicodeDecodeError):
        pass  # the real error is reported when a command reads the configuration
    return default_language()


# a language the program does not speak, named on the command line or in the environment
UNKNOWN_LANGUAGE = N_("'{value}' is no language packstation speaks; use zh_CN or en.")


def _language_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    named = language_named(value)
    if named is None:
        raise click.BadParameter(_(UNKNOWN_LANGUAGE).format(value=value))
    return named


# the options of packstation itself, given before the command
GLOBAL_OPTIONS = ("--db", "--config", "--lang")


class _Loading(Exception):
    """A Ctrl-C while a command's module loaded (click would say "Aborted." of it)."""


def _load(module: str) -> ModuleType:
    """``packstation.commands.<module>``, loaded once click has found the command."""
    try:
        return importlib.import_module(f"packstation.commands.{module}")
    except KeyboardInterrupt as exc:
        raise _Loading from exc


class _Root(click.Group):
    """The root group: a command's module is loaded when the command is asked for by name, and
    the list in ``--help`` (and the "Did you mean" of a command mistyped) comes from ``INDEX``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*INDEX, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in INDEX:
            for command in _load(INDEX[cmd_name][0]).COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.NoSuchCommand as exc:  # its suggestions were drawn from the loaded ones
            raise click.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's list of commands, written from ``INDEX``: no command's module is loaded."""
        shown = [
            (name, self.commands.get(name) or click.Command(name, help=_(INDEX[name][1])))
            for name in self.list_commands(ctx)
        ]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _command in shown)
            with formatter.section(_("Commands")):
                formatter.write_dl(
                    [(name, command.get_short_help_str(limit)) for name, command in shown]
                )


def build_cli() -> click.Group:
    @click.group(
        cls=_Root,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
        help=_("packstation: scan, check, weigh and label e-commerce orders at the packing bench."),
    )
    @click.option(
        "--db", metavar="URL", help=_("Store URL (overrides PACKSTATION_DB and the configuration).")
    )
    @click.option(
        "--config",
        "config_path",
        metavar="FILE",
        help=_("Configuration file (or PACKSTATION_CONFIG)."),
    )
    @click.option(
        "--lang",
        metavar="zh_CN|en",
        callback=_language_option,
        help=_("Language of messages (or PACKSTATION_LANG)."),
    )
    @click.version_option(__version__, prog_name="packstation")
    @click.pass_context
    def root(ctx: click.Context, db: str | None, config_path: str | None, lang: str | None) -> None:
        ctx.obj = _load("context").CliContext(config_path=config_path, db_url=db)
        ctx.call_on_close(ctx.obj.close)

    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    language = _early_language(args)
    set_language(language if language in ("en", "zh_CN") else "en")
    try:
        use_packstation_catalogue()
        use_cell_formatter()
        # the command's module imports its libraries (python-escpos, PIL…) once click has
        # found its name: a second or so in which a Ctrl-C was a traceback
        root = build_cli()
        root.main(args=args, prog_name="packstation", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(130)
    except click.NoSuchOption as exc:
        if exc.option_name in GLOBAL_OPTIONS:  # `packstation audit --db URL`
            hint = _("{option} goes before the command: packstation {option} … COMMAND.")
            said = _("{problem} {hint}").format(
                problem=exc.format_message(), hint=hint.format(option=exc.option_name)
            )
            click.UsageError(said, ctx=exc.ctx).show()
        else:
            exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NothingToDo as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except UserError as exc:
        click.echo(_("packstation: {message}").format(message=exc), err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, RuntimeError, _Loading) as exc:
        if not by_ctrl_c(exc):
            raise
        click.echo(_("Interrupted."), err=True)
        sys.exit(130)
    except Exception as exc:
        lost = _store_problem(exc)
        if lost is None:
            raise  # a fault of ours: the traceback is for the bug report
        click.echo(_("packstation: {message}").format(message=lost), err=True)
        sys.exit(lost.exit_code)


def _store_problem(exc: Exception) -> StoreError | None:
    """The one sentence for the store's error ``exc`` (gone, busy, conflicting, not writable);
    None for any other error.  SQLAlchemy is loaded here only when a command loaded it."""
    if "sqlalchemy.exc" not in sys.modules:  # no command reached a store
        return None
    from sqlalchemy.exc import DBAPIError

    from packstation.services.retry import (
        busy_mid_command,
        cannot_write,
        conflict_mid_command,
        conflicted,
        is_connection_problem,
        lost_mid_command,
        waited_for_rows,
    )

    if not isinstance(exc, DBAPIError):
        return None
    refused = cannot_write(exc)
    if refused is None and not is_connection_problem(exc):
        return None
    if conflicted(exc):
        return conflict_mid_command(exc)
    if waited_for_rows(exc):
        return busy_mid_command(exc)
    if refused is not None:
        return refused
    return lost_mid_command(exc)


if __name__ == "__main__":
    main()
