#!/usr/bin/env bash
# The test command: sets up .venv if needed, then runs the whole suite (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/packstation ] || bash scripts/setup.sh
# Bytecode made once here: where PYTHONDONTWRITEBYTECODE is set, every process the tests start
# (a command, a bench) compiled packstation again, a second each
.venv/bin/python -m compileall -q -j 0 packstation tests benchmarks >/dev/null
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
