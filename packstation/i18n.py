"""Translation of every user-visible string.

Everything a person reads goes through ``_``.  Catalogues are gettext ``.po`` files under
``packstation/locale/<lang>/``; each area of the code keeps its own file (``core.po``,
``intake.po``…) and all files of a language are merged.  They are read with polib at first use,
so there is no compile step.  English is the source language.
"""

from __future__ import annotations

import json
import locale
import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

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


def sentences(*said: str) -> str:
    """Sentences one after another, as the language writes them: a space between them in
    English ("Release order A? It is on hold: …"), none in Chinese ("放行订单 A？挂起原因：…");
    empty ones are left out."""
    text = ""
    for sentence in filter(None, said):
        text = (
            _("{sentences} {sentence}").format(sentences=text, sentence=sentence)
            if text
            else sentence
        )
    return text


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (for constants)."""
    return message


# What the program itself writes into the store for people to read later (a hold's reason, an
# exception's note, the reason of a voided label) is kept in no language: the English message,
# its values, and the mark below in front, so that each reader reads it in their own language
# (``as_read``).  What a person typed is stored as typed, and text stored before, in the language
# of whoever wrote it, is shown as it is.  Kept as short JSON: a message is ["English", {values}]
# (["English"] without values), values said together are {"separator": [values]}.
_STORED = "\ue000"  # a character of private use: nobody types it, and strip() keeps it
_SHORTEST = 12  # a value is cut to this before the items of a list are left out


def said_later(message: str, **values: object) -> list[object]:
    """A message (marked with ``N_``) and its values, to be translated when read: a value is
    text, a number, or another ``said_later``/``said_together``."""
    return [message, values] if values else [message]


def said_together(items: Iterable[object], separator: str = "; ") -> dict[str, list[object]]:
    """Several values in one, separated as the reader's language writes ``separator``."""
    return {separator: list(items)}


def for_store(what: object, *, limit: int = 400) -> str:
    """``what`` (a ``said_later``) as a column keeps it, at most ``limit`` characters long: the
    longest values are cut, then the last items of the longest list left out (an ellipsis
    says so), never the message."""
    what = json.loads(json.dumps(what))  # cut in a copy: the caller's stays whole
    for shortest in (_SHORTEST, None, 1):
        while True:
            text = _STORED + json.dumps(what, ensure_ascii=False, separators=(",", ":"))
            if len(text) <= limit or not _shortened(what, len(text) - limit, shortest):
                break
        if len(text) <= limit:
            return text
    return ""  # no message is that long: nothing rather than a broken one


def _shortened(what: object, too_much: int, shortest: int | None) -> bool:
    """Cut ``what`` once: its longest text to no less than ``shortest`` characters, or (with
    no ``shortest``) its longest list by its last item.  False when nothing could be cut."""
    if shortest is None:
        lists = sorted(_lists(what), key=len, reverse=True)
        if not lists or len(lists[0]) < 2 or lists[0][1:] == ["…"]:
            return False
        if lists[0][-1] == "…":
            del lists[0][-2]
        else:
            lists[0][-1] = "…"
        return True
    places = sorted(_texts(what), key=lambda at: len(at[0][at[1]]), reverse=True)
    if not places or len(places[0][0][places[0][1]]) <= shortest:
        return False
    (holder, key), value = places[0], places[0][0][places[0][1]]
    # down to the next longest, or by what is too much: no value is cut to nothing first
    next_longest = len(places[1][0][places[1][1]]) if len(places) > 1 else 0
    keep = max(len(value) - too_much - 1, next_longest, shortest - 1, 1)
    holder[key] = value[: min(keep, len(value) - 2)] + "…"
    return True


def _values(what: object) -> Iterator[tuple[Any, Any]]:
    """Each value in ``what`` (a ``said_later``): (its holder, its key or index)."""
    if isinstance(what, list) and what and isinstance(what[0], str):
        values = what[1] if len(what) > 1 and isinstance(what[1], dict) else {}
        for key in values:
            yield values, key
            yield from _values(values[key])
    elif (items := _together(what)) is not None:
        for index, item in enumerate(items):
            yield items, index
            yield from _values(item)


def _together(value: object) -> list[Any] | None:
    """The items of a ``said_together`` value; None for any other value."""
    if isinstance(value, dict) and len(value) == 1:
        (items,) = value.values()
        if isinstance(items, list):
            return items
    return None


def _texts(what: object) -> Iterator[tuple[Any, Any]]:
    return ((holder, key) for holder, key in _values(what) if isinstance(holder[key], str))


def _lists(what: object) -> Iterator[list[Any]]:
    for value in (what, *(holder[key] for holder, key in _values(what))):
        if (items := _together(value)) is not None:
            yield items


def kept(text: str) -> object:
    """Stored text as a value of a ``said_later``: a ``for_store`` message as it was kept (so
    that it is read in the reader's language too), anything else as it is."""
    if not text.startswith(_STORED):
        return text
    try:
        value: object = json.loads(text[len(_STORED) :])
    except ValueError:
        return text[len(_STORED) :]
    return value


def as_read(text: str) -> str:
    """Stored text in the current language: a ``for_store`` message translated, anything else
    (what a person typed, a reason stored before in the writer's language) as it is."""
    return translated(kept(text))


def translated(value: object) -> str:
    """A ``said_later`` (or a plain value) in the current language; a message whose values no
    longer fit it (kept by an older version) in English, or as it was kept."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        message: str = value[0]
        values = value[1] if len(value) > 1 and isinstance(value[1], dict) else {}
        words = {str(k): translated(v) for k, v in values.items()}
        for text in (_(message), message):
            try:
                return text.format(**words)
            except (KeyError, IndexError, ValueError):
                continue
        return message
    if isinstance(value, dict) and len(value) == 1:
        ((separator, items),) = value.items()
        if isinstance(items, list):
            return _(str(separator)).join(translated(v) for v in items)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
