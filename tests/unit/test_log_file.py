"""The screens' threads log to a file, never onto the terminal the application draws on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from packstation.log_file import log_to_file


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    for handler in root.handlers:
        handler.close()
    root.handlers, root.level = handlers, level


def test_warnings_go_to_the_file_and_not_to_the_terminal(
    root_logger: logging.Logger,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(platformdirs, "user_log_dir", lambda _app: str(tmp_path / "log"))
    root_logger.handlers = []
    logging.basicConfig()  # what python-escpos does when it is imported
    path = log_to_file("bench-b1")
    logging.getLogger("packstation.services.outbox").warning("the store is unreachable")
    logging.basicConfig()  # imported later: does nothing now
    logging.getLogger("packstation.devices").warning("scale gone")
    for handler in root_logger.handlers:
        handler.flush()
    assert path == tmp_path / "log" / "bench-b1.log"
    text = path.read_text(encoding="utf-8")
    assert "WARNING packstation.services.outbox: the store is unreachable" in text
    assert "scale gone" in text
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
