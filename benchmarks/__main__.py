"""Run a benchmark by name: ``python -m benchmarks [NAME …] [--quick]``; no name lists them."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

import benchmarks
from benchmarks.table import print_table


def available() -> list[str]:
    return sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return int(text)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: list them)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--benches",
        type=_positive,
        metavar="N",
        help="benches: bench processes on each store (default 4 on SQLite and 16 on PostgreSQL, "
        "the counts the targets are for)",
    )
    args = parser.parse_args()
    names = available()
    if not args.names:
        print("benchmarks:", ", ".join(names) or "(none)")
        return 0
    for name in args.names:
        if name not in names:
            print(f"unknown benchmark '{name}'; choose from: {', '.join(names)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"benchmarks.bench_{name}")
        started = time.perf_counter()
        rows = module.run(args)
        print_table(name, rows)
        print(f"({name}: {time.perf_counter() - started:.1f} s in all)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
