"""ZPL: a ``Drawing`` to printer bytes, and ZPL back to a ``Drawing``.

Called by ``labels.render`` (write) and by the preview of a stored job and the tests (parse).
Text arrives as bitmaps (``^GFA``, compressed with ZPL's run-length scheme); Code 128 barcodes
are native ``^BC`` fields whose subsets are spelled out with invocation codes, so the printer
draws exactly the symbols the preview paints.  The parser understands what the writer produces
(and the common commands around it), which is all the preview of a stored job needs.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from packstation.labels import code128
from packstation.labels.canvas import INVERT, TEXT_CACHE_SIZE, Bars, Bitmap, Drawing, Ink, Rect


def graphic_field(image: Image.Image) -> str:
    """``^GFA`` for a 1-bit image (black = ink), Z64-compressed (zlib, base64, CRC-16)."""
    if image.mode != "1":
        image = image.convert("1")
    width, height = image.size
    per_row = (width + 7) // 8
    if width % 8:
        # pad each row to whole bytes with white, so no stray ink reaches the pad bits
        padded = Image.new("1", (per_row * 8, height), 1)
        padded.paste(image, (0, 0))
        image = padded
    # Pillow's "1" packs MSB first with 1 = white; ZPL wants 1 = ink.
    ink = image.tobytes().translate(INVERT)
    encoded = base64.b64encode(zlib.compress(ink, 1))
    crc = binascii.crc_hqx(encoded, 0)
    total = per_row * height
    return f"^GFA,{total},{total},{per_row},:Z64:{encoded.decode('ascii')}:{crc:04X}"


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def ink_field(ink: Ink) -> str:
    """``graphic_field`` of a shared text, encoded once: the same texts recur on every label and
    their images are never drawn on, so compressing them again would give the same string.
    Bounded like the cache of texts it mirrors."""
    return graphic_field(ink.image)


def _field_data(symbols: tuple[int, ...]) -> str:
    out: list[str] = []
    subset = ""
    for value in symbols[:-1]:  # the printer adds the check symbol
        if not out:
            subset = "B" if value == code128.START_B else "C"
            out.append(">:" if subset == "B" else ">;")
        elif subset == "B" and value == code128.CODE_C:
            subset = "C"
            out.append(">5")
        elif subset == "C" and value == code128.CODE_B:
            subset = "B"
            out.append(">6")
        elif subset == "B":
            char = chr(value + 32)
            out.append("><" if char == ">" else char)
        else:
            out.append(f"{value:02d}")
    return "".join(out)


def write(drawings: list[Drawing], *, copies: int = 1) -> bytes:
    """One ``^XA … ^XZ`` format per drawing (a pick list may have several pages)."""
    parts: list[str] = []
    for drawing in drawings:
        parts.append(f"^XA^CI28^PW{drawing.width}^LL{drawing.height}^LH0,0^MD0")
        for item in drawing.items:
            if isinstance(item, Bitmap):
                gfa = graphic_field(item.image) if item.ink is None else ink_field(item.ink)
                parts.append(f"^FO{item.x},{item.y}{gfa}^FS")
            elif isinstance(item, Bars):
                parts.append(
                    f"^FO{item.x},{item.y}^BY{item.module}"
                    f"^BCN,{item.height},N,N,N^FD{_field_data(item.symbols)}^FS"
                )
            else:
                parts.append(f"^FO{item.x},{item.y}^GB{item.w},{item.h},{item.thickness},B,0^FS")
        parts.append(f"^PQ{copies}^XZ\n")
    return "".join(parts).encode("utf-8")


# ---------------------------------------------------------------- parsing back


@dataclass
class Format:
    """One ``^XA … ^XZ`` format as the printer understood it."""

    width: int = 0
    length: int = 0
    drawing: Drawing = field(default_factory=lambda: Drawing(0, 0))
    barcode_data: list[str] = field(default_factory=list)  # what each ^BC field encodes
    copies: int = 1
    commands: list[str] = field(default_factory=list)


def _expand(data: str, per_row: int, height: int) -> bytes:
    """The bytes of a ^GF field: Z64 (zlib + base64, CRC checked) or ASCII hex with ZPL's
    run-length compression."""
    if data.startswith(":Z64:"):
        body, crc = data[5:].rsplit(":", 1)
        if binascii.crc_hqx(body.encode("ascii"), 0) != int(crc[:4], 16):
            raise ValueError("^GF Z64 data fails its CRC")
        return zlib.decompress(base64.b64decode(body))[: per_row * height]
    hex_per_row = per_row * 2
    counts = {chr(ord("G") + i): i + 1 for i in range(19)}
    counts.update({chr(ord("g") + i): 20 * (i + 1) for i in range(20)})
    rows: list[str] = []
    row = ""
    repeat = 0
    for char in data:
        if char in counts:
            repeat += counts[char]
            continue
        if char == ":":
            rows.append(rows[-1] if rows else "0" * hex_per_row)
            continue
        if char in ",!":
            row += ("0" if char == "," else "F") * (hex_per_row - len(row))
        else:
            row += char * (repeat or 1)
            repeat = 0
        if len(row) >= hex_per_row:
            rows.append(row[:hex_per_row])
            row = ""
    if row:
        rows.append(row.ljust(hex_per_row, "0"))
    joined = "".join(rows)[: hex_per_row * height]
    return bytes.fromhex(joined.ljust(hex_per_row * height, "0"))


def _symbols_from_field(text: str) -> tuple[tuple[int, ...], str]:
    symbols: list[int] = []
    subset = "B"
    i = 0
    while i < len(text):
        if text[i] == ">" and i + 1 < len(text):
            code = text[i + 1]
            i += 2
            if code == ":":
                symbols.append(code128.START_B)
                subset = "B"
            elif code == ";":
                symbols.append(code128.START_C)
                subset = "C"
            elif code == "5":
                symbols.append(code128.CODE_C)
                subset = "C"
            elif code == "6":
                symbols.append(code128.CODE_B)
                subset = "B"
            elif code == "<":
                symbols.append(ord(">") - 32)
            else:
                raise ValueError(f"unsupported invocation code >{code}")
            continue
        if not symbols:
            symbols.append(code128.START_B)
        if subset == "C":
            symbols.append(int(text[i : i + 2]))
            i += 2
        else:
            symbols.append(ord(text[i]) - 32)
            i += 1
    check = (symbols[0] + sum(p * v for p, v in enumerate(symbols[1:], start=1))) % 103
    full = (*symbols, check)
    return full, code128.decode(full)


def _printer_font_text(text: str, height: int) -> Image.Image | None:
    """Plain ^FD text in a printer font, drawn with Pillow's own font at the same height: close
    enough to show what a foreign or hand-written format prints (packstation's own formats send
    all text as graphics)."""
    if not text:
        return None
    font = ImageFont.load_default(size=max(8, height))
    width = max(1, int(font.getlength(text)) + 2)
    image = Image.new("1", (width, height + height // 4), 1)
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=0)
    return image


def parse(data: bytes) -> list[Format]:
    """The formats of a ZPL job, with the drawing each one prints."""
    text = data.decode("utf-8")
    formats: list[Format] = []
    current: Format | None = None
    x = y = 0
    module = 2
    pending_bc: int | None = None
    text_height = 30  # ^A / ^CF: the printer font's height for plain ^FD text
    for raw in re.split(r"(?=\^)", text):
        if len(raw) < 3:
            continue
        name, args = raw[1:3].upper(), raw[3:].strip()
        if name == "XA":
            current = Format()
            formats.append(current)
            x = y = 0
            continue
        if current is None:
            continue
        current.commands.append(name)
        if name == "XZ":
            current.drawing.width, current.drawing.height = current.width, current.length
            current = None
        elif name == "PW":
            current.width = int(args)
        elif name == "LL":
            current.length = int(args)
        elif name == "PQ":
            current.copies = int(args.split(",")[0] or 1)
        elif name == "FO":
            fx, fy = ([*args.split(","), "0"])[:2]
            x, y = int(fx or 0), int(fy or 0)
        elif name == "BY":
            module = int(args.split(",")[0])
        elif name == "BC":
            pending_bc = int(args.split(",")[1])
        elif name == "FD" and pending_bc is not None:
            symbols, decoded = _symbols_from_field(args)
            current.drawing.items.append(Bars(x, y, module, pending_bc, symbols))
            current.barcode_data.append(decoded)
            pending_bc = None
        elif name in ("A0", "CF") or (name[0] == "A" and name != "A@"):
            # ^A0N,h,w (or ^CF0,h): a printer font; the preview draws it with a stand-in font
            values = args.split(",")
            numbers = [v for v in values[1:] if v.strip().isdigit()]
            if numbers:
                text_height = int(numbers[0])
        elif name == "FD":
            image = _printer_font_text(args, text_height)
            if image is not None:
                current.drawing.items.append(Bitmap(x, y, image))
        elif name == "GF":
            _fmt, _b, total, per_row, payload = args.split(",", 4)
            height = int(total) // int(per_row)
            ink = _expand(payload, int(per_row), height)
            image = Image.frombytes("1", (int(per_row) * 8, height), ink.translate(INVERT))
            current.drawing.items.append(Bitmap(x, y, image))
        elif name == "GB":
            w, h, t = (int(v) for v in args.split(",")[:3])
            current.drawing.items.append(Rect(x, y, w, h, t))
    return formats
