"""``packstation export shipments``: the ship-confirm file for the marketplace; ``packstation
export confirm``: its orders confirmed once it is uploaded."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.day_param import DAY
from packstation.errors import UserError
from packstation.i18n import _, ngettext
from packstation.os_problems import check_output
from packstation.services.shipments import ENCODINGS, FORMATS, confirm_file, export_shipments


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
    type=DAY,
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
    help=_(
        "Also move the exported orders to confirmed now (or, once the file is uploaded, "
        "'packstation export confirm FILE')."
    ),
)
@click.option(
    "--again",
    is_flag=True,
    help=_(
        "With --date: the day's confirmed orders too, to write a file again that was lost "
        "after it confirmed them."
    ),
)
@click.option("--force", is_flag=True, help=_("Write over the output file if it exists already."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def export_shipments_cmd(
    cli: CliContext,
    day: dt.date | None,
    fmt: str,
    encoding: str | None,
    output: Path,
    mark_confirmed: bool,
    again: bool,
    force: bool,
    as_json: bool,
) -> None:
    check_output(output)  # '-', a missing folder: said before any order is read
    if output.exists() and not force:
        # a second run wrote an empty file over the one the first had confirmed: those
        # orders' waybills were in no file any more
        raise UserError(
            _(
                "{path} exists already (an earlier export?); write to another file, or give "
                "--force to replace it."
            ).format(path=output)
        )
    result = export_shipments(
        cli.uow(),
        output,
        settings=cli.settings,
        day=day,
        fmt=fmt,
        encoding=encoding,
        mark_confirmed=mark_confirmed,
        again=again,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    _left_out(result.skipped, _("not exported: {order}: {reason}"))
    if not result.written:  # a file of headers alone could be uploaded: none is written
        click.echo(
            _("No file was written: no order could go in it (the reasons are above).")
            if result.skipped
            else _(
                "No order to export: every packed order is confirmed or has no waybill yet; "
                "no file was written."
            ),
            err=True,
        )
        return
    orders = ngettext("{count} order", "{count} orders", result.orders)
    parcels = ngettext("{count} parcel", "{count} parcels", result.parcels)
    click.echo(
        _("{path}: {orders}, {parcels} ({encoding}).").format(
            path=result.path,
            orders=orders.format(count=result.orders),
            parcels=parcels.format(count=result.parcels),
            encoding=result.encoding,
        )
    )
    if mark_confirmed:
        click.echo(
            ngettext(
                "{count} order marked confirmed.",
                "{count} orders marked confirmed.",
                result.confirmed,
            ).format(count=result.confirmed)
        )


@export.command(
    "confirm",
    help=_(
        "After uploading a ship-confirm file: move the orders it lists, and those alone, "
        "to confirmed."
    ),
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def export_confirm_cmd(cli: CliContext, file: Path, as_json: bool) -> None:
    result = confirm_file(cli.uow(), file)
    if as_json:
        echo_json(result.as_dict())
    else:
        _left_out(result.skipped, _("not confirmed: {order}: {reason}"))
        click.echo(
            ngettext(
                "{path}: {confirmed} order marked confirmed ({already} already confirmed).",
                "{path}: {confirmed} orders marked confirmed ({already} already confirmed).",
                result.confirmed,
            ).format(path=result.path, confirmed=result.confirmed, already=result.already)
        )
    if result.skipped:
        sys.exit(1)  # a script must see that rows of the file were left out


def _left_out(skipped: list[dict[str, str]], sentence: str) -> None:
    """One line on stderr for each order the command left out, and why."""
    for row in skipped:
        click.echo(sentence.format(order=row["order_no"], reason=row["message"]), err=True)


COMMANDS = [export]
