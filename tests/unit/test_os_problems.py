"""Output files checked before a command does what it writes about."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.os_problems import check_output


def test_the_check_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    """The check opens the file as the command will: a file there is not emptied, and a file
    made for the check is not left behind."""
    kept = tmp_path / "kept.csv"
    kept.write_text("confirmed orders\n", encoding="utf-8")
    check_output(kept)
    assert kept.read_text(encoding="utf-8") == "confirmed orders\n"
    new = tmp_path / "new.csv"
    check_output(new)
    assert not new.exists()


def test_a_folder_that_refuses_files_is_found_before_anything_is_done() -> None:
    """As root, access() says yes to any folder: a system folder passed the check and the file
    failed after the command had done its work."""
    with pytest.raises(UserError, match="cannot be written"):
        check_output(Path("/proc/packstation.csv"))
