"""``packstation manifest`` seals the waiting parcels and lists them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine
from sqlmodel import Session, select

from packstation.cli import build_cli
from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.services.queue import today
from packstation.store.models import Parcel, PrintJob
from tests.support.lead_data import carriers, order, parcel


def test_manifest_command(engine: Engine, store_url: str, tmp_path: Path) -> None:
    day = today(Settings())
    with Session(engine) as s:
        carriers(s, "YTO", "ZTO")
        for n in range(3):
            o = order(s, f"M-{n}", status=S.PACKED, due=day)
            parcel(s, o, f"YT00{n}", weight_g=100 * (n + 1))
        z = order(s, "M-Z", status=S.PACKED, carrier="ZTO", due=day)
        parcel(s, z, "ZT001")
        s.commit()
    out = tmp_path / "yto.csv"
    runner = CliRunner()
    result = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "yto", "-o", str(out), "--print"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["tracking_no"], r["weight_g"]) for r in rows] == [
        ("YT000", "100"),
        ("YT001", "200"),
        ("YT002", "300"),
    ]
    with Session(engine) as s:
        assert len(s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all()) == 1
        statuses = {p.tracking_no: p.status for p in s.exec(select(Parcel)).all()}
    assert statuses == {
        "YT000": "handed_over",
        "YT001": "handed_over",
        "YT002": "handed_over",
        "ZT001": "packed",
    }
    again = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--json"]
    )
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert data["count"] == 3 and data["sealed_now"] == 0 and data["total_weight_g"] == 600
    earlier = runner.invoke(
        build_cli(),
        [
            "--db",
            store_url,
            "manifest",
            "--carrier",
            "YTO",
            "--date",
            (day - dt.timedelta(days=1)).isoformat(),
        ],
    )
    assert earlier.exit_code == 0 and earlier.stdout.count("\n") == 1  # the header alone
    bad = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--date", "tomorrow"]
    )
    assert bad.exit_code != 0 and "YYYY-MM-DD" in str(bad.exception)
