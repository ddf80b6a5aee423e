"""``packstation scale``: read, zero and tare the scale from the command line."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.devices.base import (
    DeviceError,
    Scale,
    ScaleReading,
    ScaleSilent,
    ScaleStatus,
)
from packstation.devices.registry import close_quietly, open_scale
from packstation.devices.weighing import StableWeight, status_word
from packstation.errors import UserError
from packstation.i18n import N_, _

_DEVICE = click.option(
    "--device", metavar="URI", help=_("Scale URI (default: devices.scale in the configuration).")
)


# a parcel scale reads to the gram at best: a weight sent in lb or oz, converted, is shown to
# a tenth of a gram (800.13694068 g was printed)
_SHOWN = Decimal("0.1")

# what a scale in trouble says about itself, and what to do
_FAULTS = {
    ScaleStatus.OVERLOAD: N_("The scale is overloaded: take weight off the platter."),
    ScaleStatus.UNDERLOAD: N_("The scale reads under zero: empty the platter and zero it."),
    ScaleStatus.ERROR: N_("The scale reports an error: check it, or switch it off and on."),
}


def _shown(grams: Decimal) -> Decimal:
    return grams.quantize(_SHOWN).normalize()


def _number(grams: Decimal | None) -> int | float | None:
    if grams is None:
        return None
    grams = _shown(grams)
    return int(grams) if grams == grams.to_integral_value() else float(grams)


def reading_json(reading: ScaleReading, *, stable: bool, device: str) -> dict[str, Any]:
    """The ``scale read --json`` contract: grams, stable, status, raw (plus unit and device)."""
    return {
        "grams": _number(reading.grams),
        "stable": stable,
        "status": reading.status.value,
        "raw": reading.raw.decode("ascii", errors="backslashreplace"),
        "unit": reading.unit,
        "device": device,
    }


def read_settled(scale: Scale, timeout: float, stable_readings: int) -> tuple[ScaleReading, bool]:
    """The last reading within ``timeout`` and whether it settled (N equal stable readings)."""
    deadline = time.monotonic() + timeout
    settle = StableWeight(stable_readings)
    last: ScaleReading | None = None
    faults = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 and last is not None:
            return last, False
        try:
            last = scale.read(max(0.2, min(1.0, remaining)))
        except ScaleSilent as exc:
            if time.monotonic() >= deadline:
                raise ScaleSilent(exc.say, timeout) from None  # how long it waited in all
            continue
        except DeviceError:
            if time.monotonic() >= deadline:
                raise
            continue
        if settle.feed(last) is not None:
            return last, True
        # a fault said as often as a weight must be: no use waiting out the timeout
        faults = faults + 1 if last.status in _FAULTS else 0
        if faults >= stable_readings:
            return last, False
        time.sleep(0.05)  # a polled scale is asked a handful of times a second, like the bench


@click.group(help=_("The scale: read a weight, zero, tare."))
def scale() -> None:
    pass


@scale.command("read", help=_("Print the scale's reading once it is stable (or at the timeout)."))
@_DEVICE
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help=_("Seconds to wait for it."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def scale_read(cli: CliContext, device: str | None, timeout: float, as_json: bool) -> None:
    uri = device or cli.settings.devices.scale
    stable_readings = cli.settings.devices.stable_readings
    opened = open_scale(uri, stable_readings=stable_readings)
    try:
        reading, stable = read_settled(opened, timeout, stable_readings)
    finally:
        close_quietly(opened)
    if as_json:
        echo_json(reading_json(reading, stable=stable, device=opened.description))
    else:
        grams = "-" if reading.grams is None else f"{_shown(reading.grams):f} g"
        click.echo(
            _("{grams}  {status}  ({device})").format(
                grams=grams, status=status_word(reading), device=opened.description
            )
        )
    fault = _FAULTS.get(reading.status)
    if fault is not None:
        raise UserError(_(fault))
    if not stable:
        raise UserError(
            _("The scale did not settle within {seconds} s (last reading: {status}).").format(
                seconds=f"{timeout:g}", status=status_word(reading)
            )
        )
    if reading.grams is not None and reading.grams < 0:
        raise UserError(_(_FAULTS[ScaleStatus.UNDERLOAD]))


def _act(cli: CliContext, device: str | None, action: str) -> None:
    """Zero or tare, said done once the scale said so (it was said of a scale that refused, or
    answered nothing)."""
    opened = open_scale(device or cli.settings.devices.scale)
    try:
        if action == "zero":
            opened.zero()
            done = _("The scale is zeroed: {device}")
        else:
            opened.tare()
            done = _("The scale is tared, what lies on it counts as zero: {device}")
    finally:
        close_quietly(opened)
    click.echo(done.format(device=opened.description))


@scale.command("zero", help=_("Set the scale to zero (nothing on the platter)."))
@_DEVICE
@pass_cli
def scale_zero(cli: CliContext, device: str | None) -> None:
    _act(cli, device, "zero")


@scale.command("tare", help=_("Tare: what lies on the platter now counts as zero."))
@_DEVICE
@pass_cli
def scale_tare(cli: CliContext, device: str | None) -> None:
    _act(cli, device, "tare")


COMMANDS = [scale]
