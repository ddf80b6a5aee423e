"""Translation upkeep for developers.

    python scripts/i18n.py missing            # list strings marked with _() that have no zh_CN text
                                              # (ngettext(): its singular, which Chinese uses for every count)
    python scripts/i18n.py stub AREA          # append them, untranslated, to locale/zh_CN/AREA.po
    python scripts/i18n.py add AREA FILE.tsv  # add or replace translations: lines "english<TAB>中文"

Fill in the msgstr lines afterwards; tests fail while any marked string lacks a translation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1] / "packstation"
ZH = PACKAGE / "locale" / "zh_CN"


def marked() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def known() -> set[str]:
    ids: set[str] = set()
    for po in ZH.glob("*.po"):
        ids.update(e.msgid for e in polib.pofile(str(po)) if e.msgstr)
    return ids


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    missing = {k: v for k, v in marked().items() if k not in known()}
    if sys.argv[1] == "missing":
        for text, where in sorted(missing.items(), key=lambda x: x[1]):
            print(f"{where}\t{text}")
        return 1 if missing else 0
    if sys.argv[1] == "stub" and len(sys.argv) == 3:
        path = ZH / f"{sys.argv[2]}.po"
        po = polib.pofile(str(path)) if path.exists() else polib.POFile()
        po.metadata = po.metadata or {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": "zh_CN",
        }
        present = {e.msgid for e in po}
        for text, where in sorted(missing.items(), key=lambda x: x[1]):
            if text not in present:
                po.append(
                    polib.POEntry(
                        msgid=text,
                        msgstr="",
                        occurrences=[(where.split(":")[0], where.split(":")[1])],
                    )
                )
        po.save(str(path))
        print(f"{len(missing)} strings stubbed into {path}")
        return 0
    if sys.argv[1] == "add" and len(sys.argv) == 4:
        path = ZH / f"{sys.argv[2]}.po"
        po = polib.pofile(str(path)) if path.exists() else polib.POFile()
        po.metadata = po.metadata or {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": "zh_CN",
        }
        entries = {e.msgid: e for e in po}
        added = 0
        for line in Path(sys.argv[3]).read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            msgid, msgstr = line.split("\t", 1)
            if msgid in entries:
                entries[msgid].msgstr = msgstr
            else:
                po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
            added += 1
        po.save(str(path))
        print(f"{added} translations written to {path}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
