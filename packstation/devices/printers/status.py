"""Printer status answers: ZPL ``~HS`` and ESC/POS ``DLE EOT n`` (pure parsers and builders).

Used by every two-way printer connection and by the printer simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from packstation.devices.base import PrinterState
from packstation.devices.protocols.base import FrameError
from packstation.i18n import _, joined

STX, ETX = b"\x02", b"\x03"
ZPL_QUERY = b"~HS\r\n"
DLE_EOT = b"\x10\x04"
# printer status, off-line cause, paper roll sensor
ESCPOS_QUERY = DLE_EOT + b"\x01" + DLE_EOT + b"\x02" + DLE_EOT + b"\x04"


def query_for(language: str) -> bytes:
    return ESCPOS_QUERY if language == "escpos" else ZPL_QUERY


def answer_complete(language: str, data: bytes) -> bool:
    """Whether ``data`` holds a whole answer to ``query_for(language)``."""
    if language == "escpos":
        return len(data) >= 3
    return data.count(ETX) >= 3


def parse_answer(language: str, data: bytes) -> PrinterState:
    return parse_escpos(data) if language == "escpos" else parse_hs(data)


def _not_ready(state: PrinterState, reasons: list[str]) -> PrinterState:
    return PrinterState(
        ready=not reasons,
        message=joined(reasons) if reasons else _("ready"),
        paper_out=state.paper_out,
        head_open=state.head_open,
        paused=state.paused,
        details=state.details,
    )


def parse_hs(data: bytes) -> PrinterState:
    """The three ``<STX>…<ETX>`` strings of a Zebra ``~HS`` answer."""
    strings: list[list[str]] = []
    rest = data
    while len(strings) < 3:
        start = rest.find(STX)
        end = rest.find(ETX, start + 1)
        if start < 0 or end < 0:
            raise FrameError("incomplete ~HS answer")
        try:
            text = rest[start + 1 : end].decode("ascii")
        except UnicodeDecodeError:
            raise FrameError("~HS answer is not ASCII") from None
        strings.append(text.split(","))
        rest = rest[end + 1 :]
    first, second, _third = strings
    if len(first) < 6 or len(second) < 4:
        raise FrameError("~HS answer with too few fields")
    if not all(f.strip().isdigit() for f in (*first, *second) if f.strip()):
        raise FrameError("~HS fields are not numbers")

    def flag(fields: list[str], index: int) -> bool:
        return len(fields) > index and fields[index].strip() == "1"

    details = {
        "formats_in_buffer": first[4].strip(),
        "buffer_full": str(flag(first, 5)),
        "ribbon_out": str(flag(second, 3)),
    }
    if len(second) > 8:
        details["labels_remaining"] = second[8].strip()
    state = PrinterState(
        ready=True,
        paper_out=flag(first, 1),
        paused=flag(first, 2),
        head_open=flag(second, 2),
        details=details,
    )
    reasons = []
    if state.paper_out:
        reasons.append(_("out of paper"))
    if state.head_open:
        reasons.append(_("print head open"))
    if flag(second, 3):
        reasons.append(_("ribbon out"))
    if state.paused:
        reasons.append(_("paused"))
    if flag(first, 5):
        reasons.append(_("buffer full"))
    if flag(first, 10) or flag(first, 11):
        reasons.append(_("print head temperature out of range"))
    return _not_ready(state, reasons)


@dataclass(frozen=True)
class ZplStatus:
    """What the printer simulator reports (and tests build answers from)."""

    paper_out: bool = False
    paused: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    formats_in_buffer: int = 0
    labels_remaining: int = 0


def build_hs(status: ZplStatus) -> bytes:
    def b(value: bool) -> str:
        return "1" if value else "0"

    first = f"030,{b(status.paper_out)},{b(status.paused)},1218,{status.formats_in_buffer:03d},0,0,0,000,0,0,0"
    second = f"001,0,{b(status.head_open)},{b(status.ribbon_out)},0,2,4,0,{status.labels_remaining:08d},1,000"
    third = "1234,0"
    return b"".join(STX + s.encode("ascii") + ETX + b"\r\n" for s in (first, second, third))


def _valid(byte: int) -> bool:
    # every DLE EOT answer has bit 1 and bit 4 set, bit 0 and bit 7 clear
    return byte & 0x93 == 0x12


def parse_escpos(data: bytes) -> PrinterState:
    """Answers to DLE EOT 1, 2 and 4, one byte each."""
    if len(data) < 3:
        raise FrameError("incomplete DLE EOT answer")
    printer, offline, paper = data[:3]
    if not (_valid(printer) and _valid(offline) and _valid(paper)):
        raise FrameError("not a DLE EOT answer")
    head_open = bool(offline & 0x04)
    paper_out = bool(paper & 0x60) or bool(offline & 0x20)
    reasons = []
    if paper_out:
        reasons.append(_("out of paper"))
    if head_open:
        reasons.append(_("cover open"))
    if offline & 0x40:
        reasons.append(_("printer error"))
    if printer & 0x08 and not reasons:
        reasons.append(_("off line"))
    details = {"paper_low": str(bool(paper & 0x0C))}
    state = PrinterState(ready=True, paper_out=paper_out, head_open=head_open, details=details)
    return _not_ready(state, reasons)


def build_escpos(
    *, paper_out: bool = False, head_open: bool = False, paper_low: bool = False
) -> bytes:
    printer = 0x12 | (0x08 if paper_out or head_open else 0)
    offline = 0x12 | (0x04 if head_open else 0) | (0x20 if paper_out else 0)
    paper = 0x12 | (0x60 if paper_out else 0) | (0x0C if paper_low else 0)
    return bytes([printer, offline, paper])


def no_answer(where: str, timeout: float) -> PrinterState:
    """A printer that says nothing is not ready: head open, out of media, off or too hot."""
    return PrinterState(
        ready=False,
        message=_(
            "the printer at {where} did not answer within {seconds} s (off, head open or out of media)"
        ).format(where=where, seconds=f"{timeout:g}"),
    )


def state_from_answer(language: str, answer: bytes, where: str) -> PrinterState:
    """The state a complete status answer tells; nonsense is a fault, not "ready"."""
    try:
        return parse_answer(language, answer)
    except FrameError:
        return PrinterState(
            ready=False,
            message=_("the printer at {where} answered the status query with nonsense").format(
                where=where
            ),
        )
