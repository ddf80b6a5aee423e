"""``packstation stock``: the stock figures, and the changes a lead makes outside packing."""

from __future__ import annotations

import dataclasses

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.i18n import _
from packstation.services import stock as stock_service


@click.group(help=_("Stock figures: list them, add or remove units, count a shelf."))
def stock() -> None:
    pass


@stock.command("show", help=_("The stock of every product, or of the SKUs given."))
@click.argument("skus", nargs=-1, metavar="[SKU]...")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def stock_show(cli: CliContext, skus: tuple[str, ...], as_json: bool) -> None:
    rows = stock_service.figures(cli.uow(readonly=True), skus)
    if as_json:
        echo_json([dataclasses.asdict(row) for row in rows])
        return
    click.echo(_("SKU              location   on hand  name"))
    for row in rows:
        click.echo(f"{row.sku:<16} {row.location:<9} {row.on_hand:>8}  {row.name} {row.spec}")


@stock.command(
    "add",
    context_settings={"ignore_unknown_options": True},  # -2 is a number of units, not an option
    help=_(
        "Units in (positive) or out (negative) outside packing, e.g. a buyer's return or a "
        "damaged unit written off."
    ),
)
@click.argument("sku")
@click.argument("units", type=int)
@click.option("--reason", default="", help=_("Why the stock changes (needed)."))
@pass_cli
def stock_add(cli: CliContext, sku: str, units: int, reason: str) -> None:
    on_hand = stock_service.adjust(cli.uow(), sku=sku, units=units, reason=reason)
    click.echo(
        _("{sku}: {units:+d}, now {on_hand} on hand.").format(sku=sku, units=units, on_hand=on_hand)
    )


@stock.command(
    "count",
    help=_("The shelf was counted: set the SKU's stock to what is there."),
    context_settings={"ignore_unknown_options": True},  # -1 is a count, refused as one
)
@click.argument("sku")
@click.argument("on_hand", type=int, metavar="COUNTED")
@click.option("--reason", default="", help=_("A note for the audit log."))
@pass_cli
def stock_count(cli: CliContext, sku: str, on_hand: int, reason: str) -> None:
    before = stock_service.count(cli.uow(), sku=sku, on_hand=on_hand, reason=reason)
    click.echo(
        _("{sku}: {before} → {on_hand} on hand.").format(sku=sku, before=before, on_hand=on_hand)
    )


COMMANDS = [stock]
