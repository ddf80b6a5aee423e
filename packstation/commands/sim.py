"""``packstation sim``: simulated scale, printer and scanner for a developer without hardware, the
demo and the tests.  Each prints where it serves, then takes commands from ``--script`` and from
standard input."""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import click

from packstation.devices.sim.printer_server import PrinterServer
from packstation.devices.sim.scale_server import WEIGHT, ScaleServer
from packstation.devices.sim.scanner_server import ScannerServer
from packstation.errors import UserError
from packstation.i18n import _
from packstation.os_problems import os_problem


def _say(text: str) -> None:
    click.echo(text)
    sys.stdout.flush()


def _run_commands(apply: Callable[[str], str], script: Path | None) -> None:
    """The script's lines, then standard input; ``wait S`` pauses.  Ends on ``quit``, or at the end
    of standard input when there is no script (with a script: on Ctrl-C)."""
    if script is not None:
        try:
            lines = script.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(
                _("Cannot read the script {file} ({problem}).").format(file=script, problem=exc)
            ) from None
        for line in lines:
            if not _one(apply, line):
                return
    for line in sys.stdin:
        if not _one(apply, line):
            return
    if script is not None:
        threading.Event().wait()  # serve until interrupted


def _one(apply: Callable[[str], str], line: str) -> bool:
    text = line.split("#", 1)[0].strip()
    if not text:
        return True
    words = text.split()
    if words[0].lower() == "wait" and len(words) == 2:
        try:
            time.sleep(max(0.0, float(words[1])))
        except ValueError:
            _say(_("wait needs seconds, such as 'wait 0.5'"))
        return True
    answer = apply(text)
    if not answer:
        return False
    if answer.strip():
        _say(answer)
    return True


PORT = click.IntRange(0, 65535)


def _link_here(link: str | None) -> None:
    """A link in a folder that exists (or none): the server makes it once it runs."""
    if link and not Path(link).absolute().parent.is_dir():
        raise UserError(
            _(
                "The folder of {link} does not exist; give --link a path in an existing folder."
            ).format(link=link)
        )


_SCRIPT = click.option(
    "--script",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Commands to run first, one a line ('wait 0.5' pauses)."),
)


@click.group(help=_("Simulated devices on a pty or a TCP port, for work without hardware."))
def sim() -> None:
    pass


@sim.command(
    "scale",
    help=_(
        "A scale on a pty (or --tcp). Type a weight in grams ('1234', '1.2 kg'), 'moving', 'over', "
        "'under', 'error', 'stable', 'unit kg', 'garbage', 'unplug', 'plug' or 'quit'."
    ),
)
@click.option(
    "--protocol",
    type=click.Choice(["mt-sics", "ad", "nci"]),
    default="mt-sics",
    show_default=True,
    help=_("The protocol the scale speaks."),
)
@click.option(
    "--tcp",
    "tcp_port",
    type=PORT,
    help=_("Serve on this TCP port of 127.0.0.1 (0: any)."),
)
@click.option(
    "--link",
    type=click.Path(dir_okay=False),
    help=_("Keep a symbolic link to the pty here (it follows unplug and plug)."),
)
@click.option(
    "--unit",
    type=click.Choice(["g", "kg", "lb", "oz"]),
    default="g",
    show_default=True,
    help=_("The unit the scale sends."),
)
@click.option(
    "--weight",
    default="0",
    callback=lambda _ctx, _param, value: _weight(value),
    help=_("The weight on the platter at the start, in grams."),
)
@_SCRIPT
def sim_scale(
    protocol: str,
    tcp_port: int | None,
    link: str | None,
    unit: str,
    weight: str,
    script: Path | None,
) -> None:
    _link_here(link)
    try:
        server = ScaleServer(
            protocol, tcp=tcp_port is not None, port=tcp_port or 0, link=link, unit=unit
        )
    except OSError as exc:
        raise UserError(
            _("Cannot serve the simulated scale ({problem}); try another --tcp port.").format(
                problem=os_problem(exc)
            )
        ) from None
    server.apply(weight)
    with server:
        _say(
            _("Simulated {protocol} scale at {uri}").format(
                protocol=server.model.protocol.title, uri=server.uri
            )
        )
        _say(server.apply("help"))  # what can be typed, said once at the start
        _run_commands(server.apply, script)


def _weight(value: str) -> str:
    match = WEIGHT.fullmatch(value.strip().lower())
    if not match:
        raise click.BadParameter(
            _("'{value}' is no weight; write grams, or a number with kg, lb or oz.").format(
                value=value
            )
        )
    if Decimal(match.group(1)) < 0:  # -5 was put on the platter, and read as a weight
        raise click.BadParameter(
            _(
                "'{value}' is under zero, and nothing on a platter weighs less than nothing; "
                "give 0 or more (to act out a scale that reads under zero, type {value} once it "
                "runs)."
            ).format(value=value)
        )
    return value


@sim.command(
    "printer",
    help=_(
        "A port-9100 label printer that records every job to a folder. Type 'ready', 'paper-out', "
        "'head-open', 'silent', 'off', 'jobs' or 'quit'."
    ),
)
@click.option("--port", type=PORT, default=9100, show_default=True, help=_("TCP port (0: any)."))
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("printed-jobs"),
    show_default=True,
    help=_("Folder where each job is written."),
)
@_SCRIPT
def sim_printer(port: int, host: str, folder: Path, script: Path | None) -> None:
    # the jobs' folder first: its trouble was blamed on the network ("Cannot listen on …")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        problem = "" if os.access(folder, os.W_OK) else _("permission denied")
    except OSError as exc:
        problem = os_problem(exc)
    if problem:
        raise UserError(
            _(
                "The folder {folder} cannot take the jobs ({problem}); give --dir a folder this "
                "user can write to."
            ).format(folder=folder, problem=problem)
        )
    try:
        server = PrinterServer(folder, host=host, port=port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            advice = _("try --port 0 (any free port)")
        elif exc.errno in (errno.EACCES, errno.EPERM):
            advice = _("ports below 1024 need more rights; try --port 0")
        else:
            advice = _("give --host an address of this machine, e.g. 127.0.0.1")
        raise UserError(
            _("Cannot listen on {host}:{port} ({problem}); {advice}.").format(
                host=host, port=port, problem=os_problem(exc), advice=advice
            )
        ) from None
    with server:
        _say(
            _("Simulated printer at {uri}; jobs are written to {folder}").format(
                uri=server.uri, folder=folder
            )
        )
        _say(server.apply("help"))  # what can be typed, said once at the start
        _run_commands(server.apply, script)


@sim.command(
    "scanner",
    help=_(
        "A serial barcode scanner on a pty. Type codes (several on a line are sent as one burst), "
        "'unplug', 'plug' or 'quit'."
    ),
)
@click.option(
    "--terminator",
    type=click.Choice(["cr", "crlf", "lf"]),
    default="cr",
    show_default=True,
    help=_("What ends each code."),
)
@click.option(
    "--link", type=click.Path(dir_okay=False), help=_("Keep a symbolic link to the pty here.")
)
@_SCRIPT
def sim_scanner(terminator: str, link: str | None, script: Path | None) -> None:
    _link_here(link)
    ending = {"cr": b"\r", "crlf": b"\r\n", "lf": b"\n"}[terminator]
    with ScannerServer(terminator=ending, link=link) as server:
        _say(_("Simulated scanner at {uri}").format(uri=server.uri))
        _say(server.apply("help"))  # what can be typed, said once at the start
        _run_commands(server.apply, script)


COMMANDS = [sim]
