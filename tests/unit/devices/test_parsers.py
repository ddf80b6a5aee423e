"""Each scale protocol's frames: stable, moving, overload, underload, error, units, garbage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from packstation.devices.base import ScaleStatus
from packstation.devices.protocols import ad, dymo, mtsics, nci
from packstation.devices.protocols.base import FrameError, split_frames, to_grams
from packstation.devices.protocols.registry import PROTOCOLS, protocol_named


@pytest.mark.parametrize(
    ("frame", "grams", "status", "unit"),
    [
        (b"S S     100.00 g", Decimal("100.00"), ScaleStatus.STABLE, "g"),
        (b"S D       1.234 kg", Decimal("1234"), ScaleStatus.MOTION, "kg"),
        (b"S S   2.5 lb", Decimal("1133.981"), ScaleStatus.STABLE, "lb"),
        (b"S S   16 oz", Decimal("453.59237"), ScaleStatus.STABLE, "oz"),
        (b"S S   -3.1 g", Decimal("-3.1"), ScaleStatus.STABLE, "g"),
        (b"S +", None, ScaleStatus.OVERLOAD, "g"),
        (b"S -", None, ScaleStatus.UNDERLOAD, "g"),
        (b"S I", None, ScaleStatus.MOTION, "g"),
        (b"ES", None, ScaleStatus.ERROR, "g"),
        (b"EL", None, ScaleStatus.ERROR, "g"),
    ],
)
def test_mt_sics(frame: bytes, grams: Decimal | None, status: ScaleStatus, unit: str) -> None:
    reading = mtsics.parse(frame)
    assert reading is not None
    assert reading.status is status
    assert reading.unit == unit
    if grams is None:
        assert reading.grams is None
    else:
        assert reading.grams is not None
        assert abs(reading.grams - grams) < Decimal("0.001")
    assert reading.raw == frame


def test_mt_sics_acknowledgements_are_not_readings() -> None:
    assert mtsics.parse(b"Z A") is None
    assert mtsics.parse(b"T S 0.00 g") is None


@pytest.mark.parametrize("frame", [b"S S", b"S S 12 furlong", b"S Q 1 g", b"X S 1 g", b"S S x g"])
def test_mt_sics_garbage(frame: bytes) -> None:
    with pytest.raises(FrameError):
        mtsics.parse(frame)


@pytest.mark.parametrize(
    ("frame", "grams", "status"),
    [
        (b"ST,GS,+0001.234kg", Decimal("1234"), ScaleStatus.STABLE),
        (b"US,GS,+0001.230kg", Decimal("1230"), ScaleStatus.MOTION),
        (b"ST,+00123.45  g", Decimal("123.45"), ScaleStatus.STABLE),
        (b"ST,NT,-0000.500kg", Decimal("-500"), ScaleStatus.STABLE),
        (b"ST,GS,+0002.000lb", Decimal("907.18474"), ScaleStatus.STABLE),
        (b"OL,GS,+        kg", None, ScaleStatus.OVERLOAD),
        (b"OL,GS,-        kg", None, ScaleStatus.UNDERLOAD),
        (b"LO,GS,         kg", None, ScaleStatus.UNDERLOAD),
    ],
)
def test_ad(frame: bytes, grams: Decimal | None, status: ScaleStatus) -> None:
    reading = ad.parse(frame)
    assert reading is not None
    assert reading.status is status
    assert reading.grams == grams


def test_an_ad_tare_frame_is_no_weighing() -> None:
    """``ST,TR,…`` is the tare the scale holds: it was read as 100 g stable on the scale."""
    assert ad.parse(b"ST,TR,+0000.10kg") is None
    assert ad.parse(b"ST,T,+0000.10kg") is None


@pytest.mark.parametrize(
    "frame", [b"QT,+000012 PC", b"ST,GS,+00 01kg", b"ST,GS,        kg", b"XX,+1g", b"ST,GS,+1"]
)
def test_ad_garbage(frame: bytes) -> None:
    with pytest.raises(FrameError):
        ad.parse(frame)


@pytest.mark.parametrize(
    ("frame", "grams", "status"),
    [
        (b"\n  001.25kg\r\n00\r\x03", Decimal("1250"), ScaleStatus.STABLE),
        (b"\n  002.50lb\r\n10\r\x03", Decimal("1133.974"), ScaleStatus.MOTION),
        (b"\n  1234.0g\r\n00\r\x03", Decimal("1234"), ScaleStatus.STABLE),
        (b"\n^^^^^^^\r\n02\r\x03", None, ScaleStatus.OVERLOAD),
        (b"\n_______\r\n01\r\x03", None, ScaleStatus.UNDERLOAD),
        (b"\n   0.0g\r\n40\r\x03", None, ScaleStatus.ERROR),
        (b"\n?\r\x03", None, ScaleStatus.ERROR),
    ],
)
def test_nci(frame: bytes, grams: Decimal | None, status: ScaleStatus) -> None:
    reading = nci.parse(frame)
    assert reading is not None
    assert reading.status is status
    if grams is None:
        assert reading.grams is None
    else:
        assert reading.grams is not None
        assert abs(reading.grams - grams) < Decimal("0.01")


def test_nci_status_only_answer_is_not_a_reading() -> None:
    assert nci.parse(b"\n00\r\x03") is None
    with pytest.raises(FrameError):
        nci.parse(b"\n 1.0kg\r\nAB\r\x03")


@pytest.mark.parametrize(
    ("report", "grams", "status"),
    [
        (bytes([3, 4, 2, 0, 0xD2, 0x04]), Decimal(1234), ScaleStatus.STABLE),
        (bytes([3, 2, 2, 0, 0, 0]), Decimal(0), ScaleStatus.STABLE),
        (bytes([3, 3, 2, 0, 100, 0]), Decimal(100), ScaleStatus.MOTION),
        (bytes([3, 4, 11, 0xFF, 160, 0]), Decimal("453.59237"), ScaleStatus.STABLE),
        (bytes([3, 4, 12, 0xFF, 25, 0]), Decimal("1133.980925"), ScaleStatus.STABLE),
        (bytes([3, 5, 2, 0, 20, 0]), Decimal(-20), ScaleStatus.UNDERLOAD),
        (bytes([3, 6, 2, 0, 0, 0]), None, ScaleStatus.OVERLOAD),
        (bytes([3, 1, 2, 0, 0, 0]), None, ScaleStatus.ERROR),
        (bytes([3, 8, 2, 0, 0, 0]), None, ScaleStatus.ERROR),
    ],
)
def test_dymo(report: bytes, grams: Decimal | None, status: ScaleStatus) -> None:
    reading = dymo.parse(report)
    assert reading is not None
    assert reading.status is status
    assert reading.grams == grams


def test_dymo_other_reports_and_garbage() -> None:
    assert dymo.parse(bytes([5, 0, 0, 0, 0, 0])) is None
    for bad in (b"", bytes([3, 9, 2, 0, 0, 0]), bytes([3, 4, 99, 0, 0, 0]), bytes(7)):
        with pytest.raises(FrameError):
            dymo.parse(bad)


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
@pytest.mark.parametrize("unit", ["g", "kg", "lb", "oz"])
@pytest.mark.parametrize("status", [ScaleStatus.STABLE, ScaleStatus.MOTION])
def test_what_the_simulators_send_reads_back(name: str, unit: str, status: ScaleStatus) -> None:
    protocol = PROTOCOLS[name]
    frame = protocol.format_reading(Decimal(1500), status, unit)
    reading = protocol.parse(frame.rstrip(b"\r\n"))
    assert reading is not None
    assert reading.status is status
    assert reading.grams is not None
    # a scale shows a few decimals of its unit: the grams come back within that resolution
    assert abs(reading.grams - 1500) <= Decimal("3")


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
@pytest.mark.parametrize("status", [ScaleStatus.OVERLOAD, ScaleStatus.UNDERLOAD, ScaleStatus.ERROR])
def test_faults_read_back(name: str, status: ScaleStatus) -> None:
    protocol = PROTOCOLS[name]
    frame = protocol.format_reading(None, status, "g").rstrip(b"\r\n")
    if name == "ad" and status is ScaleStatus.ERROR:
        # A&D has no error frame: what an indicator sends in trouble is garbage, skipped
        with pytest.raises(FrameError):
            protocol.parse(frame)
        return
    reading = protocol.parse(frame)
    assert reading is not None
    assert reading.status is status


def test_units_convert_exactly() -> None:
    assert to_grams("1.234", "kg") == Decimal("1234")
    assert to_grams("1", "lb") == Decimal("453.59237")
    assert to_grams("1", "OZ") == Decimal("28.349523125")
    with pytest.raises(FrameError):
        to_grams("1", "stone")
    with pytest.raises(FrameError):
        to_grams("NaN", "g")


def test_split_frames_keeps_partial_frames_and_drops_runaway_garbage() -> None:
    buffer = bytearray(b"ST,GS,+0001.000kg\r\nST,GS,+00")
    frames, dropped = split_frames(buffer, b"\r\n")
    assert frames == [b"ST,GS,+0001.000kg"]
    assert dropped == 0
    assert bytes(buffer) == b"ST,GS,+00"
    buffer += b"02.000kg\r\n"
    frames, _ = split_frames(buffer, b"\r\n")
    assert frames == [b"ST,GS,+0002.000kg"]
    buffer += b"x" * 500
    frames, dropped = split_frames(buffer, b"\r\n")
    assert frames == []
    assert dropped == 1
    assert not buffer


def test_protocol_names() -> None:
    assert protocol_named("MT-SICS").name == "mt-sics"
    assert protocol_named("cas").name == "ad"
    with pytest.raises(Exception, match="Unknown scale protocol"):
        protocol_named("toledo-8142")
