"""evdev key codes to characters: Shift, Caps Lock and the scanner's keyboard layout."""

from __future__ import annotations

import pytest

from packstation.devices.base import DeviceError
from packstation.devices.keymap import KEY_ENTER, KEY_LEFTSHIFT, KeyDecoder, key_char

KEY_A, KEY_Y, KEY_Z, KEY_1, KEY_MINUS = 30, 21, 44, 2, 12


def test_us_letters_digits_and_shift() -> None:
    assert key_char(KEY_A, shift=False) == "a"
    assert key_char(KEY_A, shift=True) == "A"
    assert key_char(KEY_1, shift=True) == "!"
    assert key_char(KEY_MINUS, shift=False) == "-"
    assert key_char(KEY_A, shift=False, caps=True) == "A"
    assert key_char(KEY_1, shift=False, caps=True) == "1"
    assert key_char(KEY_ENTER, shift=False) is None


def test_layouts() -> None:
    assert key_char(KEY_Y, shift=False, layout="de") == "z"
    assert key_char(KEY_Z, shift=False, layout="de") == "y"
    assert key_char(KEY_MINUS, shift=False, layout="de") == "ß"
    assert key_char(KEY_1, shift=False, layout="fr") == "&"
    assert key_char(KEY_1, shift=True, layout="fr") == "1"
    with pytest.raises(DeviceError):
        key_char(KEY_A, shift=False, layout="dvorak")


def press(decoder: KeyDecoder, code: int) -> str | None:
    first = decoder.feed(code, 1)
    second = decoder.feed(code, 0)
    return first or second


def test_decoder_builds_a_scan_with_shift() -> None:
    decoder = KeyDecoder("us")
    decoder.feed(KEY_LEFTSHIFT, 1)
    press(decoder, KEY_A)
    decoder.feed(KEY_LEFTSHIFT, 0)
    for code in (KEY_1, 3, 4):
        press(decoder, code)
    decoder.feed(KEY_A, 2)  # auto-repeat is ignored
    assert press(decoder, KEY_ENTER) == "A123"
    assert press(decoder, KEY_ENTER) is None


def test_decoder_with_an_azerty_scanner() -> None:
    decoder = KeyDecoder("fr")
    decoder.feed(KEY_LEFTSHIFT, 1)
    for code in (KEY_1, 3, 4):
        press(decoder, code)
    decoder.feed(KEY_LEFTSHIFT, 0)
    assert press(decoder, KEY_ENTER) == "123"
