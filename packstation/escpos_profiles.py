"""python-escpos's printer profiles, read once and kept in the user's cache folder.

python-escpos reads its profiles (``capabilities.json``, parsed as YAML) when it is first
imported and keeps a pickle of them in a folder named by ``ESCPOS_CAPABILITIES_PICKLE_DIR``,
else in a new temporary folder: every process that printed a slip or a test label spent more
than a second reading the file and left a folder in the temporary directory, one per bench
start and per command.  ``keep_profiles()``, called before ``escpos.printer`` is imported,
gives it the user's cache folder with the pickle made there whole (written beside it and
renamed, so a bench starting meanwhile never reads half a file), and loads python-escpos's
profiles with its temporary folder kept from being made (it makes one whatever it is told).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pickle
import platform
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import platformdirs

FOLDER_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_STOP = b"."  # the last byte of every pickle
_LOADING = threading.Lock()


def keep_profiles() -> None:
    """Point python-escpos at the cache folder, its pickle made there first; when the folder
    cannot be written, python-escpos does as it did."""
    with _LOADING:
        if "escpos.capabilities" in sys.modules:
            return
        if not os.environ.get(FOLDER_VARIABLE):
            folder = Path(platformdirs.user_cache_dir("packstation")) / "escpos"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                _make_pickle(folder)
            except (OSError, ValueError, pickle.PickleError):
                return
            os.environ[FOLDER_VARIABLE] = str(folder)
        with _no_temporary_folder(os.environ[FOLDER_VARIABLE]):
            import escpos.capabilities  # noqa: F401


@contextlib.contextmanager
def _no_temporary_folder(folder: str) -> Iterator[None]:
    """python-escpos asks ``tempfile.mkdtemp()`` for a folder even when told one (the default
    of ``environ.get``): while it loads, that gives the folder it was told."""
    make = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: folder  # type: ignore[assignment]
    try:
        yield
    finally:
        tempfile.mkdtemp = make


def _make_pickle(folder: Path) -> None:
    """The pickle python-escpos looks for, unless one as new as its profiles is there whole."""
    source = _profiles_file()
    kept = folder / f"{platform.python_version()}.capabilities.pickle"
    if _whole(kept) and kept.stat().st_mtime >= source.stat().st_mtime:
        return
    import yaml  # python-escpos's own reader of the file (JSON read as YAML), as it would

    profiles = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not profiles:
        raise ValueError(f"no printer profiles in {source}")
    handle, name = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(profiles, out, protocol=2)
        os.replace(name, kept)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _profiles_file() -> Path:
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("python-escpos is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"


def _whole(path: Path) -> bool:
    try:
        with path.open("rb") as kept:
            kept.seek(-1, os.SEEK_END)
            return kept.read(1) == _STOP
    except OSError:
        return False
