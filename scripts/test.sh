#!/usr/bin/env bash
# The test command: sets up .venv if needed, then runs the whole suite (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/packstation ] || bash scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
