"""The hold and the exception an import raises are read in the lead's language, whatever the
language the import ran in (both stores).  They were stored in the import's words: a Chinese
lead read "The marketplace changed …" from an import run in English, and the reverse."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.config import Settings
from packstation.i18n import set_language
from packstation.services.intake import import_orders
from packstation.services.lead import held_orders
from packstation.services.orders import order_details
from tests.integration.intake.exports import SHIPPED, Item, TOrder, write_taobao
from tests.integration.intake.packed import pack
from tests.integration.intake.store_view import Factory, order

pytestmark = pytest.mark.usefixtures("catalogue")

LANGUAGES = [("en", "zh_CN"), ("zh_CN", "en")]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_an_imports_hold_is_read_in_the_readers_language(
    uow_factory: Factory, settings: Settings, tmp_path: Path, writer: str, reader: str
) -> None:
    labelled = TOrder("5501", [Item("MUG-01")], address="北京 北京市 朝阳区 建国路88号 (100022)")
    shipped = TOrder("5502", [Item("MUG-01")])
    import_orders(
        uow_factory(), list(write_taobao(tmp_path / "a", [labelled, shipped])), settings=settings
    )
    pack(uow_factory, labelled.no, tracking=["YT7000000000001"], label=True)
    labelled.address = "北京 北京市 朝阳区 建国路99号 (100022)"
    shipped.status = SHIPPED
    set_language(writer)
    report = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "b", [labelled, shipped])), settings=settings
    )
    assert report.exceptions_raised == 2
    # the import's own report is in its language
    assert report.notices[0].problem.startswith(
        {"en": "The marketplace changed", "zh_CN": "面单打印后平台修改了"}[writer]
    )
    set_language(reader)
    changed = {
        "en": "The marketplace changed street address → 建国路99号 after the label was printed; "
        "the order waits on hold: check the parcel, correct the address or release it.",
        "zh_CN": "面单打印后平台修改了 详细地址 → 建国路99号；订单已挂起：请检查包裹，修改地址或放行。",
    }[reader]
    held = {h.order_no: h for h in held_orders(uow_factory())}
    assert held[labelled.no].reason == changed
    assert [e.note for e in held[labelled.no].exceptions] == [changed]
    assert held[shipped.no].reason.startswith(
        {"en": "The marketplace says the order was shipped", "zh_CN": "平台显示"}[reader]
    )
    order_id = order(uow_factory, labelled.no).id or 0
    assert order_details(uow_factory(), order_id)["hold_reason"] == changed
    # imported again in the reader's language, the same change is known and not raised twice
    again = import_orders(
        uow_factory(), list(write_taobao(tmp_path / "c", [labelled, shipped])), settings=settings
    )
    assert (again.exceptions_raised, again.notices) == (0, [])
