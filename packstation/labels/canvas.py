"""A drawing in printer dots: the one description every output is made from.

``compose`` builds a ``Drawing`` from a template and a parcel's data; ``zpl`` and ``escpos``
turn it into printer bytes and back, and ``paint`` turns it into the preview image.  Because the
preview is painted from the same primitives (and, for a stored job, from the bytes parsed back),
it shows what prints.  Text is always rasterised here with Pillow, so Chinese and Latin text look
the same on the preview and on paper.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from packstation.labels import code128
from packstation.labels.fonts import load_font

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Bitmap:
    """A 1-bit picture (Pillow mode "1": 0 is black) placed at x, y."""

    x: int
    y: int
    image: Image.Image


@dataclass(frozen=True)
class Bars:
    """A Code 128 symbol: its symbol values (start … check, without stop), module width, height."""

    x: int
    y: int
    module: int
    height: int
    symbols: tuple[int, ...]

    @property
    def width(self) -> int:
        return code128.width_in_modules(self.symbols) * self.module


@dataclass(frozen=True)
class Rect:
    """A box outline of ``thickness`` dots; a thickness of min(w, h) fills it."""

    x: int
    y: int
    w: int
    h: int
    thickness: int = 2


Item = Bitmap | Bars | Rect


@dataclass
class Drawing:
    width: int
    height: int
    items: list[Item] = field(default_factory=list)

    def barcodes(self) -> list[Bars]:
        return [i for i in self.items if isinstance(i, Bars)]


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _break_points(text: str) -> list[str]:
    """Tokens a line may break between: each CJK character alone, Latin words with their space."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        elif char == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _break_points(paragraph):
            candidate = line + token
            if line and font.getlength(candidate.rstrip()) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
                # a single token wider than the line is cut by characters
                while font.getlength(line) > width and len(line) > 1:
                    cut = len(line)
                    while cut > 1 and font.getlength(line[:cut]) > width:
                        cut -= 1
                    lines.append(line[:cut])
                    line = line[cut:]
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def text_bitmap(
    text: str,
    *,
    font_path: str,
    size: int,
    width: int,
    height: int,
    max_lines: int = 1,
    bold: bool = False,
    align: Align = "left",
    min_size: int = 0,
) -> Image.Image:
    """Text set into a box of width × height dots: wrapped, shrunk to ``min_size`` if it must be,
    and cut with an ellipsis when it still does not fit.  The box is white where there is no ink."""
    min_size = min_size or max(12, int(size * 0.7))
    current = size
    while True:
        font = load_font(font_path, current)
        spacing = max(2, current // 6)
        fits = max(1, min(max_lines, (height + spacing) // (current + spacing)))
        lines = wrap(text, font, width)
        if len(lines) <= fits or current <= min_size:
            break
        current = max(min_size, int(current * 0.88))
    if len(lines) > fits:
        lines = lines[:fits]
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    # Bold is the same glyphs struck again one dot to the right (a dot more for big text):
    # cleaner than an outline stroke at thermal-printer resolution, and faster.
    strikes = 1 + (max(1, current // 30) if bold else 0)
    y = 0
    for line in lines:
        length = int(font.getlength(line)) + strikes - 1
        x = (
            0
            if align == "left"
            else (width - length)
            if align == "right"
            else (width - length) // 2
        )
        for dx in range(strikes):
            draw.text((x + dx, y), line, font=font, fill=0)
        y += current + spacing
    return image


def trim(image: Image.Image) -> Image.Image:
    """The image cut to its ink, so a bitmap carries no empty margin to the printer."""
    box = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    if box is None:
        return image.crop((0, 0, 1, 1))
    return image.crop(box)


def paint(drawing: Drawing) -> Image.Image:
    """The drawing as a 1-bit image, exactly as a printer lays the same primitives down."""
    image = Image.new("1", (drawing.width, drawing.height), 1)
    draw = ImageDraw.Draw(image)
    for item in drawing.items:
        if isinstance(item, Bitmap):
            # paste only the ink: black pixels of the bitmap, like a printer ORing dots
            ink = Image.eval(item.image.convert("L"), lambda v: 255 - v).convert("1")
            image.paste(0, (item.x, item.y), ink)
        elif isinstance(item, Bars):
            x = item.x
            for bit in code128.modules(item.symbols):
                if bit:
                    draw.rectangle(
                        (x, item.y, x + item.module - 1, item.y + item.height - 1), fill=0
                    )
                x += item.module
        else:
            t = min(item.thickness, item.w, item.h)
            if t >= min(item.w, item.h):
                draw.rectangle((item.x, item.y, item.x + item.w - 1, item.y + item.h - 1), fill=0)
            else:
                draw.rectangle(
                    (item.x, item.y, item.x + item.w - 1, item.y + item.h - 1), outline=0, width=t
                )
    return image
