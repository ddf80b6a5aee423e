"""``packstation doctor``: configuration, store, fonts and devices, one line each."""

from __future__ import annotations

import sys

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.i18n import _
from packstation.services.doctor import each_check, run_checks


@click.command(help=_("Check the configuration, the store, the CJK font and the devices."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def doctor(cli: CliContext, as_json: bool) -> None:
    if as_json:
        checks = run_checks(cli.settings)
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
