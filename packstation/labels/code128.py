"""Code 128 symbols for tracking and order numbers, planned once and drawn the same everywhere.

The plan (which subset, where to switch) is made here, not left to the printer: the ZPL writer
spells it out with ^BC invocation codes and the preview paints the same symbols, so the bars on
paper and on screen are identical.  Bar patterns come from python-barcode's table.  Only
printable ASCII is supported (subsets B and C), which covers every carrier's numbers.
"""

from __future__ import annotations

from barcode.charsets import code128 as table

START_B = 104
START_C = 105
CODE_B = 100  # in subset C: switch to B
CODE_C = 99  # in subset B: switch to C
STOP_PATTERN = "1100011101011"  # the stop symbol and its final bar


def _b_value(char: str) -> int:
    value = ord(char) - 32
    if not 0 <= value <= 95:
        raise ValueError(f"{char!r} cannot be written in Code 128 subset B")
    return value


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def plan(text: str) -> tuple[int, ...]:
    """The symbol values for ``text``: start code, data and switches, check symbol (no stop).

    Subset C packs digit pairs; it is used for a run of at least 4 digits at an end of the text or
    6 in the middle, the usual rule for the shortest symbol.
    """
    if not text:
        raise ValueError("nothing to encode")
    symbols: list[int] = []
    subset = ""
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        at_end = i + run == len(text)
        worth_c = run >= 4 and (at_end or i == 0 or run >= 6)
        if worth_c and subset != "C":
            if run % 2 == 1:
                # an odd run: its first digit stays in B so the rest pairs up
                if subset != "B":
                    symbols.append(START_B if not symbols else CODE_B)
                    subset = "B"
                symbols.append(_b_value(text[i]))
                i += 1
                run -= 1
            symbols.append(START_C if not symbols else CODE_C)
            subset = "C"
        if subset == "C" and run >= 2:
            symbols.append(int(text[i : i + 2]))
            i += 2
            continue
        if subset != "B":
            symbols.append(START_B if not symbols else CODE_B)
            subset = "B"
        symbols.append(_b_value(text[i]))
        i += 1
    check = (symbols[0] + sum(pos * v for pos, v in enumerate(symbols[1:], start=1))) % 103
    return (*symbols, check)


def decode(symbols: tuple[int, ...]) -> str:
    """The text of a planned symbol sequence (the inverse of ``plan``); checks the check symbol."""
    *body, check = symbols
    if (body[0] + sum(p * v for p, v in enumerate(body[1:], start=1))) % 103 != check:
        raise ValueError("bad Code 128 check symbol")
    subset = {START_B: "B", START_C: "C"}.get(body[0])
    if subset is None:
        raise ValueError("unsupported start code")
    out: list[str] = []
    for value in body[1:]:
        if subset == "B" and value == CODE_C:
            subset = "C"
        elif subset == "C" and value == CODE_B:
            subset = "B"
        elif subset == "B":
            out.append(chr(value + 32))
        else:
            out.append(f"{value:02d}")
    return "".join(out)


def modules(symbols: tuple[int, ...]) -> list[int]:
    """Bars (1) and spaces (0), one entry per module, stop pattern included."""
    pattern = "".join(table.CODES[v] for v in symbols) + STOP_PATTERN
    return [1 if c == "1" else 0 for c in pattern]


def width_in_modules(symbols: tuple[int, ...]) -> int:
    return 11 * len(symbols) + len(STOP_PATTERN)


QUIET_ZONE = 10  # modules of white on each side that scanners need
