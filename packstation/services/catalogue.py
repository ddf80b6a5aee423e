"""The catalogue: products and their barcodes (a case barcode counts several units).

Called by ``import products`` (through ``intake.products``) and by whoever needs a product from a
scanned code.  Products are matched by SKU; a barcode belongs to exactly one SKU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlmodel import col, select

from packstation.store.models import Product, ProductBarcode
from packstation.store.uow import UnitOfWork


@dataclass
class ProductRow:
    """One product as a file gives it; None means "the file does not say: keep what is stored"."""

    sku: str
    name: str
    barcodes: dict[str, int]  # code → units it counts
    row: int = 0
    spec: str | None = None
    name_en: str | None = None
    weight_g: int = 0
    fragile: bool | None = None
    on_hand: int | None = None
    location: str | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    # the file has the column for other unit barcodes / for case barcodes: without it, the
    # SKU's stored ones of that kind stay (a weight update would have dropped them)
    extra_given: bool = True
    case_given: bool = True
    _fields: tuple[str, ...] = field(
        default=(
            "name",
            "spec",
            "name_en",
            "weight_g",
            "fragile",
            "on_hand",
            "location",
            "length_mm",
            "width_mm",
            "height_mm",
        ),
        repr=False,
    )

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in self._fields:
            value = getattr(self, name)
            if value is not None:
                out["unit_weight_g" if name == "weight_g" else name] = value
        return out


@dataclass(frozen=True)
class BarcodeClash:
    """A barcode of a row that already belongs to another SKU."""

    row: int
    code: str
    owner: str


@dataclass
class Upserted:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    barcodes: int = 0
    clashes: list[BarcodeClash] = field(default_factory=list)
    stored: bool = False
    # the stock figures the file set (a stock-take), by SKU; a new SKU without one starts at 0
    stock: dict[str, int] = field(default_factory=dict)


def find_by_code(uow: UnitOfWork, code: str) -> tuple[Product, int] | None:
    """The product a scanned code means and how many units it counts (a SKU counts one)."""
    session = uow.session
    hit = session.exec(select(ProductBarcode).where(ProductBarcode.code == code)).first()
    if hit is not None:
        product = session.exec(select(Product).where(Product.sku == hit.sku)).first()
        return (product, hit.multiplier) if product else None
    product = session.exec(select(Product).where(Product.sku == code)).first()
    return (product, 1) if product else None


def upsert_products(
    uow: UnitOfWork, rows: Sequence[ProductRow], *, write: bool, source: str = ""
) -> Upserted:
    """Insert or update by SKU; a barcode that already belongs to another SKU is a clash, and
    with any clash nothing is stored."""
    result = Upserted()
    with uow:
        session = uow.session
        skus = [r.sku for r in rows]
        existing: dict[str, Product] = {}
        for start in range(0, len(skus), 500):
            chunk = skus[start : start + 500]
            for product in session.exec(select(Product).where(col(Product.sku).in_(chunk))):
                existing[product.sku] = product
        codes = [c for r in rows for c in r.barcodes]
        owners: dict[str, ProductBarcode] = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            for barcode in session.exec(
                select(ProductBarcode).where(col(ProductBarcode.code).in_(chunk))
            ):
                owners[barcode.code] = barcode
        for r in rows:
            for code in r.barcodes:
                owner = owners.get(code)
                if owner is not None and owner.sku != r.sku:
                    result.clashes.append(BarcodeClash(r.row, code, owner.sku))
        if result.clashes:
            return result
        stored = _stored_barcodes(uow, [sku for sku in skus if sku in existing])
        new = _NewRows()
        # known products in the order of their ids (the order in which services.stock updates
        # several at once: two transactions never wait for each other's rows), then new ones
        for r in sorted(rows, key=lambda r: _id_order(existing.get(r.sku))):
            _store(uow, r, existing.get(r.sku), stored.get(r.sku, {}), result, new)
            result.barcodes += len(r.barcodes)
        if not write:
            return result
        session.flush()  # known products changed and barcodes dropped (updates in id order)
        connection = uow.connection()
        if new.products:
            connection.execute(_INSERT_PRODUCT, new.products)
        if new.barcodes:  # after their products: a barcode refers to its SKU
            connection.execute(_INSERT_BARCODE, new.barcodes)
        uow.record(
            "products_imported",
            file=source,
            added=result.added,
            updated=result.updated,
            stock=result.stock,
        )
        uow.commit()
        result.stored = True
    return result


@dataclass
class _NewRows:
    """The rows an import adds, written together (one statement for each table, not one per
    row: a catalogue can hold tens of thousands of products)."""

    products: list[dict[str, object]] = field(default_factory=list)
    barcodes: list[dict[str, object]] = field(default_factory=list)


def _stored_barcodes(uow: UnitOfWork, skus: Sequence[str]) -> dict[str, dict[str, ProductBarcode]]:
    """The barcodes stored for known SKUs, by SKU and code (read 500 SKUs at a time)."""
    found: dict[str, dict[str, ProductBarcode]] = {}
    for start in range(0, len(skus), 500):
        chunk = skus[start : start + 500]
        for barcode in uow.session.exec(
            select(ProductBarcode).where(col(ProductBarcode.sku).in_(chunk))
        ):
            found.setdefault(barcode.sku, {})[barcode.code] = barcode
    return found


def _id_order(product: Product | None) -> tuple[bool, int]:
    return (product is None, product.id or 0 if product else 0)


def _store(
    uow: UnitOfWork,
    row: ProductRow,
    product: Product | None,
    stored: dict[str, ProductBarcode],
    result: Upserted,
    new_rows: _NewRows,
) -> None:
    session = uow.session
    values = row.values()
    if row.on_hand is not None or product is None:
        result.stock[row.sku] = row.on_hand or 0
    if product is None:
        added = Product(sku=row.sku, **values)  # type: ignore[arg-type]
        new_rows.products.append(added.model_dump(exclude={"id"}))
        result.added += 1
        new = changed = True
    else:
        new = False
        changed = False
        for name, value in values.items():
            if getattr(product, name) != value:
                setattr(product, name, value)
                changed = True
    for code, barcode in stored.items():
        given = row.case_given if barcode.multiplier > 1 else row.extra_given
        if code not in row.barcodes and given:
            session.delete(barcode)
            changed = True
    for code, multiplier in row.barcodes.items():
        kept = stored.get(code)
        if kept is None:
            new_rows.barcodes.append({"code": code, "sku": row.sku, "multiplier": multiplier})
            changed = True
        elif kept.multiplier != multiplier:
            kept.multiplier = multiplier
            changed = True
    if new:
        return
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


_INSERT_PRODUCT = insert(Product.__table__)  # type: ignore[attr-defined]
_INSERT_BARCODE = insert(ProductBarcode.__table__)  # type: ignore[attr-defined]
