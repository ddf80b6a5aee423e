"""``packstation audit``: replay the event log and compare it with the stored state.

Run by the lead or the engineer after an outage, a crash or a busy day with many benches; exit 0
when the log and the tables agree, 1 with one line on stderr when they do not.
"""

from __future__ import annotations

import sys

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.i18n import _, ngettext
from packstation.services.audit import AuditReport, audit


def _describe(check: str) -> str:
    names = {
        "bench_numbering": _("event numbering of each bench"),
        "box_items": _("units in boxes against item scans"),
        "lines": _("lines packed against their boxes and quantities"),
        "weights": _("parcel weights against weight events"),
        "print_jobs": _("print jobs against print events"),
        "orders": _("packed and claimed orders against their events"),
        "tracking_numbers": _("tracking numbers used once"),
        "stock": _("stock of products against their stock-take and the units moved since"),
    }
    return names.get(check, check)


def _print_text(report: AuditReport) -> None:
    events = ngettext("{count} event", "{count} events", report.events)
    benches = ngettext("{count} bench", "{count} benches", report.benches)
    orders = ngettext("{count} order", "{count} orders", report.orders)
    parcels = ngettext("{count} parcel", "{count} parcels", report.parcels)
    jobs = ngettext("{count} print job", "{count} print jobs", report.print_jobs)
    click.echo(
        _("{events} from {benches}; {orders}, {parcels}, {jobs}.").format(
            events=events.format(count=report.events),
            benches=benches.format(count=report.benches),
            orders=orders.format(count=report.orders),
            parcels=parcels.format(count=report.parcels),
            jobs=jobs.format(count=report.print_jobs),
        )
    )
    for check, checked in sorted(report.checked.items()):
        problems = report.problems(check)
        mark = (
            click.style(_("OK"), fg="green")
            if not problems
            else click.style(_("DIFF"), fg="red", bold=True)
        )
        click.echo(
            ngettext(
                "{mark:>4}  {what}: {checked} checked, {problems} difference",
                "{mark:>4}  {what}: {checked} checked, {problems} differences",
                problems,
            ).format(mark=mark, what=_describe(check), checked=checked, problems=problems)
        )
        # each difference under its check (they were all listed after the last check)
        for finding in report.findings:
            if finding.check == check:
                click.echo(f"      {finding.subject}: {finding.problem}")


@click.command(name="audit", help=_("Replay the event log and compare it with the stored state."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def audit_command(cli: CliContext, as_json: bool) -> None:
    report = audit(cli.engine())
    if as_json:
        echo_json(report.as_dict())
    else:
        _print_text(report)
    if not report.ok:
        sys.stdout.flush()  # the report first, whole: piped, its last line was cut by this one
        click.echo(
            ngettext(
                "The event log and the stored state differ in {n} place; keep the benches running and give this report to the engineer.",
                "The event log and the stored state differ in {n} places; keep the benches running and give this report to the engineer.",
                len(report.findings),
            ).format(n=len(report.findings)),
            err=True,
        )
        sys.exit(1)


COMMANDS = [audit_command]
