"""``packstation demo``: the demo bench on the embedded SQLite store with simulated devices."""

from __future__ import annotations

import os
from pathlib import Path

import click
import platformdirs

from packstation.commands.context import CliContext, pass_cli
from packstation.i18n import _, listed, ngettext
from packstation.services.demo import prepare_demo


def default_demo_dir() -> Path:
    return Path(platformdirs.user_data_dir("packstation")) / "demo"


@click.command(help=_("Create (or reuse) a demo shop with simulated devices and open the bench."))
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=_("Folder for the demo store, configuration and labels."),
)
@click.option(
    "--orders",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help=_("How many orders to seed."),
)
@click.option(
    "--seed-only",
    is_flag=True,
    help=_("Only create and seed the demo store; do not open the bench."),
)
@pass_cli
def demo(cli: CliContext, folder: Path | None, orders: int, seed_only: bool) -> None:
    if cli.db_url or cli.config_path:
        # the demo writes its own store and configuration: another one given is not used
        raise click.UsageError(
            _(
                "The demo keeps its own store and configuration in its folder; leave out --db "
                "and --config (--dir chooses the folder)."
            )
        )
    folder = folder or default_demo_dir()
    settings, summary = prepare_demo(folder, orders=orders)
    verb = _("Seeded") if summary.seeded_now else _("Reusing")
    products = ngettext("{count} product", "{count} products", summary.products)
    orders_seeded = ngettext("{count} order", "{count} orders", summary.orders)
    users = ngettext("{count} user", "{count} users", summary.users)
    click.echo(
        _("{verb} the demo store in {folder}: {products}, {orders}, {users}.").format(
            verb=verb,
            folder=summary.folder,
            products=products.format(count=summary.products),
            orders=orders_seeded.format(count=summary.orders),
            users=users.format(count=summary.users),
        )
    )
    given = click.get_current_context().get_parameter_source("orders")
    if not summary.seeded_now and given is click.core.ParameterSource.COMMANDLINE:
        # it was kept as it was, without a word
        click.echo(
            _(
                "--orders seeds a new demo store; this one is kept as it is (--dir FOLDER makes "
                "a new one)."
            )
        )
    click.echo(
        _("Labels are written to {labels}; the scale is simulated.").format(labels=summary.labels)
    )
    people = listed(f"{name} ({badge})" for name, badge in summary.people)
    if not people:
        click.echo(
            _(
                "Nobody can sign in: add someone with packstation --config {config} user add."
            ).format(config=summary.config)
        )
    elif summary.lead_pin is not None:
        click.echo(
            _("Sign in as: {people}; the lead's PIN is {pin}.").format(
                people=people, pin=summary.lead_pin
            )
        )
    else:  # changed with packstation user pin, or the lead removed: not printed
        click.echo(_("Sign in as: {people}.").format(people=people))
    click.echo(
        _("No scanner? Type a barcode from {file} and press Enter, as a scanner would.").format(
            file=summary.barcodes
        )
    )
    click.echo(
        _("Other commands on this store: packstation --config {config} …").format(
            config=summary.config
        )
    )
    if os.environ.get("PACKSTATION_DB"):
        # the demo does not use it, and the commands above would (it comes before --config)
        click.echo(
            _(
                "PACKSTATION_DB is set: the demo left it alone, but other commands use it "
                "rather than the demo's store; unset it (or give --db sqlite:///{store}) to "
                "reach the demo's."
            ).format(store=summary.folder / "packstation.db"),
            err=True,
        )
    if seed_only:
        return
    from packstation.app import run_bench  # Textual is imported only when the app runs

    notice = _("DEMO · labels go to {labels} · scale and printer are simulated").format(
        labels=summary.labels
    )
    run_bench(settings, notice=notice)


COMMANDS = [demo]
