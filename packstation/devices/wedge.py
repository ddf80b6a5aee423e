"""Telling a keyboard-wedge scan from typing, by timing and the terminator (pure, no Textual).

The bench application feeds every key event to ``WedgeDetector.feed`` with the time it arrived and
does what the ``WedgeDecision`` says: keys in ``replay`` are delivered now (to the focused field,
in order), ``code`` is a completed scan, and ``holding`` means the keys are kept back because a
scan may be under way.  While keys are held, a timer calls ``flush(now)`` at ``deadline`` so that a
person's single keystroke reaches the field after at most a few tens of milliseconds.

A scanner types every character within a few milliseconds and ends with Enter (or Tab); a person
types 80–250 ms apart.  A burst counts as a scan when it has at least ``min_length`` characters,
the average gap is at most ``max_gap_ms`` and no single gap exceeds three times that (terminals
deliver keys in clumps, so single gaps jitter).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

Key = tuple[str, str | None]  # (Textual key name, character)


@dataclass(frozen=True)
class WedgeDecision:
    replay: tuple[Key, ...] = ()  # deliver these keys now, in order (typing, not a scan)
    code: str | None = None  # a scan completed
    holding: bool = False  # keys are held back: call ``flush`` at ``deadline``

    @property
    def is_scan(self) -> bool:
        return self.code is not None


class WedgeDetector:
    def __init__(
        self,
        max_gap_ms: int = 30,
        min_length: int = 6,
        prefix: str = "",
        suffix: str = "enter",
    ) -> None:
        self.max_gap = max_gap_ms / 1000
        self.hold_gap = 3 * self.max_gap  # longer than this between two keys: typing
        self.min_length = min_length
        self.prefix = prefix
        self.suffix = suffix or "enter"
        self._held: list[Key] = []
        self._times: list[float] = []

    @property
    def deadline(self) -> float | None:
        """When ``flush`` should be called if no key arrives (``None``: nothing held)."""
        return self._times[-1] + self.hold_gap if self._times else None

    def feed(self, key: str, character: str | None, at: float) -> WedgeDecision:
        """One key event, ``at`` seconds on any monotonic clock."""
        replay: tuple[Key, ...] = ()
        if self._held and at - self._times[-1] > self.hold_gap:
            replay = self._release()  # the held keys came too slowly to be a scan
        if key == self.suffix:
            code = self._complete(at)
            if code is not None:
                return WedgeDecision(replay=replay, code=code)
            return WedgeDecision(replay=(*replay, *self._release(), (key, character)))
        if character is None or len(character) != 1 or not character.isprintable():
            # arrows, backspace, function keys: never part of a scan
            return WedgeDecision(replay=(*replay, *self._release(), (key, character)))
        self._held.append((key, character))
        self._times.append(at)
        if self.prefix and not self._prefix_possible():
            return WedgeDecision(replay=(*replay, *self._release()))
        return WedgeDecision(replay=replay, holding=True)

    def flush(self, at: float) -> list[Key]:
        """Keys held for longer than a scan would take: deliver them as typing."""
        if self._times and at - self._times[-1] >= self.hold_gap:
            return list(self._release())
        return []

    def _release(self) -> tuple[Key, ...]:
        held = tuple(self._held)
        self._held.clear()
        self._times.clear()
        return held

    def _prefix_possible(self) -> bool:
        typed = "".join(ch or "" for _, ch in self._held)
        return typed.startswith(self.prefix) or self.prefix.startswith(typed)

    def _complete(self, at: float) -> str | None:
        if not self._held:
            return None
        typed = "".join(ch or "" for _, ch in self._held)
        if self.prefix:
            if not typed.startswith(self.prefix):
                return None
            code = typed[len(self.prefix) :]
        else:
            code = typed
        if len(code) < self.min_length:
            return None
        times = [*self._times, at]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        if max(gaps) > self.hold_gap or sum(gaps) / len(gaps) > self.max_gap:
            return None
        self._release()
        return code
