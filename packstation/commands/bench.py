"""``packstation bench``: the packing-bench application."""

from __future__ import annotations

import click

from packstation.commands.context import CliContext, pass_cli
from packstation.config import Settings, bench_name_problem
from packstation.i18n import _, sentences


@click.command(help=_("Open the packing-bench application."))
@click.option(
    "--bench",
    "bench_name",
    metavar="NAME",
    help=_("This bench's name (overrides the configuration)."),
)
@pass_cli
def bench(cli: CliContext, bench_name: str | None) -> None:
    settings = cli.settings
    if bench_name is not None:  # --bench "" used the configuration's name without a word
        problem = bench_name_problem(bench_name)
        if problem:
            raise click.BadParameter(problem, param_hint="'--bench'")
        settings = settings.model_copy(
            update={"bench": settings.bench.model_copy(update={"name": bench_name})}
        )
    cli.engine()  # refuse an unreachable or outdated store before the screen opens
    _store_waybill_ranges(cli, settings)
    cli.close()  # the application opens its own connections: this one would sit idle
    from packstation.app import run_bench  # Textual is imported only when the app runs

    run_bench(settings, notice=simulated_notice(settings))


def _store_waybill_ranges(cli: CliContext, settings: Settings) -> None:
    """This bench's waybill ranges into the store as it starts (README, Backups)."""
    if not any(carrier.waybill_range for carrier in settings.carriers.values()):
        return
    from packstation.services.carriers import store_ranges

    with cli.uow() as uow:
        store_ranges(uow, settings)
        uow.commit()


def simulated_notice(settings: Settings) -> str:
    """A line on every bench screen while the scale or a printer is the built-in simulator (the
    defaults, for trying the bench): on a real bench it weighs nothing and prints nothing."""
    devices = settings.devices
    scale = _simulator(devices.scale)
    printer = any(
        _simulator(uri) for uri in (devices.printer, devices.slip_printer, devices.manifest_printer)
    )
    if scale and printer:
        said = _("SIMULATED scale and printer: nothing is weighed or printed.")
    elif scale:
        said = _("SIMULATED scale: nothing is weighed (every box weighs what it should).")
    elif printer:
        said = _("SIMULATED printer: nothing is printed.")
    else:
        return ""
    return sentences(
        said,
        _("For a real bench, set [devices] in the configuration (packstation doctor checks them)."),
    )


def _simulator(uri: str) -> bool:
    return uri.strip().lower().startswith("sim:")


COMMANDS = [bench]
