"""``packstation db``: schema migrations."""

from __future__ import annotations

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.i18n import _
from packstation.store.engine import store_label
from packstation.store.migrate import upgrade


@click.group(help=_("The store's schema."))
def db() -> None:
    pass


@db.command(
    "upgrade", help=_("Bring the store (SQLite file or PostgreSQL database) to the current schema.")
)
@pass_cli
def db_upgrade(cli: CliContext) -> None:
    engine = cli.engine(check_schema=False)
    before, after = upgrade(engine)
    label = store_label(cli.settings.store.url)
    if before == after:
        click.echo(_("{url} is already at schema {rev}.").format(url=label, rev=after))
    else:
        click.echo(
            _("{url} upgraded from {before} to {after}.").format(
                url=label, before=before or _("empty"), after=after
            )
        )


COMMANDS = [db]
