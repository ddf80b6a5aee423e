"""`packstation order show` says which bench holds an order being packed, and whether its
lease ran out (then the next bench that asks takes the order over)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from packstation.cli import main
from packstation.domain.status import OrderStatus
from packstation.store.types import utcnow
from tests.support.lead_data import event, order


def _show(capsys: pytest.CaptureFixture[str], store_url: str, *extra: str) -> str:
    try:
        main(["--db", store_url, "--lang", "en", "order", "show", "T-1", *extra])
    except SystemExit as stopped:
        assert stopped.code in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize("minutes", [-3, 2])
def test_the_bench_that_holds_the_order(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine, minutes: int
) -> None:
    lease = utcnow().replace(microsecond=0) + dt.timedelta(minutes=minutes)
    with Session(engine) as s:
        held = order(
            s,
            "T-1",
            status=OrderStatus.PACKING,
            claimed_bench="bench-2",
            claimed_user="小张",
            lease_until=lease,
        )
        claimed = dt.datetime(2026, 3, 2, 2, 5, 7, 123456, tzinfo=dt.UTC)
        event(s, "order_claimed", at=claimed, user="小张", bench="bench-2", order_id=held.id)
        s.commit()
    shown = json.loads(_show(capsys, store_url, "--json"))
    assert (shown["claimed_bench"], shown["claimed_user"]) == ("bench-2", "小张")
    assert dt.datetime.fromisoformat(shown["lease_until"]) == lease
    assert shown["lease_ran_out"] is (minutes < 0)
    line = next(x for x in _show(capsys, store_url).splitlines() if "being packed" in x)
    at = dt.datetime.fromisoformat(shown["lease_until"]).strftime("%H:%M:%S")
    ran_out = " (ran out: the next bench that asks takes it over)" if minutes < 0 else ""
    assert line == f"  being packed at bench-2 by 小张, lease until {at}{ran_out}"
    # the event as a person reads it, in the shop's time zone (the JSON keeps the instant)
    assert "  2026-03-02 10:05:07  taken by a bench         bench-2 小张" in _show(
        capsys, store_url
    )
    assert shown["events"][0]["at"] == "2026-03-02T10:05:07.123456+08:00"
