"""``packstation lead``: the shift lead's application."""

from __future__ import annotations

import sys
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
        pin = _read_pin(_("PIN of {name}").format(name=lead_user.name))
        if try_pin(cli.uow(), lead_user, pin):
            return
        if attempt < PIN_TRIES:
            click.echo(_("Wrong PIN; try again."), err=True)
    raise UserError(
        _("Wrong PIN for {name}; the lead's application did not open.").format(name=lead_user.name)
    )


def _read_pin(question: str) -> str:
    """The PIN typed at the terminal, not shown.  Keys typed before the question showed (the
    PIN typed right after the command, while the store was opened) are read as the answer:
    click's prompt threw them away when it turned the echo off, and the PIN's last digits,
    typed after that, were a wrong PIN that counted towards the lockout."""
    try:
        import termios
    except ImportError:  # Windows: click's prompt
        termios = None  # type: ignore[assignment]
    if termios is None or not sys.stdin.isatty():
        return str(click.prompt(question, hide_input=True))
    fd = sys.stdin.fileno()
    before = termios.tcgetattr(fd)
    quiet = [*before[:3], before[3] & ~termios.ECHO, *before[4:]]
    try:
        while True:
            termios.tcsetattr(fd, termios.TCSANOW, quiet)  # TCSAFLUSH dropped what was typed
            click.echo(f"{question}: ", nl=False, err=True)
            line = sys.stdin.readline()
            click.echo(err=True)
            if not line:
                raise click.Abort
            if line.strip():
                return line.rstrip("\r\n")
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, before)


COMMANDS = [lead]
