"""``packstation lead``: the shift lead's application."""

from __future__ import annotations

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.errors import UserError
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
    help=_(
        "The lead's name or badge, written in the audit log; once the store has leads, one of "
        "them, with their PIN."
    ),
)
@pass_cli
def lead(cli: CliContext, user: str) -> None:
    from packstation.services.users import lead_for, try_pin  # the PIN hasher: loaded here

    cli.engine()  # refuse an unreachable or outdated store before the screen opens
    lead_user = lead_for(cli.uow(readonly=True), user)
    if lead_user is not None:
        if lead_user.pin_hash:  # asked here, not given as an option: it would show in ps
            pin = click.prompt(_("PIN of {name}").format(name=lead_user.name), hide_input=True)
            if not try_pin(cli.uow(), lead_user, pin):
                raise UserError(
                    _("Wrong PIN for {name}; the lead's application did not open.").format(
                        name=lead_user.name
                    )
                )
        user = lead_user.name  # a badge signs in its lead's name
    cli.close()  # the application opens its own connections: this one would sit idle
    from packstation.lead_app import run_lead  # Textual is imported only when the app runs

    run_lead(cli.settings, user=user)


COMMANDS = [lead]
