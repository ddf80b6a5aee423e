"""Linux input key codes to characters, with Shift and the keyboard layout the scanner emulates
(pure; used by the evdev scanner reader).

A scanner "types" in the layout it is programmed for; if that is not US, name it in the URI
(``evdev:///dev/input/by-id/…?layout=de``) so that the codes are read the same way.
"""

from __future__ import annotations

from packstation.devices.base import DeviceError
from packstation.i18n import _, listed

KEY_ENTER, KEY_KPENTER, KEY_TAB = 28, 96, 15
KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_CAPSLOCK = 42, 54, 58
KEY_LEFTALT, KEY_RIGHTALT = 56, 100

# key code: (unshifted, shifted) on a US keyboard
_US: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"),
    16: ("q", "Q"), 17: ("w", "W"), 18: ("e", "E"), 19: ("r", "R"), 20: ("t", "T"),
    21: ("y", "Y"), 22: ("u", "U"), 23: ("i", "I"), 24: ("o", "O"), 25: ("p", "P"),
    26: ("[", "{"), 27: ("]", "}"),
    30: ("a", "A"), 31: ("s", "S"), 32: ("d", "D"), 33: ("f", "F"), 34: ("g", "G"),
    35: ("h", "H"), 36: ("j", "J"), 37: ("k", "K"), 38: ("l", "L"), 39: (";", ":"),
    40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"),
    44: ("z", "Z"), 45: ("x", "X"), 46: ("c", "C"), 47: ("v", "V"), 48: ("b", "B"),
    49: ("n", "N"), 50: ("m", "M"), 51: (",", "<"), 52: (".", ">"), 53: ("/", "?"),
    57: (" ", " "),
    # the numeric keypad, which some scanners use for digits
    55: ("*", "*"), 71: ("7", "7"), 72: ("8", "8"), 73: ("9", "9"), 74: ("-", "-"),
    75: ("4", "4"), 76: ("5", "5"), 77: ("6", "6"), 78: ("+", "+"), 79: ("1", "1"),
    80: ("2", "2"), 81: ("3", "3"), 82: ("0", "0"), 83: (".", "."), 98: ("/", "/"),
}  # fmt: skip

_DE = dict(_US)
_DE.update({
    3: ("2", '"'), 4: ("3", "§"), 7: ("6", "&"), 8: ("7", "/"), 9: ("8", "("),
    10: ("9", ")"), 11: ("0", "="), 12: ("ß", "?"), 13: ("´", "`"),
    21: ("z", "Z"), 44: ("y", "Y"), 26: ("ü", "Ü"), 27: ("+", "*"),
    39: ("ö", "Ö"), 40: ("ä", "Ä"), 41: ("^", "°"), 43: ("#", "'"),
    51: (",", ";"), 52: (".", ":"), 53: ("-", "_"),
})  # fmt: skip

# AZERTY: the digits need Shift
_FR = dict(_US)
_FR.update({
    2: ("&", "1"), 3: ("é", "2"), 4: ('"', "3"), 5: ("'", "4"), 6: ("(", "5"),
    7: ("-", "6"), 8: ("è", "7"), 9: ("_", "8"), 10: ("ç", "9"), 11: ("à", "0"),
    12: (")", "°"), 13: ("=", "+"),
    16: ("a", "A"), 17: ("z", "Z"), 30: ("q", "Q"), 44: ("w", "W"), 39: ("m", "M"),
    50: (",", "?"), 51: (";", "."), 52: (":", "/"), 53: ("!", "§"),
    26: ("^", "¨"), 27: ("$", "£"), 40: ("ù", "%"), 43: ("*", "µ"),
})  # fmt: skip

LAYOUTS: dict[str, dict[int, tuple[str, str]]] = {"us": _US, "de": _DE, "fr": _FR}


def layout_named(name: str) -> dict[int, tuple[str, str]]:
    try:
        return LAYOUTS[name.lower() or "us"]
    except KeyError:
        raise DeviceError(
            _("Unknown keyboard layout '{name}'; use one of {known}.").format(
                name=name, known=listed(sorted(LAYOUTS))
            )
        ) from None


def key_char(code: int, *, shift: bool, caps: bool = False, layout: str = "us") -> str | None:
    """The character a key makes, or ``None`` for keys that make none."""
    pair = layout_named(layout).get(code)
    if pair is None:
        return None
    plain, shifted = pair
    if caps and plain.isalpha() and len(plain) == 1:
        shift = not shift  # Caps Lock shifts letters only
    return shifted if shift else plain


class KeyDecoder:
    """Key events (code, value: 1 down, 0 up, 2 repeat) to whole scans ended by Enter or Tab."""

    def __init__(self, layout: str = "us", max_length: int = 256) -> None:
        layout_named(layout)
        self.layout = layout
        self.max_length = max_length
        self._shift: set[int] = set()
        self._caps = False
        self._chars: list[str] = []

    def feed(self, code: int, value: int) -> str | None:
        if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT):
            if value:
                self._shift.add(code)
            else:
                self._shift.discard(code)
            return None
        if value != 1:
            return None  # key up and auto-repeat make no characters
        if code == KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in (KEY_ENTER, KEY_KPENTER, KEY_TAB):
            code_text = "".join(self._chars)
            self._chars.clear()
            return code_text or None
        char = key_char(code, shift=bool(self._shift), caps=self._caps, layout=self.layout)
        if char is not None and len(self._chars) < self.max_length:
            self._chars.append(char)
        return None
