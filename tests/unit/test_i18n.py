"""Every user-visible string has a Simplified Chinese translation."""

from __future__ import annotations

import ast
from pathlib import Path

from packstation.i18n import _, catalogue, ngettext, set_language

PACKAGE = Path(__file__).resolve().parents[2] / "packstation"


def _marked_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return found


def test_every_marked_string_is_translated() -> None:
    zh = catalogue("zh_CN")
    missing = {text: where for text, where in _marked_strings().items() if text not in zh}
    assert not missing, "untranslated:\n" + "\n".join(
        f"{w}: {t}" for t, w in sorted(missing.items(), key=lambda x: x[1])
    )


def test_every_translation_is_of_a_marked_string() -> None:
    """A text the code no longer says leaves the catalogue too (else it would be translated
    for nobody, and one day translate a new text of the same words wrongly)."""
    marked = _marked_strings()
    unused = sorted(text for text in catalogue("zh_CN") if text not in marked)
    assert not unused, "translated but never said:\n" + "\n".join(unused)


def test_chinese_says_each_trade_thing_with_one_word() -> None:
    """The lead is 组长 and the bench 打包台 everywhere, as on the screens' titles and badges."""
    others = {"组长": ("主管", "领班"), "打包台": ("工位", "工作台")}
    for msgid, msgstr in catalogue("zh_CN").items():
        for word, wrong in others.items():
            assert not any(w in msgstr for w in wrong), f"{msgid!r}: say {word}"


def test_translations_keep_their_placeholders() -> None:
    import re

    for msgid, msgstr in catalogue("zh_CN").items():
        assert sorted(re.findall(r"\{\w*\}", msgid)) == sorted(re.findall(r"\{\w*\}", msgstr)), (
            msgid
        )


def test_switching_language() -> None:
    set_language("zh_CN")
    assert _("Aborted.") != "Aborted."
    set_language("en")
    assert _("Aborted.") == "Aborted."


def test_no_message_is_translated_two_ways() -> None:
    """All areas' catalogues are merged: one English text must have one Chinese text."""
    from pathlib import Path

    import polib

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in sorted((PACKAGE / "locale" / "zh_CN").glob("*.po")):
        for entry in polib.pofile(str(po)):
            if not entry.msgstr:
                continue
            earlier = seen.get(entry.msgid)
            if earlier and earlier[1] != entry.msgstr:
                clashes.append(
                    f"{entry.msgid!r}: {earlier[0]} {earlier[1]!r} vs {Path(po).name} {entry.msgstr!r}"
                )
            seen.setdefault(entry.msgid, (Path(po).name, entry.msgstr))
    assert not clashes, "\n".join(clashes)


def _plural_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ngettext"
            ):
                singular, plural = (arg.value for arg in node.args[:2])  # type: ignore[attr-defined]
                pairs.append((singular, plural, f"{path.relative_to(PACKAGE)}:{node.lineno}"))
    return pairs


def test_a_count_picks_its_form_in_english_and_one_form_in_chinese() -> None:
    import re

    pairs = _plural_pairs()
    assert pairs
    for singular, plural, where in pairs:
        assert singular != plural, where
        assert sorted(re.findall(r"\{\w*\}", singular)) == sorted(re.findall(r"\{\w*\}", plural)), (
            where
        )
    singular, plural, _where = pairs[0]
    assert (ngettext(singular, plural, 1), ngettext(singular, plural, 2)) == (singular, plural)
    assert ngettext(singular, plural, 0) == plural
    set_language("zh_CN")
    try:
        chinese = catalogue("zh_CN")[singular]
        assert ngettext(singular, plural, 1) == ngettext(singular, plural, 5) == chinese
    finally:
        set_language("en")


def test_a_list_in_a_sentence_is_separated_as_each_language_writes_it() -> None:
    from packstation.i18n import joined

    assert joined(["TEA-001 ×1", "CUP-002 ×2"]) == "TEA-001 ×1; CUP-002 ×2"
    set_language("zh_CN")
    try:
        assert joined(["TEA-001 ×1", "CUP-002 ×2"]) == "TEA-001 ×1；CUP-002 ×2"
        assert joined([]) == ""
    finally:
        set_language("en")


def test_the_system_s_reasons_are_said_in_the_language_of_the_program() -> None:
    """'无法打开文件（No such file or directory）': the reason came from the system, in English."""
    import errno

    from packstation.os_problems import os_problem

    set_language("zh_CN")
    try:
        assert os_problem(FileNotFoundError(errno.ENOENT, "No such file or directory")) == (
            "没有这个文件或文件夹"
        )
        assert os_problem(OSError(errno.EMLINK, "Too many links")) == "Too many links"
    finally:
        set_language("en")


def test_names_in_a_chinese_sentence_are_separated_as_chinese_writes_them() -> None:
    """A refusal listed the couriers "SF, YTO, ZTO" in a Chinese sentence."""
    from packstation.i18n import listed

    set_language("zh_CN")
    try:
        assert listed(["SF", "YTO", "ZTO"]) == "SF、YTO、ZTO"
    finally:
        set_language("en")
    assert listed(["SF", "YTO"]) == "SF, YTO"


def test_sentences_follow_one_another_as_the_language_writes_them() -> None:
    """English leaves a space between two sentences; Chinese none ("放行订单 A？挂起原因：…"
    read "放行订单 A？ 挂起原因：…")."""
    from packstation.i18n import sentences

    assert sentences("Release order A?", "", "It is on hold: short") == (
        "Release order A? It is on hold: short"
    )
    set_language("zh_CN")
    assert sentences("放行订单 A？", "挂起原因：缺货", "") == "放行订单 A？挂起原因：缺货"
    assert sentences("放行订单 A？") == "放行订单 A？" and sentences() == ""


def test_messages_of_several_sentences_have_no_space_between_them_in_chinese() -> None:
    """A cancel's message read "订单 A 已取消。 面单 YT1 已作废…" (a space after 。)."""
    from packstation.services.lead import Cancelled

    cancelled = Cancelled("A", labels=("YT1",), handovers=(7,))
    assert cancelled.sentence().startswith("Order A is cancelled. Label YT1 is void")
    set_language("zh_CN")
    said = cancelled.sentence()
    assert "。 " not in said and said.count("。") >= 3, said
