"""``packstation db``: schema migrations."""

from __future__ import annotations

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.errors import StoreError
from packstation.i18n import _, ngettext
from packstation.store.bench_name import benches_running
from packstation.store.engine import store_label
from packstation.store.migrate import current_revision, head_revision, upgrade


@click.group(help=_("The store's schema."))
def db() -> None:
    pass


@db.command(
    "upgrade", help=_("Bring the store (SQLite file or PostgreSQL database) to the current schema.")
)
@click.option(
    "--force",
    is_flag=True,
    help=_("Upgrade even while benches run on the store (they go on with the old schema)."),
)
@pass_cli
def db_upgrade(cli: CliContext, force: bool) -> None:
    engine = cli.engine(check_schema=False)
    if not force and current_revision(engine) != head_revision():
        running = benches_running(engine)
        if running:
            raise StoreError(
                ngettext(
                    "{count} bench is running on this store; stop it before the upgrade "
                    "(it would go on with the old schema), then run it again, or add --force.",
                    "{count} benches are running on this store; stop them before the upgrade "
                    "(they would go on with the old schema), then run it again, or add --force.",
                    running,
                ).format(count=running)
            )
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
