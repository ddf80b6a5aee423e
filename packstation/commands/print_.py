"""``packstation print batch``: print first, pick after — waybills, slips and a pick list."""

from __future__ import annotations

import datetime as dt

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.day_param import DAY
from packstation.commands.label import report
from packstation.commands.printer import printer_json
from packstation.errors import NothingToDo, UserError
from packstation.i18n import _, ngettext
from packstation.services.batch import print_batch, reprint_batch
from packstation.services.carriers import known_carrier
from packstation.services.documents import local_now


@click.group("print", help=_("Print documents for many orders at once."))
def print_group() -> None:
    pass


@print_group.command(
    "batch",
    help=_(
        "Print a waybill and a packing slip for each ready order, with a pick list on top; "
        "scanning a waybill at the bench then opens its order."
    ),
)
@click.option(
    "--due",
    type=DAY,
    help=_("Orders due on or before this date (default: today)."),
)
@click.option("--carrier", metavar="CODE", help=_("Only orders for this carrier."))
@click.option("--limit", type=click.IntRange(min=1), help=_("At most this many orders."))
@click.option(
    "--reprint", "again", metavar="BATCH", help=_("Print a batch again (needs --reason).")
)
@click.option("--reason", default="", help=_("Why the batch is printed again."))
@click.option("--queue-only", is_flag=True, help=_("Queue the jobs for the bench's sender."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def batch(
    cli: CliContext,
    due: dt.date | None,
    carrier: str | None,
    limit: int | None,
    again: str | None,
    reason: str,
    queue_only: bool,
    as_json: bool,
) -> None:
    if reason.strip() and not again:
        # a forgotten --reprint printed every due order again
        raise UserError(
            _(
                "--reason goes with --reprint BATCH; without --reprint every due order is "
                "printed: add --reprint, or leave --reason out."
            )
        )
    if again and (due or carrier or limit):
        # the whole batch was printed again, the filters left out without a word
        raise UserError(
            _(
                "--reprint prints the whole batch again; --due, --carrier and --limit choose "
                "the orders of a new batch: leave them out."
            )
        )
    if again:
        result = reprint_batch(cli.uow(), batch=again, reason=reason)
    else:
        day = due or local_now(cli.settings).date()
        code = known_carrier(cli.settings, carrier) if carrier else None
        try:
            result = print_batch(cli.uow(), cli.settings, due=day, carrier=code, limit=limit)
        except NothingToDo:
            if as_json:  # the answer a script reads, with nothing in it
                echo_json(
                    {
                        "batch": None,
                        "orders": [],
                        "jobs": [],
                        "sent": 0,
                        "printer": printer_json(None),
                    }
                )
            raise
    if not as_json:
        click.echo(
            ngettext(
                "Batch {batch}: {count} order.",
                "Batch {batch}: {count} orders.",
                len(result.order_nos),
            ).format(batch=result.batch, count=len(result.order_nos))
        )
    report(
        cli,
        list(result.jobs),
        queue_only,
        as_json,
        batch=result.batch,
        orders=list(result.order_nos),
    )


COMMANDS = [print_group]
