"""``doctor`` on a bench that shares a PostgreSQL store: this machine's clock against the
server's (a lease is judged by the server's clock, cut-offs and label times by this one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from packstation.config import Settings
from packstation.services.doctor import check_store
from packstation.store import clock
from tests.conftest import new_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_settings(pg_server: str, pg_template: str) -> Iterator[Settings]:
    clock.forget_offsets()
    yield Settings().with_store_url(new_pg_database(pg_server, pg_template))
    clock.forget_offsets()


def _clock(settings: Settings) -> tuple[bool, str]:
    found = [c for c in check_store(settings) if c.name == "clock"]
    assert len(found) == 1
    return found[0].ok, found[0].detail


def test_a_clock_that_agrees_with_the_store_is_ok(pg_settings: Settings) -> None:
    ok, detail = _clock(pg_settings)
    assert ok and detail.startswith("within 0 s")


@pytest.mark.parametrize(("moved", "said"), [(90, "90 s ahead"), (-90, "90 s behind")])
def test_a_clock_far_from_the_store_is_named(
    pg_settings: Settings, monkeypatch: pytest.MonkeyPatch, moved: int, said: str
) -> None:
    shift = dt.timedelta(seconds=moved)
    monkeypatch.setattr(clock, "utcnow", lambda: dt.datetime.now(dt.UTC) + shift)
    ok, detail = _clock(pg_settings)
    assert not ok
    assert said in detail and "NTP" in detail


def test_a_sqlite_store_has_no_clock_to_compare() -> None:
    settings = Settings().with_store_url("sqlite://")
    assert [c.name for c in check_store(settings) if c.name == "clock"] == []


def test_a_store_lost_before_the_clock_is_read_is_one_line(
    pg_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packstation.services import doctor

    def lost(_engine: object) -> dt.timedelta:
        raise OperationalError("SELECT clock_timestamp()", {}, Exception("server closed\nthe rest"))

    monkeypatch.setattr(doctor, "clock_offset", lost)
    store = [c for c in check_store(pg_settings) if c.name == "store"]
    assert len(store) == 1 and not store[0].ok
    assert "cannot be reached (server closed)" in store[0].detail and "\n" not in store[0].detail


def test_doctor_says_each_check_as_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store and devices that did not answer kept doctor silent for 14 s, then every line
    came at once: the lines before a slow check are said before it runs."""
    from packstation.services import doctor

    said: list[str] = []

    def quick(_settings: Settings) -> list[doctor.Check]:
        said.append("quick")
        return [doctor.Check("quick", True, "done")]

    def slow(_settings: Settings) -> list[doctor.Check]:
        said.append("slow")
        return [doctor.Check("slow", False, "no answer")]

    monkeypatch.setattr(doctor, "CHECKS", [quick, slow])
    checks = doctor.each_check(Settings())
    assert next(checks).name == "quick" and said == ["quick"]  # the slow one not begun yet
    assert [c.name for c in checks] == ["slow"]
