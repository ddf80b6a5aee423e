"""What an import found and did: the problems (file, row, column, value, what to do) and the counts.

Built by the readers and the apply step; printed by ``packstation import`` and returned to scripts as
the JSON of DESIGN §9 (keys may be added, never renamed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the row as a spreadsheet shows it: the header is row 1
    column: str
    value: str
    problem: str  # one sentence: what is wrong and what to do

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "problem": self.problem,
        }


MAX_VALUE_SHOWN = 80


def shown(value: str) -> str:
    """A value as a report shows it: long values are cut, so a 10 MB cell stays a line."""
    return value if len(value) <= MAX_VALUE_SHOWN else value[:MAX_VALUE_SHOWN] + "…"


@dataclass
class ImportReport:
    """The outcome of ``import orders``; nothing was stored when ``errors`` is not empty."""

    files: list[str] = field(default_factory=list)
    format: str = ""
    dry_run: bool = False
    stored: bool = False
    order_rows: int = 0  # order rows read (an order written twice counts twice)
    orders_in_file: int = 0  # distinct orders
    orders_imported: int = 0
    orders_known: int = 0
    orders_updated: int = 0
    orders_cancelled: int = 0
    orders_skipped_closed: int = 0
    orders_skipped_unpaid: int = 0
    orders_skipped_shipped: int = 0
    duplicates_in_file: int = 0
    duplicate_item_rows: int = 0  # an item report's rows repeated cell for cell (counted once)
    lines_imported: int = 0  # of new orders, and of known ones whose lines changed
    lines_removed: int = 0  # the lines those known orders had before
    lines_skipped_refunded: int = 0
    # orders the marketplace shipped part of (部分发货), and their lines it says went
    orders_partly_shipped: int = 0
    lines_shipped_elsewhere: int = 0
    exceptions_raised: int = 0
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    # the orders of ``orders_skipped_closed`` by platform, for the import's event: ``order
    # show`` said such an order was never imported
    skipped_closed: dict[str, list[str]] = field(default_factory=dict)
    # those of ``orders_skipped_unpaid`` and ``orders_skipped_shipped`` by platform, each with
    # its status on the marketplace (order number → status), for the same reason
    skipped_unpaid: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped_shipped: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def accounted(self) -> int:
        """Orders accounted for; equals ``orders_in_file`` when the counts reconcile."""
        return (
            self.orders_imported
            + self.orders_known
            + self.orders_updated
            + self.orders_cancelled
            + self.orders_skipped_closed
            + self.orders_skipped_unpaid
            + self.orders_skipped_shipped
        )

    @property
    def reconciled(self) -> bool:
        return self.accounted == self.orders_in_file and (
            self.order_rows == self.orders_in_file + self.duplicates_in_file
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "orders_imported": self.orders_imported,
            "orders_known": self.orders_known,
            "orders_updated": self.orders_updated,
            "orders_cancelled": self.orders_cancelled,
            "orders_skipped_closed": self.orders_skipped_closed,
            "duplicates_in_file": self.duplicates_in_file,
            "lines_imported": self.lines_imported,
            "errors": [p.as_dict() for p in self.errors],
            # additions to the DESIGN §9 contract
            "orders_skipped_unpaid": self.orders_skipped_unpaid,
            "orders_skipped_shipped": self.orders_skipped_shipped,
            "orders_in_file": self.orders_in_file,
            "order_rows": self.order_rows,
            "lines_skipped_refunded": self.lines_skipped_refunded,
            "orders_partly_shipped": self.orders_partly_shipped,
            "lines_shipped_elsewhere": self.lines_shipped_elsewhere,
            "duplicate_item_rows": self.duplicate_item_rows,
            "lines_removed": self.lines_removed,
            "exceptions_raised": self.exceptions_raised,
            "reconciled": self.reconciled,
            "stored": self.stored,
            "dry_run": self.dry_run,
            "format": self.format,
            "files": self.files,
            "notices": [p.as_dict() for p in self.notices],
        }


@dataclass
class ProductReport:
    """The outcome of ``import products``; nothing was stored when ``errors`` is not empty."""

    file: str = ""
    dry_run: bool = False
    stored: bool = False
    rows: int = 0
    products_added: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    barcodes: int = 0
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "products_added": self.products_added,
            "products_updated": self.products_updated,
            "products_unchanged": self.products_unchanged,
            "barcodes": self.barcodes,
            "stored": self.stored,
            "dry_run": self.dry_run,
            "errors": [p.as_dict() for p in self.errors],
        }
