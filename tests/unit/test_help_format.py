"""Help laid out by the cells a terminal draws: a Chinese character takes two columns."""

from __future__ import annotations

from rich.cells import cell_len

from packstation.help_format import CellFormatter, wrap_cells
from packstation.i18n import set_language

SENTENCE = "与 --date 一起用：连同当天已确认发货的订单一起导出，用于重新生成确认后丢失的文件。"


def test_a_chinese_sentence_breaks_between_characters_within_the_width() -> None:
    # click broke only at spaces: the part after "--date" was one 74-column line in 44
    lines = wrap_cells(SENTENCE, 20)
    assert "".join(lines).replace(" ", "") == SENTENCE.replace(" ", "")
    assert all(cell_len(line) <= 20 for line in lines), lines
    assert len(lines) == 5


def test_no_line_starts_with_a_closing_sign_or_ends_with_an_opening_one() -> None:
    # 8 cells: "甲乙丙丁" fills the line and "，" would start the next
    assert wrap_cells("甲乙丙丁，戊", 8) == ["甲乙丙", "丁，戊"]
    assert wrap_cells("甲乙丙（丁戊）", 8) == ["甲乙丙", "（丁戊）"]


def test_english_breaks_at_spaces_and_a_long_word_is_cut() -> None:
    assert wrap_cells("write the file here", 10) == ["write the", "file here"]
    assert wrap_cells("aaaaaaaaaaaa b", 5) == ["aaaaa", "aaaaa", "aa b"]
    assert wrap_cells("one.\n\ntwo", 10) == ["one.", "", "two"]


def test_options_with_a_chinese_name_line_up_with_the_others() -> None:
    set_language("zh_CN")
    try:
        formatter = CellFormatter(width=60)
        with formatter.section("选项"):
            formatter.write_dl(
                [
                    ("-o, --output 文件", "要写入的文件。"),
                    ("--again", SENTENCE),
                    ("--json", "JSON。"),
                ]
            )
        text = formatter.getvalue()
    finally:
        set_language("en")
    lines = text.splitlines()
    assert lines[0] == "选项："  # the language's own colon (click wrote "选项:")
    # the explanations start 21 columns in, also after 文件 (click put them two columns late)
    assert lines[1] == "  -o, --output 文件  要写入的文件。"
    assert lines[2].startswith("  --again" + " " * 12 + "与 --date")
    assert lines[3].startswith(" " * 21) and not lines[3][21].isspace()
    assert lines[-1] == "  --json" + " " * 13 + "JSON。"
    assert all(cell_len(line) <= 60 for line in lines), text
