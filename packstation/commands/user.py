"""``packstation user``: the people who sign in at the benches."""

from __future__ import annotations

import click
from rich.cells import cell_len

from packstation.commands.context import CliContext, echo_json, fill, pass_cli
from packstation.i18n import _
from packstation.services.status_names import role_label
from packstation.services.users import (
    add_user,
    check_active,
    find_user,
    list_users,
    remove_user,
    set_pin,
)


@click.group(help=_("Packers and leads."))
def user() -> None:
    pass


@user.command("add", help=_("Add a packer or a lead (a lead needs a PIN for overrides)."))
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["packer", "lead"]),
    default="packer",
    show_default=True,
    help=_("What the user may do."),
)
@click.option("--badge", metavar="CODE", help=_("The badge barcode the user scans to sign in."))
@click.option("--pin", is_flag=True, help=_("Ask for a PIN (required for leads)."))
@pass_cli
def user_add(cli: CliContext, name: str, role: str, badge: str | None, pin: bool) -> None:
    pin_text = click.prompt(_("PIN"), hide_input=True, confirmation_prompt=True) if pin else None
    added = add_user(cli.uow(), name=name, role=role, badge=badge, pin=pin_text)
    click.echo(_("Added {role} {name}.").format(role=role_label(added.role), name=added.name))


@user.command(
    "remove",
    help=_(
        "Remove a user who left: their badge and name no longer sign in, and their work stays "
        "in the history ('user add' brings them back)."
    ),
)
@click.argument("name")
@pass_cli
def user_remove(cli: CliContext, name: str) -> None:
    leaving = find_user(cli.uow(readonly=True), name)
    badge = leaving.badge if leaving is not None else None
    removed = remove_user(cli.uow(), name=name)
    if badge:
        click.echo(
            _("Removed {name}; their badge {badge} is free.").format(name=removed.name, badge=badge)
        )
    else:  # "their badge is free" of a user who had none
        click.echo(_("Removed {name}.").format(name=removed.name))


@user.command(
    "pin", help=_("Set a new PIN for a user (a lead's overrides); the old one stops working.")
)
@click.argument("name")
@pass_cli
def user_pin(cli: CliContext, name: str) -> None:
    check_active(cli.uow(readonly=True), name)  # before the PIN is typed twice for nobody
    pin = click.prompt(_("PIN"), hide_input=True, confirmation_prompt=True)
    changed = set_pin(cli.uow(), name=name, pin=pin)
    click.echo(_("New PIN set for {name}.").format(name=changed.name))


@user.command("list", help=_("List the active users."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def user_list(cli: CliContext, as_json: bool) -> None:
    users = list_users(cli.uow(readonly=True))
    if as_json:
        echo_json([{"name": u.name, "role": u.role, "badge": u.badge} for u in users])
        return
    if not users:
        click.echo(_("No users yet; add one with 'packstation user add NAME'."))
        return
    rows = [(_("name"), _("role"), _("badge"))]
    rows += [(u.name, role_label(u.role), u.badge or "-") for u in users]
    widths = [max(cell_len(row[col]) for row in rows) for col in range(2)]
    for name, role, badge in rows:
        click.echo(f"{fill(name, widths[0])}  {fill(role, widths[1])}  {badge}")


COMMANDS = [user]
