"""Opening a serial line (``serial:///dev/ttyUSB0?baud=9600``) or serial-over-Ethernet
(``tcp://host:port``) as one pyserial object, so scales and scanners read both the same way."""

from __future__ import annotations

import socket
from typing import Any

import serial

from packstation.devices.base import DeviceError
from packstation.devices.uri import DeviceUri
from packstation.i18n import _
from packstation.os_problems import KNOWN_REASONS, os_problem

_PARITY = {"n": serial.PARITY_NONE, "e": serial.PARITY_EVEN, "o": serial.PARITY_ODD}


def _termios_error() -> tuple[type[Exception], ...]:
    try:
        import termios
    except ImportError:  # not on this system (Windows): pyserial raises the others only
        return ()
    return (termios.error,)


# what a serial port raises when its device goes away: pyserial's own error, the system's, and,
# from the line-discipline calls (flush, reconfigure) of an unplugged USB adapter, termios's,
# which is neither
PORT_ERRORS: tuple[type[Exception], ...] = (
    serial.SerialException,
    OSError,
    *_termios_error(),
)
_OPEN_ERRORS: tuple[type[Exception], ...] = (*PORT_ERRORS, ValueError)  # and bad settings


def open_serial(uri: DeviceUri, *, timeout: float = 1.0, what: str = "") -> Any:
    """A pyserial port for a ``serial://`` or ``tcp://`` URI; only ``DeviceError`` escapes."""
    try:
        if uri.scheme == "tcp":
            if not uri.host or not uri.port:
                raise DeviceError(
                    _("'{uri}' needs a host and a port, such as tcp://192.168.1.50:4001.").format(
                        uri=uri.text
                    )
                )
            port = serial.serial_for_url(
                f"socket://{uri.host}:{uri.port}", timeout=timeout, write_timeout=timeout
            )
        else:
            path = uri.target
            if not path:
                raise DeviceError(
                    _("'{uri}' names no port, such as serial:///dev/ttyUSB0.").format(uri=uri.text)
                )
            parity = _PARITY.get(uri.option("parity", "n")[:1].lower())
            if parity is None:
                raise DeviceError(_("'{uri}': parity is n, e or o.").format(uri=uri.text))
            port = serial.Serial(
                path,
                baudrate=uri.int_option("baud", 9600),
                bytesize=uri.int_option("bits", 8),
                parity=parity,
                stopbits=uri.int_option("stop", 1),
                timeout=timeout,
                write_timeout=timeout,
                exclusive=True,
            )
    except _OPEN_ERRORS as exc:
        if "exclusively lock" in str(exc):  # pyserial's words when another program has it
            text = _(
                "The {what} at {uri} is in use by another program (a bench already running?); "
                "close it, or use that program."
            )
        elif uri.scheme == "tcp":  # a serial server on the network: no cable or group to check
            text = _(
                "Cannot reach the {what} at {uri} ({problem}); check that it is switched on and on the network, and its address and port."
            )
        else:
            text = _(
                "Cannot open the {what} at {uri} ({problem}); check the cable, that it is switched on and the permissions (group dialout)."
            )
        raise DeviceError(
            text.format(what=what or _("device"), uri=uri.text, problem=port_problem(exc))
        ) from None
    return port


def port_problem(exc: Exception) -> str:
    """Why a port would not open, short and in the user's language where it is a common
    reason (pyserial's own words are English and repeat the path)."""
    cause = exc.__context__  # socket:// wraps the system's error in its own words, no errno
    if getattr(exc, "errno", None) is None and isinstance(cause, OSError):
        exc = cause
    match exc.args:  # termios's error is the system's (errno, text) without being an OSError
        case (int() as number, str() as text) if not isinstance(exc, OSError):
            exc = OSError(number, text)
    if isinstance(exc, socket.gaierror) or (
        isinstance(exc, OSError) and exc.errno in KNOWN_REASONS
    ):
        return os_problem(exc)
    if "Inappropriate ioctl" in str(exc):  # a file, or a device that is no serial port
        return _("it is not a serial port")
    return str(exc)
