"""python-escpos's printer profiles are read once into the user's cache: each process that printed
a slip spent a second reading them and left a folder with a copy in the temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SLIP = (
    "from packstation.labels.canvas import Drawing\n"
    "from packstation.labels.escpos import parse, write\n"
    "assert len(parse(write([Drawing(64, 16)]))) == 1\n"
)


def _print_a_slip(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"},
        "TMPDIR": str(tmp_path / "tmp"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SLIP], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_slips_leave_nothing_in_the_temporary_folder_and_read_the_profiles_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "tmp").mkdir()
    _print_a_slip(tmp_path)
    assert list((tmp_path / "tmp").iterdir()) == []
    kept = list((tmp_path / "cache" / "packstation" / "escpos").iterdir())
    assert [p.name.endswith(".capabilities.pickle") for p in kept] == [True]
    made = kept[0].stat().st_mtime_ns
    _print_a_slip(tmp_path)
    assert kept[0].stat().st_mtime_ns == made  # read from the pickle, not made again
    assert list((tmp_path / "tmp").iterdir()) == []


def test_half_a_pickle_is_made_again(tmp_path: Path) -> None:
    """A copy cut short (a disk full, a process killed writing it) made python-escpos fail on
    import at every start; it is made again whole."""
    (tmp_path / "tmp").mkdir()
    _print_a_slip(tmp_path)
    (kept,) = (tmp_path / "cache" / "packstation" / "escpos").iterdir()
    kept.write_bytes(kept.read_bytes()[:1000])
    _print_a_slip(tmp_path)
    assert kept.read_bytes().endswith(b".") and kept.stat().st_size > 1000
