"""``import products``: insert or update by SKU; a barcode belongs to one SKU."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from packstation.services.catalogue import find_by_code
from packstation.services.intake import import_products
from packstation.store.models import Product
from tests.integration.intake.store_view import Factory, events, snapshot

HEADER = "sku,barcode,name,spec,weight_g,fragile,extra_barcodes,case_barcode,case_qty,on_hand,location,length_mm,width_mm,height_mm\n"


def _write(tmp_path: Path, body: str, name: str = "p.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_products_are_added_then_updated(uow_factory: Factory, tmp_path: Path) -> None:
    first = _write(
        tmp_path,
        "CUP-1,6900000000011,杯子,白色,300,1,6900000000028;6900000000035,16900000000011,12,7,A-1,80,80,100\n"
        "CUP-2,6900000000042,杯子,黑色,300,0,,,,,,,,\n",
        encoding="gb18030",
    )
    report = import_products(uow_factory(), first)
    assert report.ok, report.errors
    assert (report.products_added, report.barcodes) == (2, 5)
    with uow_factory(readonly=True) as uow:
        cup, units = find_by_code(uow, "16900000000011") or (None, 0)
        assert cup is not None and (cup.sku, units) == ("CUP-1", 12)
        assert cup.fragile and cup.on_hand == 7 and cup.location == "A-1"
        assert (cup.length_mm, cup.width_mm, cup.height_mm) == (80, 80, 100)
        assert find_by_code(uow, "CUP-2") is not None
    second = _write(
        tmp_path,
        "CUP-1,6900000000011,杯子 新款,白色,310,1,,,,,A-2,,,\n"
        "CUP-2,6900000000042,杯子,黑色,300,0,,,,,,,,\n",
        name="p2.csv",
    )
    report = import_products(uow_factory(), second)
    assert (report.products_added, report.products_updated, report.products_unchanged) == (0, 1, 1)
    with uow_factory(readonly=True) as uow:
        cup = uow.session.exec(select(Product).where(Product.sku == "CUP-1")).one()
        assert (cup.name, cup.unit_weight_g, cup.on_hand, cup.location) == (
            "杯子 新款",
            310,
            7,
            "A-2",
        )
        assert find_by_code(uow, "6900000000028") is None  # the file is the truth for its barcodes
    # each import records the stock figures it set (the audit replays the stock from them): a
    # new SKU without one starts at 0, and an empty cell later sets nothing
    assert [payload["stock"] for _id, payload in events(uow_factory, "products_imported")] == [
        {"CUP-1": 7, "CUP-2": 0},
        {},
    ]


def test_a_barcode_of_another_sku_is_refused(uow_factory: Factory, tmp_path: Path) -> None:
    import_products(uow_factory(), _write(tmp_path, "CUP-1,6900000000011,杯子,,300,0,,,,,,,,\n"))
    before = snapshot(uow_factory)
    clash = _write(
        tmp_path,
        "CUP-9,6900000000011,别的杯子,,300,0,,,,,,,,\nCUP-8,123,x,,abc,maybe,,999,1,,,,,\n",
        name="clash.csv",
    )
    report = import_products(uow_factory(), clash)
    assert not report.ok
    found = {(p.row, p.column) for p in report.errors}
    assert {(3, "weight_g"), (3, "fragile"), (3, "case_qty")} <= found
    assert snapshot(uow_factory) == before
    only_clash = _write(tmp_path, "CUP-9,6900000000011,别的杯子,,300,0,,,,,,,,\n", name="c2.csv")
    report = import_products(uow_factory(), only_clash)
    assert [(p.row, p.column, p.value) for p in report.errors] == [(2, "barcode", "6900000000011")]
    assert "CUP-1" in report.errors[0].problem
    assert snapshot(uow_factory) == before


def test_the_same_barcode_twice_in_a_file(uow_factory: Factory, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "A,111,a,,1,0,,,,,,,,\nB,111,b,,1,0,,,,,,,,\nA,222,a,,1,0,,,,,,,,\n",
    )
    report = import_products(uow_factory(), path, dry_run=True)
    assert {(p.row, p.column) for p in report.errors} == {(3, "barcode"), (4, "sku")}


def test_a_case_or_extra_barcode_clash_names_its_column(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """A clash in ``case_barcode`` or ``extra_barcodes`` was named as column ``barcode``: the
    person looked for the number in the wrong cell."""
    import_products(uow_factory(), _write(tmp_path, "CUP-1,6900000000011,杯子,,300,0,,,,,,,,\n"))
    for cells, column in (
        (",,6900000000011,6", "case_barcode"),
        (",6900000000011,,", "extra_barcodes"),
    ):
        clash = _write(tmp_path, f"CUP-8,6900000000028,碗,,300,0{cells},,,,,\n", name="c.csv")
        report = import_products(uow_factory(), clash)
        assert [(p.row, p.column) for p in report.errors] == [(2, column)]
    in_file = _write(
        tmp_path,
        "A,111,a,,1,0,,,,,,,,\nB,222,b,,1,0,,111,6,,,,,\nC,333,c,,1,0,222,,,,,,,\n",
        name="in_file.csv",
    )
    report = import_products(uow_factory(), in_file, dry_run=True)
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "case_barcode"),
        (4, "extra_barcodes"),
    ]


def test_units_in_a_case_without_its_barcode_are_refused(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """``case_qty`` without ``case_barcode`` was dropped without a word: the person believed
    the case counted."""
    before = snapshot(uow_factory)
    report = import_products(uow_factory(), _write(tmp_path, "A,111,a,,1,0,,,12,,,,,\n"))
    assert [(p.row, p.column, p.value) for p in report.errors] == [(2, "case_qty", "12")]
    assert "case_barcode" in report.errors[0].problem
    assert snapshot(uow_factory) == before


def test_a_file_without_a_barcode_column_keeps_those_barcodes(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """A weight update (sku, barcode, name, weight_g) deleted every extra and case barcode of
    its SKUs: the case scans became unknown barcodes at the bench."""
    first = _write(
        tmp_path, "CUP-1,6900000000011,杯子,白色,300,0,6900000000028,16900000000011,12,5,A-1,,,\n"
    )
    assert import_products(uow_factory(), first).ok

    def codes() -> dict[str, int]:
        with uow_factory(readonly=True) as uow:
            found = {
                code: hit[1]
                for code in ("6900000000011", "6900000000028", "16900000000011", "6900000000035")
                if (hit := find_by_code(uow, code)) is not None
            }
        return found

    weights = tmp_path / "weights.csv"
    weights.write_text(
        "sku,barcode,name,weight_g\nCUP-1,6900000000035,杯子,310\n", encoding="utf-8"
    )
    report = import_products(uow_factory(), weights)
    assert report.ok and report.products_updated == 1
    # the new unit barcode is added, the old one stays with the others (the file does not say
    # which of the stored ones were its other unit barcodes)
    assert codes() == {
        "6900000000011": 1,
        "6900000000028": 1,
        "16900000000011": 12,
        "6900000000035": 1,
    }
    extras = tmp_path / "extras.csv"
    extras.write_text(
        "sku,barcode,name,weight_g,extra_barcodes\nCUP-1,6900000000035,杯子,310,\n",
        encoding="utf-8",
    )
    assert import_products(uow_factory(), extras).ok
    # with the column, the file is the truth for the unit barcodes; the case stays
    assert codes() == {"16900000000011": 12, "6900000000035": 1}


def test_dry_run(uow_factory: Factory, tmp_path: Path) -> None:
    before = snapshot(uow_factory)
    report = import_products(
        uow_factory(), _write(tmp_path, "A,111,a,,1,0,,,,,,,,\n"), dry_run=True
    )
    assert report.ok and report.products_added == 1 and not report.stored
    assert snapshot(uow_factory) == before


def test_a_known_product_gains_a_barcode_and_its_case_changes(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """Known and new products in one file: a barcode added to a known SKU, its case barcode
    counting another number of units, and a new SKU with its barcodes."""
    first = _write(tmp_path, "CUP-1,6900000000011,杯子,白色,300,0,,16900000000011,12,5,A-1,,,\n")
    assert import_products(uow_factory(), first).ok
    second = _write(
        tmp_path,
        "CUP-1,6900000000011,杯子,白色,300,0,6900000000059,16900000000011,6,,A-1,,,\n"
        "CUP-3,6900000000066,碗,,250,1,6900000000073,,,3,B-1,,,\n",
        name="p2.csv",
    )
    report = import_products(uow_factory(), second)
    assert report.ok, report.errors
    assert (report.products_added, report.products_updated, report.barcodes) == (1, 1, 5)
    with uow_factory(readonly=True) as uow:
        found = {
            code: (hit[0].sku, hit[1]) if (hit := find_by_code(uow, code)) else None
            for code in ("16900000000011", "6900000000059", "6900000000066", "6900000000073")
        }
        assert found == {
            "16900000000011": ("CUP-1", 6),
            "6900000000059": ("CUP-1", 1),
            "6900000000066": ("CUP-3", 1),
            "6900000000073": ("CUP-3", 1),
        }
        bowl = uow.session.exec(select(Product).where(Product.sku == "CUP-3")).one()
        assert (bowl.name, bowl.fragile, bowl.on_hand, bowl.location) == ("碗", True, 3, "B-1")


def test_a_catalogue_saved_by_excel_as_unicode_text_imports(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """UTF-16 with tabs between the cells, as Excel saves "Unicode text"."""
    text = HEADER + "CUP-1,6900000000011,杯子,白色,300,1,,,,7,A-1,,,\n"
    path = tmp_path / "catalogue.txt"
    path.write_bytes(text.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))
    report = import_products(uow_factory(), path)
    assert report.ok, report.errors
    with uow_factory(readonly=True) as uow:
        cup = uow.session.exec(select(Product).where(Product.sku == "CUP-1")).one()
        assert (cup.name, cup.spec, cup.on_hand, cup.location) == ("杯子", "白色", 7, "A-1")


def test_a_barcode_excel_shortened_is_refused(uow_factory: Factory, tmp_path: Path) -> None:
    """Saved again by Excel, 6931234567890 reads 6.93123E+12: it was stored as a barcode."""
    before = snapshot(uow_factory)
    path = _write(tmp_path, "A,6.93123E+12,a,,1,0,,,,,,,,\nB,6931234567891,b,,1,0,6.9E+12,,,,,,,\n")
    report = import_products(uow_factory(), path)
    assert [(p.row, p.column, p.value) for p in report.errors] == [
        (2, "barcode", "6.93123E+12"),
        (3, "extra_barcodes", "6.9E+12"),
    ]
    assert "was shortened by Excel" in report.errors[0].problem
    assert not report.stored and snapshot(uow_factory) == before


def test_figures_beyond_any_shelf_are_refused(uow_factory: Factory, tmp_path: Path) -> None:
    """99999999999999999999 g ended in a traceback (the store's integers overflow)."""
    path = _write(tmp_path, "A,111,a,,99999999999999999999,0,,,,99999999999999999999,,,,\n")
    report = import_products(uow_factory(), path, dry_run=True)
    assert [(p.column, p.problem) for p in report.errors] == [
        ("weight_g", "Write a whole number from 0 to 10000000 in this column."),
        ("on_hand", "Write a whole number from 0 to 10000000 in this column."),
    ]


def test_a_row_with_more_cells_than_the_header_is_refused(
    uow_factory: Factory, tmp_path: Path
) -> None:
    """``1,000`` unquoted in weight_g was stored as a weight of 1 g."""
    path = tmp_path / "p.csv"
    path.write_text(
        "sku,barcode,name,weight_g\n"
        "P-1,6909999100001,甲,210,,\n"  # Excel's empty trailing cells are fine
        "P-3,6909999100005,丙,1,000\n",
        encoding="utf-8",
    )
    report = import_products(uow_factory(), path, dry_run=True)
    assert [(p.row, p.problem) for p in report.errors] == [
        (
            3,
            "The row has 5 cells, the header has 4: a comma inside a value? Quote the value or "
            "remove the comma.",
        )
    ]
    path.write_text("sku,barcode,name,weight_g\nP-1,6909999100001,甲,210,,\n", encoding="utf-8")
    report = import_products(uow_factory(), path)
    assert report.ok and report.products_added == 1
