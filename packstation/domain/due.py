"""Due dates from the cut-off: paid before the cut-off ships that day, after it the next
shipping day (skipping the shop's non-shipping weekdays and holidays).  Pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ShippingCalendar:
    timezone: str = "Asia/Shanghai"
    cutoff: dt.time = dt.time(16, 0)
    non_shipping_weekdays: Collection[int] = ()  # ISO: 1 = Monday … 7 = Sunday
    holidays: Collection[dt.date] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_shipping_day(self, day: dt.date) -> bool:
        return day.isoweekday() not in self.non_shipping_weekdays and day not in self.holidays

    def next_shipping_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a shipping day, else the first one after it."""
        for _ in range(366):
            if self.is_shipping_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no shipping day within a year; check the holidays and weekdays")

    def due_date(self, paid_at: dt.datetime) -> dt.date:
        """The day an order paid at ``paid_at`` (tz-aware) must ship."""
        local = paid_at.astimezone(self.zone)
        day = local.date()
        if not self.is_shipping_day(day) or local.time() >= self.cutoff:
            day = self.next_shipping_day(day + dt.timedelta(days=1))
        return day

    def today(self, now: dt.datetime) -> dt.date:
        """The shop's calendar date at ``now``."""
        return now.astimezone(self.zone).date()

    def at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        """The instant of a local clock time on a day (e.g. the 21:00 confirmation deadline)."""
        return dt.datetime.combine(day, clock, tzinfo=self.zone)


def parse_clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))
