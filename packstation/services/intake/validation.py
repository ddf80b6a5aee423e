"""Checking the cells of one row: each check returns the value or records a problem that says what
to do, so that a whole file is checked and every problem reported, not only the first.

Shared by the Taobao, generic and product readers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from packstation.domain.orders import MarketState, yuan_to_fen
from packstation.i18n import _, ngettext
from packstation.services.intake.readers import CsvFile, clean
from packstation.services.intake.report import Problem, shown

MAX_QUANTITY = 100_000
# How far a payment time may lie ahead of this computer's clock: the marketplace's clock and a
# shop's computer differ by minutes, and one refused row refuses the whole import, before the
# cut-off too.  No more is forgiven (a day was: an order paid "tomorrow" came in).  Naive times
# are read in the shop's time zone, so a zone set wrong, or a clock hours off, shows here as
# payments in the future; the problem names both to check.
CLOCK_SKEW = dt.timedelta(hours=1)
MIN_PHONE_DIGITS = 7  # a landline with its area code, or a mobile (masked or not)


def too_short_to_call(phone: str) -> bool:
    """Fewer digits than any number a courier can call (a masked 138****5678 has seven)."""
    return sum(c.isdigit() for c in phone) < MIN_PHONE_DIGITS


_SHORTENED = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")  # how Excel writes a long number


def shortened(value: str) -> bool:
    """A long number as Excel writes it when it keeps 15 digits: 3.36411E+18."""
    return ("E" in value or "e" in value) and _SHORTENED.fullmatch(value.strip()) is not None


@dataclass
class Columns:
    """Where each wanted field sits in a file's header."""

    file: CsvFile
    index: dict[str, int]
    names: dict[str, str]  # field → the header name found
    width: int

    @classmethod
    def find(
        cls,
        file: CsvFile,
        wanted: Mapping[str, Sequence[str]],
        required: Sequence[str],
        problems: list[Problem],
    ) -> Columns:
        lookup = {name.lower(): i for i, name in reversed(list(enumerate(file.header)))}
        index: dict[str, int] = {}
        names: dict[str, str] = {}
        for key, aliases in wanted.items():
            for alias in aliases:
                if alias.lower() in lookup:
                    index[key] = lookup[alias.lower()]
                    names[key] = file.header[index[key]]
                    break
        for key in required:
            if key not in index:
                problems.append(
                    Problem(
                        file=file.name,
                        row=1,
                        column=wanted[key][0],
                        value="",
                        problem=_(
                            "The column '{column}' is missing from the header; export the file "
                            "with this column or add it."
                        ).format(column=wanted[key][0]),
                    )
                )
        return cls(file, index, names, len(file.header))

    def has(self, key: str) -> bool:
        return key in self.index

    def label(self, key: str) -> str:
        return self.names.get(key, key)


@dataclass
class RowCheck:
    """Collects the problems of one file; ``row`` is set before the cells of a row are checked."""

    columns: Columns
    problems: list[Problem]
    row: int = 0
    failed: bool = field(default=False)
    # values repeat a lot (prices, quantities): each distinct text is converted once
    _prices: dict[str, int | None] = field(default_factory=dict)
    _quantities: dict[str, int | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.needed = max(self.columns.index.values(), default=-1) + 1
        self._now = dt.datetime.now(dt.UTC)
        self._latest = self._now + CLOCK_SKEW

    def start(self, row: int) -> None:
        self.row = row
        self.failed = False

    def fail(self, key: str, value: str, problem: str) -> None:
        self.failed = True
        self.problems.append(
            Problem(
                self.columns.file.name, self.row, self.columns.label(key), shown(value), problem
            )
        )

    def width(self, cells: Sequence[str]) -> bool:
        """A row with fewer cells than the columns read need (a truncated file, a stray line
        break), or with more cells than the header and something in them (an unquoted comma
        inside a value: ``1,000`` was read as 1 gram and a stray cell).  Empty cells past the
        header's are no problem: Excel leaves them at the end of rows."""
        expected = self.columns.width
        if len(cells) > expected:
            if not any(cell.strip() for cell in cells[expected:]):
                return True
            self._refuse_row(
                self.columns.file.delimiter.join(cells),
                _(
                    "The row has {found} cells, the header has {expected}: a comma inside a "
                    "value? Quote the value or remove the comma."
                ).format(found=len(cells), expected=expected),
            )
            return False
        if len(cells) >= self.needed:
            return True
        self._refuse_row(
            ",".join(cells),
            ngettext(
                "The row has {found} cell where the header has {expected}; the file may be "
                "truncated or a cell has an unquoted line break — export it again.",
                "The row has {found} cells where the header has {expected}; the file may be "
                "truncated or a cell has an unquoted line break — export it again.",
                len(cells),
            ).format(found=len(cells), expected=self.columns.width),
        )
        return False

    def _refuse_row(self, row_text: str, problem: str) -> None:
        """The row as a whole refused (its width), shown as the file has it."""
        self.failed = True
        self.problems.append(
            Problem(self.columns.file.name, self.row, "", shown(row_text), problem)
        )

    def required(self, key: str, value: str, what: str) -> str:
        if not value:
            self.fail(
                key,
                value,
                _("The {what} is empty; fill it in.").format(what=what),
            )
        return value

    def destination(self, key: str, value: str, province: str, city: str) -> None:
        """An address the courier can sort: a province or a city (the label's destination was
        printed empty for "文三路123号")."""
        if value and not province and not city:
            self.fail(
                key,
                value,
                _(
                    "The address has no province or city; write the whole address "
                    "(省 市 区 …), or fill in the province and city."
                ),
            )

    def digits(self, key: str, value: str, what: str) -> str:
        """An order number, phone number, barcode or waybill number, refused when Excel wrote
        it shortened (3.36411E+18): its digits are gone, and orders would merge."""
        if shortened(value):
            self.fail(
                key,
                value,
                _(
                    "The {what} {value} was shortened by Excel and its digits are lost; import "
                    "the file as the marketplace exported it, or set the column to Text in Excel "
                    "before saving."
                ).format(what=what, value=value),
            )
        return value

    def quantity(self, key: str, value: str) -> int:
        try:
            found = self._quantities[value]
        except KeyError:
            found = self._quantities[value] = _quantity(clean(value))
        if found is not None:
            return found
        self.fail(
            key,
            value,
            _("The quantity must be a whole number from 1 to {max}; correct the cell.").format(
                max=MAX_QUANTITY
            ),
        )
        return 0

    def price(self, key: str, value: str) -> int:
        try:
            fen = self._prices[value]
        except KeyError:
            fen = self._prices[value] = yuan_to_fen(clean(value))
        if fen is None:
            self.fail(
                key,
                value,
                _("The price must be an amount in yuan such as 12.50; correct the cell."),
            )
            return 0
        return fen

    def amount(self, key: str, value: str) -> int:
        """An amount that may be empty (0)."""
        return 0 if not value.strip() else self.price(key, value)

    def instant(self, key: str, value: str, zone: ZoneInfo) -> dt.datetime | None:
        """A payment time: a time that has come (``CLOCK_SKEW`` allowed)."""
        parsed = parse_instant(value, zone)
        if parsed is None:
            self.fail(
                key,
                value,
                _(
                    "The time must read like 2024-05-01 10:23:45 (or ISO 8601 with an offset); "
                    "correct the cell."
                ),
            )
        elif parsed > self._latest:
            self.fail(
                key,
                value,
                _(
                    "The payment time is in the future (this computer's clock says {now}); "
                    "correct the cell, or check the computer's clock and the shop's time zone "
                    "({zone})."
                ).format(now=self._now.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone=zone.key),
            )
        return parsed

    def fits(self, key: str, value: str, most: int) -> str:
        """A cell the store keeps whole: longer than ``most`` characters it would be cut (an
        address short of its end on the label), so it is refused."""
        if len(value) > most:
            self.fail(
                key,
                shown(value),
                _("The cell has {count} characters; at most {most} are kept; shorten it.").format(
                    count=len(value), most=most
                ),
            )
        return value

    def phone(self, key: str, value: str) -> str:
        """A number a courier can call: seven digits at least (a masked 138****5678 has them)."""
        if value and too_short_to_call(value):
            self.fail(
                key,
                value,
                _("The phone number is too short for a courier to call; correct it."),
            )
        return value

    def flag(self, key: str, value: str) -> bool:
        text = value.strip().lower()
        if text in ("", "0", "no", "n", "false", "否"):
            return False
        if text in ("1", "yes", "y", "true", "是", "赠品", "gift"):
            return True
        self.fail(key, value, _("Write 1 or 0 (yes or no) in this column."))
        return False

    def state(self, key: str, value: str, found: MarketState | None) -> MarketState:
        if found is None:
            self.fail(
                key,
                value,
                _(
                    "The order status is not one the marketplace uses; export the file again or "
                    "correct the cell."
                ),
            )
            return MarketState.PAID
        return found


def _quantity(value: str) -> int | None:
    text = value.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and 0 < int(text) <= MAX_QUANTITY:
        return int(text)
    return None


_LOOSE_TIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def parse_instant(value: str, zone: ZoneInfo) -> dt.datetime | None:
    """A tz-aware UTC instant from the ways exports write times; naive times are in ``zone``."""
    text = value.strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        match = _LOOSE_TIME.match(text)
        if not match:
            return None
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            parsed = dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(dt.UTC)
