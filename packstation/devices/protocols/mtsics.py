"""Mettler Toledo MT-SICS: ``S``/``SI`` answered by ``S S     100.00 g`` (pure parser).

Token 0 is the command echo or a general error (``ES``/``ET``/``EL``), token 1 the status
(``S`` stable, ``D`` dynamic, ``I`` busy, ``+``/``-`` over/underload, ``L`` logical error), then the
value and unit, space padded.
"""

from __future__ import annotations

from decimal import Decimal

from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.devices.protocols.base import (
    CommandAnswer,
    FrameError,
    ascii_text,
    from_grams,
    to_grams,
)

_STATUS = {
    "S": ScaleStatus.STABLE,
    "D": ScaleStatus.MOTION,
    "I": ScaleStatus.MOTION,  # cannot answer now: busy, or never became stable
    "+": ScaleStatus.OVERLOAD,
    "-": ScaleStatus.UNDERLOAD,
    "L": ScaleStatus.ERROR,
}


def parse(frame: bytes) -> ScaleReading | None:
    tokens = ascii_text(frame).split()
    if not tokens:
        raise FrameError("empty frame")
    if tokens[0] in ("ES", "ET", "EL") and len(tokens) == 1:
        return ScaleReading(grams=None, status=ScaleStatus.ERROR, raw=frame)
    if tokens[0] in ("Z", "ZI", "T", "TI", "TAC", "@", "I4") and len(tokens) >= 2:
        return None  # acknowledgements of zero, tare, reset
    if tokens[0] not in ("S", "SI") or len(tokens) < 2:
        raise FrameError("not an MT-SICS weight reply")
    status = _STATUS.get(tokens[1])
    if status is None:
        raise FrameError(f"unknown MT-SICS status {tokens[1]!r}")
    if status in (ScaleStatus.STABLE, ScaleStatus.MOTION) and len(tokens) >= 4:
        if len(tokens) != 4:
            raise FrameError("extra fields after the unit")
        return ScaleReading(
            grams=to_grams(tokens[2], tokens[3]), status=status, raw=frame, unit=tokens[3]
        )
    if len(tokens) != 2 or tokens[1] in ("S", "D"):
        raise FrameError("weight reply without a value and unit")
    return ScaleReading(grams=None, status=status, raw=frame)


# the answers to Z/ZI (``Z A``, ``ZI S``) and T/TI (``T S 100.00 g``): status after the echo
_ANSWERS = {
    "A": CommandAnswer.DONE,
    "S": CommandAnswer.DONE,
    "D": CommandAnswer.DONE,  # done while the weight was still moving (ZI, TI)
    "I": CommandAnswer.BUSY,
    "+": CommandAnswer.OUT_OF_RANGE,
    "-": CommandAnswer.OUT_OF_RANGE,
    "L": CommandAnswer.REFUSED,
}


def command_answer(frame: bytes) -> CommandAnswer | None:
    """The answer to a zero or tare command in ``frame``; None for any other frame."""
    try:
        tokens = ascii_text(frame).split()
    except FrameError:
        return None
    if tokens in (["ES"], ["ET"], ["EL"]):
        return CommandAnswer.REFUSED
    if len(tokens) >= 2 and tokens[0] in ("Z", "ZI", "T", "TI"):
        return _ANSWERS.get(tokens[1], CommandAnswer.REFUSED)
    return None


def format_reading(grams: Decimal | None, status: ScaleStatus, unit: str = "g") -> bytes:
    """The reply of a scale to ``SI``."""
    if status is ScaleStatus.ERROR:
        return b"S L\r\n"
    if status is ScaleStatus.OVERLOAD:
        return b"S +\r\n"
    if status is ScaleStatus.UNDERLOAD:
        return b"S -\r\n"
    flag = "S" if status is ScaleStatus.STABLE else "D"
    value = from_grams(grams or Decimal(0), unit)
    return f"S {flag} {value:>10} {unit}\r\n".encode("ascii")
