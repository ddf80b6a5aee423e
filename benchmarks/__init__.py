"""Speed benchmarks: ``python -m benchmarks NAME`` runs one and prints a table of figures.

Each benchmark is a module ``benchmarks/bench_<name>.py`` with a ``run(args) -> list[Row]``.
They are never run as tests.
"""
