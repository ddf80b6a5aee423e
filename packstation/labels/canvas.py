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
from functools import cache, lru_cache
from typing import Any, Literal

from PIL import Image, ImageChops, ImageDraw, ImageFont

from packstation.labels import code128
from packstation.labels.fonts import load_font

Align = Literal["left", "center", "right"]
# Pillow's 1-bit images store 1 for white; printers want 1 for ink: bytes.translate flips them.
INVERT = bytes(255 - i for i in range(256))


# How many finished texts (and, in ``zpl``, their encodings) are kept.  A label and its slip hold
# some 35 texts, most of them the same on every parcel, and those stay in; the few that change
# with each parcel (address, numbers) push out older ones.  On 2,500 varied labels a cache of
# 1024 hit as often as one of 2048 and held about half the memory (some 20 MiB when full).
TEXT_CACHE_SIZE = 1024


@dataclass(frozen=True, eq=False)
class Ink:
    """A text set in its box and cut to its ink: ``image`` sits at (dx, dy) inside the box.

    ``text_ink`` hands the same Ink to every drawing that prints the same text, so nothing may
    draw on ``image``.  It is compared and hashed by identity, which makes it a cheap key for a
    printer language's encoding of it.
    """

    dx: int
    dy: int
    image: Image.Image


@dataclass(frozen=True)
class Bitmap:
    """A 1-bit picture (Pillow mode "1": 0 is black) placed at x, y; ``ink`` when it is a shared
    text from ``text_ink``, whose encoding may be cached."""

    x: int
    y: int
    image: Image.Image
    ink: Ink | None = field(default=None, compare=False, repr=False)


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


OPENING = set("（(【[《“‘「『")
CLOSING = set("）)】]》”’」』，,。.、；;：:！!？?")


def _break_points(text: str) -> list[str]:
    """Tokens a line may break between: each CJK character alone, Latin words with their space.
    Opening brackets stay with what follows and closing punctuation with what precedes, so no
    line ends in （ or starts with ）."""
    tokens: list[str] = []
    word = ""
    prefix = ""
    for char in text:
        if char in OPENING and is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            prefix += char
        elif char in CLOSING and is_wide(char) and (word or tokens):
            if word:
                word += char
            else:
                tokens[-1] += char
        elif is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(prefix + char)
            prefix = ""
        elif char == " ":
            tokens.append(prefix + word + " ")
            word = prefix = ""
        else:
            word = prefix + word + char if prefix else word + char
            prefix = ""
    if word or prefix:
        tokens.append(prefix + word)
    return tokens


@cache
def _advance(font: ImageFont.FreeTypeFont, char: str) -> float:
    return font.getlength(char)


def _token_width(font: ImageFont.FreeTypeFont, token: str) -> float:
    """The sum of the characters' advances: exactly how ``_draw_line`` sets them."""
    return sum(_advance(font, c) for c in token)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> tuple[str, ...]:
    """The lines ``text`` takes at ``width`` dots.  Memoised (and bounded) like ``text_ink``: a
    slip measures each text before drawing it, and most texts recur on every parcel."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        used = 0.0
        for token in _break_points(paragraph):
            size = _token_width(font, token)
            # a word's trailing space does not count at the end of a line
            bare = _token_width(font, token.rstrip(" ")) if token.endswith(" ") else size
            if line and used + bare > width:
                lines.append(line.rstrip())
                line, used = "", 0.0
            if not line and bare > width:
                # a single token wider than the line is cut by characters
                for char in token:
                    cw = _token_width(font, char)
                    if line and used + cw > width:
                        lines.append(line.rstrip())
                        line, used = "", 0.0
                    line += char
                    used += cw
                continue
            line += token
            used += size
        lines.append(line.rstrip())
    return tuple(lines)


@cache
def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[Image.Image | None, int, int]:
    """One character drawn once, as a paste mask (255 = ink) with its offset from the pen."""
    ascent, descent = font.getmetrics()
    size = (int(font.getlength(char)) + ascent, ascent + descent)
    image = Image.new("L", size, 0)
    ImageDraw.Draw(image, "L").text((ascent // 2, 0), char, font=font, fill=255)
    # threshold like a 1-bit printer: no grey on a thermal head
    mask = image.point(lambda v: 255 if v >= 128 else 0)
    box = mask.getbbox()
    if box is None:
        return None, 0, 0
    return mask.crop(box), box[0] - ascent // 2, box[1]


def _draw_line(
    draw: ImageDraw.ImageDraw, x: int, y: int, line: str, font: ImageFont.FreeTypeFont
) -> None:
    """Set a line from cached glyphs: a label repeats the same few hundred characters, and
    rendering each once is what makes a label cost milliseconds instead of tens of them.
    (``bitmap`` lays the ink down like ``Image.paste`` with the mask, with less work per call.)"""
    pen = float(x)
    for char in line:
        mask, dx, dy = _glyph(font, char)
        if mask is not None:
            draw.bitmap((round(pen) + dx, y + dy), mask, fill=0)
        pen += _advance(font, char)


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
        last = lines[fits - 1]
        while last and _token_width(font, last + "…") > width:
            last = last[:-1]
        lines = (*lines[: fits - 1], last + "…")
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    y = 0
    for line in lines:
        length = int(_token_width(font, line))
        x = (
            0
            if align == "left"
            else (width - length)
            if align == "right"
            else (width - length) // 2
        )
        if bold and align != "left":
            x -= current // 14  # keep the emboldened line inside its box
        _draw_line(draw, x, y, line, font)
        y += current + spacing
    if bold:
        # Bold is the same ink laid again a dot or two to the right: cleaner than an outline
        # stroke at thermal-printer resolution, and one glyph rendering instead of several.
        for _dot in range(max(1, current // 14)):
            shifted = Image.new("1", image.size, 1)
            shifted.paste(image.crop((0, 0, width - 1, height)), (1, 0))
            image = ImageChops.logical_and(image, shifted)
    return image


def ink_mask(image: Image.Image) -> Image.Image:
    """A 1-bit image's ink as a paste mask (255 = ink): Pillow's mode "1" stores black as 0, and
    ``ImageChops.invert`` inverts it correctly only once it is mode "L"."""
    return ImageChops.invert(image.convert("L"))


def cut_to_ink(image: Image.Image) -> Ink | None:
    """The image cut to its ink, so a bitmap carries no empty margin to the printer; None when
    there is no ink at all."""
    box = ink_mask(image).getbbox()
    if box is None:
        return None
    return Ink(box[0], box[1], image.crop(box))


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_ink(text: str, **box: Any) -> Ink | None:
    """``text_bitmap(text, **box)`` cut to its ink, memoised.

    Most texts on a label are the same from parcel to parcel (carrier, service, captions, sender,
    common goods, the minute it was printed): looking one up costs a microsecond where drawing it
    costs hundreds.  Bounded (least recently used out) so the texts that change with every parcel,
    addresses and numbers, replace each other instead of growing the cache for as long as the
    bench runs.
    """
    return cut_to_ink(text_bitmap(text, **box))


def paint(drawing: Drawing) -> Image.Image:
    """The drawing as a 1-bit image, exactly as a printer lays the same primitives down."""
    image = Image.new("1", (drawing.width, drawing.height), 1)
    draw = ImageDraw.Draw(image)
    for item in drawing.items:
        if isinstance(item, Bitmap):
            # paste only the ink: black pixels of the bitmap, like a printer ORing dots
            image.paste(0, (item.x, item.y), ink_mask(item.image))
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
