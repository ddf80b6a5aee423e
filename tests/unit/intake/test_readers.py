from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from packstation.i18n import set_language
from packstation.services.intake.readers import (
    MAX_LINE,
    FileRefused,
    clean,
    open_csv,
    records,
    sniff_encoding,
)
from packstation.services.intake.validation import parse_instant
from packstation.services.shipments import neutralise

TEXT = '订单编号,收货地址 \r\n="3364111318168545451","浙江省 杭州市, 西湖区\n文三路"\r\n'
# the same, as Excel saves a text file: tabs between the cells
TAB_TEXT = '订单编号\t收货地址 \r\n="3364111318168545451"\t"浙江省 杭州市, 西湖区\n文三路"\r\n'


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ('="3364111318168545451"', "3364111318168545451"),
        ("'13812345678", "13812345678"),
        ("  收货地址 ", "收货地址"),
        ("plain", "plain"),
        ("", ""),
        ('="', '="'),
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("encoding", "data", "expected"),
    [
        ("utf-8", TEXT.encode("utf-8"), "utf-8"),
        ("utf-8-sig", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        ("gbk", TEXT.encode("gbk"), "gb18030"),
        ("gb18030", TEXT.encode("gb18030"), "gb18030"),
        ("utf-16", TEXT.encode("utf-16"), "utf-16"),
        ("utf-16-be", b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        ("gbk-tabs", TAB_TEXT.encode("gbk"), "gb18030"),
        ("excel-unicode-text", TAB_TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_and_separators_are_told_apart(
    tmp_path: Path, encoding: str, data: bytes, expected: str
) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(data)
    assert sniff_encoding(path) == expected
    file = open_csv(path)
    assert file.header == ["订单编号", "收货地址"]
    assert file.delimiter == ("\t" if "tab" in encoding or "text" in encoding else ",")
    rows = list(file.records())
    assert rows[1] == (2, ['="3364111318168545451"', "浙江省 杭州市, 西湖区\n文三路"])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\r\n \r\n", "empty"),
        (b"\xff\xfe\r\x00\n\x00", "empty"),  # UTF-16 with nothing in it
        (b"PK\x03\x04\x00\x00binary", "binary"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(FileRefused) as refused:
        open_csv(path)
    assert words in refused.value.problem.problem
    assert refused.value.problem.file == "bad.csv"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused) as refused:
        open_csv(tmp_path / "nope.csv")
    assert "cannot be opened" in refused.value.problem.problem


def test_a_huge_line_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n3," + b"x" * (MAX_LINE + 10) + b"\r\n")
    with pytest.raises(FileRefused) as refused:
        sniff_encoding(path)
    assert refused.value.problem.row == 3


def test_a_huge_quoted_cell_over_many_lines_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b'a,b\r\n1,"' + b"xxxxxxxxxx\n" * 20_000 + b'"\r\n')
    file = open_csv(path)
    with pytest.raises(FileRefused) as refused:
        list(records(path, file.encoding))
    assert refused.value.problem.row == 2
    assert "cell longer than" in refused.value.problem.problem


def test_a_truncated_quote_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(b'a,b\r\n1,"half a cell')
    file = open_csv(path)
    with pytest.raises(FileRefused) as refused:
        list(records(path, file.encoding))
    assert refused.value.problem.problem == (
        "Row 2 is not valid CSV (a quoted cell is never closed); the file may be truncated or "
        "damaged — export it again."
    )


def test_a_quote_closed_too_early_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_bytes(b'a,b\r\n1,2\r\n"x"y,z\r\n')
    file = open_csv(path)
    set_language("zh_CN")
    with pytest.raises(FileRefused) as refused:
        list(records(path, file.encoding))
    assert refused.value.problem.row == 3
    assert "引号结束了单元格" in refused.value.problem.problem


ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02 10:15:00",
        "2026/3/2 10:15:00",
        "2026/03/02 10:15",
        "2026-03-02T10:15:00+08:00",
        "2026-03-02T02:15:00Z",
        "2026年3月2日 10:15:00",
    ],
)
def test_times(text: str) -> None:
    assert parse_instant(text, ZONE) == dt.datetime(2026, 3, 2, 2, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-40 10:00", "2026-02-30"])
def test_bad_times(text: str) -> None:
    assert parse_instant(text, ZONE) is None


@pytest.mark.parametrize(
    ("cell", "out"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("YT1", "YT1")],
)
def test_formula_cells_are_neutralised(cell: str, out: str) -> None:
    assert neutralise(cell) == out


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_last_row_cut_short_is_refused(tmp_path: Path, encoding: str) -> None:
    """The last row lost its last cells (and its line break): they read as empty cells, and
    the shop's name was stored as its first character."""
    path = tmp_path / "cut.csv"
    whole = "订单编号,订单关闭原因,店铺名称\r\n1,,茶香小铺\r\n2,,茶香小铺\r\n"
    path.write_bytes(whole[: whole.rindex(",,") + 1].encode(encoding))  # "2," and no more
    file = open_csv(path)
    with pytest.raises(FileRefused) as refused:
        list(records(path, file.encoding))
    assert refused.value.problem.problem == (
        "Row 3, the last, stops before the last column and no line break follows it: the file "
        "was cut short; export it again."
    )
    # a short last row that ends its line is a row with empty cells, as before
    path.write_bytes("订单编号,订单关闭原因,店铺名称\r\n1,\r\n".encode(encoding))
    assert list(records(path, open_csv(path).encoding))[-1] == (2, ["1", ""])
