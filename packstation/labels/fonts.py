"""The CJK font that Chinese text on labels and slips is rasterised with.

Called by the renderers (through ``load_font``), by the print service before it queues anything
and by ``doctor`` (``font_check``).  Printers' built-in fonts have no Chinese, so every CJK
string is drawn with Pillow from a font on this machine: the one named by ``printing.cjk_font``,
else one found with fontconfig or in the usual font folders.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from PIL import ImageFont

from packstation.config import Settings
from packstation.errors import UserError
from packstation.i18n import _

FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/System/Library/Fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
# File names of common CJK fonts, best first: these are what the OS packages install.
KNOWN_NAMES = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "SourceHanSansSC-Regular.otf",
    "SourceHanSans-Regular.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "uming.ttc",
    "ukai.ttc",
    "PingFang.ttc",
    "msyh.ttc",
    "simhei.ttf",
    "simsun.ttc",
)
PROBE = "圆通收件人"


def _how_to_get_one() -> str:
    return _(
        "No Chinese (CJK) font was found; install one (for example `apt install "
        "fonts-wqy-microhei`) or set printing.cjk_font to the path of a .ttf/.ttc/.otf file."
    )


def _draws_chinese(path: Path) -> bool:
    try:
        font = ImageFont.truetype(str(path), 24)
        box = font.getbbox(PROBE)
    except OSError:
        return False
    return box[2] - box[0] > 24


def _fontconfig_candidates() -> list[Path]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]


def _folder_candidates() -> list[Path]:
    found: list[Path] = []
    for folder in FONT_FOLDERS:
        if not folder.is_dir():
            continue
        for name in KNOWN_NAMES:
            found.extend(sorted(folder.rglob(name)))
    return found


@cache
def _search(configured: str) -> Path | None:
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_file() and _draws_chinese(path) else None
    by_name = {p.name: p for p in _fontconfig_candidates()}
    ordered = [by_name[n] for n in KNOWN_NAMES if n in by_name] + list(by_name.values())
    for path in [*ordered, *_folder_candidates()]:
        if path.is_file() and _draws_chinese(path):
            return path
    return None


def find_cjk_font(settings: Settings) -> Path:
    """The CJK font to draw with; UserError saying how to get one when there is none."""
    configured = settings.printing.cjk_font
    path = _search(configured)
    if path is not None:
        return path
    if configured:
        raise UserError(
            _(
                "printing.cjk_font names {path}, which is not a font with Chinese characters; "
                "point it at a .ttf/.ttc/.otf CJK font such as wqy-microhei.ttc."
            ).format(path=configured)
        )
    raise UserError(_how_to_get_one())


def font_check(settings: Settings) -> tuple[bool, str]:
    """For ``doctor``: whether labels can be drawn, and a sentence saying which font or why not."""
    try:
        path = find_cjk_font(settings)
    except UserError as exc:
        return False, str(exc)
    return True, _("Chinese text is drawn with {path}.").format(path=path)


@cache
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A font at a pixel size, cached: loading a .ttc costs more than drawing a line."""
    return ImageFont.truetype(path, size)
