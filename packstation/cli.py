"""The ``packstation`` command line: the root group, error handling and command discovery.

Commands live in ``packstation.commands.*`` (one module per group); this module never imports
Textual — the commands that open an application import it when they run.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import click
from sqlalchemy.exc import DBAPIError

import packstation.commands
from packstation import __version__
from packstation.click_texts import use_packstation_catalogue
from packstation.commands.context import CliContext
from packstation.entry import by_ctrl_c, option_value
from packstation.errors import NothingToDo, UserError
from packstation.i18n import N_, _, default_language, language_named, set_language
from packstation.services.retry import (
    busy_mid_command,
    cannot_write,
    conflict_mid_command,
    conflicted,
    is_connection_problem,
    lost_mid_command,
    waited_for_rows,
)


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
        from packstation.config import find_config, parse_settings

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


def build_cli() -> click.Group:
    @click.group(
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
        ctx.obj = CliContext(config_path=config_path, db_url=db)
        ctx.call_on_close(ctx.obj.close)

    for module_info in sorted(
        pkgutil.iter_modules(packstation.commands.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"packstation.commands.{module_info.name}")
        for command in getattr(module, "COMMANDS", ()):
            root.add_command(command)
    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    language = _early_language(args)
    set_language(language if language in ("en", "zh_CN") else "en")
    try:
        use_packstation_catalogue()
        # the commands import their libraries (python-escpos, PIL…): a second or so in which
        # a Ctrl-C was a traceback
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
    except DBAPIError as exc:
        refused = cannot_write(exc)
        if refused is None and not is_connection_problem(exc):
            raise  # a fault of ours: the traceback is for the bug report
        if conflicted(exc):
            lost = conflict_mid_command(exc)
        elif waited_for_rows(exc):
            lost = busy_mid_command(exc)
        elif refused is not None:
            lost = refused
        else:
            lost = lost_mid_command(exc)
        click.echo(_("packstation: {message}").format(message=lost), err=True)
        sys.exit(lost.exit_code)
    except (KeyboardInterrupt, RuntimeError) as exc:
        if not by_ctrl_c(exc):
            raise
        click.echo(_("Interrupted."), err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
