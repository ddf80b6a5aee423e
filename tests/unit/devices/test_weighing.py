"""A weight counts after N equal stable readings; the monitor reconnects with back-off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from packstation.devices.base import DeviceError, Scale, ScaleReading, ScaleStatus
from packstation.devices.sim.scale import SimulatedScale
from packstation.devices.weighing import ScaleMonitor, StableWeight


def stable(grams: int) -> ScaleReading:
    return ScaleReading(grams=Decimal(grams), status=ScaleStatus.STABLE)


def test_three_equal_stable_readings_make_a_weight() -> None:
    weight = StableWeight(3)
    assert weight.feed(stable(1200)) is None
    assert weight.feed(stable(1200)) is None
    assert weight.feed(stable(1200)) == Decimal(1200)
    assert weight.feed(stable(1200)) == Decimal(1200)


def test_motion_and_change_start_over() -> None:
    weight = StableWeight(2)
    weight.feed(stable(1200))
    assert weight.feed(ScaleReading(grams=Decimal(1201), status=ScaleStatus.MOTION)) is None
    assert weight.feed(stable(1200)) is None
    assert weight.feed(stable(1210)) is None
    assert weight.feed(stable(1210)) == Decimal(1210)
    assert weight.feed(ScaleReading(grams=None, status=ScaleStatus.OVERLOAD)) is None


def test_the_simulated_scale_settles_and_faults() -> None:
    scale = SimulatedScale()
    scale.set_weight(850, settle_readings=2)
    statuses = [scale.read().status for _ in range(3)]
    assert statuses == [ScaleStatus.MOTION, ScaleStatus.MOTION, ScaleStatus.STABLE]
    scale.zero()
    assert scale.read().grams == 0
    scale.set_fault(ScaleStatus.OVERLOAD)
    assert scale.read().status is ScaleStatus.OVERLOAD
    scale.set_fault(None)
    scale.disconnect()
    try:
        scale.read()
    except DeviceError:
        pass
    else:
        raise AssertionError("an unplugged scale must not read")
    scale.reconnect()
    assert scale.read().stable


def test_monitor_reconnects_after_the_scale_goes_away() -> None:
    scale = SimulatedScale()
    scale.set_weight(500, settle_readings=0)
    states: list[str] = []
    readings: list[ScaleReading] = []
    changed = threading.Condition()

    def on_state(state: str) -> None:
        with changed:
            states.append(state)
            changed.notify_all()

    def on_reading(reading: ScaleReading) -> None:
        with changed:
            readings.append(reading)
            changed.notify_all()

    def factory() -> Scale:
        if not scale.connected:
            raise DeviceError("unplugged")
        return scale

    monitor = ScaleMonitor(
        factory, on_reading, on_state, poll_interval=0.01, backoff_initial=0.01, backoff_max=0.05
    )
    monitor.start()
    try:
        with changed:
            assert changed.wait_for(lambda: len(readings) >= 2, timeout=10)
            scale.disconnect()
            assert changed.wait_for(lambda: "disconnected" in states, timeout=10)
            assert changed.wait_for(lambda: states.count("reconnecting") >= 2, timeout=10)
            scale.reconnect()
            count = len(readings)
            assert changed.wait_for(lambda: len(readings) > count, timeout=10)
        assert states[0] == "connected"
        assert states[-1] == "connected"
        monitor.zero()
        with changed:
            count = len(readings)
            assert changed.wait_for(
                lambda: len(readings) > count + 1 and readings[-1].grams == 0, timeout=10
            )
    finally:
        monitor.stop()


def test_monitor_outlives_an_error_that_is_not_a_device_error() -> None:
    """An unplugged USB adapter made pyserial's flush raise termios.error, which ended the
    monitor's thread: the scale stayed on "fault" until the bench was restarted."""
    scale = SimulatedScale()
    scale.set_weight(500, settle_readings=0)
    states: list[str] = []
    errors: list[str] = []
    readings: list[ScaleReading] = []
    changed = threading.Condition()
    broken = [True]

    def note(into: list[Any]) -> Callable[[Any], None]:
        def add(item: Any) -> None:
            with changed:
                into.append(item)
                changed.notify_all()

        return add

    class Flaky(SimulatedScale):
        def read(self, timeout: float = 1.0) -> ScaleReading:
            if broken[0]:
                broken[0] = False
                raise RuntimeError("(5, 'Input/output error')")  # as termios.error says it
            return scale.read(timeout)

    monitor = ScaleMonitor(
        Flaky,
        note(readings),
        note(states),
        poll_interval=0.01,
        on_error=note(errors),
        backoff_initial=0.01,
        backoff_max=0.05,
    )
    monitor.start()
    try:
        with changed:
            assert changed.wait_for(lambda: len(readings) >= 2, timeout=10)
        assert states[:3] == ["connected", "disconnected", "reconnecting"]
        assert states[-1] == "connected"
        assert errors == ["The device stopped answering ((5, 'Input/output error')); reconnecting."]
    finally:
        monitor.stop()


def test_a_reading_in_pounds_is_rounded_to_the_gram() -> None:
    """12.7 lb (5760.62 g) was taken as 5760 g at the bench and shown 5760.6 g by scale read."""
    from packstation.devices.weighing import whole_grams

    assert whole_grams(Decimal("5760.62")) == 5761
    assert whole_grams(Decimal("5760.5")) == 5761
    assert whole_grams(Decimal("5760.49")) == 5760
    assert whole_grams(Decimal("-3.5")) == -4
