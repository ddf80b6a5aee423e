"""A reason the program writes (a voided label's hold, a new courier's, a refused parcel's) is
read in the reader's language, whatever the language of the lead who acted (both stores).

It was stored in the writer's words: a Chinese lead read "Label voided: …" written by an
English one, and the reverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from packstation.config import CarrierSettings, Settings
from packstation.domain.status import OrderStatus as S
from packstation.i18n import set_language
from packstation.services.handover import HandoverRefused, open_handover, scan_parcel
from packstation.services.lead import change_courier, held_orders
from packstation.services.orders import order_details
from packstation.services.reprints import void_label
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import DAY, label, order, parcel

Factory = Callable[..., UnitOfWork]

# (the writer's language, the reader's)
LANGUAGES = [("en", "zh_CN"), ("zh_CN", "en")]


@pytest.fixture
def lead_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"carriers": {"YTO": CarrierSettings(), "ZTO": CarrierSettings()}}
    )


def _packed(engine: Engine, order_no: str) -> tuple[int, int]:
    """A packed order with a labelled parcel: (order id, parcel id)."""
    with Session(engine) as s:
        row = order(s, order_no, status=S.PACKED)
        box = parcel(s, row, f"YT{order_no}")
        label(s, box)
        s.commit()
        assert row.id is not None and box.id is not None
        return row.id, box.id


def _reasons(details: dict[str, Any], kind: str) -> list[str]:
    return [e["details"]["reason"] for e in details["events"] if e["kind"] == kind]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_voided_labels_hold_is_read_in_the_readers_language(
    engine: Engine, uow_factory: Factory, writer: str, reader: str
) -> None:
    order_id, parcel_id = _packed(engine, "V-1")
    set_language(writer)
    void_label(uow_factory(), parcel_id=parcel_id, reason="撕坏了 torn")
    set_language(reader)
    said = {"en": "Label voided: 撕坏了 torn", "zh_CN": "面单已作废：撕坏了 torn"}[reader]
    (held,) = held_orders(uow_factory())
    assert held.reason == said  # the lead's words as typed, in the reader's sentence
    details = order_details(uow_factory(), order_id)
    assert details["hold_reason"] == said
    assert _reasons(details, "label_voided") == ["撕坏了 torn"]


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_new_couriers_hold_is_read_in_the_readers_language(
    engine: Engine, uow_factory: Factory, lead_settings: Settings, writer: str, reader: str
) -> None:
    order_id, _parcel_id = _packed(engine, "C-1")
    set_language(writer)
    change_courier(uow_factory(), order_id=order_id, carrier="ZTO", settings=lead_settings)
    set_language(reader)
    (held,) = held_orders(uow_factory())
    assert (
        held.reason
        == {
            "en": "New courier ZTO: print a new label at a bench.",
            "zh_CN": "已改为 ZTO：请在打包台重新打印面单。",
        }[reader]
    )
    details = order_details(uow_factory(), order_id)
    why = {"en": "courier changed to ZTO", "zh_CN": "快递已改为 ZTO"}[reader]
    assert _reasons(details, "label_voided") == [why]
    assert details["parcels"][0]["status"] == "void"


@pytest.mark.parametrize(("writer", "reader"), LANGUAGES)
def test_a_refused_parcels_reason_is_read_in_the_readers_language(
    engine: Engine, uow_factory: Factory, lead_settings: Settings, writer: str, reader: str
) -> None:
    """The refusal names the hold's reason, itself read in the reader's language."""
    with Session(engine) as s:
        row = order(s, "H-1", status=S.ON_HOLD, hold_reason="地址不全")
        parcel(s, row, "YT0000000007")
        s.commit()
        order_id = row.id or 0
    handover = open_handover(uow_factory(), carrier="YTO", day=DAY, settings=lead_settings)
    assert handover.id is not None
    set_language(writer)
    with pytest.raises(HandoverRefused):
        scan_parcel(uow_factory(), handover_id=handover.id, code="YT0000000007")
    set_language(reader)
    assert _reasons(order_details(uow_factory(), order_id), "handover_refused") == [
        {
            "en": "Order H-1 is on hold (地址不全); keep the parcel out until a lead releases it.",
            "zh_CN": "订单 H-1 已挂起（地址不全）；组长放行前请勿交接该包裹。",
        }[reader]
    ]


def test_reasons_stored_before_are_read_as_they_were_written(
    engine: Engine, uow_factory: Factory
) -> None:
    """Rows written before reasons were kept in no language keep their writer's words."""
    with Session(engine) as s:
        held = order(s, "OLD-1", status=S.ON_HOLD, hold_reason="Label voided: torn")
        s.commit()
        order_id = held.id or 0
    for reader in ("zh_CN", "en"):
        set_language(reader)
        assert [h.reason for h in held_orders(uow_factory())] == ["Label voided: torn"]
        assert order_details(uow_factory(), order_id)["hold_reason"] == "Label voided: torn"
