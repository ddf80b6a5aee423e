"""Translation of every user-visible string.

Everything a person reads goes through ``_``.  Catalogues are gettext ``.po`` files under
``packstation/locale/<lang>/``; each area of the code keeps its own file (``core.po``,
``intake.po``…) and all files of a language are merged.  They are read with polib at first use,
so there is no compile step.  English is the source language.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polib

LANGUAGES = ("en", "zh_CN")
_LOCALE_DIR = Path(__file__).parent / "locale"
_current = "en"


@cache
def catalogue(language: str) -> dict[str, str]:
    """All translations of one language, merged from every ``.po`` file of it."""
    merged: dict[str, str] = {}
    folder = _LOCALE_DIR / language
    if not folder.is_dir():
        return merged
    for path in sorted(folder.glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                merged[entry.msgid] = entry.msgstr
    return merged


def default_language() -> str:
    """The language of the user's locale: Chinese for any ``zh`` locale, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh_CN" if loc.lower().startswith("zh") else "en"


def language_named(value: str) -> str | None:
    """A language as people write it (``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``中文``, ``en_US``)
    as the program names it (``zh_CN``, ``en``); None for one it does not speak."""
    word = value.strip().split(".")[0].replace("-", "_").lower()
    if word in ("中文", "chinese", "cn") or word.startswith("zh"):
        return "zh_CN"
    if word in ("english", "英文", "英语") or word == "en" or word.startswith("en_"):
        return "en"
    return None


def set_language(language: str) -> None:
    """Switch the language of every string asked for from now on."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(language)
    _current = language


def get_language() -> str:
    return _current


def _(message: str) -> str:
    """The message in the current language (the English text when it has no translation)."""
    if _current == "en":
        return message
    return catalogue(_current).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The message for ``n`` things in the current language.  English takes the singular for
    one and the plural otherwise; Chinese has one form for every count, so its catalogue keeps
    one translation, under the singular."""
    if _current == "en":
        return singular if n == 1 else plural
    return catalogue(_current).get(singular, singular if n == 1 else plural)


def joined(items: Iterable[str]) -> str:
    """Items of a sentence's list, separated as the language writes them ("a; b", "a；b")."""
    return _("; ").join(items)


def listed(items: Iterable[str]) -> str:
    """Names in a sentence, separated as the language writes them ("YTO, ZTO", "YTO、ZTO")."""
    return _(", ").join(items)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (for constants)."""
    return message
