"""``packstation manifest`` seals the waiting parcels and lists them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from psycopg.errors import DeadlockDetected
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from packstation.cli import build_cli, main
from packstation.commands import manifest as manifest_command
from packstation.commands import report as report_command
from packstation.config import Settings
from packstation.domain.status import OrderStatus as S
from packstation.i18n import set_language
from packstation.services import handover
from packstation.services.queue import today
from packstation.store.models import Event, Order, Parcel, PrintJob
from packstation.store.uow import UnitOfWork
from tests.support.lead_data import carriers, label, order, parcel


def test_a_list_that_fails_after_the_seal_says_the_parcels_went(
    engine: Engine, store_url: str
) -> None:
    """A disk that fills between the check and the write: the command failed with "cannot be
    written; give another file name", the parcels already handed over, and nothing said of it."""
    day = today(Settings())
    with Session(engine) as s:
        carriers(s, "YTO")
        parcel(s, order(s, "F-1", status=S.PACKED, due=day), "YT001")
        s.commit()
    result = CliRunner().invoke(
        build_cli(),
        ["--db", store_url, "manifest", "--carrier", "YTO", "-o", "/dev/full", "--force"],
    )
    assert result.exit_code != 0
    said = str(result.exception)
    assert said.startswith("/dev/full cannot be written")
    assert said.endswith(
        "The parcels were handed over all the same; write the list with 'packstation manifest "
        f"--carrier YTO --date {day.isoformat()} -o FILE'."
    )
    with Session(engine) as s:
        assert [p.status for p in s.exec(select(Parcel)).all()] == ["handed_over"]


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
    # a list that cannot be written is refused before the parcels are handed over (they were
    # handed over, then the command failed with a traceback)
    nowhere = tmp_path / "missing" / "yto.csv"
    refused = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "yto", "-o", str(nowhere)]
    )
    assert refused.exit_code != 0
    assert str(refused.exception) == (
        f"{nowhere} cannot be written (its folder does not exist); give another file name."
    )
    with Session(engine) as s:
        assert {p.status for p in s.exec(select(Parcel)).all()} == {"packed"}
    # a folder the system keeps: access() lets root through, the file cannot be made there
    system = Path("/proc/packstation-yto.csv")
    refused = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "yto", "-o", str(system)]
    )
    assert refused.exit_code != 0 and "cannot be written" in str(refused.exception)
    with Session(engine) as s:
        assert {p.status for p in s.exec(select(Parcel)).all()} == {"packed"}
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
    # --print with nothing to seal: said, not silent
    nothing = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--print"]
    )
    assert nothing.exit_code == 0
    assert "No list was printed: no parcel was waiting to be handed over" in nothing.stderr
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
    assert bad.exit_code == 2 and "'tomorrow' is not a date; write it as YYYY-MM-DD." in bad.output


def _waiting_yto(engine: Engine) -> None:
    day = today(Settings())
    with Session(engine) as s:
        carriers(s, "YTO")
        for n in range(2):
            parcel(s, order(s, f"M-{n}", status=S.PACKED, due=day), f"YT00{n}", weight_g=100)
        s.commit()


def test_a_day_asked_for_is_listed_and_nothing_sealed(engine: Engine, store_url: str) -> None:
    """``--date`` with today's date sealed the parcels waiting, where the README says the list
    of a day is only looked at (and the disk-full hint says to run it to get the list back)."""
    _waiting_yto(engine)
    day = today(Settings()).isoformat()
    runner = CliRunner()
    looked = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--date", day, "--json"]
    )
    assert looked.exit_code == 0, looked.output
    answer = json.loads(looked.stdout)
    assert (answer["sealed_now"], answer["count"], answer["handovers"]) == (0, 0, [])
    assert set(_statuses(engine).values()) == {"packed"}
    printed = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--date", day, "--print"]
    )
    assert printed.exit_code == 2
    assert "with --date none are; --reprint HANDOVER prints a sealed list again" in printed.output
    assert set(_statuses(engine).values()) == {"packed"}
    sealed = runner.invoke(build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO"])
    assert sealed.exit_code == 0 and set(_statuses(engine).values()) == {"handed_over"}
    listed = runner.invoke(
        build_cli(), ["--db", store_url, "manifest", "--carrier", "YTO", "--date", day]
    )
    assert listed.exit_code == 0 and listed.stdout.count("\n") == 3  # the header, two parcels


def _statuses(engine: Engine) -> dict[str | None, str]:
    with Session(engine) as s:
        return {p.tracking_no: p.status for p in s.exec(select(Parcel)).all()}


def _down(times: int) -> Callable[..., object]:
    """``scan_parcel`` whose store is away for its first ``times`` tries."""
    tries: list[int] = []
    real = handover.scan_parcel

    def scan(uow: UnitOfWork, **given: object) -> object:
        tries.append(1)
        if len(tries) <= times:
            raise OperationalError("BEGIN", {}, Exception("could not connect to server"))
        return real(uow, **given)  # type: ignore[arg-type]

    return scan


def test_manifest_rides_out_a_store_that_is_briefly_away(
    engine: Engine,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _waiting_yto(engine)
    monkeypatch.setattr(handover, "scan_parcel", _down(2))
    main(["--db", store_url, "manifest", "--carrier", "YTO"])
    said = capsys.readouterr()
    assert said.err.count("The store is unreachable; trying again for 30 s") == 1
    assert "2 handed over now" in said.err and said.out.count("\n") == 3  # header, 2 parcels
    assert set(_statuses(engine).values()) == {"handed_over"}


def test_manifest_says_one_line_when_the_store_stays_away(
    engine: Engine,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _waiting_yto(engine)
    monkeypatch.setattr(manifest_command, "RETRY_S", 0.3)
    monkeypatch.setattr(handover, "scan_parcel", _down(1000))
    with pytest.raises(SystemExit) as stopped:
        main(["--db", store_url, "manifest", "--carrier", "YTO"])
    assert stopped.value.code == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("packstation: The store was lost while the command ran")
    assert "could not connect to server" in err[-1] and "Traceback" not in "\n".join(err)
    assert set(_statuses(engine).values()) == {"packed"}  # nothing half-sealed
    monkeypatch.undo()  # the store is back: running it again finishes the day
    main(["--db", store_url, "manifest", "--carrier", "YTO"])
    assert set(_statuses(engine).values()) == {"handed_over"}


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        pytest.param(
            OperationalError("SELECT", {}, Exception("server closed the connection\nunexpectedly")),
            ["The store was lost while the command ran (server closed the connection)"],
            id="store-lost",
        ),
        pytest.param(
            # PostgreSQL ended the command's transaction in a deadlock: not a lost store
            OperationalError("UPDATE", {}, DeadlockDetected("deadlock detected\nDETAIL: …")),
            [
                "changing the same rows at the same moment",
                "(deadlock detected); what the command had stored stays stored: run it again.",
            ],
            id="deadlock",
        ),
    ],
)
def test_a_command_whose_store_fails_it_says_one_line(
    failure: OperationalError,
    says: list[str],
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(*_args: object, **_kwargs: object) -> object:
        raise failure

    monkeypatch.setattr(report_command, "day_report", fails)
    with pytest.raises(SystemExit) as stopped:
        main(["--db", store_url, "report", "day"])
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for sentence in says:
        assert sentence in err


def test_a_sealed_list_prints_again(engine: Engine, store_url: str, tmp_path: Path) -> None:
    """The list the courier signs jammed: ``--reprint HANDOVER`` queues the same list once more,
    recorded; a number that is not a sealed handover of that carrier is refused, not printed."""
    _waiting_yto(engine)
    runner = CliRunner()
    base = ["--db", store_url, "manifest", "--carrier", "YTO"]
    sealed = runner.invoke(build_cli(), [*base, "--print", "--json"])
    assert sealed.exit_code == 0, sealed.output
    handover_id = json.loads(sealed.stdout)["handovers"][0]
    out = tmp_path / "again.csv"
    again = runner.invoke(build_cli(), [*base, "--reprint", str(handover_id), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert f"Handover {handover_id} (YTO " in again.output
    # sent at once (it waited in the queue until another command happened to send it)
    assert "2 parcels, 0.200 kg): the list was sent to the printer again (job 2)." in again.output
    alone = runner.invoke(build_cli(), [*base, "--queue-only"])  # sealed, said nothing of it
    assert alone.exit_code == 2 and "--queue-only goes with --print or --reprint." in alone.output
    queued = runner.invoke(build_cli(), [*base, "--reprint", str(handover_id), "--queue-only"])
    assert "the list is queued for printing again (job 3)." in queued.output
    assert [r["tracking_no"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))] == [
        "YT000",
        "YT001",
    ]
    # the file is there: another courier's list written to the same name replaced it unsaid
    written = out.read_bytes()
    over = runner.invoke(build_cli(), [*base, "--reprint", str(handover_id), "-o", str(out)])
    assert over.exit_code == 1 and str(over.exception) == (
        f"{out} exists already (an earlier list?); write to another file, or give --force to "
        "replace it."
    )
    assert out.read_bytes() == written
    with Session(engine) as s:
        jobs = s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all()
        events = s.exec(select(Event).where(Event.kind == "handover_list_reprinted")).all()
    assert len(jobs) == 3 and jobs[0].content == jobs[1].content == jobs[2].content
    assert [j.status for j in jobs] == ["sent", "sent", "queued"]
    payloads = [json.loads(e.payload) for e in events]
    assert [(p["handover_id"], p["job"]) for p in payloads] == [(handover_id, 2), (handover_id, 3)]
    # the seeded parcels have no packing events; the print jobs' check is the one at stake
    audit = runner.invoke(build_cli(), ["--db", store_url, "audit"])
    assert "OK  print jobs against print events: 3 checked, 0 differences" in audit.output
    # refused, nothing queued: another carrier's number, one that does not exist, one not sealed
    with Session(engine) as s:
        carriers(s, "ZTO")
        s.commit()
    opened = runner.invoke(build_cli(), ["--db", store_url, "manifest", "--carrier", "ZTO"])
    assert opened.exit_code == 0
    for args, said in (
        (["--carrier", "ZTO", "--reprint", str(handover_id)], "is YTO's, not ZTO's"),
        ([*base[3:], "--reprint", "99"], "Handover 99 does not exist."),
        ([*base[3:], "--reprint", "1", "--date", "2026-11-20"], "leave out --date"),
        ([*base[3:], "--reprint", "0"], "0 is not in the range"),
    ):
        refused = runner.invoke(build_cli(), ["--db", store_url, "manifest", *args])
        assert refused.exit_code != 0 and said in refused.output + str(refused.exception)
    with Session(engine) as s:
        assert len(s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all()) == 3


def test_a_printed_list_says_the_printer_state_in_json(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    """`manifest --print --json` said nothing of the printer: a list the printer did not take
    (off, out of paper) read as one printed. "printer" is `print batch --json`'s
    {"state", "ready", "message"}; `--reprint --json` sends the list too (it was only queued)."""
    _waiting_yto(engine)
    config = tmp_path / "c.toml"
    config.write_text('[devices]\nprinter = "tcp://127.0.0.1:1"\n', encoding="utf-8")
    runner = CliRunner()
    base = ["--config", str(config), "--db", store_url, "manifest", "--carrier", "YTO"]
    off = runner.invoke(build_cli(), [*base, "--print", "--json"])
    # the parcels were handed over; the list waits: exit 1, as label --json (it was 0)
    assert off.exit_code == 1, off.output
    answer = json.loads(off.stdout)
    assert answer["count"] == 2 and answer["print_job"] is not None
    printer = answer["printer"]
    assert (printer["state"], printer["ready"]) == ("not_ready", False) and printer["message"]
    handover_id = answer["handovers"][0]
    queued = runner.invoke(
        build_cli(), [*base, "--reprint", str(handover_id), "--queue-only", "--json"]
    )
    assert json.loads(queued.stdout)["printer"] == {
        "state": "not_asked",
        "ready": None,
        "message": "",
    }
    listed = runner.invoke(build_cli(), [*base, "--json"])  # no list printed: none asked
    assert json.loads(listed.stdout)["printer"]["state"] == "not_asked"
    config.write_text(f'[devices]\nprinter = "dir://{tmp_path}"\n', encoding="utf-8")
    again = runner.invoke(build_cli(), [*base, "--reprint", str(handover_id), "--json"])
    assert again.exit_code == 0, again.output
    answer = json.loads(again.stdout)
    assert answer["printer"]["state"] == "ready"
    with Session(engine) as s:
        jobs = s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all()
    # sent (the two before wait for the printer that was off)
    assert [j.status for j in jobs] == ["queued", "queued", "sent"]
    assert answer["print_job"] == jobs[2].id


def test_a_list_the_printer_did_not_take_exits_1(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    """`manifest --print` with the printer off exited 0, as if the list had printed, where
    `label` and `print batch` exit 1; the parcels stay handed over and the list waits."""
    _waiting_yto(engine)
    config = tmp_path / "c.toml"
    config.write_text('[devices]\nprinter = "tcp://127.0.0.1:1"\n', encoding="utf-8")
    base = ["--config", str(config), "--db", store_url, "manifest", "--carrier", "YTO"]
    off = CliRunner().invoke(build_cli(), [*base, "-o", str(tmp_path / "yto.csv"), "--print"])
    assert off.exit_code == 1, off.output
    assert "but the printer did not take it" in off.output
    assert (tmp_path / "yto.csv").read_text(encoding="utf-8").count("\n") == 3  # header, 2
    with Session(engine) as s:
        handover = s.exec(select(PrintJob).where(PrintJob.kind == "manifest")).one()
    assert handover.status == "queued"
    sealed = CliRunner().invoke(build_cli(), [*base, "--json"])
    handover_id = json.loads(sealed.stdout)["handovers"][0]
    again = CliRunner().invoke(build_cli(), [*base, "--reprint", str(handover_id)])
    assert again.exit_code == 1 and "is queued again" in again.output, again.output


def test_a_parcel_whose_label_has_not_printed_stays_for_the_next_handover(
    engine: Engine, store_url: str
) -> None:
    """A label queued for a printer out of paper: manifest sealed its parcel and marked the
    order handed over, though no label was on the box for the courier."""
    day = today(Settings())
    with Session(engine) as s:
        carriers(s, "YTO")
        printed = parcel(s, order(s, "L-1", status=S.PACKED, due=day), "YT001")
        waiting = parcel(s, order(s, "L-2", status=S.PACKED, due=day), "YT002")
        label(s, printed)
        label(s, waiting, status="queued")
        s.commit()
    runner = CliRunner()
    args = ["--db", store_url, "manifest", "--carrier", "YTO"]
    result = runner.invoke(build_cli(), [*args, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["sealed_now"] == 1 and [p["tracking_no"] for p in answer["parcels"]] == ["YT001"]
    assert answer["waiting_for_label"] == ["YT002"]
    assert "1 parcel waits for its label to print (YT002) and stays packed" in result.stderr
    assert _statuses(engine) == {"YT001": "handed_over", "YT002": "packed"}
    with Session(engine) as s:
        orders = {o.order_no: o.status for o in s.exec(select(Order)).all()}
    assert orders == {"L-1": S.HANDED_OVER, "L-2": S.PACKED}
    # said in text, and in Chinese; still nothing sealed until the label prints
    again = runner.invoke(build_cli(), args)
    assert again.exit_code == 0
    assert "packstation label TRACKING_NO" in again.stderr
    assert "--carrier YTO again." in again.stderr
    set_language("zh_CN")
    chinese = runner.invoke(build_cli(), args)
    set_language("en")
    assert "1 个包裹的面单还没有打印（YT002），留待下一次交接" in chinese.stderr
    assert _statuses(engine)["YT002"] == "packed"
    with Session(engine) as s:
        job = s.exec(select(PrintJob).where(PrintJob.status == "queued")).one()
        job.status = "sent"  # the printer got its paper
        s.add(job)
        s.commit()
    printed_now = runner.invoke(build_cli(), [*args, "--json"])
    answer = json.loads(printed_now.stdout)
    assert answer["sealed_now"] == 1 and answer["waiting_for_label"] == []
    assert "waits for its label" not in printed_now.stderr
    assert _statuses(engine)["YT002"] == "handed_over"
