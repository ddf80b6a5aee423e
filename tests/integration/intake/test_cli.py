"""The intake commands end to end: exit status, JSON contracts (DESIGN §9), the text report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlmodel import select

from packstation.cli import main
from packstation.domain.status import OrderStatus
from packstation.store.models import Order
from tests.integration.intake.conftest import PRODUCTS
from tests.integration.intake.exports import (
    CLOSED,
    PAID,
    SHIPPED,
    UNPAID,
    Item,
    TOrder,
    write_taobao,
)
from tests.integration.intake.packed import pack
from tests.integration.intake.store_view import Factory


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(text: str) -> Any:
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path, Path]:
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    orders_csv, items_csv = write_taobao(
        tmp_path,
        [
            TOrder("C-1", [Item("MUG-01"), Item("GIFT-STK", price="0")]),
            TOrder("C-2", [Item("TS-WHT-L", 2)], status=UNPAID, paid=""),
            TOrder("C-3", [Item("TS-WHT-L")], status=CLOSED),
            TOrder("C-1", [Item("MUG-01"), Item("GIFT-STK", price="0")]),
        ],
    )
    return products, orders_csv, items_csv


def test_import_report_and_show(
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    uow_factory: Factory,
    exported: tuple[Path, Path, Path],
    tmp_path: Path,
) -> None:
    products, orders_csv, items_csv = exported
    db = ("--db", store_url, "--lang", "en")
    code, out, _err = run(capsys, *db, "import", "products", str(products))
    assert code == 0 and "4 products added" in out

    code, out, _err = run(
        capsys, *db, "import", "orders", str(items_csv), str(orders_csv), "--dry-run"
    )
    assert code == 0 and "nothing was stored" in out

    code, out, _err = run(
        capsys, *db, "import", "orders", str(items_csv), str(orders_csv), "--json"
    )
    assert code == 0
    summary = as_json(out)
    assert {
        k: summary[k]
        for k in (
            "orders_imported",
            "orders_known",
            "orders_updated",
            "orders_cancelled",
            "orders_skipped_closed",
            "duplicates_in_file",
            "lines_imported",
            "errors",
        )
    } == {
        "orders_imported": 1,
        "orders_known": 0,
        "orders_updated": 0,
        "orders_cancelled": 0,
        "orders_skipped_closed": 1,
        "duplicates_in_file": 1,
        "lines_imported": 2,
        "errors": [],
    }
    assert summary["orders_skipped_unpaid"] == 1 and summary["reconciled"] is True

    code, out, _err = run(capsys, *db, "import", "orders", str(orders_csv), str(items_csv))
    assert code == 0
    assert "already known, left as they were" in out
    # in Chinese the counts line up too (the padding counted characters, not cells)
    code, out, _err = run(
        capsys, "--lang", "zh_CN", *db[:2], "import", "orders", str(orders_csv), str(items_csv)
    )
    ends = {cell_len(line) for line in out.splitlines() if re.search(r"\s\d+$", line)}
    assert code == 0 and len(ends) == 1

    code, out, _err = run(capsys, *db, "order", "show", "C-1", "--json")
    assert code == 0
    shown = as_json(out)
    assert shown["order_no"] == "C-1" and [line["gift"] for line in shown["lines"]] == [False, True]
    code, out, _err = run(capsys, *db, "order", "show", "C-1")
    assert code == 0 and "Order C-1 (Taobao)" in out
    # instants as a person reads them, not as the JSON gives them
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    assert re.search(rf"^  paid at {when}$", out, re.MULTILINE)
    assert re.search(rf"^  imported at {when} from ", out, re.MULTILINE)
    code, _out, err = run(capsys, *db, "order", "show", "nope")
    assert code != 0 and "No order has" in err and "Traceback" not in err

    code, out, _err = run(capsys, *db, "report", "day", "--date", "2026-03-02", "--json")
    assert code == 0
    day = as_json(out)
    assert day["counts"]["ready"] == 1 and day["unshipped_without_reason"] == ["C-1"]
    code, out, _err = run(capsys, *db, "report", "day", "--date", "2026-03-02")
    assert code == 0 and "C-1" in out

    code, out, _err = run(capsys, *db, "report", "shortages", "--json")
    assert code == 0 and isinstance(as_json(out), list)

    pack(uow_factory, "C-1", tracking=["YT7000000000001"])
    code, out, _err = run(capsys, *db, "order", "show", "C-1")
    assert code == 0 and "— packed," in out and "#1 packed YT7000000000001" in out
    code, out, _err = run(capsys, "--lang", "zh_CN", *db, "order", "show", "C-1")
    assert code == 0 and "— 已打包，" in out and "#1 已打包 YT7000000000001" in out
    ship = tmp_path / "ship.csv"
    code, out, _err = run(capsys, *db, "export", "shipments", "-o", str(ship), "--mark-confirmed")
    assert code == 0 and "1 order marked confirmed." in out
    assert f"{ship}: 1 order, 1 parcel (gbk)." in out
    assert ship.read_bytes().decode("gbk").splitlines()[1] == "C-1,圆通速递,YT7000000000001"
    code, out, _err = run(capsys, *db, "report", "day", "--date", "2026-03-02")
    assert code == 0 and "Packed by:" in out and ": 1 order, " in out and " units" in out
    code, out, _err = run(capsys, *db, "export", "confirm", str(ship))
    assert code == 0 and "0 orders marked confirmed (1 already confirmed)" in out
    code, out, _err = run(capsys, *db, "export", "confirm", str(ship), "--json")
    assert code == 0 and as_json(out)["already"] == 1 and as_json(out)["listed"] == 1
    code, _out, err = run(capsys, *db, "export", "confirm", str(tmp_path / "none.csv"))
    assert code == 1 and "cannot be read" in err and len(err.strip().splitlines()) == 1
    # a row left out is said, and the exit says so too (it was 0 with every row refused)
    unknown = tmp_path / "unknown.csv"
    unknown.write_bytes(ship.read_bytes().replace(b"C-1,", b"NOSUCH,"))
    code, out, err = run(capsys, *db, "export", "confirm", str(unknown))
    assert code == 1 and "not confirmed: NOSUCH:" in err and "0 orders marked confirmed" in out
    # the file opened and saved in Excel: its order numbers shortened (it said "no such order")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(ship.read_bytes().replace(b"C-1,", b"3.36411E+18,"))
    code, _out, err = run(capsys, *db, "export", "confirm", str(excel))
    assert code == 1 and "not confirmed: 3.36411E+18: shortened by Excel" in err
    # for scripts: a reason in one English word whatever the language, the sentence apart (the
    # reason was the sentence, in Chinese for a Chinese user, where doctor --json's are English)
    code, out, _err = run(capsys, "--lang", "zh_CN", *db, "export", "confirm", str(excel), "--json")
    [skipped] = as_json(out)["skipped"]
    assert code == 1 and skipped["order_no"] == "3.36411E+18"
    assert skipped["reason"] == "shortened_by_excel" and "Excel" in skipped["message"]
    assert skipped["message"] != "shortened by Excel" and "，" in skipped["message"]
    code, out, _err = run(
        capsys, "--lang", "zh_CN", *db, "export", "confirm", str(unknown), "--json"
    )
    assert [(s["reason"], s["message"]) for s in as_json(out)["skipped"]] == [
        ("unknown_order", "没有这个订单")
    ]
    # the same export again wrote an empty file over the one that confirmed C-1: its waybill
    # was in no file any more, and no command wrote it again
    written = ship.read_bytes()
    code, _out, err = run(capsys, *db, "export", "shipments", "-o", str(ship), "--mark-confirmed")
    assert code == 1 and "exists already (an earlier export?)" in err and "--force" in err
    assert ship.read_bytes() == written
    code, _out, err = run(
        capsys, *db, "export", "shipments", "-o", str(tmp_path / "x.csv"), "--again"
    )
    assert code == 1 and "give the day with --date" in err
    lost = tmp_path / "again.csv"
    code, out, _err = run(
        capsys,
        *db,
        "export",
        "shipments",
        "-o",
        str(lost),
        "--date",
        "2026-03-02",
        "--again",
        "--mark-confirmed",
    )
    assert code == 0 and lost.read_bytes() == written and "0 orders marked confirmed." in out
    code, out, err = run(capsys, *db, "export", "shipments", "-o", str(lost), "--force")
    # nothing to export: no file of headers alone, which could be uploaded, and the one there
    # is left as it was (it was written over with the headers, exit 0 all the same)
    assert code == 0 and out == "" and lost.read_bytes() == written
    assert "No order to export: every packed order is confirmed" in err
    assert "no file was written" in err
    code, out, _err = run(
        capsys, *db, "export", "shipments", "-o", str(tmp_path / "none.csv"), "--json"
    )
    assert as_json(out)["written"] is False and not (tmp_path / "none.csv").exists()
    # a file of another program: Excel for the Mac ends lines with CR alone; a binary file
    mac = tmp_path / "mac.csv"
    mac.write_bytes(written.replace(b"\r\n", b"\r"))
    code, out, _err = run(capsys, *db, "export", "confirm", str(mac))
    assert code == 0 and "(1 already confirmed)" in out
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b'\x89PNG\r\n\x1a\n\x00\x00\rIHDR\x00\x01\x00\x00\x00\x01\x08\x02a"b\rc')
    code, _out, err = run(capsys, *db, "export", "confirm", str(binary))
    assert code == 1 and "is not a ship-confirm file" in err and "Traceback" not in err


def refused_by_order_show(
    capsys: pytest.CaptureFixture[str], db: tuple[str, ...], number: str, said: str
) -> None:
    """`order show NUMBER` refuses (exit status not 0) in one line on stderr that matches the
    pattern ``said``."""
    code, out, err = run(capsys, *db, "order", "show", number)
    assert code != 0 and out == "" and "Traceback" not in err
    assert re.fullmatch(said, err.strip().removeprefix("packstation: ")), err


def test_an_order_skipped_as_closed_is_said_so_by_order_show(
    capsys: pytest.CaptureFixture[str], store_url: str, exported: tuple[Path, Path, Path]
) -> None:
    """An order already closed when first exported is skipped; `order show` said it had no
    such order and to import the orders first, and the lead went looking for the file."""
    products, orders_csv, items_csv = exported
    db = ("--db", store_url, "--lang", "en")
    assert run(capsys, *db, "import", "products", str(products))[0] == 0
    code, out, _err = run(capsys, *db, "import", "orders", str(orders_csv), str(items_csv))
    assert code == 0 and re.search(r"skipped: closed or refunded\s+1$", out, re.MULTILINE)
    refused_by_order_show(
        capsys,
        db,
        "C-3",
        r"Order C-3 was closed on the marketplace in the export ExportOrderList\.csv, "
        r"ExportOrderDetailList\.csv \(imported \d{4}-\d\d-\d\d \d\d:\d\d\), so it was "
        r"not queued; nothing of it is stored here\.",
    )
    code, _out, err = run(capsys, *db, "order", "show", "C-9")  # in no file at all
    assert code != 0 and "No order has the number or tracking number 'C-9'" in err
    code, _out, err = run(capsys, "--lang", "zh_CN", *db[:2], "order", "show", "C-3")
    assert code != 0 and "订单 C-3 在导出文件" in err and "没有进入队列" in err


def test_an_order_skipped_as_unpaid_or_shipped_is_said_so_by_order_show(
    capsys: pytest.CaptureFixture[str], store_url: str, uow_factory: Factory, tmp_path: Path
) -> None:
    """An order skipped at import because it was not paid yet (等待买家付款), or because the
    marketplace had shipped it already: `order show` said no order had the number and to
    import the orders first, though it was in the file just imported. Paid in a later export,
    the unpaid one is queued, once."""
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    unpaid = TOrder("U-1", [Item("MUG-01")], status=UNPAID, paid="")
    shipped = TOrder("S-1", [Item("MUG-01")], status=SHIPPED)
    first = write_taobao(tmp_path / "a", [unpaid, shipped])
    db = ("--db", store_url, "--lang", "en")
    assert run(capsys, *db, "import", "products", str(products))[0] == 0
    assert run(capsys, *db, "import", "orders", *map(str, first))[0] == 0
    export = r"ExportOrderList\.csv, ExportOrderDetailList\.csv"
    at = r"\(imported \d{4}-\d\d-\d\d \d\d:\d\d\)"
    refused_by_order_show(
        capsys,
        db,
        "U-1",
        rf"Order U-1 was not paid yet on the marketplace \(等待买家付款\) in the export "
        rf"{export} {at}, so it was not queued; nothing of it is stored here\. An export in "
        r"which it is paid queues it\.",
    )
    refused_by_order_show(
        capsys,
        db,
        "S-1",
        rf"Order S-1 was already shipped on the marketplace \({SHIPPED}\) in the export "
        rf"{export} {at}, so it was not queued; nothing of it is stored here\.",
    )
    code, _out, err = run(capsys, "--lang", "zh_CN", *db[:2], "order", "show", "U-1")
    assert code != 0 and "订单 U-1" in err and "等待买家付款" in err and "没有进入队列" in err
    assert "No order has" not in err and "没有订单" not in err
    # paid in the next export: queued, and once, however often that export is imported
    unpaid.status, unpaid.paid = PAID, "2026-03-02 11:00:00"
    later = write_taobao(tmp_path / "b", [unpaid, shipped])
    code, out, _err = run(capsys, *db, "import", "orders", *map(str, later), "--json")
    assert code == 0 and as_json(out)["orders_imported"] == 1
    code, out, _err = run(capsys, *db, "import", "orders", *map(str, later), "--json")
    assert code == 0 and as_json(out)["orders_imported"] == 0
    assert as_json(out)["orders_known"] == 1
    with uow_factory(readonly=True) as uow:
        queued = uow.session.exec(select(Order).where(Order.order_no == "U-1")).all()
    assert [o.status for o in queued] == [OrderStatus.READY]
    code, out, _err = run(capsys, *db, "order", "show", "U-1")
    assert code == 0 and out.startswith("Order U-1 (")


def test_a_partly_shipped_order_is_said_by_the_import_and_by_order_show(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    went = "卖家已发货，等待买家确认"
    files = write_taobao(
        tmp_path,
        [TOrder("P-1", [Item("MUG-01", status=went), Item("TS-WHT-L", 2)], status="卖家部分发货")],
    )
    items_csv = files[1]  # the T-shirts' row: still waiting
    items_csv.write_bytes(
        items_csv.read_bytes().replace("卖家部分发货".encode("gb18030"), PAID.encode("gb18030"))
    )
    db = ("--db", store_url, "--lang", "en")
    assert run(capsys, *db, "import", "products", str(products))[0] == 0
    for dry in (("--dry-run",), ()):
        code, out, _err = run(capsys, *db, "import", "orders", *map(str, files), *dry)
        assert code == 0
        assert "the marketplace shipped part of it already (MUG-01 ×1)" in out
        assert re.search(r"partly shipped on the marketplace\s+1$", out, re.MULTILINE)
        assert re.search(r"lines shipped already \(not queued\)\s+1$", out, re.MULTILINE)
    code, out, _err = run(capsys, *db, "order", "show", "P-1")
    assert code == 0
    assert "  partly shipped on the marketplace (卖家部分发货): the lines below are what" in out
    assert "TS-WHT-L" in out and "MUG-01" not in out
    # on hold, as the rows do not say which items went: the reason says so, and no more
    held = write_taobao(
        tmp_path / "b", [TOrder("P-2", [Item("MUG-01"), Item("TS-WHT-L")], status="卖家部分发货")]
    )
    assert run(capsys, *db, "import", "orders", *map(str, held))[0] == 0
    code, out, _err = run(capsys, *db, "order", "show", "P-2")
    assert code == 0 and "on hold: The marketplace shipped part of the order" in out
    assert "left to pack here" not in out


def test_order_show_names_a_shipment_the_marketplace_says_in_words(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    """An order still ready here that the marketplace says it shipped is held; its change was
    shown by the store's field name ("shipped: - → ZTO 7531…")."""
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    live = TOrder("S-1", [Item("MUG-01")])
    for lang, words in (
        ("en", "shipped on the marketplace, waybill: - → "),
        ("zh_CN", "平台已发货，运单：- → "),
    ):
        db = ("--db", store_url, "--lang", lang)
        if lang == "en":
            assert run(capsys, *db, "import", "products", str(products))[0] == 0
            first = write_taobao(tmp_path / "a", [live])
            assert run(capsys, *db, "import", "orders", *map(str, first))[0] == 0
            live.status, live.courier, live.tracking = SHIPPED, "中通快递", "75312345678901"
            shipped = write_taobao(tmp_path / "b", [live])
            assert run(capsys, *db, "import", "orders", *map(str, shipped))[0] == 0
        code, out, _err = run(capsys, *db, "order", "show", "S-1")
        assert code == 0
        assert f"{words}75312345678901" in out
        assert "shipped: -" not in out


def test_a_bad_import_exits_non_zero_with_every_problem(
    capsys: pytest.CaptureFixture[str], store_url: str, exported: tuple[Path, Path, Path]
) -> None:
    _products, orders_csv, items_csv = exported  # the catalogue is not imported: unknown SKUs
    code, out, err = run(
        capsys, "--db", store_url, "import", "orders", str(orders_csv), str(items_csv)
    )
    assert code != 0
    assert err.count("is not in the catalogue") == 6
    assert "6 problems found; nothing was stored. Fix them" in err
    assert "imported" not in out  # no counts of what was not stored (they read as done)
    code, out, _err = run(
        capsys, "--db", store_url, "import", "orders", str(orders_csv), str(items_csv), "--json"
    )
    assert code != 0
    errors = as_json(out)["errors"]
    assert len(errors) == 6
    assert set(errors[0]) == {"file", "row", "column", "value", "problem"}


def test_messages_in_chinese(
    capsys: pytest.CaptureFixture[str], store_url: str, exported: tuple[Path, Path, Path]
) -> None:
    _products, orders_csv, items_csv = exported
    code, _out, err = run(
        capsys,
        "--db",
        store_url,
        "--lang",
        "zh_CN",
        "import",
        "orders",
        str(orders_csv),
        str(items_csv),
    )
    assert code != 0
    assert "商品目录" in err and "发现 6 个问题" in err
    # each problem's place, value and sentence punctuated as Chinese (the value was quoted
    # 'MUG-01' and followed by an English colon)
    assert "，列 商家编码“MUG-01”：SKU“MUG-01”不在商品目录中" in err


def test_counts_of_one_read_in_the_singular(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    header = PRODUCTS.splitlines()[0]
    one = tmp_path / "one.csv"
    one.write_text(
        f"{header}\nMUG-01,6901234500035,陶瓷马克杯,350ml,420,1,,,,2,B-02-01\n", encoding="utf-8"
    )
    db = ("--db", store_url)
    code, out, _err = run(capsys, *db, "--lang", "en", "import", "products", str(one))
    assert (
        code == 0
        and f"{one.name}: 1 row, 1 product added, 0 updated, 0 unchanged, 1 barcode." in out
    )
    code, out, _err = run(capsys, *db, "--lang", "zh_CN", "import", "products", str(one))
    assert code == 0 and f"{one.name}：1 行，新增 0 个商品，更新 0 个，未变 1 个，1 个条码。" in out
    two = tmp_path / "two.csv"
    two.write_text(PRODUCTS, encoding="utf-8")
    code, out, _err = run(capsys, *db, "--lang", "en", "import", "products", str(two))
    assert f"{two.name}: 4 rows, 3 products added, 0 updated, 1 unchanged, 6 barcodes." in out


def test_problems_beyond_those_shown_are_counted(
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("packstation.commands.import_.SHOWN_PROBLEMS", 1)
    header = PRODUCTS.splitlines()[0]
    short = tmp_path / "short.csv"
    db = ("--db", store_url, "--lang", "en")
    short.write_text(f"{header}\nMUG-01\nMUG-02,1\n")
    code, _out, err = run(capsys, *db, "import", "products", str(short))
    assert code == 1 and err.splitlines()[0].endswith(
        ": The row has 1 cell where the header has 11; the file may be truncated or a cell has "
        "an unquoted line break — export it again."
    )
    assert err.splitlines()[1] == "… and 1 more problem; use --json to see them all."
    short.write_text(f"{header}\nMUG-01\nMUG-02,1\nMUG-03,1\n")
    _code, _out, err = run(capsys, *db, "import", "products", str(short))
    assert err.splitlines()[1] == "… and 2 more problems; use --json to see them all."
    assert "The row has 2 cells where" not in err  # only the first is shown


def test_a_dash_for_the_output_is_refused_or_read_as_standard_output(
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``-o -`` wrote a file named "-" in the current folder, which nobody looked for."""
    monkeypatch.chdir(tmp_path)
    db = ("--db", store_url, "--lang", "en")
    code, _out, err = run(capsys, *db, "export", "shipments", "-o", "-")
    assert code == 1 and "'-' is not taken as standard output here; give a file name." in err
    code, _out, err = run(capsys, *db, "sheet", "-o", "-")
    assert code == 1 and "use a .png, .zpl or .bin file name" in err
    # the handover list goes to standard output without -o: so it does with -o -
    code, out, _err = run(capsys, *db, "manifest", "--carrier", "YTO", "-o", "-")
    assert code == 0 and out.startswith("carrier,date,handover,tracking_no,")
    assert not (tmp_path / "-").exists()


def test_shortages_text_names_the_orders_waiting(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    orders_csv, items_csv = write_taobao(
        tmp_path, [TOrder(f"W-{n}", [Item("MUG-01")]) for n in range(1, 11)]
    )
    db = ("--db", store_url, "--lang", "en")
    assert run(capsys, *db, "import", "products", str(products))[0] == 0
    assert run(capsys, *db, "import", "orders", str(orders_csv), str(items_csv))[0] == 0
    code, out, _err = run(capsys, *db, "report", "shortages")
    # 10 mugs wanted, 2 on the shelf: the orders waiting are named under the row, the first
    # eight by number and how many more
    assert code == 0 and re.search(r"^MUG-01 +B-02-01 +10 +2 +8 ", out, re.MULTILINE)
    waiting = next(line for line in out.splitlines() if "waiting" in line)
    assert waiting.startswith("  10 orders waiting: W-1, W-10, W-2,")
    assert waiting.endswith(" and 2 more")
    code, out, _err = run(capsys, "--lang", "zh_CN", *db[:2], "report", "shortages")
    assert code == 0 and "10 个订单等待：W-1、W-10、W-2、" in out and "，另有 2 个" in out


def test_a_refused_import_says_no_notes_of_changes_it_did_not_make(
    capsys: pytest.CaptureFixture[str], store_url: str, tmp_path: Path
) -> None:
    """Two days' reports mixed: the order report of the 28th with the item report of the 29th.
    The import was refused, and stdout still said "note: … district; street address go back to
    what they were before …", of changes that never happened."""
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    db = ("--db", store_url, "--lang", "en")
    assert run(capsys, *db, "import", "products", str(products))[0] == 0
    old = "浙江省 杭州市 西湖区 文三路123号 (310000)"
    new = "浙江省 杭州市 滨江区 江南大道8号 (310051)"
    day28 = write_taobao(
        tmp_path / "28",
        [TOrder("D-1", [Item("MUG-01")], address=old), TOrder("D-2", [Item("TS-WHT-L")])],
        stem="20261128",
    )
    day29 = write_taobao(
        tmp_path / "29",
        [TOrder("D-1", [Item("MUG-01")], address=new), TOrder("D-3", [Item("TS-WHT-L")])],
        stem="20261129",
    )
    for files in (day28, day29):
        assert run(capsys, *db, "import", "orders", *map(str, files))[0] == 0
    mixed = (str(day28[0]), str(day29[1]))
    code, out, err = run(capsys, *db, "import", "orders", *mixed)
    assert code == 1
    assert out == ""  # nothing was stored: nothing changed, nothing goes back
    assert "go back" not in err and "note:" not in err
    assert "problems found; nothing was stored" in err
    code, out, _err = run(capsys, *db, "import", "orders", *mixed, "--json")
    assert code == 1
    answer = json.loads(out)  # one document, nothing before or after it
    assert answer["stored"] is False and answer["errors"]
    assert answer["notices"] == []
