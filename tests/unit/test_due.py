"""Due dates against the 16:00 cut-off in the shop's time zone."""

from __future__ import annotations

import datetime as dt

from packstation.config import ShippingSettings
from packstation.domain.due import ShippingCalendar

SH = dt.timezone(dt.timedelta(hours=8))


def test_before_and_after_the_cutoff() -> None:
    cal = ShippingSettings().calendar()
    assert cal.due_date(dt.datetime(2026, 11, 26, 15, 59, tzinfo=SH)) == dt.date(2026, 11, 26)
    assert cal.due_date(dt.datetime(2026, 11, 26, 16, 0, tzinfo=SH)) == dt.date(2026, 11, 27)
    # 07:30 UTC is 15:30 in Shanghai: same day
    assert cal.due_date(dt.datetime(2026, 11, 26, 7, 30, tzinfo=dt.UTC)) == dt.date(2026, 11, 26)


def test_non_shipping_days_are_skipped() -> None:
    cal = ShippingCalendar(non_shipping_weekdays={7}, holidays={dt.date(2026, 11, 30)})
    # Saturday 28th after the cut-off: Sunday is off, Monday 30th a holiday -> Tuesday
    assert cal.due_date(dt.datetime(2026, 11, 28, 17, 0, tzinfo=SH)) == dt.date(2026, 12, 1)
    # paid on the Sunday morning -> next shipping day
    assert cal.due_date(dt.datetime(2026, 11, 29, 9, 0, tzinfo=SH)) == dt.date(2026, 12, 1)
