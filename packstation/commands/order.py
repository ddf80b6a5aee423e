"""``packstation order show``: one order with its lines, parcels, labels and events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import click

from packstation.commands.context import CliContext, echo_json, fill, pass_cli
from packstation.devices.weighing import grams_said
from packstation.domain.address import place_names
from packstation.domain.orders import MarketState, generic_state, gift_mark
from packstation.i18n import _
from packstation.services.intake.line_changes import units_changed
from packstation.services.intake.parsed import FIELD_NAMES
from packstation.services.orders import order_details, require_order
from packstation.services.status_names import (
    carrier_label,
    event_label,
    parcel_status_label,
    platform_label,
    print_kind_label,
    print_status_label,
    status_label,
)


@click.group(help=_("Look up orders."))
def order() -> None:
    pass


@order.command("show", help=_("Show one order (by order number or tracking number)."))
@click.argument("code", metavar="ORDER")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def order_show(cli: CliContext, code: str, as_json: bool) -> None:
    uow = cli.uow(readonly=True)
    found = require_order(uow, code, zone=cli.settings.shipping.timezone)
    assert found.id is not None
    details = order_details(uow, found.id, zone=cli.settings.shipping.timezone)
    if as_json:
        echo_json(details)
        return
    _print(details)


def _print(d: dict[str, Any]) -> None:
    r = d["recipient"]
    click.echo(
        _("Order {order_no} ({platform}) — {status}, due {due}, courier {carrier}").format(
            order_no=d["order_no"],
            platform=platform_label(d["platform"]),
            status=status_label(d["status"]),
            due=d["due_date"] or "-",
            carrier=carrier_label(d["carrier"]),
        )
    )
    click.echo(_("  paid at {paid}").format(paid=_when(d["paid_at"])))
    click.echo(
        _("  imported at {at} from {file}, row {row}").format(
            at=_when(d["imported_at"]), file=d["source_file"] or "-", row=d["source_row"] or "-"
        )
    )
    click.echo(
        _("  to {name} {phone}, {address}").format(
            name=r["name"],
            phone=r["phone"],
            address=" ".join(
                [
                    *place_names(r["province"], r["city"], r["district"]),
                    *(x for x in (r["address"], r["postcode"]) if x),
                ]
            ),
        )
    )
    if d["status"] == "packing" and d["claimed_bench"]:
        until = d["lease_until"]
        click.echo(
            _("  being packed at {bench} by {user}, lease until {until}").format(
                bench=d["claimed_bench"],
                user=d["claimed_user"] or "-",
                until=dt.datetime.fromisoformat(until).strftime("%H:%M:%S") if until else "-",
            )
            + (
                _(" (ran out: the next bench that asks takes it over)")
                if d["lease_ran_out"]
                else ""
            )
        )
    if d["status"] == "on_hold" and d["hold_reason"]:
        click.echo(_("  on hold: {reason}").format(reason=d["hold_reason"]))
    partly = generic_state(d["marketplace_status"]) is MarketState.PARTLY_SHIPPED
    if partly and d["status"] != "on_hold":  # held, the reason says what is not known
        click.echo(
            _(
                "  partly shipped on the marketplace ({status}): the lines below are what is "
                "left to pack here"
            ).format(status=d["marketplace_status"])
        )
    if d["not_shipping_reason"]:
        click.echo(_("  does not ship today: {reason}").format(reason=d["not_shipping_reason"]))
    if d["tracking_no"] and all(p["tracking_no"] != d["tracking_no"] for p in d["parcels"]):
        # given by the export, or printed before packing, and on no parcel yet: a parcel's
        # number is said with the parcel, voided or not
        click.echo(_("  the order's waybill: {number}").format(number=d["tracking_no"]))
    if d["buyer_note"]:
        click.echo(_("  buyer's note: {note}").format(note=d["buyer_note"]))
    if d["seller_note"]:
        click.echo(_("  seller's note: {note}").format(note=d["seller_note"]))
    click.echo(_("Lines:"))
    for line in d["lines"]:
        what = " ".join(x for x in (line["title"], line["spec"]) if x)
        gift = gift_mark(what, _(" (gift)")) if line["gift"] else ""
        click.echo(f"  {line['sku']:<16} {line['packed']}/{line['qty']}  {what}{gift}")
    if d["parcels"]:
        click.echo(_("Parcels:"))
    for p in d["parcels"]:
        click.echo(
            _(
                "  #{seq} {status} {tracking} weight {weight} (expected {expected}) carton {carton}"
            ).format(
                seq=p["seq"],
                status=parcel_status_label(p["status"]),
                tracking=p["tracking_no"] or "-",
                # a figure not known is a dash alone: "- g" read as a weight of some grams
                weight=grams_said(p["weight_g"]) if p["weight_g"] is not None else "-",
                expected=grams_said(p["expected_g"]) if p["expected_g"] is not None else "-",
                carton=p["carton"] or "-",
            )
        )
        for label in p["labels"]:
            click.echo(
                _("     label job {job}: {status} {reprint}")
                .format(
                    job=label["job_id"],
                    status=print_status_label(label["status"]),
                    reprint=(
                        _("reprint of {job} ({reason})").format(
                            job=label["reprint_of"], reason=label["reason"]
                        )
                        if label["reprint_of"]
                        else ""
                    ),
                )
                .rstrip()
            )
    if d["documents"]:
        click.echo(_("Other print jobs:"))
    for job in d["documents"]:
        click.echo(
            _("  {kind} job {job}: {status}").format(
                kind=print_kind_label(job["kind"]),
                job=job["job_id"],
                status=print_status_label(job["status"]),
            )
            + (_(" (parcel {seq})").format(seq=job["parcel_seq"]) if job["parcel_seq"] else "")
        )
    click.echo(_("Events:"))
    for e in d["events"]:
        kind = event_label(e["kind"])
        # a Chinese name takes two cells a character: the columns after it did not line up
        click.echo(f"  {_when(e['at'])}  {fill(kind, 24)} {e['bench']} {e['user']}")
        said = _changed(e["details"])
        if said:
            click.echo(f"      {said}")


def _changed(details: dict[str, Any]) -> str:
    """What an event changed, as "field: old → new" (an import's update, a lead's corrected
    address), or the reason it gives; "" when it says neither."""
    pairs = [
        (name, values[0], values[1])
        for name, values in details.get("changes", {}).items()
        if isinstance(values, list) and len(values) == 2 and name != "lines"
    ]
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        pairs += [(name, before.get(name, ""), value) for name, value in after.items()]
    # in the order an address is written (the log keeps its keys sorted: detail, city, …)
    known = list(FIELD_NAMES)
    pairs.sort(key=lambda pair: known.index(pair[0]) if pair[0] in known else len(known))
    changed = [
        _("{field}: {old} → {new}").format(
            field=_(FIELD_NAMES.get(n, n)), old=old or "-", new=new or "-"
        )
        for n, old, new in pairs
    ]
    items = _lines_changed(details.get("changes", {}).get("lines"))
    if items:  # an import's new lines, or a lead's release putting the marketplace's in place
        changed.append(_("items: {changes}").format(changes=items))
    if changed:
        return _("; ").join(changed)
    reason = details.get("reason")
    said = _("reason: {reason}").format(reason=reason) if isinstance(reason, str) and reason else ""
    lead = details.get("lead")
    if isinstance(lead, str) and lead:  # a weight outside the tolerance, let through
        overridden = _("overridden by {lead}").format(lead=lead)
        said = _("{first}; {second}").format(first=overridden, second=said) if said else overridden
    return said


def _lines_changed(values: Any) -> str:
    """The lines an event changed as "SKU ×old → ×new": an import stores them so already
    (``["", "MUG-01 ×1 → ×3"]``), a lead's release as the lines before and after."""
    if not isinstance(values, list) or len(values) != 2:
        return ""
    before, after = values
    if isinstance(after, str):
        return after
    if not isinstance(before, list) or not isinstance(after, list):
        return ""
    had: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for units, lines in ((had, before), (wanted, after)):
        for line in lines:
            if isinstance(line, dict):
                units[str(line.get("sku", ""))] += int(line.get("quantity", 0))
    return units_changed(had, wanted)


def _when(instant: str | None) -> str:
    """An instant of the JSON (ISO 8601, in the shop's time zone) as a person reads it."""
    if not instant:
        return "-"
    return dt.datetime.fromisoformat(instant).strftime("%Y-%m-%d %H:%M:%S")


COMMANDS = [order]
