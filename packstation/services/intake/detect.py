"""Telling the files of an import apart by their headers (``--format auto``), so the two Taobao
files may be given in either order and a foreign file is refused with a clear report."""

from __future__ import annotations

from enum import StrEnum

from packstation.i18n import _
from packstation.services.intake import generic, taobao
from packstation.services.intake.readers import CsvFile
from packstation.services.intake.report import Problem, shown


class Kind(StrEnum):
    TAOBAO_ORDERS = "taobao-orders"
    TAOBAO_ITEMS = "taobao-items"
    GENERIC = "generic"


FORMATS = ("auto", "taobao", "generic")


def kind_of(file: CsvFile, fmt: str) -> Kind | Problem:
    header = file.header
    if fmt in ("auto", "taobao"):
        if taobao.is_order_report(header):
            return Kind.TAOBAO_ORDERS
        if taobao.is_item_report(header):
            return Kind.TAOBAO_ITEMS
    if fmt in ("auto", "generic") and generic.is_generic(header):
        return Kind.GENERIC
    expected = {
        "auto": _("a Taobao order report, a Taobao item report or a generic order file"),
        "taobao": _("a Taobao order report or item report"),
        "generic": _("a generic order file (columns order_no, sku, …)"),
    }[fmt]
    return Problem(
        file=file.name,
        row=1,
        column="",
        value=shown(",".join(header[:6])),
        problem=_(
            "The header is not that of {expected}; check that this is the right file and "
            "that it was exported complete."
        ).format(expected=expected),
    )
