"""The lead's PIN typed before its prompt showed (right after `packstation lead --user …`)."""

from __future__ import annotations

import os
import sys
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from packstation.commands import lead as lead_command
from packstation.services import users


def test_a_pin_typed_ahead_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt turned the echo off with a flush of what was typed: a PIN typed ahead was
    thrown away, or its last digits, typed after the flush, were tried as a wrong PIN that
    counted towards the lockout.  It is now read as typed, and tried once."""
    tried: list[str] = []

    def try_pin(_uow: Any, _user: Any, pin: str) -> bool:
        tried.append(pin)
        return pin == "1234"

    monkeypatch.setattr(users, "try_pin", try_pin)
    leader, terminal = os.openpty()
    with os.fdopen(terminal, "r", encoding="utf-8", closefd=False) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        os.write(leader, b"1234\n")  # before the prompt
        cli = SimpleNamespace(uow=lambda: None)
        done = threading.Thread(
            target=lead_command._ask_pin,
            args=(cli, SimpleNamespace(name="王组长")),
            daemon=True,
        )
        done.start()
        done.join(5)
        waiting = done.is_alive()
        os.close(leader)  # a prompt still waiting reads the end of its input
        done.join(5)
    os.close(terminal)
    assert not waiting and tried == ["1234"]
