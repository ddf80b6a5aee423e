"""The bench's way to the store while it is down: what a timer repeats waits between tries (a
try can hang for seconds on a silent network), what the packer asks for is always tried."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from packstation.errors import StoreBusy, StoreCannotWrite, StoreError
from packstation.screens.bench.store_link import DOWN_RETRY_S, StoreLink
from packstation.services import retry
from packstation.store.engine import make_engine
from packstation.store.uow import UnitOfWork


class Store:
    """A store call that fails while ``up`` is False, counting its tries."""

    def __init__(self) -> None:
        self.up = True
        self.tries = 0

    def __call__(self, _uow: UnitOfWork) -> str:
        self.tries += 1
        if not self.up:
            raise OperationalError("SELECT", {}, Exception("connection timed out"))
        return "answer"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def link(clock: Clock) -> Iterator[tuple[StoreLink, list[str]]]:
    said: list[str] = []
    engine = make_engine("sqlite://")  # never reached: the calls below do not use their unit
    link = StoreLink(
        engine,
        bench="bench-1",
        user="packer",
        on_lost=lambda exc: said.append(f"lost: {exc}"),
        on_back=lambda: said.append("back"),
        clock=clock,
    )
    yield link, said
    engine.dispose()


def test_a_timer_tries_a_store_that_is_down_only_every_few_seconds(
    link: tuple[StoreLink, list[str]], clock: Clock
) -> None:
    bench, said = link
    store = Store()
    assert bench.timed(store, readonly=True) == "answer"
    store.up = False
    assert bench.timed(store, readonly=True) is None  # the poll meets the outage
    assert store.tries == 2 and bench.down
    for _second in range(int(DOWN_RETRY_S) - 1):  # a poll every second meanwhile
        clock.now += 1.0
        assert bench.timed(store, readonly=True) is None
    assert store.tries == 2  # none of them waited on the store
    clock.now += 1.0
    assert bench.timed(store) is None  # tried again, and still down
    assert store.tries == 3
    store.up = True
    clock.now += DOWN_RETRY_S
    assert bench.timed(store) == "answer"
    assert not bench.down
    assert len(said) == 2 and said[0].startswith("lost: The store is unreachable")
    assert said[1] == "back"


def test_what_the_packer_asks_for_is_tried_once_while_the_store_is_down(
    link: tuple[StoreLink, list[str]], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "SCREEN_RETRY_S", 60.0)  # retried for long, were it up
    bench, said = link
    store = Store()
    store.up = False
    assert bench.timed(store) is None
    assert store.tries == 1
    assert bench.read(store) is None  # a read the packer asked for: tried at once
    assert store.tries == 2
    with pytest.raises(StoreError, match="unreachable"):
        bench.action(store)  # known down: one try, not a minute of retries
    assert store.tries == 3
    store.up = True
    assert bench.read(store) == "answer"  # and the first to get through says so
    assert said[-1] == "back"
    assert not bench.down


class LockNotAvailable(Exception):
    sqlstate = "55P03"  # as psycopg's error for a statement past its lock_timeout


def test_an_action_kept_waiting_by_held_rows_is_not_a_lost_store(
    link: tuple[StoreLink, list[str]],
) -> None:
    """The store answered (it cancelled the statement at its lock timeout): the packer hears
    the one sentence, and the bench does not take the store for unreachable."""
    bench, said = link
    tries: list[int] = []

    def waits(_uow: UnitOfWork) -> str:
        tries.append(1)
        raise OperationalError("UPDATE product", {}, LockNotAvailable("lock timeout"))

    with pytest.raises(StoreBusy) as busy:
        bench.action(waits)
    assert str(busy.value).startswith("Another program has held what this needs for too long")
    assert len(tries) == 1 and said == [] and not bench.down


class DiskFull(Exception):
    sqlstate = "53100"  # as psycopg's error for a server whose disk is full


@pytest.mark.parametrize("action", [True, False], ids=["an action", "a timer's write"])
def test_a_store_that_cannot_write_is_not_a_lost_store(
    link: tuple[StoreLink, list[str]], action: bool
) -> None:
    """The store answered that it cannot write: an action says why, once, and a timer's write
    (the lease) gives nothing; neither takes the store for unreachable."""
    bench, said = link
    tries: list[int] = []

    def writes(_uow: UnitOfWork) -> str:
        tries.append(1)
        raise OperationalError("INSERT INTO event", {}, DiskFull("could not extend file"))

    if action:
        with pytest.raises(StoreCannotWrite) as refused:
            bench.action(writes)
        assert str(refused.value).startswith(
            "The store cannot write to its disk (could not extend file): free space"
        )
    else:
        assert bench.timed(writes) is None
    assert len(tries) == 1 and said == [] and not bench.down
