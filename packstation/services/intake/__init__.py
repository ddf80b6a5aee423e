"""Order and product intake: the files of the marketplace become orders the benches can pack.

Called by ``packstation import`` and by tests.  An import is checked whole before anything is
stored: every problem is reported with its file, row, column and value, and one problem means
nothing is stored.  Re-importing a file, or overlapping exports, stores each order once.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from packstation.config import Settings
from packstation.domain.orders import TO_SHIP
from packstation.domain.tracking import format_ok
from packstation.i18n import _
from packstation.services.intake.apply import apply_orders
from packstation.services.intake.context import ProgressCallback, ReadContext
from packstation.services.intake.detect import Kind, kind_of
from packstation.services.intake.generic import read_generic
from packstation.services.intake.parsed import ParsedOrder, disagreement
from packstation.services.intake.products import import_products
from packstation.services.intake.readers import CsvFile, FileRefused, open_csv
from packstation.services.intake.report import ImportReport, Problem, ProductReport
from packstation.services.intake.taobao import ItemRow, attach_lines, read_items, read_orders
from packstation.store.models import Product
from packstation.store.uow import UnitOfWork

__all__ = ["ImportReport", "Problem", "ProductReport", "import_orders", "import_products"]


def import_orders(
    uow: UnitOfWork,
    paths: list[Path],
    *,
    settings: Settings,
    fmt: str = "auto",
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run`` or a problem is found) store the orders of ``paths``."""
    report = ImportReport(files=[p.name for p in paths], format=fmt, dry_run=dry_run)
    files = _classify(paths, fmt, report)
    if report.errors:
        return report
    with uow:  # a short read: the catalogue as it is now
        catalogue: dict[str, str] = {
            sku: name for sku, name in uow.session.exec(select(col(Product.sku), col(Product.name)))
        }
    ctx = ReadContext(
        report=report,
        known_skus=catalogue,
        zone=settings.shipping.calendar().zone,
        default_carrier=settings.shipping.default_carrier.upper(),
        total_bytes=sum(f.size for _k, f in files),
        progress=progress,
    )
    # Files are read and checked outside any transaction, so that a slow file does not hold
    # the store's write lock; the writing transaction below is as short as it can be.
    orders = _read(files, ctx)
    report.format = _format_name(files)
    write = not dry_run and not report.errors
    with uow:
        apply_orders(uow, orders, report, settings=settings, write=write)
        if report.errors:
            # the notes say what the import changes (an address going back, a line refunded):
            # refused, it changes nothing, and the problems alone are said
            report.notices.clear()
        if not write:
            return report
        uow.record(
            "orders_imported",
            files=report.files,
            imported=report.orders_imported,
            known=report.orders_known,
            updated=report.orders_updated,
            cancelled=report.orders_cancelled,
            lines=report.lines_imported,
            skipped_closed=report.skipped_closed,
            skipped_unpaid=report.skipped_unpaid,
            skipped_shipped=report.skipped_shipped,
        )
        uow.commit()
        report.stored = True
    return report


def _format_name(files: list[tuple[Kind, CsvFile]]) -> str:
    kinds = {k for k, _f in files}
    return (
        "generic" if kinds == {Kind.GENERIC} else "taobao" if Kind.GENERIC not in kinds else "mixed"
    )


def _classify(paths: list[Path], fmt: str, report: ImportReport) -> list[tuple[Kind, CsvFile]]:
    files: list[tuple[Kind, CsvFile]] = []
    for path in paths:
        try:
            file = open_csv(path)
        except FileRefused as refused:
            report.errors.append(refused.problem)
            continue
        kind = kind_of(file, fmt)
        if isinstance(kind, Problem):
            report.errors.append(kind)
        else:
            files.append((kind, file))
    if report.errors:
        return files
    kinds = [k for k, _f in files]
    if (Kind.TAOBAO_ORDERS in kinds) != (Kind.TAOBAO_ITEMS in kinds):
        have = next(f for k, f in files if k in (Kind.TAOBAO_ORDERS, Kind.TAOBAO_ITEMS))
        missing = (
            _("item report (订单明细, one row per line)")
            if Kind.TAOBAO_ORDERS in kinds
            else _("order report (订单, one row per order)")
        )
        report.errors.append(
            Problem(
                have.name,
                None,
                "",
                "",
                _(
                    "A Taobao export is two files and the {missing} is missing; give both files."
                ).format(missing=missing),
            )
        )
    for kind, what in (
        (Kind.TAOBAO_ORDERS, _("order report")),
        (Kind.TAOBAO_ITEMS, _("item report")),
    ):
        same = [f for k, f in files if k is kind]
        for second in same[1:]:
            if second.path.resolve() == same[0].path.resolve():
                said = _("The file is given twice; give it once.")
            else:  # two exports' reports: the older state of an order read first would win
                said = _(
                    "This is a second {what} (the first is {first}); import one export at a "
                    "time, its order report and its item report, the older export first."
                ).format(what=what, first=same[0].name)
            report.errors.append(Problem(second.name, None, "", "", said))
    return files


def _read(files: list[tuple[Kind, CsvFile]], ctx: ReadContext) -> list[ParsedOrder]:
    report = ctx.report
    broken = False  # a file that could not be read whole: joining it would only add noise
    items: dict[str, list[ItemRow]] = {}
    for kind, file in files:
        if kind is Kind.TAOBAO_ITEMS:
            try:
                for order_no, rows in read_items(file, ctx).items():
                    items.setdefault(order_no, []).extend(rows)
            except FileRefused as refused:
                report.errors.append(refused.problem)
                broken = True
    orders: dict[tuple[str, str], ParsedOrder] = {}
    duplicated: set[tuple[str, str]] = set()
    for kind, file in files:
        if kind is Kind.TAOBAO_ITEMS:
            continue
        stream = read_orders(file, ctx) if kind is Kind.TAOBAO_ORDERS else read_generic(file, ctx)
        try:
            for order in stream:
                report.order_rows += 1
                first = orders.get(order.key)
                if first is None:
                    orders[order.key] = order
                    _check_waybill(order, ctx, column=WAYBILL_COLUMN[kind])
                    continue
                report.duplicates_in_file += 1
                duplicated.add(order.key)
                differs = disagreement(first, order)
                if differs is not None:
                    what, was, now = differs
                    report.errors.append(
                        Problem(
                            order.file,
                            order.row,
                            "",
                            now,
                            _(
                                "Order {order} is listed again (first at {file} row {row}) with "
                                "another {what}: '{was}' there; correct the file or export it again."
                            ).format(
                                order=order.order_no,
                                file=first.file,
                                row=first.row,
                                what=what,
                                was=was,
                            ),
                        )
                    )
                    continue
                report.notices.append(
                    order.said(
                        _(
                            "Order {order} is listed again (first at {file} row {row}); it counts once."
                        ).format(order=order.order_no, file=first.file, row=first.row)
                    )
                )
        except FileRefused as refused:
            report.errors.append(refused.problem)
            broken = True
    broken = broken or any(p.row == 1 for p in report.errors)  # a column is missing
    if not broken and any(k is Kind.TAOBAO_ORDERS for k, _f in files):
        _join(orders, items, duplicated, ctx)
    report.orders_in_file = len(orders)
    return list(orders.values())


# the waybill's column as each kind of file names it, for the notices
WAYBILL_COLUMN = {Kind.TAOBAO_ORDERS: "物流单号", Kind.GENERIC: "tracking_no"}


def _check_waybill(order: ParsedOrder, ctx: ReadContext, *, column: str) -> None:
    """A notice for a waybill number its courier never gives out (``abc``, a ZTO number on a YTO
    order): the order comes in, and the bench asks for the waybill at the scale.  Not an error:
    one odd cell must not keep a whole file of orders from the benches."""
    number = order.tracking_no
    if not number or format_ok(order.carrier, number):
        return
    ctx.notice(
        Problem(
            order.file,
            order.row,
            column,
            number,
            _(
                "Order {order}: {number} is not a {carrier} tracking number; the bench will ask "
                "for the parcel's waybill to be scanned. Correct the courier or the number and "
                "import again to keep it."
            ).format(order=order.order_no, number=number, carrier=order.carrier),
        )
    )


def _join(
    orders: dict[tuple[str, str], ParsedOrder],
    items: dict[str, list[ItemRow]],
    duplicated: set[tuple[str, str]],
    ctx: ReadContext,
) -> None:
    for key, order in orders.items():
        if order.platform != "taobao":
            continue
        rows = items.pop(order.order_no, None)
        if not rows and order.order_no in ctx.refused_items:
            continue  # its item rows were refused, and said so: one problem, said once
        if not rows:
            ctx.problems.append(
                Problem(
                    order.file,
                    order.row,
                    "订单编号",
                    order.order_no,
                    _(
                        "Order {order} has no rows in the item report; export both files for the "
                        "same period and import them together."
                    ).format(order=order.order_no),
                )
            )
            continue
        attach_lines(order, rows, ctx, key in duplicated)
        if (
            not order.lines
            and order.state in TO_SHIP
            and all(r[2] for r in rows)
            and order.order_no not in ctx.refused_items
        ):
            ctx.problems.append(
                Problem(
                    order.file,
                    order.row,
                    "订单状态",
                    order.marketplace_status,
                    _(
                        "Order {order} is paid but every line of it was refunded; check the order "
                        "on the marketplace and export again."
                    ).format(order=order.order_no),
                )
            )
    for order_no, rows in items.items():
        if order_no in ctx.refused_orders:
            continue  # the order's row was refused, and said so: its items follow it
        for file, row, _line, _state, _cells in rows:
            ctx.problems.append(
                Problem(
                    file,
                    row,
                    "订单编号",
                    order_no,
                    _(
                        "The item row belongs to order {order}, which is not in the order report; "
                        "export both files for the same period."
                    ).format(order=order_no),
                )
            )
