"""Printing benchmark figures as a small table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Row:
    measure: str
    value: float
    unit: str
    target: str = ""  # e.g. "<= 15 s"
    ok: bool | None = None  # None: no target


def print_table(title: str, rows: Sequence[Row]) -> None:
    print(f"== {title} ==")
    width = max((len(r.measure) for r in rows), default=10)
    for r in rows:
        verdict = "" if r.ok is None else ("  OK" if r.ok else "  MISSED")
        target = f"  (target {r.target})" if r.target else ""
        print(f"{r.measure:<{width}}  {r.value:>12.3f} {r.unit}{target}{verdict}")


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]
