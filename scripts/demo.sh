#!/usr/bin/env bash
# The demo: sets up .venv if needed, then opens the demo bench (SQLite, simulated devices).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/packstation ] || bash scripts/setup.sh >&2
exec .venv/bin/packstation demo "$@"
