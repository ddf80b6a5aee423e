"""A PNG shown in the terminal: two pixel rows per character cell with the upper half block."""

from __future__ import annotations

import io

from PIL import Image
from rich.text import Text


def png_to_text(png: bytes, *, width: int = 56) -> Text:
    image = Image.open(io.BytesIO(png)).convert("L")
    height = max(2, round(image.height * width / image.width))
    height += height % 2
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    pixels = small.load()
    assert pixels is not None
    text = Text()
    for y in range(0, height, 2):
        for x in range(width):
            top = int(pixels[x, y])  # type: ignore[arg-type]
            bottom = int(pixels[x, y + 1])  # type: ignore[arg-type]
            text.append("▀", style=f"rgb({top},{top},{top}) on rgb({bottom},{bottom},{bottom})")
        text.append("\n")
    return text
