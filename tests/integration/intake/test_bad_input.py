"""Files that are not what they should be: a clear report, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.config import Settings
from packstation.services.intake import import_orders
from tests.integration.intake.exports import UNPAID, Item, TOrder, write_taobao
from tests.integration.intake.store_view import Factory, snapshot

pytestmark = pytest.mark.usefixtures("catalogue")


def _export(folder: Path) -> tuple[Path, Path]:
    return write_taobao(
        folder,
        [
            TOrder(str(3364111318168545451 + n), [Item("MUG-01"), Item("TS-WHT-L", 2)])
            for n in range(5)
        ],
    )


def _refused(uow_factory: Factory, settings: Settings, paths: list[Path]) -> list[str]:
    before = snapshot(uow_factory)
    report = import_orders(uow_factory(), paths, settings=settings)
    assert not report.ok
    assert not report.stored
    assert snapshot(uow_factory) == before
    return [p.problem for p in report.errors]


def test_damaged_utf16(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    orders_csv, items_csv = _export(tmp_path)
    text = orders_csv.read_bytes().decode("gb18030").encode("utf-16")
    orders_csv.write_bytes(text[:101])  # cut in the middle of a character
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("damaged UTF-16" in p for p in problems)


def test_a_file_in_a_foreign_encoding_is_not_recognised(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, items_csv = _export(tmp_path)
    orders_csv.write_bytes(orders_csv.read_bytes().decode("gb18030").encode("big5", "replace"))
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("header is not" in p for p in problems)


def test_truncated_file(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    orders_csv, items_csv = _export(tmp_path)
    data = orders_csv.read_bytes()
    orders_csv.write_bytes(data[: len(data) * 2 // 3])
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("truncated" in p for p in problems)


def test_a_file_cut_inside_a_chinese_character_is_cut_short(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """It was said to mix text encodings, and to be saved as UTF-8."""
    orders_csv, items_csv = _export(tmp_path)
    data = orders_csv.read_bytes()

    def inside_a_character(cut: int) -> bool:
        try:
            data[:cut].decode("gb18030")
        except UnicodeDecodeError as exc:
            return exc.reason == "incomplete multibyte sequence"
        return False

    cut = next(n for n in range(len(data) - 1, 0, -1) if inside_a_character(n))
    orders_csv.write_bytes(data[:cut])
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert "The file ends in the middle of a character: it was cut short; export it again." in (
        problems
    )
    assert not any("mixes text encodings" in p for p in problems)


def test_an_encoding_problem_is_placed_on_its_line(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A UTF-8 export cut inside a character was said to mix encodings, and a GBK line in a
    UTF-8 file was placed at row 1 (the file is decoded ahead of the rows read)."""
    orders = [
        TOrder(str(3364111318168545451 + n), [Item("MUG-01"), Item("TS-WHT-L", 2)])
        for n in range(5)
    ]
    orders_csv, items_csv = write_taobao(tmp_path, orders, encoding="utf-8")
    data = orders_csv.read_bytes()
    last_chinese = max(i for i in range(len(data)) if data[i] >= 0xE0)
    orders_csv.write_bytes(data[: last_chinese + 1])  # cut after a character's first byte
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert "The file ends in the middle of a character: it was cut short; export it again." in (
        problems
    )
    lines = data.split(b"\n")
    lines[4] = lines[4].decode("utf-8").encode("gbk")  # row 5 saved by another program
    orders_csv.write_bytes(b"\n".join(lines))
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings)
    [mixed] = [p for p in report.errors if "mixes text encodings" in p.problem]
    assert mixed.row == 5


def test_swapped_files_are_told_apart(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, items_csv = _export(tmp_path)
    swapped_orders = tmp_path / "ExportOrderDetailList-really-orders.csv"
    swapped_items = tmp_path / "ExportOrderList-really-items.csv"
    orders_csv.rename(swapped_orders)
    items_csv.rename(swapped_items)
    report = import_orders(uow_factory(), [swapped_items, swapped_orders], settings=settings)
    assert report.ok, report.errors
    assert report.orders_imported == 5


def test_the_same_report_twice_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, _items_csv = _export(tmp_path)
    problems = _refused(uow_factory, settings, [orders_csv, orders_csv])
    assert any("item report" in p and "missing" in p for p in problems)


def test_empty_file(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    orders_csv, items_csv = _export(tmp_path)
    items_csv.write_bytes(b"")
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("empty" in p for p in problems)


def test_a_header_only_item_report_means_orders_without_items(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, items_csv = _export(tmp_path)
    items_csv.write_bytes(items_csv.read_bytes().split(b"\r\n")[0] + b"\r\n")
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert sum("no rows in the item report" in p for p in problems) == 5


def test_a_10_mb_cell(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    orders_csv, items_csv = _export(tmp_path)
    with orders_csv.open("ab") as f:
        f.write(b'="1",buyer,,1,0,0,1,0,1,0,x,"' + b"y" * 10_000_000 + b'",z\r\n')
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("longer than" in p for p in problems)


def test_a_10_mb_cell_of_many_lines(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    orders_csv, items_csv = _export(tmp_path)
    with orders_csv.open("ab") as f:
        f.write(b'="1",buyer,,1,0,0,1,0,1,0,x,"' + b"y\n" * 5_000_000 + b'",z\r\n')
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("cell longer than" in p for p in problems)


def test_another_shops_format(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    foreign = tmp_path / "jd.csv"
    foreign.write_text("订单号,商品名称,数量,客户姓名\r\n1,杯子,1,王五\r\n", encoding="utf-8")
    problems = _refused(uow_factory, settings, [foreign])
    assert any("header is not" in p for p in problems)


def test_a_binary_file(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    xlsx = tmp_path / "orders.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    problems = _refused(uow_factory, settings, [xlsx])
    assert any("binary" in p for p in problems)


def test_a_missing_file(uow_factory: Factory, settings: Settings, tmp_path: Path) -> None:
    problems = _refused(uow_factory, settings, [tmp_path / "nope.csv"])
    assert any("cannot be opened" in p for p in problems)


def test_two_days_exports_in_one_import_are_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Read together, the first file's state of an order won: an order unpaid on the first day
    and paid on the second was never imported, and one closed on the second stayed queued."""
    no = "3364111318168545454"
    day1 = write_taobao(tmp_path, [TOrder(no, [Item("MUG-01")], status=UNPAID)], stem="1127")
    day2 = write_taobao(tmp_path, [TOrder(no, [Item("MUG-01")])], stem="1128")
    problems = _refused(uow_factory, settings, [*day1, *day2])
    assert sum("import one export at a time" in p for p in problems) == 2  # each report
    assert any("second order report (the first is ExportOrderList1127.csv)" in p for p in problems)
    # the same file twice is named so (it was "a second order report (the first is" itself)
    twice = _refused(uow_factory, settings, [*day1, day1[0]])
    assert twice == ["The file is given twice; give it once."]
    # one export at a time, the older first: the order is queued
    assert import_orders(uow_factory(), list(day1), settings=settings).orders_imported == 0
    assert import_orders(uow_factory(), list(day2), settings=settings).orders_imported == 1


def test_an_order_listed_twice_with_another_address_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The first row was stored and the second dropped with 'it counts once': the parcel could
    go to the address the buyer had changed."""
    no = "3364111318168545457"
    first = TOrder(no, [Item("MUG-01")], address="四川省 成都市 武侯区 人民南路1号 (610041)")
    again = TOrder(no, [Item("MUG-01")], address="四川省 成都市 锦江区 春熙路9号 (610021)")
    problems = _refused(uow_factory, settings, list(write_taobao(tmp_path, [first, again])))
    assert problems == [
        f"Order {no} is listed again (first at ExportOrderList.csv row 2) with another address: "
        "'四川省 成都市 武侯区 人民南路1号 610041' there; correct the file or export it again."
    ]
    # listed twice alike, it counts once, as before
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path, [first, first])), settings=settings
    )
    assert report.stored and report.orders_imported == 1 and report.duplicates_in_file == 1


def test_numbers_excel_shortened_are_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """Two orders written as 3.36411E+18 were taken for one (the second's items went to the
    first's recipient), and phones such as 1.38123E+10 were stored."""
    orders = [
        TOrder("3.36411E+18", [Item("MUG-01")], name="孙八", mobile="1.38123E+10"),
        TOrder("3.36411E+18", [Item("TS-WHT-L")], name="周九", mobile="1.39001E+10"),
    ]
    orders_csv, items_csv = write_taobao(tmp_path, orders, armour=False)
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    shortened = [p for p in problems if "was shortened by Excel" in p]
    assert len(shortened) == 4  # two order numbers, two phone numbers
    assert shortened[0].startswith("The order number 3.36411E+18 was shortened by Excel")


def test_an_address_too_long_to_keep_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """A 520-character address was cut to 400 without a word: the label lacked its end."""
    long = TOrder("3364111318168545460", [Item("MUG-01")])
    long.address = "浙江省 杭州市 西湖区 " + "文三路123号华星科技大厦" * 40 + " (310000)"
    problems = _refused(uow_factory, settings, list(write_taobao(tmp_path, [long])))
    assert problems == ["The cell has 520 characters; at most 400 are kept; shorten it."]


EXTRA_CELLS = "The row has {found} cells, the header has {expected}: a comma inside a value?"


def test_a_row_with_more_cells_than_the_header_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """An unquoted ``1,000`` made two cells: the quantity read 1 and the stray cell was
    dropped, and --dry-run said the file was fine."""
    orders_csv, items_csv = _export(tmp_path)
    text = items_csv.read_bytes().decode("gb18030").splitlines(keepends=True)
    # the item report's second row: its quantity (and the one after it) split by a comma
    cells = text[2].rstrip("\r\n").split(",")
    cells[3] = "1,000"
    text[2] = ",".join(cells) + "\r\n"
    text[4] = text[4].rstrip("\r\n") + ",,\r\n"  # empty cells past the header: Excel's
    items_csv.write_bytes("".join(text).encode("gb18030"))
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings, dry_run=True)
    assert [(p.file, p.row, p.problem.split("?")[0] + "?") for p in report.errors] == [
        (items_csv.name, 3, EXTRA_CELLS.format(found=11, expected=10))
    ]
    assert _refused(uow_factory, settings, [orders_csv, items_csv]) == [
        p.problem for p in report.errors
    ]
    # the order report: a seller note written with an unquoted comma
    orders_csv, items_csv = _export(tmp_path / "b")
    text = orders_csv.read_bytes().decode("gb18030").splitlines(keepends=True)
    text[3] = text[3].rstrip("\r\n") + ",,,1\r\n"
    orders_csv.write_bytes("".join(text).encode("gb18030"))
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    # the row's problem alone: its item rows follow it (they were each said to belong to an
    # order "not in the order report", a second error for the same comma)
    assert problems == [
        "The row has 31 cells, the header has 28: a comma inside a value? Quote the value or "
        "remove the comma."
    ]


def test_an_item_row_refused_for_its_width_is_its_order_s_one_problem(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The only item row of an order, refused for an unquoted comma, also said that the order
    "has no rows in the item report"."""
    orders_csv, items_csv = write_taobao(
        tmp_path, [TOrder("9501", [Item("MUG-01")]), TOrder("9502", [Item("MUG-01")])]
    )
    text = items_csv.read_bytes().decode("gb18030").splitlines(keepends=True)
    text[1] = text[1].replace(",39.90,", ",1,039.90,")
    items_csv.write_bytes("".join(text).encode("gb18030"))
    report = import_orders(uow_factory(), [orders_csv, items_csv], settings=settings)
    assert [(p.file, p.row, p.problem.split("?")[0] + "?") for p in report.errors] == [
        (items_csv.name, 2, EXTRA_CELLS.format(found=11, expected=10))
    ]


def test_an_order_report_whose_last_row_was_cut_short_is_refused(
    uow_factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    """The order report lost the end of its last row (its last cells and the line break): the
    row read padded with empty cells, so the check for a file cut short saw a whole row and the
    import was stored, the last order's shop name cut to what was left of it."""
    orders_csv, items_csv = _export(tmp_path)
    data = orders_csv.read_bytes()
    orders_csv.write_bytes(data[: data.rstrip(b"\r\n").rindex(b",")])  # no 订单关闭原因, no CRLF
    problems = _refused(uow_factory, settings, [orders_csv, items_csv])
    assert any("the last, stops before the last column" in p for p in problems)
