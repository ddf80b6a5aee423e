#!/usr/bin/env bash
# Sets up everything packstation and its tests need (idempotent):
#  - PostgreSQL's server binaries and a CJK font from the OS packages, when missing (as root with
#    apt-get; otherwise it says what to install);
#  - .venv with packstation and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
fc-list 2>/dev/null | grep -qiE 'wqy|noto.*cjk|source han' || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install ${need[*]} (e.g. sudo apt install ${need[*]})" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
# the bench starts a second sooner where PYTHONDONTWRITEBYTECODE keeps Python from keeping it
.venv/bin/python -m compileall -q -j 0 packstation >/dev/null
