"""`packstation order show` as a lead reads it (both stores)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from packstation.cli import main
from packstation.store.models import OrderLine
from tests.support.lead_data import order


def _show(capsys: pytest.CaptureFixture[str], store_url: str, lang: str) -> str:
    try:
        main(["--db", store_url, "--lang", lang, "order", "show", "T-1"])
    except SystemExit as stopped:
        assert stopped.code in (0, None)
    return capsys.readouterr().out


def test_a_gift_is_marked_once(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """Shops often name a gift so already (茶包试饮装（赠品）): in Chinese the mark is not
    added again; in English it is, as the name does not say it in English."""
    with Session(engine) as s:
        row = order(s, "T-1")
        for number, title in enumerate(("茶包试饮装（赠品）", "贴纸"), start=1):
            s.add(
                OrderLine(
                    order_id=row.id,
                    line_no=number,
                    sku=f"G-{number}",
                    title=title,
                    quantity=1,
                    is_gift=True,
                )
            )
        s.commit()
    chinese = _show(capsys, store_url, "zh_CN")
    assert "  G-1              0/1  茶包试饮装（赠品）\n" in chinese
    assert "  G-2              0/1  贴纸（赠品）\n" in chinese
    english = _show(capsys, store_url, "en")
    assert "茶包试饮装（赠品） (gift)\n" in english and "贴纸 (gift)\n" in english
