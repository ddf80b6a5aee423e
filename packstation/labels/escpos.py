"""ESC/POS: a ``Drawing`` to receipt-printer bytes through python-escpos, and back to an image.

Called by ``labels.render`` for packing slips and pick lists on 80 mm / 58 mm receipt printers.
The whole slip goes as one raster image (``GS v 0``): python-escpos would send Chinese as raw
GB18030 without switching the printer's Chinese mode on, which many printers print as garbage
(reference/devices.md), and a raster also makes the preview exact.
"""

from __future__ import annotations

import copy

from PIL import Image

from packstation.escpos_profiles import keep_profiles
from packstation.labels.canvas import INVERT, Drawing, paint

_INIT = b"\x1b@"
_RASTER = b"\x1dv0"


def write(drawings: list[Drawing]) -> bytes:
    """Initialise, print each drawing as raster, feed and cut after each."""
    keep_profiles()
    from escpos.printer import Dummy  # loaded when a slip is printed: it takes a while

    printer = Dummy()
    # python-escpos prints a warning on stdout (and cannot check the width) when the profile has
    # no paper width; give it the drawing's width, on a copy since profiles are shared.
    profile = copy.deepcopy(printer.profile.profile_data)
    profile["media"]["width"]["pixels"] = max(d.width for d in drawings)
    printer.profile.profile_data = profile
    printer.hw("INIT")
    for drawing in drawings:
        printer.image(paint(drawing), impl="bitImageRaster", center=False)
        printer.cut()
    return bytes(printer.output)


def parse(data: bytes) -> list[Image.Image]:
    """The raster images of a job, one per cut, as the printer would print them."""
    pages: list[Image.Image] = []
    strips: list[Image.Image] = []
    i = 0
    while i < len(data):
        if data.startswith(_RASTER, i):
            per_row = data[i + 4] | data[i + 5] << 8
            height = data[i + 6] | data[i + 7] << 8
            start = i + 8
            ink = data[start : start + per_row * height]
            strips.append(Image.frombytes("1", (per_row * 8, height), ink.translate(INVERT)))
            i = start + per_row * height
        elif data.startswith(b"\x1dV", i):
            pages.append(_stack(strips))
            strips = []
            i += 3
        else:
            i += 1
    if strips:
        pages.append(_stack(strips))
    return pages


def _stack(strips: list[Image.Image]) -> Image.Image:
    width = max(s.width for s in strips)
    page = Image.new("1", (width, sum(s.height for s in strips)), 1)
    y = 0
    for strip in strips:
        page.paste(strip, (0, y))
        y += strip.height
    return page
