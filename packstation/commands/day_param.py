"""A day given on the command line (``--date``, ``--due``): YYYY-MM-DD, within the years a shop
works in.  A year such as 9999 or 0001 is a slip, and reaches past what the store's date and
time arithmetic can hold."""

from __future__ import annotations

import datetime as dt

import click

from packstation.i18n import _

FIRST = dt.date(2000, 1, 1)
LAST = dt.date(2099, 12, 31)


class Day(click.ParamType[dt.date]):
    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                _("'{value}' is not a date; write it as YYYY-MM-DD.").format(value=value),
                param,
                ctx,
            )
        if not FIRST <= day <= LAST:
            self.fail(
                _("{day} is out of range; give a day from {first} to {last}.").format(
                    day=day, first=FIRST, last=LAST
                ),
                param,
                ctx,
            )
        return day


DAY = Day()
