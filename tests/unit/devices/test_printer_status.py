"""ZPL ``~HS`` and ESC/POS ``DLE EOT`` answers."""

from __future__ import annotations

import pytest

from packstation.devices.printers.status import (
    ZplStatus,
    build_escpos,
    build_hs,
    parse_escpos,
    parse_hs,
)
from packstation.devices.protocols.base import FrameError

# a real-looking answer from a Zebra with the head up and out of paper
ZEBRA = (
    b"\x02030,1,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    b"\x02001,0,1,0,1,2,4,0,00000000,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)


def test_hs_flags() -> None:
    state = parse_hs(ZEBRA)
    assert not state.ready
    assert state.paper_out
    assert state.head_open
    assert "out of paper" in state.message


def test_hs_ready_and_round_trip() -> None:
    assert parse_hs(build_hs(ZplStatus())).ready
    state = parse_hs(build_hs(ZplStatus(paused=True)))
    assert not state.ready
    assert state.paused


@pytest.mark.parametrize("data", [b"", ZEBRA[:40], b"\x02a,b,c\x03\x02\x03\x02\x03"])
def test_hs_incomplete_or_nonsense(data: bytes) -> None:
    with pytest.raises(FrameError):
        parse_hs(data)


def test_dle_eot() -> None:
    assert parse_escpos(b"\x12\x12\x12").ready
    out = parse_escpos(build_escpos(paper_out=True))
    assert not out.ready
    assert out.paper_out
    cover = parse_escpos(build_escpos(head_open=True))
    assert cover.head_open
    assert not cover.ready
    low = parse_escpos(b"\x12\x12\x1e")
    assert low.ready
    assert low.details["paper_low"] == "True"
    with pytest.raises(FrameError):
        parse_escpos(b"\xff\x00\x12")
