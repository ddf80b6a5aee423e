"""What ``packstation audit`` prints: counts read right for one and for many, in both languages."""

from __future__ import annotations

import pytest

from packstation.commands.audit import _print_text
from packstation.i18n import set_language
from packstation.services.audit import AuditReport


def _report(n: int) -> AuditReport:
    report = AuditReport(events=n, benches=n, orders=n, parcels=n, print_jobs=n)
    report.count("weights", n)
    for parcel in range(n):
        report.add("weights", f"parcel {parcel}", "weighed by events but not stored")
    return report


def _said(report: AuditReport, capsys: pytest.CaptureFixture[str]) -> list[str]:
    _print_text(report)
    return capsys.readouterr().out.splitlines()


def test_one_of_each_reads_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    said = _said(_report(1), capsys)
    assert said[0] == "1 event from 1 bench; 1 order, 1 parcel, 1 print job."
    assert said[1] == "DIFF  parcel weights against weight events: 1 checked, 1 difference"


def test_many_read_in_the_plural(capsys: pytest.CaptureFixture[str]) -> None:
    said = _said(_report(2), capsys)
    assert said[0] == "2 events from 2 benches; 2 orders, 2 parcels, 2 print jobs."
    assert said[1] == "DIFF  parcel weights against weight events: 2 checked, 2 differences"


def test_chinese_has_one_form(capsys: pytest.CaptureFixture[str]) -> None:
    set_language("zh_CN")
    said = _said(_report(1), capsys)
    assert said[0] == "1 个打包台共 1 条事件；1 个订单，1 个包裹，1 个打印任务。"
    assert said[1] == "不符  包裹重量与称重事件核对：已核对 1 项，1 处不符"
