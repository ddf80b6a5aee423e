"""Waybill numbers from a carrier's range under concurrent allocation, on both stores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from packstation.cli import main
from packstation.config import CarrierSettings, Settings
from packstation.services import tracking
from packstation.store.models import Carrier
from packstation.store.uow import UnitOfWork

Uow = Callable[..., UnitOfWork]
BENCHES = 4
EACH = 15


def test_benches_never_get_the_same_number(engine: Engine, print_settings: Settings) -> None:
    got: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(BENCHES)

    def bench(n: int) -> None:
        try:
            start.wait()
            for _ in range(EACH):
                uow = UnitOfWork(engine, bench=f"bench-{n}", user="packer")
                with uow:
                    number = tracking.allocate(uow, print_settings, "YTO")
                    uow.commit()
                with lock:
                    got.append(number)
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=bench, args=(n,)) for n in range(BENCHES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(got) == BENCHES * EACH
    assert len(set(got)) == len(got)
    expected = {f"YT7000000000{n:03d}" for n in range(BENCHES * EACH)}
    assert set(got) == expected  # no gaps either: a rolled-back allocation gives its number back


def test_a_rolled_back_allocation_is_not_lost(uow_factory: Uow, print_settings: Settings) -> None:
    with uow_factory() as uow:
        assert tracking.allocate(uow, print_settings, "YTO") == "YT7000000000000"
    with uow_factory() as uow:
        assert tracking.allocate(uow, print_settings, "YTO") == "YT7000000000000"
        uow.commit()


def test_a_new_range_in_the_configuration_starts_from_its_first(
    uow_factory: Uow, print_settings: Settings
) -> None:
    with uow_factory() as uow:
        tracking.allocate(uow, print_settings, "YTO")
        uow.commit()
    moved = print_settings.model_copy(
        update={
            "carriers": {
                "YTO": CarrierSettings(waybill_range=["YT8000000000000", "YT8000000000009"])
            }
        }
    )
    with uow_factory() as uow:
        assert tracking.allocate(uow, moved, "YTO") == "YT8000000000000"
        uow.commit()
    with uow_factory(readonly=True) as uow:
        row = uow.session.get(Carrier, "YTO")
        assert row is not None and row.range_next == "YT8000000000001"


def test_a_first_number_raised_past_the_next_skips_the_numbers_between(
    uow_factory: Uow, print_settings: Settings
) -> None:
    """After a restore, numbers printed since the dump were given out again: the store no
    longer knew them, and a new first number with the same last one changed nothing. Raised
    past the next number, the first is where the range goes on; lowered, it is not."""
    with uow_factory() as uow:
        assert tracking.allocate(uow, print_settings, "YTO") == "YT7000000000000"
        uow.commit()

    def starting(first: str) -> Settings:
        last = print_settings.carriers["YTO"].waybill_range[1]
        ranged = CarrierSettings(name="圆通速递", waybill_range=[first, last])
        return print_settings.model_copy(update={"carriers": {"YTO": ranged}})

    with uow_factory() as uow:
        assert tracking.allocate(uow, starting("YT7000000000050"), "YTO") == "YT7000000000050"
        uow.commit()
    with uow_factory() as uow:  # the first put back: numbers are not given out twice
        assert tracking.allocate(uow, starting("YT7000000000000"), "YTO") == "YT7000000000051"
        uow.commit()


def test_a_scanned_waybill_is_bound_and_checked(
    uow_factory: Uow, print_settings: Settings, new_order: Callable[..., tuple[int, list[int]]]
) -> None:
    from packstation.errors import UserError

    order_id, (a,) = new_order(order_no="S1")
    _other, (b,) = new_order(order_no="S2")
    with uow_factory() as uow:
        assert (
            tracking.bind_scanned(uow, print_settings, parcel_id=a, scanned="yt1234567890123")
            == "YT1234567890123"
        )
        uow.commit()
    with pytest.raises(UserError, match="already used"), uow_factory() as uow:
        tracking.bind_scanned(uow, print_settings, parcel_id=b, scanned="YT1234567890123")
    with uow_factory(readonly=True) as uow:
        assert tracking.find_order_id_by_tracking(uow, "YT1234567890123") == order_id


def test_a_bench_started_with_a_raised_first_number_stores_it(
    store_url: str,
    uow_factory: Uow,
    print_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a restore the README has the first number raised before the benches start. Raised
    in one bench's configuration, it counted only once that bench printed: a bench started
    with the old configuration gave out the numbers printed since the dump again."""
    with uow_factory() as uow:
        assert tracking.allocate(uow, print_settings, "YTO") == "YT7000000000000"
        uow.commit()
    last = print_settings.carriers["YTO"].waybill_range[1]
    config = tmp_path / "bench-1.toml"
    config.write_text(
        f'[carriers.YTO]\nwaybill_range = ["YT7000000000050", "{last}"]\n', encoding="utf-8"
    )
    import packstation.app

    monkeypatch.setattr(packstation.app, "run_bench", lambda *args, **kwargs: None)
    try:
        main(["--db", store_url, "--config", str(config), "bench"])
    except SystemExit as exc:
        assert not exc.code
    with uow_factory() as uow:  # another bench, on the configuration from before the restore
        assert tracking.allocate(uow, print_settings, "YTO") == "YT7000000000050"
        uow.commit()
