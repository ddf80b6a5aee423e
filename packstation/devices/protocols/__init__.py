"""Pure scale protocol parsers: bytes in, ``ScaleReading`` out (no I/O).

Each module has ``parse(frame) -> ScaleReading | None`` (``None``: a well-formed frame that is not a
weight, such as an acknowledgement) raising ``FrameError`` for anything else, and ``format_reading``
used by the simulators.  ``PROTOCOLS`` names them for ``protocol=…`` in a URI.
"""

from __future__ import annotations

from packstation.devices.protocols.base import FrameError, ScaleProtocol
from packstation.devices.protocols.registry import PROTOCOLS, protocol_named

__all__ = ["PROTOCOLS", "FrameError", "ScaleProtocol", "protocol_named"]
