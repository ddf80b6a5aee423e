"""``packstation doctor``: configuration, store, fonts and devices, one line each."""

from __future__ import annotations

import sys

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.i18n import _, get_language, set_language
from packstation.services.doctor import each_check, run_checks


@click.command(help=_("Check the configuration, the store, the CJK font and the devices."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def doctor(cli: CliContext, as_json: bool) -> None:
    if as_json:
        # for scripts: the checks' names and words in English whatever the language ("check":
        # "配置" matched nothing a script knew)
        language = get_language()
        set_language("en")
        try:
            checks = run_checks(cli.settings)
        finally:
            set_language(language)
        echo_json([{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks])
    else:
        checks = []
        for c in each_check(cli.settings):  # each line as its check ends
            checks.append(c)
            mark = (
                click.style(_("OK"), fg="green")
                if c.ok
                else click.style(_("FIX"), fg="red", bold=True)
            )
            click.echo(f"{mark:>4}  {c.name}: {c.detail}")
            sys.stdout.flush()
    if not all(c.ok for c in checks):
        sys.exit(1)


COMMANDS = [doctor]
