"""``packstation manifest``: hand a carrier's waiting parcels over and print or save the list."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.day_param import DAY
from packstation.i18n import _, ngettext
from packstation.os_problems import check_output, write_output
from packstation.services.carriers import known_carrier
from packstation.services.handover import (
    Manifest,
    day_manifest,
    kept_out_sentence,
    manifest_csv,
    seal_all_waiting,
)
from packstation.services.manifest_print import kilograms
from packstation.services.queue import today
from packstation.services.retry import lost_mid_command, run_action
from packstation.store.uow import UnitOfWork

T = TypeVar("T")

# How long one step of the command retries a lost store (a server restart) before it gives up.
RETRY_S = 30.0


def _as_json(manifest: Manifest, sealed_now: int, print_job: int | None) -> dict[str, object]:
    return {
        "carrier": manifest.carrier,
        "date": manifest.date.isoformat(),
        "handovers": manifest.handover_ids,
        "sealed_now": sealed_now,
        "print_job": print_job,
        "count": manifest.count,
        "total_weight_g": manifest.total_weight_g,
        "parcels": [
            {"tracking_no": line.tracking_no, "order_no": line.order_no, "weight_g": line.weight_g}
            for line in manifest.lines
        ],
    }


@click.command(
    help=_(
        "Hand the carrier's packed parcels over: seal them into a pickup handover, then write "
        "the day's list (CSV) and print it."
    )
)
@click.option("--carrier", required=True, metavar="CODE", help=_("The carrier, e.g. YTO."))
@click.option(
    "--date",
    "day",
    type=DAY,
    help=_("The day of the list (default today); only today's waiting parcels are sealed."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write the CSV list to this file (default: standard output)."),
)
@click.option("--print", "print_list", is_flag=True, help=_("Queue the printed list."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def manifest(
    cli: CliContext,
    carrier: str,
    day: dt.date | None,
    output: Path | None,
    print_list: bool,
    as_json: bool,
) -> None:
    settings = cli.settings
    day = day or today(settings)
    code = known_carrier(settings, carrier)
    engine = cli.engine()

    told: list[bool] = []

    def retrying(state: str) -> None:
        if state == "unreachable" and not told:
            told.append(True)
            click.echo(
                _("The store is unreachable; trying again for {seconds} s…").format(
                    seconds=int(RETRY_S)
                ),
                err=True,
            )

    def run(action: Callable[[UnitOfWork], T], *, readonly: bool = False) -> T:
        """One step, as one action: a lost store is retried, and a step that did commit is
        not done again."""
        return run_action(
            engine,
            action,
            bench=settings.bench.name,
            user="cli",
            deadline_s=RETRY_S,
            on_state=retrying,
            gave_up=lost_mid_command,
            readonly=readonly,
        )

    if output is not None:
        check_output(output)  # before the parcels are handed over, not after
    sealed = None
    if day == today(settings):
        # the CSV goes where -o says (or to standard output), not to the screen's folder
        sealed = seal_all_waiting(
            run,
            carrier=code,
            day=day,
            settings=settings,
            print_list=print_list,
            csv_file=None,
            save_csv=False,
        )
    listed = run(lambda uow: day_manifest(uow, carrier=code, day=day), readonly=True)
    text = manifest_csv(listed)
    if output is not None:
        write_output(output, text)
    job = sealed.print_job_id if sealed else None
    if as_json:
        echo_json(_as_json(listed, sealed.manifest.count if sealed else 0, job))
        return
    if output is None:
        sys.stdout.write(text)
    message = ngettext(
        "{carrier} {date}: {count} parcel, {weight}; {sealed} handed over now.",
        "{carrier} {date}: {count} parcels, {weight}; {sealed} handed over now.",
        listed.count,
    ).format(
        carrier=code,
        date=day.isoformat(),
        count=listed.count,
        weight=kilograms(listed.total_weight_g),
        sealed=sealed.manifest.count if sealed else 0,
    )
    click.echo(message, err=output is None)
    if sealed is not None and sealed.kept_out:
        click.echo(kept_out_sentence(sealed.kept_out), err=True)
    if job is not None:
        click.echo(
            _("The list is queued for printing (job {job}).").format(job=job), err=output is None
        )
    elif print_list:  # a list prints with its handover: none was sealed now
        click.echo(
            _(
                "No list was printed: no parcel was waiting to be handed over, and a list prints "
                "when its parcels are sealed."
            ),
            err=True,
        )


COMMANDS = [manifest]
