"""``packstation sheet``: the sheet of command barcodes (NEXT, NEW BOX, SHORT, REPRINT, CANCEL,
SIGN OUT) that lets a packer drive the bench with the scanner alone.

Saved as PNG or as printer bytes (ZPL / ESC/POS), or queued to the label printer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.commands.printer import printer_json
from packstation.config import Settings
from packstation.domain.packing import COMMAND_BARCODES
from packstation.domain.status import PrintKind
from packstation.errors import UserError
from packstation.i18n import N_, _
from packstation.labels import code128
from packstation.labels.canvas import Bars, Bitmap, Drawing, text_bitmap
from packstation.labels.fonts import find_cjk_font
from packstation.labels.render import Rendered, encode, preview_png
from packstation.os_problems import write_output

CAPTIONS = {
    "next": N_("NEXT ORDER"),
    "new_box": N_("NEW BOX"),
    "short": N_("SHORT / DAMAGED"),
    "reprint": N_("REPRINT LABEL"),
    "cancel": N_("CANCEL / PUT BACK"),
    "sign_out": N_("SIGN OUT"),
}


def sheet_drawing(settings: Settings) -> Drawing:
    """One 100 × 150 mm page (203 dpi): a caption above each command's Code 128."""
    font = str(find_cjk_font(settings))
    width, height, margin = 800, 1200, 40
    drawing = Drawing(width, height)
    drawing.items.append(
        Bitmap(
            margin,
            20,
            text_bitmap(
                _("packstation · bench commands"),
                font_path=font,
                size=40,
                width=width - 2 * margin,
                height=50,
                bold=True,
                align="center",
            ),
        )
    )
    row = (height - 90) // len(COMMAND_BARCODES)
    for index, (code, command) in enumerate(COMMAND_BARCODES.items()):
        top = 90 + index * row
        caption = f"{_(CAPTIONS[command])}   {code}"
        drawing.items.append(
            Bitmap(
                margin,
                top,
                text_bitmap(
                    caption,
                    font_path=font,
                    size=34,
                    width=width - 2 * margin,
                    height=44,
                    bold=True,
                ),
            )
        )
        symbols = code128.plan(code)
        module = 3
        bars = Bars(margin, top + 52, module, row - 80, symbols)
        if bars.width > width - 2 * margin:
            bars = Bars(margin, top + 52, 2, row - 80, symbols)
        drawing.items.append(bars)
    return drawing


def render_sheet(settings: Settings, language: str) -> Rendered:
    drawing = sheet_drawing(settings)
    return Rendered(language, encode(language, [drawing]), (drawing,))


@click.command(help=_("Print or save the sheet of command barcodes for the bench."))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Save to FILE: .png for a picture, .zpl or .bin for printer bytes."),
)
@click.option("--print", "to_printer", is_flag=True, help=_("Queue it to the label printer."))
@click.option("--json", "as_json", is_flag=True, help=_("Report as JSON."))
@pass_cli
def sheet(cli: CliContext, output: Path | None, to_printer: bool, as_json: bool) -> None:
    settings = cli.settings
    if output is None and not to_printer:
        raise UserError(_("Say where the sheet goes: --output FILE.png (or .zpl), or --print."))
    result: dict[str, object] = {"codes": list(COMMAND_BARCODES)}
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".png":
            rendered = render_sheet(settings, "zpl")
            data = preview_png("zpl", rendered.content)
        elif suffix in (".zpl", ".bin", ".prn"):
            language = "zpl" if suffix == ".zpl" else settings.printing.language
            data = render_sheet(settings, language).content
        else:
            raise UserError(_("{file}: use a .png, .zpl or .bin file name.").format(file=output))
        write_output(output, data)
        result["output"] = str(output)
    if to_printer:
        from packstation.commands.label import deliver
        from packstation.services.printing import queue_job

        rendered = render_sheet(settings, settings.printing.language)
        with cli.uow(user="sheet") as uow:
            job = queue_job(
                uow,
                rendered,
                kind=PrintKind.COMMAND_SHEET,
                printer=settings.devices.printer,
                order_id=None,
                parcel_id=None,
            )
            uow.commit()
        assert job.id is not None
        sent, state = deliver(cli, [job.id])
        result.update(job_id=job.id, sent=bool(sent), printer=printer_json(state))
        if not sent and as_json:  # the answer a script reads, as label --json's: exit 1
            echo_json(result)
            sys.exit(1)
        if not sent:  # it said "sent" with the printer off
            raise UserError(
                _(
                    "The command sheet waits in the queue ({message}); it goes out from a bench, "
                    "or with the next label printed here, once the printer is ready."
                ).format(message=state.message or _("printer not ready"))
            )
    if as_json:
        echo_json(result)
    else:
        if output is not None:
            click.echo(_("Command sheet saved to {file}.").format(file=output))
        if to_printer:
            click.echo(
                _("Command sheet sent to {printer}.").format(printer=settings.devices.printer)
            )


COMMANDS = [sheet]
