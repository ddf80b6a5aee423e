"""``packstation import``: the catalogue and the marketplace's orders into the store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.cells import cell_len

from packstation.commands.context import CliContext, echo_json, fill, pass_cli
from packstation.i18n import _, ngettext
from packstation.services.intake import (
    ImportReport,
    Problem,
    ProductReport,
    import_orders,
    import_products,
)

SHOWN_PROBLEMS = 500


@click.group("import", help=_("Import the catalogue or the marketplace's orders."))
def import_group() -> None:
    pass


@import_group.command("products", help=_("Add or update products from a CSV file (by SKU)."))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help=_("Check the file and show the counts; store nothing.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def import_products_cmd(cli: CliContext, file: Path, dry_run: bool, as_json: bool) -> None:
    report = import_products(cli.uow(), file, dry_run=dry_run)
    if as_json:
        echo_json(report.as_dict())
    else:
        _print_problems(report.errors)
        if report.ok:  # counts of what was not stored would read as done
            _print_products(report)
        _print_outcome(report.ok, report.stored, dry_run, len(report.errors))
    if not report.ok:
        sys.exit(1)


def _print_products(report: ProductReport) -> None:
    rows = ngettext("{count} row", "{count} rows", report.rows)
    added = ngettext("{count} product", "{count} products", report.products_added)
    barcodes = ngettext("{count} barcode", "{count} barcodes", report.barcodes)
    click.echo(
        _(
            "{file}: {rows}, {added} added, {updated} updated, {unchanged} unchanged, {barcodes}."
        ).format(
            file=report.file,
            rows=rows.format(count=report.rows),
            added=added.format(count=report.products_added),
            updated=report.products_updated,
            unchanged=report.products_unchanged,
            barcodes=barcodes.format(count=report.barcodes),
        )
    )


@import_group.command(
    "orders",
    help=_(
        "Import orders: the two files of a Taobao/Tmall export (in any order) or a generic "
        "order file.  Checked whole; one problem means nothing is stored."
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "taobao", "generic"]),
    default="auto",
    show_default=True,
    help=_("The file format; auto tells it from the headers."),
)
@click.option(
    "--dry-run", is_flag=True, help=_("Check the files and show the counts; store nothing.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def import_orders_cmd(
    cli: CliContext, files: tuple[Path, ...], fmt: str, dry_run: bool, as_json: bool
) -> None:
    with _progress() as progress:
        report = import_orders(
            cli.uow(),
            list(files),
            settings=cli.settings,
            fmt=fmt,
            dry_run=dry_run,
            progress=progress,
        )
    if as_json:
        echo_json(report.as_dict())
    else:
        _print_orders(report, dry_run)
    if not report.ok:
        sys.exit(1)


def _print_orders(report: ImportReport, dry_run: bool) -> None:
    for notice in report.notices[:SHOWN_PROBLEMS]:
        click.echo(_("note: ") + _where(notice))
    _print_problems(report.errors)
    if not report.ok:  # counts of what was not stored would read as done
        _print_outcome(report.ok, report.stored, dry_run, len(report.errors))
        return
    lines = [
        (_("orders in the files"), report.orders_in_file),
        (_("imported (new, queued)"), report.orders_imported),
        (_("already known, left as they were"), report.orders_known),
        (_("known, updated"), report.orders_updated),
        (_("known, now cancelled"), report.orders_cancelled),
        (_("skipped: closed or refunded"), report.orders_skipped_closed),
        (_("skipped: not paid"), report.orders_skipped_unpaid),
        (_("skipped: already shipped"), report.orders_skipped_shipped),
        (_("listed twice (counted once)"), report.duplicates_in_file),
        (_("item rows listed twice (counted once)"), report.duplicate_item_rows),
        (_("lines imported"), report.lines_imported),
        (_("lines removed (changed on the marketplace)"), report.lines_removed),
        (_("partly shipped on the marketplace"), report.orders_partly_shipped),
        (_("lines shipped already (not queued)"), report.lines_shipped_elsewhere),
        (_("exceptions for the shift lead"), report.exceptions_raised),
    ]
    # a Chinese character takes two cells: the numbers lined up in English alone
    width = max(cell_len(text) for text, _n in lines)
    for text, number in lines:
        click.echo(f"  {fill(text, width)}  {number:>8}")
    if report.ok and not report.reconciled:
        click.echo(_("The counts do not add up; please report this with the files."), err=True)
    _print_outcome(report.ok, report.stored, dry_run, len(report.errors))


def _where(p: Problem) -> str:
    place = p.file
    if p.row is not None:
        place += _(", row {row}").format(row=p.row)
    if p.column:
        place += _(", column {column}").format(column=p.column)
    if p.value:
        place += _(" '{value}'").format(value=p.value)
    return _("{place}: {problem}").format(place=place, problem=p.problem)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems[:SHOWN_PROBLEMS]:
        click.echo(_where(problem), err=True)
    if len(problems) > SHOWN_PROBLEMS:
        more = len(problems) - SHOWN_PROBLEMS
        click.echo(
            ngettext(
                "… and {more} more problem; use --json to see them all.",
                "… and {more} more problems; use --json to see them all.",
                more,
            ).format(more=more),
            err=True,
        )


def _print_outcome(ok: bool, stored: bool, dry_run: bool, problems: int) -> None:
    if not ok:
        click.echo(
            ngettext(
                "{count} problem found; nothing was stored. Fix it and import again.",
                "{count} problems found; nothing was stored. Fix them and import again.",
                problems,
            ).format(count=problems),
            err=True,
        )
    elif dry_run:
        click.echo(_("Dry run: the files are fine; nothing was stored."))
    elif stored:
        click.echo(_("Stored."))


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal (big files take seconds)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(_("Reading"), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


COMMANDS = [import_group]
