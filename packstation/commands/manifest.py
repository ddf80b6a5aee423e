"""``packstation manifest``: hand a carrier's waiting parcels over and print or save the list."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.day_param import DAY
from packstation.commands.label import deliver
from packstation.commands.printer import printer_json
from packstation.config import Settings
from packstation.devices.base import PrinterState
from packstation.errors import UserError
from packstation.i18n import _, listed, ngettext, sentences
from packstation.labels.content import kilograms
from packstation.os_problems import check_output, write_output
from packstation.services.carriers import known_carrier
from packstation.services.handover import (
    Manifest,
    Runner,
    day_manifest,
    handover_manifest,
    kept_out_sentence,
    manifest_csv,
    print_list_again,
    seal_all_waiting,
    waiting_parcels,
)
from packstation.services.queue import today
from packstation.services.retry import AlreadyApplied, lost_mid_command, run_action
from packstation.store.uow import UnitOfWork

T = TypeVar("T")

# A list sent to its printer now: how many jobs went (0 or 1) and the printer's state.
Delivered = tuple[int, PrinterState]

# How long one step of the command retries a lost store (a server restart) before it gives up.
RETRY_S = 30.0


def _as_json(
    manifest: Manifest,
    sealed_now: int,
    print_job: int | None,
    delivered: Delivered | None,
    kept_out: Sequence[str] = (),
    unprinted: Sequence[str] = (),
) -> dict[str, object]:
    return {
        "carrier": manifest.carrier,
        "date": manifest.date.isoformat(),
        "handovers": manifest.handover_ids,
        "sealed_now": sealed_now,
        "print_job": print_job,
        # as print batch --json says it; not_asked when the list was not sent (none printed,
        # or --queue-only)
        "printer": printer_json(delivered[1] if delivered is not None else None),
        "count": manifest.count,
        "total_weight_g": manifest.total_weight_g,
        "parcels": [
            {"tracking_no": line.tracking_no, "order_no": line.order_no, "weight_g": line.weight_g}
            for line in manifest.lines
        ],
        # taken out at the seal (a voided label, an order cancelled or on hold): not to go
        "kept_out": list(kept_out),
        # packed, their labels still in the print queue: they stay for a later handover
        "waiting_for_label": list(unprinted),
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
    help=_(
        "The list of that day as it was sealed; nothing is sealed (without it: today's waiting "
        "parcels are sealed, then listed)."
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write the CSV list to this file (default, or -: standard output)."),
)
@click.option("--print", "print_list", is_flag=True, help=_("Queue the printed list."))
@click.option(
    "--reprint",
    "again",
    type=click.IntRange(min=1, max=2**31 - 1),
    metavar="HANDOVER",
    help=_("Print a sealed handover's list again (the number the list shows after Handover:)."),
)
@click.option(
    "--queue-only", is_flag=True, help=_("Queue the list for the bench's sender; do not send it.")
)
@click.option("--force", is_flag=True, help=_("Write over the output file if it exists already."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def manifest(
    cli: CliContext,
    carrier: str,
    day: dt.date | None,
    output: Path | None,
    print_list: bool,
    again: int | None,
    queue_only: bool,
    force: bool,
    as_json: bool,
) -> None:
    settings = cli.settings
    if again is not None and day is not None:
        raise click.UsageError(_("--reprint prints one sealed handover's list; leave out --date."))
    if print_list and day is not None:
        # a list prints when its parcels are sealed, and a day asked for seals none
        raise click.UsageError(
            _(
                "--print prints the list of the parcels sealed now, and with --date none are; "
                "--reprint HANDOVER prints a sealed list again."
            )
        )
    if queue_only and not print_list and again is None:
        # it sealed the parcels, queued nothing and said nothing of the list
        raise click.UsageError(_("--queue-only goes with --print or --reprint."))
    # a day asked for is a list to look at: the parcels waiting today are sealed only without it
    # (with today's date, the waiting parcels were sealed too, and the command read as a look)
    seal = day is None
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

    if output is not None and str(output) == "-":
        output = None  # standard output, as without -o
    if output is not None:
        check_output(output)  # before the parcels are handed over, not after
        if output.exists() and not force:
            # another courier's list, or another day's, was replaced without a word
            raise UserError(
                _(
                    "{path} exists already (an earlier list?); write to another file, or give "
                    "--force to replace it."
                ).format(path=output)
            )
    # a list queued here was sent only when another command happened to send the queue
    send = partial(_send, cli) if not queue_only else None
    if again is not None:
        _print_again(run, again, code, settings, output, as_json, send)
        return
    sealed = None
    if seal:
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
    unprinted = _unprinted(run, code) if seal else ()
    job = sealed.print_job_id if sealed else None
    delivered = send(job) if send is not None and job is not None else None
    refused = _refusal(delivered)
    sealed_now = sealed.manifest.count if sealed else 0
    kept_out = sealed.kept_out if sealed is not None else ()
    try:
        answer = (
            _as_json(listed, sealed_now, job, delivered, kept_out, unprinted) if as_json else None
        )
        if _put_out(listed, output, answer):
            _say_left(kept_out, unprinted, code)
            _fail_if_refused(refused)
            return
    except UserError as refused_file:
        if not sealed_now:
            raise
        # a disk full after the check: what was done is said, and how to get the list again
        raise UserError(
            sentences(
                str(refused_file),
                _(
                    "The parcels were handed over all the same; write the list with "
                    "'packstation manifest --carrier {carrier} --date {date} -o FILE'."
                ).format(carrier=code, date=day.isoformat()),
            )
        ) from None
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
    _say_left(kept_out, unprinted, code)
    if job is not None:
        if send is None:
            said = _("The list is queued for printing (job {job}).")
        elif refused is None:
            said = _("The list was sent to the printer (job {job}).")
        else:
            said = _(
                "The list is queued (job {job}), but the printer did not take it ({message}); "
                "a bench sends it once the printer is ready."
            )
        click.echo(said.format(job=job, message=refused), err=output is None)
        _fail_if_refused(refused)
    elif print_list:  # a list prints with its handover: none was sealed now
        click.echo(
            _(
                "No list was printed: no parcel was waiting to be handed over, and a list prints "
                "when its parcels are sealed. --reprint HANDOVER prints a sealed list again."
            ),
            err=True,
        )


def _unprinted(run: Runner, code: str) -> tuple[str, ...]:
    """The carrier's parcels packed and left here because their label has not printed."""
    waiting = run(partial(waiting_parcels, carrier=code, limit=100_000), readonly=True)
    return tuple(p.tracking_no for p in waiting if p.label_waits and p.handover_id is None)


def _say_left(kept_out: Sequence[str], unprinted: Sequence[str], code: str) -> None:
    """The parcels that did not go with the courier, on standard error."""
    if kept_out:
        click.echo(kept_out_sentence(kept_out), err=True)
    if unprinted:
        click.echo(
            ngettext(
                "{count} parcel waits for its label to print ({codes}) and stays packed for the "
                "next handover: once the printer is ready a bench prints it, or packstation "
                "label TRACKING_NO does; put the label on, then run packstation manifest "
                "--carrier {carrier} again.",
                "{count} parcels wait for their labels to print ({codes}) and stay packed for "
                "the next handover: once the printer is ready a bench prints them, or "
                "packstation label TRACKING_NO does; put each label on its box, then run "
                "packstation manifest --carrier {carrier} again.",
                len(unprinted),
            ).format(count=len(unprinted), codes=listed(unprinted), carrier=code),
            err=True,
        )


def _fail_if_refused(refused: str | None) -> None:
    """Exit 1 when the printer did not take the list, as ``label`` and ``print batch`` do (the
    parcels stay handed over; the list waits in the queue)."""
    if refused:
        sys.exit(1)


def _put_out(listed: Manifest, output: Path | None, answer: dict[str, object] | None) -> bool:
    """The list's CSV to ``output`` (or standard output), or the JSON ``answer`` when asked for
    (the CSV still goes to ``output``); True when the JSON answered."""
    text = manifest_csv(listed)
    if output is not None:
        write_output(output, text)
    if answer is not None:
        echo_json(answer)
        return True
    if output is None:
        sys.stdout.write(text)
    return False


def _send(cli: CliContext, job: int) -> Delivered:
    """The queued list sent to its printer now."""
    return deliver(cli, [job])


def _refusal(delivered: Delivered | None) -> str | None:
    """None when the list went, else the printer's word ("" when it was not sent)."""
    if delivered is None:
        return ""
    sent, state = delivered
    return None if sent else state.message or _("printer not ready")


def _print_again(
    run: Runner,
    handover_id: int,
    code: str,
    settings: Settings,
    output: Path | None,
    as_json: bool,
    send: Callable[[int], Delivered] | None,
) -> None:
    """``--reprint``: the sealed handover's list queued again, its CSV written as the day's is."""
    try:
        again = run(
            partial(print_list_again, handover_id=handover_id, settings=settings, carrier=code)
        )
        listed, job = again.manifest, again.print_job_id
    except AlreadyApplied:  # queued before the store's answer was lost: not queued twice
        listed = run(partial(handover_manifest, handover_id=handover_id), readonly=True)
        job = None
    # sent before the JSON answers (with --json it was queued, and never sent)
    delivered = send(job) if send is not None and job is not None else None
    if _put_out(listed, output, _as_json(listed, 0, job, delivered) if as_json else None):
        _fail_if_refused(_refusal(delivered))
        return
    what = ngettext(
        "Handover {id} ({carrier} {date}, {count} parcel, {weight})",
        "Handover {id} ({carrier} {date}, {count} parcels, {weight})",
        listed.count,
    ).format(
        id=handover_id,
        carrier=listed.carrier,
        date=listed.date.isoformat(),
        count=listed.count,
        weight=kilograms(listed.total_weight_g),
    )
    refused = _refusal(delivered)
    if job is None:
        done = _("{handover}: the list was queued again before the store's answer was lost.")
    elif send is None:
        done = _("{handover}: the list is queued for printing again (job {job}).")
    elif refused is None:
        done = _("{handover}: the list was sent to the printer again (job {job}).")
    else:
        done = _(
            "{handover}: the list is queued again (job {job}), but the printer did not take it "
            "({message}); a bench sends it once the printer is ready."
        )
    click.echo(done.format(handover=what, job=job, message=refused), err=output is None)
    _fail_if_refused(refused)


COMMANDS = [manifest]
