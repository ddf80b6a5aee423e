"""``import products``: the catalogue from a CSV file (columns documented in the README,
example in ``examples/products.csv``).  Checked whole, stored whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packstation.i18n import _
from packstation.services.catalogue import ProductRow, upsert_products
from packstation.services.intake.readers import FileRefused, clean, open_csv
from packstation.services.intake.report import Problem, ProductReport
from packstation.services.intake.validation import Columns, RowCheck
from packstation.services.stock import MAX_ON_HAND
from packstation.store.uow import UnitOfWork

COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "商家编码"),
    "barcode": ("barcode", "条码"),
    "name": ("name", "名称", "商品名称"),
    "spec": ("spec", "规格"),
    "weight_g": ("weight_g", "重量"),
    "fragile": ("fragile", "易碎"),
    "name_en": ("name_en",),
    "extra_barcodes": ("extra_barcodes", "其他条码"),
    "case_barcode": ("case_barcode", "箱码"),
    "case_qty": ("case_qty", "箱规"),
    "on_hand": ("on_hand", "库存"),
    "location": ("location", "库位"),
    "length_mm": ("length_mm",),
    "width_mm": ("width_mm",),
    "height_mm": ("height_mm",),
}
REQUIRED = ("sku", "barcode", "name", "weight_g")


@dataclass
class _Ints:
    check: RowCheck

    def get(self, key: str, value: str, *, low: int, empty: int | None) -> int | None:
        """A whole number from ``low`` to ``MAX_ON_HAND`` (a weight in grams, a size in mm, a
        stock figure: more is a slip, and beyond the store's integers)."""
        text = value.strip()
        if not text:
            return empty
        if text.lstrip("-").isdigit() and low <= int(text) <= MAX_ON_HAND:
            return int(text)
        self.check.fail(
            key,
            value,
            _("Write a whole number from {low} to {high} in this column.").format(
                low=low, high=MAX_ON_HAND
            ),
        )
        return empty


@dataclass
class _Seen:
    skus: dict[str, int] = field(default_factory=dict)
    codes: dict[str, tuple[str, int]] = field(default_factory=dict)


def import_products(uow: UnitOfWork, path: Path, *, dry_run: bool = False) -> ProductReport:
    report = ProductReport(file=path.name, dry_run=dry_run)
    try:
        file = open_csv(path)
        cols = Columns.find(file, COLUMNS, REQUIRED, report.errors)
        if report.errors:
            return report
        rows = _read(file, cols, report)
    except FileRefused as refused:
        report.errors.append(refused.problem)
        return report
    if report.errors:
        return report
    result = upsert_products(uow, rows, write=not dry_run, source=path.name)
    for clash in result.clashes:
        report.errors.append(
            Problem(
                report.file,
                clash.row,
                next((column_of(r, clash.code) for r in rows if r.row == clash.row), "barcode"),
                clash.code,
                _(
                    "The barcode {code} already belongs to SKU {sku}; correct the "
                    "barcode or change SKU {sku} first."
                ).format(code=clash.code, sku=clash.owner),
            )
        )
    report.products_added, report.products_updated = result.added, result.updated
    report.products_unchanged, report.barcodes = result.unchanged, result.barcodes
    report.stored = result.stored
    return report


def column_of(product: ProductRow, code: str) -> str:
    """The column a row's barcode came from: a case's counts several units, the first unit
    barcode is the row's ``barcode``, the others its ``extra_barcodes``."""
    if product.barcodes.get(code, 1) > 1:
        return "case_barcode"
    return "barcode" if next(iter(product.barcodes), None) == code else "extra_barcodes"


def _read(file: object, cols: Columns, report: ProductReport) -> list[ProductRow]:
    check = RowCheck(cols, report.errors)
    ints = _Ints(check)
    seen = _Seen()
    out: list[ProductRow] = []
    idx = {k: cols.index.get(k) for k in COLUMNS}
    csv_file = cols.file

    def cell(cells: list[str], key: str) -> str | None:
        i = idx[key]
        return clean(cells[i]) if i is not None and i < len(cells) else None

    rows = csv_file.records()
    next(rows)
    for row, cells in rows:
        report.rows += 1
        check.start(row)
        if not check.width(cells):
            continue
        sku = check.required("sku", cell(cells, "sku") or "", _("SKU"))
        name = check.required("name", cell(cells, "name") or "", _("product name"))
        what_code = _("barcode")
        barcode = check.digits(
            "barcode", check.required("barcode", cell(cells, "barcode") or "", what_code), what_code
        )
        weight = ints.get("weight_g", cell(cells, "weight_g") or "", low=0, empty=None)
        if weight is None and not check.failed:
            check.fail("weight_g", "", _("The weight in grams is empty; fill it in."))
        fragile_cell = cell(cells, "fragile")
        codes: dict[str, int] = {barcode: 1} if barcode else {}
        for extra in (cell(cells, "extra_barcodes") or "").replace("|", ";").split(";"):
            if extra.strip():
                codes.setdefault(check.digits("extra_barcodes", extra.strip(), what_code), 1)
        case_code = check.digits("case_barcode", cell(cells, "case_barcode") or "", what_code)
        case_qty = ints.get("case_qty", cell(cells, "case_qty") or "", low=2, empty=None)
        if case_code:
            if case_qty is None:
                check.fail(
                    "case_qty",
                    "",
                    _("A case barcode needs the number of units in the case (case_qty)."),
                )
            else:
                codes[case_code] = case_qty
        elif case_qty is not None:
            check.fail(
                "case_qty",
                str(case_qty),
                _(
                    "Units in a case count only with the case's barcode: fill in "
                    "case_barcode or empty case_qty."
                ),
            )
        on_hand_cell = cell(cells, "on_hand")
        product = ProductRow(
            sku=sku,
            name=name,
            barcodes=codes,
            row=row,
            spec=cell(cells, "spec"),
            name_en=cell(cells, "name_en"),
            weight_g=weight or 0,
            fragile=check.flag("fragile", fragile_cell) if fragile_cell is not None else None,
            on_hand=(
                ints.get("on_hand", on_hand_cell, low=0, empty=None) if on_hand_cell else None
            ),
            location=cell(cells, "location"),
            length_mm=ints.get("length_mm", cell(cells, "length_mm") or "", low=1, empty=None),
            width_mm=ints.get("width_mm", cell(cells, "width_mm") or "", low=1, empty=None),
            height_mm=ints.get("height_mm", cell(cells, "height_mm") or "", low=1, empty=None),
            extra_given=idx["extra_barcodes"] is not None,
            case_given=idx["case_barcode"] is not None,
        )
        if sku in seen.skus:
            check.fail(
                "sku",
                sku,
                _("The SKU is listed again (first at row {row}); keep one row per SKU.").format(
                    row=seen.skus[sku]
                ),
            )
        seen.skus.setdefault(sku, row)
        for code in codes:
            owner = seen.codes.get(code)
            if owner is not None and owner[0] != sku:
                check.fail(
                    column_of(product, code),
                    code,
                    _(
                        "The barcode {code} is also given to SKU {sku} at row {row}; a barcode "
                        "belongs to one SKU."
                    ).format(code=code, sku=owner[0], row=owner[1]),
                )
            seen.codes.setdefault(code, (sku, row))
        if not check.failed:
            out.append(product)
    return out


__all__ = ["Problem", "import_products"]
