"""Keyboard-wedge scans told from typing, with scripted key timings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from packstation.devices.wedge import WedgeDecision, WedgeDetector


def run(
    detector: WedgeDetector, keys: list[tuple[str, str | None, float]]
) -> tuple[list[str], list[tuple[str, str | None]]]:
    """Feed keys as the app would (with the flush timer); returns scans and delivered keys."""
    scans: list[str] = []
    delivered: list[tuple[str, str | None]] = []
    for key, char, at in keys:
        deadline = detector.deadline
        if deadline is not None and deadline < at:
            delivered += detector.flush(deadline)
        decision: WedgeDecision = detector.feed(key, char, at)
        delivered += decision.replay
        if decision.code is not None:
            scans.append(decision.code)
    deadline = detector.deadline
    if deadline is not None:
        delivered += detector.flush(deadline)
    return scans, delivered


def typed(
    text: str, start: float, gap: float, end: str | None = "enter"
) -> list[tuple[str, str | None, float]]:
    keys: list[tuple[str, str | None, float]] = [
        (ch, ch, start + i * gap) for i, ch in enumerate(text)
    ]
    if end:
        keys.append((end, None, start + len(text) * gap))
    return keys


def test_a_fast_burst_ending_in_enter_is_a_scan() -> None:
    scans, delivered = run(WedgeDetector(), typed("6901234567892", 10.0, 0.004))
    assert scans == ["6901234567892"]
    assert delivered == []


def test_slow_typing_reaches_the_field_in_order() -> None:
    scans, delivered = run(WedgeDetector(), typed("6901234567892", 10.0, 0.15))
    assert scans == []
    assert "".join(ch or "" for _, ch in delivered if ch) == "6901234567892"
    assert delivered[-1] == ("enter", None)


def test_a_fast_typist_is_not_a_scan() -> None:
    # 60 ms apart is a very fast person
    scans, delivered = run(WedgeDetector(), typed("order123", 1.0, 0.06))
    assert scans == []
    assert [k for k, _ in delivered] == [*"order123", "enter"]


def test_a_short_burst_is_typing() -> None:
    scans, delivered = run(WedgeDetector(min_length=6), typed("ab12", 1.0, 0.005))
    assert scans == []
    assert [k for k, _ in delivered] == [*"ab12", "enter"]


def test_a_burst_without_enter_is_released_by_the_timer() -> None:
    detector = WedgeDetector()
    scans, delivered = run(detector, typed("ABCDEFGH", 1.0, 0.005, end=None))
    assert scans == []
    assert [k for k, _ in delivered] == list("ABCDEFGH")
    assert detector.deadline is None


def test_flush_before_the_deadline_keeps_the_keys() -> None:
    detector = WedgeDetector(max_gap_ms=30)
    assert detector.feed("a", "a", 1.0).holding
    assert detector.flush(1.01) == []
    assert detector.flush(1.2) == [("a", "a")]


def test_typing_then_a_scan() -> None:
    keys = typed("hi", 0.0, 0.2, end=None) + typed("ABC123456", 1.0, 0.003)
    scans, delivered = run(WedgeDetector(), keys)
    assert scans == ["ABC123456"]
    assert [k for k, _ in delivered] == ["h", "i"]


def test_a_pause_inside_a_burst_is_typing() -> None:
    keys = typed("ABC", 0.0, 0.003, end=None) + typed("DEF123", 0.5, 0.003)
    scans, delivered = run(WedgeDetector(), keys)
    assert scans == ["DEF123"]
    assert [k for k, _ in delivered] == ["A", "B", "C"]


def test_arrows_and_backspace_pass_through() -> None:
    detector = WedgeDetector()
    assert detector.feed("up", None, 0.0).replay == (("up", None),)
    detector.feed("a", "a", 1.0)
    decision = detector.feed("backspace", None, 1.001)
    assert decision.replay == (("a", "a"), ("backspace", None))


def test_prefix_and_tab_suffix() -> None:
    detector = WedgeDetector(prefix="]C", suffix="tab", min_length=4)
    scans, _ = run(detector, typed("]C1234567", 0.0, 0.003, end="tab"))
    assert scans == ["1234567"]
    # a fast burst without the prefix is not a scan when a prefix is configured
    scans, delivered = run(detector, typed("1234567", 5.0, 0.003, end="tab"))
    assert scans == []
    assert delivered[-1] == ("tab", None)


def test_enter_alone_passes() -> None:
    assert WedgeDetector().feed("enter", None, 0.0).replay == (("enter", None),)


@given(
    text=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 ", min_size=1, max_size=30),
    gaps=st.lists(st.floats(0.08, 0.6), min_size=30, max_size=30),
)
def test_human_typing_is_never_a_scan_and_never_lost(text: str, gaps: list[float]) -> None:
    at = 0.0
    keys: list[tuple[str, str | None, float]] = []
    for ch, gap in zip(text, gaps, strict=False):
        at += gap
        keys.append((ch, ch, at))
    keys.append(("enter", None, at + gaps[-1]))
    scans, delivered = run(WedgeDetector(), keys)
    assert scans == []
    assert "".join(ch or "" for _, ch in delivered if ch) == text
    assert delivered[-1] == ("enter", None)


@given(code=st.text(alphabet="0123456789ABCDEFXYZ-", min_size=6, max_size=40))
def test_any_scan_burst_is_a_scan(code: str) -> None:
    scans, delivered = run(WedgeDetector(), typed(code, 3.0, 0.008))
    assert scans == [code]
    assert delivered == []
