"""``packstation export shipments``: the ship-confirm file for the marketplace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.i18n import _
from packstation.services.shipments import ENCODINGS, FORMATS, export_shipments


@click.group(help=_("Export files for the marketplace."))
def export() -> None:
    pass


@export.command(
    "shipments",
    help=_(
        "Write order number, courier and tracking number(s) of the packed or handed-over "
        "orders not yet confirmed, for the marketplace's batch-ship upload."
    ),
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help=_("Only the orders packed on this day (default: all not yet confirmed)."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="taobao",
    show_default=True,
    help=_("taobao: the seller centre's upload; generic: one row per parcel."),
)
@click.option(
    "--encoding",
    type=click.Choice(list(ENCODINGS)),
    help=_("gbk for Excel in China (taobao default), utf-8-sig (generic default) or utf-8."),
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help=_("The file to write."),
)
@click.option(
    "--mark-confirmed",
    is_flag=True,
    help=_("Also move the exported orders to confirmed (after uploading the file)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def export_shipments_cmd(
    cli: CliContext,
    day: dt.datetime | None,
    fmt: str,
    encoding: str | None,
    output: Path,
    mark_confirmed: bool,
    as_json: bool,
) -> None:
    result = export_shipments(
        cli.uow(),
        output,
        settings=cli.settings,
        day=day.date() if day else None,
        fmt=fmt,
        encoding=encoding,
        mark_confirmed=mark_confirmed,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    for skipped in result.skipped:
        click.echo(
            _("not exported: {order}: {reason}").format(
                order=skipped["order_no"], reason=skipped["reason"]
            ),
            err=True,
        )
    click.echo(
        _("{path}: {orders} orders, {parcels} parcels ({encoding}).").format(
            path=result.path, orders=result.orders, parcels=result.parcels, encoding=result.encoding
        )
    )
    if mark_confirmed:
        click.echo(_("{count} orders marked confirmed.").format(count=result.confirmed))


COMMANDS = [export]
