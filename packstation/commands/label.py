"""``packstation label``: print, reprint, void or preview an order's courier label."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlmodel import col, select

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.printer import printer_json
from packstation.devices.base import PrinterState
from packstation.domain.status import OrderStatus, ParcelStatus, PrintStatus
from packstation.domain.tracking import normalise
from packstation.errors import UserError
from packstation.i18n import _, as_read, listed, ngettext
from packstation.os_problems import check_output, write_output
from packstation.services import printing, tracking
from packstation.services.batch import has_label, queue_order_documents
from packstation.services.claims import lock_order
from packstation.services.lead import labelled_parcels
from packstation.services.reprints import void_label, voided_sentence
from packstation.services.tracking import find_order_id_by_tracking
from packstation.store.models import Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork


def resolve_order(uow: UnitOfWork, text: str) -> Order:
    """An order by its number or by a tracking number (in transaction)."""
    found = uow.session.exec(
        select(Order).where(Order.order_no == text.strip()).order_by(col(Order.id))
    ).first()
    if found is None:
        order_id = find_order_id_by_tracking(uow, text)
        found = uow.session.get(Order, order_id) if order_id is not None else None
    if found is None:
        raise UserError(
            _("No order or tracking number {text} is known; check the number.").format(text=text)
        )
    return found


def _parcel(uow: UnitOfWork, order: Order, asked: str, seq: int) -> Parcel | None:
    """The parcel whose tracking number was given; otherwise the order's ``seq``-th parcel, as
    its label counts them (件 n/m: void boxes left out)."""
    assert order.id is not None
    number = normalise(asked)
    named = (
        uow.session.exec(
            select(Parcel)
            .where(Parcel.order_id == order.id, Parcel.tracking_no == number)
            .order_by(col(Parcel.seq))
        ).first()
        if number
        else None
    )
    return named or printing.going_parcel(uow, order.id, seq)


def _may_print(order: Order) -> None:
    """A first label (a new waybill) only for an order that may leave: one on hold waits for
    the lead (its address or items may have changed), a cancelled one gets none."""
    if order.status == OrderStatus.ON_HOLD:
        raise UserError(
            _(
                "Order {order} is on hold ({reason}); a lead releases it first, then its label "
                "prints."
            ).format(
                order=order.order_no, reason=as_read(order.hold_reason) or _("no reason given")
            )
        )
    if order.status == OrderStatus.CANCELLED:
        raise UserError(
            _("Order {order} was cancelled; it gets no label.").format(order=order.order_no)
        )


def deliver(cli: CliContext, job_ids: list[int]) -> tuple[int, PrinterState]:
    """Send what is queued now; returns how many of ``job_ids`` went out and the printer's
    state."""
    sender = printing.OutboxSender(cli.engine(), cli.settings)
    try:
        sender.run_once()
        state = sender.state()
    finally:
        sender.stop()
    with cli.uow(readonly=True) as uow:
        sent = [
            j
            for j in uow.session.exec(select(PrintJob).where(col(PrintJob.id).in_(job_ids)))
            if j.status == PrintStatus.SENT
        ]
    return len(sent), state


def _printers_elsewhere(cli: CliContext, job_ids: list[int]) -> list[str]:
    """The printers the unsent jobs wait for that this machine's configuration does not name."""
    here = set(printing.OutboxSender(cli.engine(), cli.settings).printers())
    with cli.uow(readonly=True) as uow:
        waiting = uow.session.exec(
            select(PrintJob.printer).where(
                col(PrintJob.id).in_(job_ids), PrintJob.status != PrintStatus.SENT
            )
        ).all()
    return sorted(set(waiting) - here)


def report(
    cli: CliContext, jobs: list[int], queue_only: bool, as_json: bool, **extra: object
) -> None:
    """What went to the printer; exits 1 (the jobs queued) when some did not: a script that
    prints a label must see that none came out."""
    sent, state = (0, None) if queue_only else deliver(cli, jobs)
    message = state.message if state is not None else ""
    if as_json:
        # "printer" is the printer's state (a word for scripts and a sentence for people; it
        # was either); "sent" against "jobs" says whether everything went
        echo_json({**extra, "jobs": jobs, "sent": sent, "printer": printer_json(state)})
        if not queue_only and sent < len(jobs):
            sys.exit(1)
        return
    if queue_only:
        click.echo(
            ngettext("{count} print job queued.", "{count} print jobs queued.", len(jobs)).format(
                count=len(jobs)
            )
        )
    elif sent == len(jobs):
        click.echo(
            ngettext(
                "{count} print job sent to the printer.",
                "{count} print jobs sent to the printer.",
                sent,
            ).format(count=sent)
        )
    elif elsewhere := _printers_elsewhere(cli, jobs):
        # a reprint goes to the printer of the label it copies, which may be another machine's
        raise UserError(
            ngettext(
                "{sent} of {count} print job sent; the rest wait in the queue for {printers}, "
                "which this machine does not print to: a bench that prints there sends them.",
                "{sent} of {count} print jobs sent; the rest wait in the queue for {printers}, "
                "which this machine does not print to: a bench that prints there sends them.",
                len(jobs),
            ).format(sent=sent, count=len(jobs), printers=listed(elsewhere))
        )
    else:
        raise UserError(
            ngettext(
                "{sent} of {count} print job sent; the rest wait in the queue ({message}) "
                "and go out from a bench, or with the next label printed here, once the printer "
                "is ready.",
                "{sent} of {count} print jobs sent; the rest wait in the queue ({message}) "
                "and go out from a bench, or with the next label printed here, once the printer "
                "is ready.",
                len(jobs),
            ).format(sent=sent, count=len(jobs), message=message or _("printer not ready"))
        )


@click.command("label", help=_("Print, reprint, void or preview an order's courier label."))
@click.argument("order")
@click.option(
    "--parcel",
    "seq",
    type=click.IntRange(min=1, max=999),
    default=1,
    show_default=True,
    help=_(
        "Parcel number, as the label counts (件 n/m); a tracking number given as ORDER names its parcel."
    ),
)
@click.option("--reprint", is_flag=True, help=_("Print the stored label again (needs --reason)."))
@click.option("--void", "void", is_flag=True, help=_("Void the parcel's label (needs --reason)."))
@click.option("--reason", default="", help=_("Why the label is reprinted or voided."))
@click.option(
    "--preview",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write what would print to a PNG file; nothing is printed."),
)
@click.option("--queue-only", is_flag=True, help=_("Queue the jobs for the bench's sender."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def label(
    cli: CliContext,
    order: str,
    seq: int,
    reprint: bool,
    void: bool,
    reason: str,
    preview: Path | None,
    queue_only: bool,
    as_json: bool,
) -> None:
    settings = cli.settings
    if preview is not None and (reprint or void):
        # the preview was written and the label neither reprinted nor voided, exit 0
        raise UserError(
            _("--preview prints nothing and changes nothing; give it without --reprint or --void.")
        )
    if reason.strip() and not (reprint or void):
        # a new label was printed and the reason dropped
        raise UserError(
            _(
                "--reason goes with --reprint or --void; without them a new label is printed: "
                "add one, or leave --reason out."
            )
        )
    if preview is not None:
        check_output(preview)
        if preview.suffix.lower() != ".png":  # a PNG was written under a .txt or .zpl name
            raise UserError(_("The preview is a PNG picture: give a file name ending in .png."))
        with cli.uow(readonly=True) as uow:
            found = resolve_order(uow, order)
            assert found.id is not None
            shown = _parcel(uow, found, order, seq)
            if shown is not None and shown.id is not None:
                png = printing.parcel_label_preview_png(uow, parcel_id=shown.id, settings=settings)
            else:  # no parcel yet: what a batch printed, or what would print now
                if found.status == OrderStatus.CANCELLED:  # nothing would: it gets no label
                    _may_print(found)
                png = printing.order_label_preview_png(
                    uow, order_id=found.id, settings=settings, seq=seq
                )
        write_output(preview, png)
        if as_json:
            echo_json({"order_no": found.order_no, "preview": str(preview)})
        else:
            click.echo(_("Preview written to {path}.").format(path=preview))
        return
    if reprint and void:
        raise UserError(_("--reprint prints the label again and --void voids it: give one."))
    if (reprint or void) and not reason.strip():
        raise UserError(_("A reprint or a void needs a reason; add --reason TEXT."))
    uow = cli.uow()
    with uow:
        found = resolve_order(uow, order)
        assert found.id is not None
        # PostgreSQL: a bench's claim, or a batch, on the order ends first; what they stored
        # (a box, a waybill) is read after this
        lock_order(uow, found.id)
        parcel = _parcel(uow, found, order, seq)
        parcel_id = parcel.id if parcel is not None else None
        if parcel is None and seq > 1:  # the first label of an order may come before a parcel
            raise UserError(
                _(
                    "Order {order} has no parcel {seq}; its parcels are listed by packstation "
                    "order show {order}."
                ).format(order=found.order_no, seq=seq)
            )
        if not reprint and not void:  # a reprint sends stored bytes, with its own checks
            _may_print(found)
        # a label printed before packing (print batch) is the order's until a box takes its
        # number: the reprint's refusal sent the lead here, and this said there was nothing
        # to void (or voided the box being filled, called "label 1")
        first = void and (parcel is None or not parcel.tracking_no)
        printed = printing.void_order_documents(uow, found, reason.strip()) if first else 0
        if first and not printed:
            raise UserError(
                _("Order {order} has no label on parcel {seq}; nothing to void.").format(
                    order=found.order_no, seq=seq
                )
            )
        if printed:
            number = found.tracking_no or "-"
            released = tracking.release_printed_first(uow, found, reason.strip())
            uow.commit()
            if as_json:
                echo_json({"order_no": found.order_no, "voided": printed, "released": released})
            elif found.status == OrderStatus.CANCELLED:  # no bench prints it again
                click.echo(
                    _(
                        "Label {code}, printed before packing, voided ({count} print jobs): "
                        "tear off every copy; the order is cancelled, and nothing more prints "
                        "for it."
                    ).format(code=number, count=printed)
                )
            elif released:
                click.echo(
                    _(
                        "Label {code}, printed before packing, voided ({count} print jobs): "
                        "tear off every copy; a bench prints the order's label with a new number."
                    ).format(code=number, count=printed)
                )
            else:  # the marketplace gave the order its number: it stays the order's
                click.echo(
                    _(
                        "Label {code}, printed before packing, voided ({count} print jobs): "
                        "tear off every copy; a bench prints it again, with the number the "
                        "marketplace gave the order."
                    ).format(code=number, count=printed)
                )
            return
        if not reprint and not void:
            waiting = printing.queued_jobs(uow, found.id)
            if not waiting and has_label(uow, found.id):
                raise UserError(
                    _(
                        "Order {order} already has a label; use --reprint --reason TEXT to print "
                        "it again."
                    ).format(order=found.order_no)
                )
            if (
                parcel is not None
                and parcel.status == ParcelStatus.OPEN
                and parcel.measured_weight_g is None
                and found.status == OrderStatus.PACKING
            ):
                # not weighed yet: labelling it here would close it under the packer's hands
                raise UserError(
                    _(
                        "Box {seq} of order {order} is still being packed at {bench}; its label "
                        "prints there once it is weighed."
                    ).format(
                        seq=parcel.seq,
                        order=found.order_no,
                        bench=found.claimed_bench or _("a bench"),
                    )
                )
            if waiting:
                job_ids = waiting  # what a printer did not take: sent now, not drawn again
            else:
                if parcel_id is not None:
                    jobs = printing.add_parcel_documents(
                        uow, parcel_id=parcel_id, settings=settings
                    )
                else:
                    jobs = queue_order_documents(uow, settings, found)
                uow.commit()
                job_ids = [j.id for j in jobs if j.id is not None]
    if not reprint and not void:
        report(cli, job_ids, queue_only, as_json, order_no=found.order_no)
        return
    if void:
        assert parcel is not None and parcel_id is not None
        # as the lead's reprint screen voids: the parcel too, its goods packed again at a bench
        voided = void_label(cli.uow(), parcel_id=parcel_id, reason=reason)
        if as_json:
            echo_json(
                {
                    "order_no": found.order_no,
                    "voided": voided.prints,
                    "taken_out_of_handover": voided.handover_id,
                }
            )
        else:
            code = parcel.tracking_no or str(parcel.seq)
            click.echo(voided_sentence(code, voided))
            _say_still_live(cli, found.id, found.order_no)
        return
    if parcel_id is None:
        job = printing.reprint_order_label(cli.uow(), order_id=found.id, reason=reason)
    else:
        job = printing.reprint(cli.uow(), parcel_id=parcel_id, reason=reason, settings=cli.settings)
    assert job.id is not None
    report(cli, [job.id], queue_only, as_json, order_no=found.order_no, reprint_of=job.reprint_of)


def _say_still_live(cli: CliContext, order_id: int, order_no: str) -> None:
    """The order's other labels still live after one was voided (a cancelled order's second
    box: the import said to void "it", and one run voided one box without a word of the
    other)."""
    with cli.uow(readonly=True) as uow:
        live = sorted(labelled_parcels(uow, order_id), key=lambda parcel: parcel.seq)
    for number in (parcel.tracking_no for parcel in live):
        click.echo(
            _(
                "The label {code} of order {order} is still live: packstation label {code} "
                "--void --reason TEXT voids it."
            ).format(code=number, order=order_no)
        )


COMMANDS = [label]
