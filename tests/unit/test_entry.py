"""The command's entry point tells a Ctrl-C from a fault of the program."""

from __future__ import annotations

from packstation.entry import by_ctrl_c


def _wrapped() -> RuntimeError:
    """A Ctrl-C that landed while a dataclass was being made, as Python reports it."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ctrl_c:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance") from ctrl_c
    except RuntimeError as wrapped:
        return wrapped


def test_a_ctrl_c_wrapped_in_a_runtime_error_is_a_ctrl_c() -> None:
    """It printed a traceback ending in "Error calling __set_name__"."""
    assert by_ctrl_c(KeyboardInterrupt())
    assert by_ctrl_c(_wrapped())
    assert not by_ctrl_c(RuntimeError("a fault of ours"))
    assert not by_ctrl_c(ValueError())
