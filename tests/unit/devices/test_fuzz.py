"""Any bytes give a reading, ``None`` (not a weight) or a clean FrameError — never another
exception."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packstation.devices.base import ScaleReading, ScaleStatus
from packstation.devices.keymap import KeyDecoder
from packstation.devices.printers.status import parse_escpos, parse_hs
from packstation.devices.protocols.base import FrameError, split_frames
from packstation.devices.protocols.registry import PROTOCOLS
from packstation.devices.scanner import decode_line

# bytes that look like the protocols, so that the fuzzer gets deep into the parsers
_ALPHABET = list(b"SDI+-ELTZ ,.0123456789gklbozUSOLQTGN^_?\r\n\x02\x03\x10\x04\x12")
frames = st.one_of(
    st.binary(max_size=64),
    st.lists(st.sampled_from(_ALPHABET), max_size=40).map(bytes),
)


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
@settings(max_examples=400, deadline=None)
@given(frame=frames)
def test_scale_parsers_never_raise_anything_else(name: str, frame: bytes) -> None:
    try:
        reading = PROTOCOLS[name].parse(frame)
    except FrameError:
        return
    if reading is not None:
        assert isinstance(reading, ScaleReading)
        assert isinstance(reading.status, ScaleStatus)
        assert reading.grams is None or isinstance(reading.grams, Decimal)
        assert reading.grams is None or reading.grams.is_finite()


@settings(max_examples=300, deadline=None)
@given(data=st.lists(frames, max_size=8))
def test_split_frames_never_loses_its_bound(data: list[bytes]) -> None:
    buffer = bytearray()
    for chunk in data:
        buffer += chunk
        found, _dropped = split_frames(buffer, b"\r\n", max_length=32)
        assert all(len(f) <= 32 for f in found)
        assert len(buffer) <= 32


@settings(max_examples=300, deadline=None)
@given(data=frames)
def test_printer_status_parsers(data: bytes) -> None:
    for parse in (parse_hs, parse_escpos):
        try:
            state = parse(data)
        except FrameError:
            continue
        assert state.ready in (True, False)


@settings(max_examples=200, deadline=None)
@given(events=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 2)), max_size=60))
def test_key_decoder_takes_any_events(events: list[tuple[int, int]]) -> None:
    decoder = KeyDecoder("de")
    for code, value in events:
        result = decoder.feed(code, value)
        assert result is None or (isinstance(result, str) and result)


@given(line=st.binary(max_size=80))
def test_scanned_lines_decode(line: bytes) -> None:
    code = decode_line(line)
    assert code is None or (code == code.strip() and code)
