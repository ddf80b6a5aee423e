"""What the readers of one import share: the problems found so far, the catalogue's SKUs, the
shop's time zone and default courier, and the progress callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from packstation.domain.carriers import code_for_name, known_names
from packstation.i18n import _, listed
from packstation.services.intake.report import ImportReport, Problem
from packstation.services.intake.validation import RowCheck

ProgressCallback = Callable[[int, int], None]  # bytes done, bytes in all


@dataclass
class ReadContext:
    report: ImportReport
    known_skus: dict[str, str]  # SKU → product name
    zone: ZoneInfo
    default_carrier: str
    total_bytes: int = 0
    done_bytes: int = 0
    progress: ProgressCallback | None = None
    # the order numbers of rows refused whole (their width): the rows of the other report
    # that name them follow them, and are not reported a second time as orphans
    refused_orders: set[str] = field(default_factory=set)
    refused_items: set[str] = field(default_factory=set)
    _strings: dict[str, str] = field(default_factory=dict)
    _carriers: dict[str, str | None] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.report.errors

    def notice(self, problem: Problem) -> None:
        self.report.notices.append(problem)

    def share(self, text: str) -> str:
        """One string object for text that repeats (titles, specs, SKUs) to keep memory small."""
        return self._strings.setdefault(text, text)

    def product_name(self, sku: str) -> str:
        return self.known_skus.get(sku, "")

    def file_progress(self) -> Callable[[int], None] | None:
        if self.progress is None:
            return None
        start = self.done_bytes
        callback = self.progress

        def update(done: int) -> None:
            self.done_bytes = start + done
            callback(self.done_bytes, self.total_bytes)

        return update

    def sku(self, check: RowCheck, key: str, value: str) -> str:
        if not value:
            check.fail(
                key,
                value,
                _("The SKU (merchant code) is empty; fill it in so the bench knows the item."),
            )
        elif value not in self.known_skus:
            check.fail(
                key,
                value,
                _(
                    "The SKU '{sku}' is not in the catalogue; add it with "
                    "'packstation import products' or correct the cell."
                ).format(sku=value),
            )
        return self.share(value)

    def carrier(self, check: RowCheck, key: str, value: str) -> str:
        if not value:
            return self.default_carrier
        try:
            code = self._carriers[value]
        except KeyError:
            code = self._carriers[value] = code_for_name(value)
        if code is None:
            check.fail(
                key,
                value,
                _("The courier '{name}' is unknown; use one of: {names}.").format(
                    name=value, names=listed(known_names())
                ),
            )
            return self.default_carrier
        return code
