"""``packstation lead``: the shift lead's application."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.errors import UserError
from packstation.i18n import _

if TYPE_CHECKING:
    from packstation.store.models import User


@click.command(
    help=_("Open the shift lead's application: queue, exceptions, reprints, handover, end of day.")
)
@click.option(
    "--user",
    "user",
    default=None,
    metavar="NAME",
    help=_(
        "The lead's name or badge, written in the audit log; once the store has leads, one of "
        "them, with their PIN."
    ),
)
@pass_cli
def lead(cli: CliContext, user: str | None) -> None:
    from packstation.services.users import has_leads, lead_for  # the PIN hasher: loaded here

    cli.engine()  # refuse an unreachable or outdated store before the screen opens
    if user is None:
        if has_leads(cli.uow(readonly=True)):  # it said "'lead' is not a lead"
            raise UserError(
                _(
                    "Say who you are: --user with a lead's name or badge (see 'packstation "
                    "user list')."
                )
            )
        user = "lead"  # a new shop without leads yet: the audit log's name for its decisions
    lead_user = lead_for(cli.uow(readonly=True), user)
    if lead_user is not None:
        if lead_user.pin_hash:  # asked here, not given as an option: it would show in ps
            _ask_pin(cli, lead_user)
        user = lead_user.name  # a badge signs in its lead's name
    cli.close()  # the application opens its own connections: this one would sit idle
    from packstation.lead_app import run_lead  # Textual is imported only when the app runs

    run_lead(cli.settings, user=user)


PIN_TRIES = 3  # at the prompt; the store's lockout counts every wrong PIN as well


def _ask_pin(cli: CliContext, lead_user: User) -> None:
    """The lead's PIN, asked again after a mistyped one (one slip closed the application)."""
    from packstation.services.users import try_pin

    for attempt in range(1, PIN_TRIES + 1):
        pin = click.prompt(_("PIN of {name}").format(name=lead_user.name), hide_input=True)
        if try_pin(cli.uow(), lead_user, pin):
            return
        if attempt < PIN_TRIES:
            click.echo(_("Wrong PIN; try again."), err=True)
    raise UserError(
        _("Wrong PIN for {name}; the lead's application did not open.").format(name=lead_user.name)
    )


COMMANDS = [lead]
