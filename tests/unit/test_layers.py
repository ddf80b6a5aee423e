"""The headless core is reachable without the TUI (DESIGN §2)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import packstation

ROOT = Path(__file__).resolve().parents[2]

CORE = ("domain", "store", "services", "labels", "devices")


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(packstation.__path__, prefix="packstation."):
        parts = info.name.split(".")
        if len(parts) > 1 and parts[1] in CORE:
            names.append(info.name)
    return names


def test_core_modules_exist() -> None:
    modules = _core_modules()
    for layer in CORE:
        assert any(m.startswith(f"packstation.{layer}") for m in modules)


def test_core_never_imports_textual() -> None:
    modules = [*_core_modules(), "packstation.cli", "packstation.config"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "    assert not bad, f'{name} imported textual'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_import_linter_contract_holds() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout
