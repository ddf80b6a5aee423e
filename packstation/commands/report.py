"""``packstation report``: the day's reconciliation and the shortages for purchasing."""

from __future__ import annotations

import datetime as dt

import click
from rich.cells import cell_len

from packstation.commands.context import CliContext, echo_json, fill, pass_cli
from packstation.commands.day_param import DAY
from packstation.i18n import _, listed, ngettext
from packstation.services.reports import day_report, shortages, today
from packstation.services.status_names import status_label


@click.group(help=_("Reports for the shift lead and purchasing."))
def report() -> None:
    pass


@report.command(
    "day", help=_("The day's counts by status and the unshipped orders without a reason.")
)
@click.option(
    "--date",
    "day",
    type=DAY,
    help=_("The due date to report (default: today)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def report_day(cli: CliContext, day: dt.date | None, as_json: bool) -> None:
    date = day or today(cli.settings)
    data = day_report(cli.uow(readonly=True), day=date, settings=cli.settings)
    if as_json:
        echo_json(data)
        return
    click.echo(_("Orders due on {date}: {due}").format(date=data["date"], due=data["due"]))
    labels = {status: status_label(status) for status in data["counts"]}
    width = max([14, *(cell_len(label) for label in labels.values())])  # the longest, in cells
    for status, number in data["counts"].items():
        click.echo(f"  {fill(labels[status], width)} {number:>6}")
    if data["carried_over"]:
        click.echo(
            _("Due on earlier days, not out yet: {count}").format(count=data["carried_over"])
        )
    missing = data["unshipped_without_reason"]
    if missing:
        click.echo(
            ngettext(
                "{count} order is due, not shipped and has no reason:",
                "{count} orders are due, not shipped and have no reason:",
                len(missing),
            ).format(count=len(missing))
        )
        for order_no in missing:
            click.echo(f"  {order_no}")
    else:
        click.echo(_("Every due order is shipped or has a reason."))
    if data["by_packer"]:
        click.echo(_("Packed by:"))
        for p in data["by_packer"]:
            orders = ngettext("{count} order", "{count} orders", p["orders"])
            units = ngettext("{count} unit", "{count} units", p["units"])
            click.echo(
                _("  {user}: {orders}, {units}").format(
                    user=p["user"] or "-",
                    orders=orders.format(count=p["orders"]),
                    units=units.format(count=p["units"]),
                )
            )


@report.command(
    "shortages", help=_("What purchasing must buy for the orders due today and overdue.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def report_shortages(cli: CliContext, as_json: bool) -> None:
    rows = shortages(cli.uow(readonly=True), settings=cli.settings)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(_("No shortages: the stock covers every due order."))
        return
    click.echo(_("SKU              location  needed  on hand  short  to buy  name"))
    for r in rows:
        click.echo(
            f"{r['sku']:<16} {r['location']:<9} {r['needed']:>6}  {r['on_hand']:>7}  "
            f"{r['reported_short'] or '':>5}  {r['to_buy']:>6}  {r['name']} {r['spec']}"
        )
        if r["orders"]:
            click.echo("  " + _waiting(r["orders"]))
    if any(r["reported_short"] for r in rows):
        click.echo(_("short: units packers found missing at a bench (open short exceptions)."))


# order numbers named under a SKU; --json lists every one
WAITING_SHOWN = 8


def _waiting(orders: list[str]) -> str:
    """The orders waiting for a SKU, the first few by number and how many more."""
    shown = listed(orders[:WAITING_SHOWN])
    more = len(orders) - WAITING_SHOWN
    if more > 0:
        shown = _("{orders} and {count} more").format(orders=shown, count=more)
    return ngettext(
        "{count} order waiting: {orders}", "{count} orders waiting: {orders}", len(orders)
    ).format(count=len(orders), orders=shown)


COMMANDS = [report]
