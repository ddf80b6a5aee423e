"""``packstation printer``: a test label and the printer's status."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import click

from packstation.commands.context import CliContext, echo_json, pass_cli
from packstation.devices.base import DeviceError, PrinterState
from packstation.devices.registry import close_quietly, open_printer
from packstation.errors import UserError
from packstation.escpos_profiles import keep_profiles
from packstation.i18n import _

if TYPE_CHECKING:
    from packstation.config import Settings
    from packstation.labels.canvas import Ink

_PRINTER = click.option(
    "--printer",
    metavar="URI",
    help=_("Printer URI (default: devices.printer in the configuration)."),
)
_LANGUAGE = click.option(
    "--language",
    type=click.Choice(["zpl", "escpos"]),
    help=_("Printer language (default: printing.language in the configuration)."),
)


def test_job(language: str, bench: str, when: dt.datetime, font_path: str | None = None) -> bytes:
    """A small test label with a barcode.  A bench name in Chinese is drawn with the labels'
    font, as labels draw it (a printer's own fonts have no Chinese: it came out as ????)."""
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    drawn = _drawn_name(bench, font_path)
    if language == "escpos":
        keep_profiles()
        from escpos.printer import Dummy

        printer = Dummy()
        printer.set(align="center", bold=True, double_height=True)
        printer.text("packstation test\n")
        printer.set(align="center")
        if drawn is not None:
            printer.image(drawn.image, center=True)
            printer.text(f"{stamp}\n")
        else:
            printer.text(f"{bench}\n{stamp}\n")
        with contextlib.redirect_stdout(io.StringIO()):  # python-escpos prints a remark
            printer.barcode("PACKSTATION", "CODE39", function_type="A")
        printer.cut()
        return bytes(printer.output)
    from packstation.labels.zpl import ink_field  # Pillow: only when a label is made

    name = (
        f"^FO40,120{ink_field(drawn)}^FS\n"
        if drawn is not None
        else f"^FO40,120^A0N,40,40^FD{bench}^FS\n"
    )
    return (
        "^XA^CI28^PW800^LL600\n"
        "^FO40,40^A0N,60,60^FDpackstation test^FS\n"
        f"{name}"
        f"^FO40,170^A0N,40,40^FD{stamp}^FS\n"
        "^FO40,240^BY3^BCN,120,Y,N,N^FDPACKSTATION^FS\n"
        "^XZ\n"
    ).encode("ascii", errors="replace")


def _drawn_name(bench: str, font_path: str | None) -> Ink | None:
    """The bench name as ink when a printer font cannot print it and a CJK font is at hand."""
    if bench.isascii() or font_path is None:
        return None
    from packstation.labels.canvas import text_ink

    return text_ink(bench, font_path=font_path, size=40, width=720, height=46)


def _font_or_none(settings: Settings) -> str | None:
    from packstation.labels.fonts import find_cjk_font

    try:
        return str(find_cjk_font(settings))
    except UserError:  # no font: the name goes in the printer's font, as far as it can
        return None


def printer_json(state: PrinterState | None) -> dict[str, Any]:
    """A printer's state for scripts: ``state`` one stable English word (ready, paper_out,
    head_open, paused, not_ready, unknown; not_asked when nothing was sent), ``message`` the
    sentence for people."""
    if state is None:
        return {"state": "not_asked", "ready": None, "message": ""}
    return {"state": state.code, "ready": state.ready, "message": state.message}


def state_json(state: PrinterState, device: str) -> dict[str, Any]:
    return {
        "device": device,
        **printer_json(state),
        "paper_out": state.paper_out,
        "head_open": state.head_open,
        "paused": state.paused,
    }


@click.group(help=_("The label printer: test label, status."))
def printer() -> None:
    pass


@printer.command("test", help=_("Print a test label and show the printer's status."))
@_PRINTER
@_LANGUAGE
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def printer_test(cli: CliContext, printer: str | None, language: str | None, as_json: bool) -> None:
    settings = cli.settings
    uri = printer or settings.devices.printer
    lang = language or settings.printing.language
    timeout = settings.printing.timeout_seconds
    opened = open_printer(uri, language=lang, timeout=timeout)
    try:
        job = test_job(lang, settings.bench.name, dt.datetime.now(), _font_or_none(settings))
        opened.send(job, timeout=timeout)
        state = opened.status(timeout=timeout)
    finally:
        close_quietly(opened)
    if as_json:
        echo_json({"sent": True, **state_json(state, opened.description)})
    else:
        click.echo(_("Test label sent to {device}.").format(device=opened.description))
        click.echo(_("Printer: {state}").format(state=state.message))
    if not state.ready:
        raise DeviceError(
            _("The printer took the test label but is not ready: {reason}.").format(
                reason=state.message.rstrip(".。")
            )
        )


@printer.command("status", help=_("Ask the printer how it is."))
@_PRINTER
@_LANGUAGE
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_cli
def printer_status(
    cli: CliContext, printer: str | None, language: str | None, as_json: bool
) -> None:
    settings = cli.settings
    uri = printer or settings.devices.printer
    lang = language or settings.printing.language
    opened = open_printer(uri, language=lang, timeout=settings.printing.timeout_seconds)
    try:
        state = opened.status(timeout=settings.printing.timeout_seconds)
    finally:
        close_quietly(opened)
    if as_json:
        echo_json(state_json(state, opened.description))
    elif state.ready:
        click.echo(_("{device}: {state}").format(device=opened.description, state=state.message))
    if not state.ready:  # said once, on the error stream, with the exit of a device fault
        raise DeviceError(
            _("The printer is not ready: {reason}.").format(reason=state.message.rstrip(".。"))
        )


COMMANDS = [printer]
