"""``packstation lead``: the shift lead's application."""

from __future__ import annotations

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.i18n import _


@click.command(
    help=_("Open the shift lead's application: queue, exceptions, reprints, handover, end of day.")
)
@click.option(
    "--user",
    "user",
    default="lead",
    show_default=True,
    metavar="NAME",
    help=_("The lead's name, written in the audit log."),
)
@pass_cli
def lead(cli: CliContext, user: str) -> None:
    cli.engine()  # refuse an unreachable or outdated store before the screen opens
    cli.close()  # the application opens its own connections: this one would sit idle
    from packstation.lead_app import run_lead  # Textual is imported only when the app runs

    run_lead(cli.settings, user=user)


COMMANDS = [lead]
