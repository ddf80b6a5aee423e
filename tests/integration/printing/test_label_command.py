"""``packstation label`` and ``packstation print batch`` on a SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import Engine, text
from sqlmodel import Session

from packstation.cli import build_cli, main
from packstation.commands import label as label_command
from packstation.commands.context import CliContext
from packstation.devices.base import PrinterState
from packstation.domain.status import ParcelStatus
from packstation.errors import UserError
from packstation.i18n import set_language
from packstation.services import printing
from packstation.store.engine import make_engine
from packstation.store.models import PrintJob
from packstation.store.uow import UnitOfWork
from tests.integration.printing.conftest import make_order
from tests.support.lead_data import label, parcel
from tests.support.lead_data import order as lead_order
from tests.support.waiting import waits_then

CONFIG = """
[devices]
printer = "dir://{folder}"
[carriers.YTO]
waybill_range = ["YT7000000000000", "YT7000000000999"]
"""


def setup(tmp_path: Path, store_url: str) -> tuple[list[str], Path]:
    folder = tmp_path / "printed"
    folder.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(folder=folder), encoding="utf-8")
    engine = make_engine(store_url)
    make_order(UnitOfWork(engine, bench="b", user="u"), order_no="C1")
    engine.dispose()
    return ["--db", store_url, "--config", str(config)], folder


def test_preview_print_reprint_void(tmp_path: Path, store_url: str) -> None:
    base, folder = setup(tmp_path, store_url)
    runner = CliRunner()
    png = tmp_path / "label.png"
    result = runner.invoke(build_cli(), [*base, "label", "C1", "--preview", str(png)])
    assert result.exit_code == 0, result.output
    assert Image.open(png).size == (800, 1200)
    assert not any(folder.iterdir())  # a preview prints nothing
    nowhere = tmp_path / "missing" / "label.png"  # a traceback before
    refused = runner.invoke(build_cli(), [*base, "label", "C1", "--preview", str(nowhere)])
    assert refused.exit_code != 0 and "its folder does not exist" in str(refused.exception)
    not_png = tmp_path / "label.txt"  # a PNG was written under that name
    refused = runner.invoke(build_cli(), [*base, "label", "C1", "--preview", str(not_png)])
    assert str(refused.exception) == (
        "The preview is a PNG picture: give a file name ending in .png."
    )
    assert not not_png.exists()

    result = runner.invoke(build_cli(), [*base, "label", "C1", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["sent"] == 2 and len(list(folder.iterdir())) == 2
    assert out["printer"]["state"] == "ready"
    engine = make_engine(store_url)
    with Session(engine) as s:  # the audit counts a parcel's jobs by this event
        queued = s.execute(text("SELECT payload FROM event WHERE kind = 'documents_queued'"))
        assert [json.loads(p)["jobs"] for (p,) in queued] == [2]
    engine.dispose()

    again = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert again.exit_code != 0 and "--reprint" in str(again.exception)

    result = runner.invoke(
        build_cli(), [*base, "label", "YT7000000000000", "--reprint", "--reason", "torn", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reprint_of"] == out["jobs"][0]
    printed = sorted(folder.iterdir())
    assert len(printed) == 3

    # a parcel the order does not have (it printed the order's label again, or said "print
    # its label first")
    none = runner.invoke(
        build_cli(), [*base, "label", "C1", "--parcel", "2", "--reprint", "--reason", "x"]
    )
    assert none.exit_code != 0 and "Order C1 has no parcel 2;" in str(none.exception)
    assert runner.invoke(build_cli(), [*base, "label", "C1", "--parcel", "0"]).exit_code == 2
    both = runner.invoke(
        build_cli(), [*base, "label", "C1", "--void", "--reprint", "--reason", "x"]
    )
    assert both.exit_code != 0 and "give one" in str(both.exception)  # it voided, unsaid
    # options that did nothing, exit 0: a void or reprint with --preview wrote the picture
    # alone; a --reason without --reprint or --void printed a new label and dropped it
    for extra in (
        ["--void", "--reason", "x", "--preview"],
        ["--reprint", "--reason", "x", "--preview"],
    ):
        shown = runner.invoke(build_cli(), [*base, "label", "C1", *extra, str(tmp_path / "v.png")])
        assert shown.exit_code == 1 and "--preview prints nothing" in str(shown.exception)
    assert not (tmp_path / "v.png").exists()
    why = runner.invoke(build_cli(), [*base, "label", "C1", "--reason", "smudged"])
    assert why.exit_code == 1 and "--reason goes with --reprint or --void" in str(why.exception)
    result = runner.invoke(build_cli(), [*base, "label", "C1", "--void", "--reason", "cancelled"])
    assert result.exit_code == 0, result.output
    # an order on hold (a packed one whose label was voided, an address changed): no new
    # waybill until a lead releases it (a new waybill was given out and printed)
    engine = make_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE \"order\" SET status = 'on_hold', hold_reason = 'label voided'"))
    engine.dispose()
    refused = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert refused.exit_code != 0
    assert str(refused.exception) == (
        "Order C1 is on hold (label voided); a lead releases it first, then its label prints."
    )
    assert len(sorted(folder.iterdir())) == 3


def test_print_batch_command(tmp_path: Path, store_url: str) -> None:
    base, _folder = setup(tmp_path, store_url)
    engine = make_engine(store_url)
    with UnitOfWork(engine) as uow:
        from sqlmodel import select

        from packstation.store.models import Order

        for order in uow.session.exec(select(Order)):
            order.status = "ready"
            uow.session.add(order)
        uow.commit()
    engine.dispose()
    # a forgotten --reprint printed every due order again: refused, nothing queued
    forgot = CliRunner().invoke(
        build_cli(), [*base, "print", "batch", "--due", "2026-11-30", "--reason", "jammed"]
    )
    assert forgot.exit_code == 1 and "--reason goes with --reprint BATCH" in str(forgot.exception)
    # the filters of a new batch given to a reprint: the whole batch printed again, unsaid
    filtered = CliRunner().invoke(
        build_cli(),
        [*base, "print", "batch", "--reprint", "B1", "--reason", "jam", "--carrier", "SF"],
    )
    assert filtered.exit_code == 1 and "leave them out" in str(filtered.exception)
    result = CliRunner().invoke(
        build_cli(), [*base, "print", "batch", "--due", "2026-11-30", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["orders"] == ["C1"] and out["sent"] == 3
    # the label printed before packing can be voided from here too: the reprint's refusal of
    # a cancelled order sent the lead to 'label --void', which said there was nothing to void
    number = json.loads(
        CliRunner().invoke(build_cli(), [*base, "order", "show", "C1", "--json"]).output
    )["tracking_no"]
    voided = CliRunner().invoke(build_cli(), [*base, "label", "C1", "--void", "--reason", "wet"])
    assert voided.exit_code == 0, voided.output
    assert voided.output.startswith(f"Label {number}, printed before packing, voided (")
    # the number is let go: a bench gives the box a new one (it took the voided number, and
    # the parcel shipped under it)
    assert voided.output.rstrip().endswith("a bench prints the order's label with a new number.")
    shown = CliRunner().invoke(build_cli(), [*base, "order", "show", "C1", "--json"]).output
    assert json.loads(shown)["tracking_no"] == ""
    # the torn-off label in a lead's hand still finds its order (its number was let go, and
    # the order could not be found by it)
    found = CliRunner().invoke(build_cli(), [*base, "order", "show", number, "--json"])
    assert found.exit_code == 0 and json.loads(found.output)["order_no"] == "C1"
    again = CliRunner().invoke(build_cli(), [*base, "label", "C1", "--void", "--reason", "wet"])
    assert (
        again.exit_code == 1
        and str(again.exception) == "Order C1 has no label on parcel 1; nothing to void."
    )
    # printed again, then cancelled by the marketplace: no bench prints it again
    printed = CliRunner().invoke(build_cli(), [*base, "print", "batch", "--due", "2026-11-30"])
    assert printed.exit_code == 0, printed.output
    engine = make_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE \"order\" SET status = 'cancelled'"))
    engine.dispose()
    gone = CliRunner().invoke(build_cli(), [*base, "label", "C1", "--void", "--reason", "closed"])
    assert gone.exit_code == 0, gone.output
    assert gone.output.rstrip().endswith(
        "tear off every copy; the order is cancelled, and nothing more prints for it."
    )


def test_print_batch_with_nothing_to_print_is_no_failure(
    tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``print batch`` with no order due exited 1 ("packstation: No ready order…"), where
    ``manifest`` and ``export shipments`` with nothing to do exit 0: a cron job run at a quiet
    hour was reported as failed."""
    base, folder = setup(tmp_path, store_url)  # C1 is not ready: nothing is due to print

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main(["--lang", "en", *base, *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run("print", "batch", "--due", "2026-11-30")
    assert (code, out) == (0, "")
    assert err == "No ready order due by 2026-11-30 is without a waybill; nothing to print.\n"
    code, out, err = run("print", "batch", "--due", "2026-11-30", "--json")
    assert code == 0 and err.count("\n") == 1
    answer = json.loads(out)
    assert answer["batch"] is None and answer["orders"] == answer["jobs"] == []
    assert answer["printer"]["state"] == "not_asked"
    assert not any(folder.iterdir())


def test_a_label_the_printer_did_not_take_is_sent_by_printing_it_again(
    tmp_path: Path, store_url: str
) -> None:
    """The printer was off: `label C1` said to reprint, the reprint that the label had not
    printed yet; only another order's label sent it.  Now `label C1` sends what waits."""
    base, folder = setup(tmp_path, store_url)
    folder.rmdir()  # the printer is off
    runner = CliRunner()
    off = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert off.exit_code == 1 and "0 of 2 print jobs sent" in str(off.exception)
    folder.mkdir()  # on again
    on = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert on.exit_code == 0, on.output
    assert on.output == "2 print jobs sent to the printer.\n" and len(list(folder.iterdir())) == 2
    # nothing waits now: a label printed is refused, as before
    refused = runner.invoke(build_cli(), [*base, "label", "C1"])
    assert "already has a label" in str(refused.exception)
    # a reprint waits for the printer of the label it copies: another machine's here
    other = tmp_path / "other.toml"
    other.write_text(CONFIG.format(folder=tmp_path / "elsewhere"), encoding="utf-8")
    moved = [*base[:2], "--config", str(other)]
    again = runner.invoke(build_cli(), [*moved, "label", "C1", "--reprint", "--reason", "torn"])
    assert again.exit_code == 1
    assert str(again.exception) == (
        f"0 of 1 print job sent; the rest wait in the queue for dir://{folder}, which this "
        "machine does not print to: a bench that prints there sends them."
    )


def test_jobs_left_in_the_queue_are_counted_and_fail_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script that prints a label must see that it did not come out: the command fails, and
    says the jobs wait and what sends them."""
    sent = {
        1: (0, PrinterState(False, "paper out", paper_out=True)),
        3: (1, PrinterState(False, "")),
        2: (2, PrinterState(True, "ready")),
    }
    monkeypatch.setattr(label_command, "deliver", lambda _cli, jobs: sent[len(jobs)])
    monkeypatch.setattr(label_command, "_printers_elsewhere", lambda _cli, jobs: [])
    cli = CliContext()  # delivery is replaced: no store, no printer
    said = []
    for jobs in ([7], [7, 8, 9]):
        with pytest.raises(UserError) as refused:
            label_command.report(cli, jobs, False, False)
        said.append(str(refused.value))
    assert said == [
        "0 of 1 print job sent; the rest wait in the queue (paper out) and go out from a bench, "
        "or with the next label printed here, once the printer is ready.",
        "1 of 3 print jobs sent; the rest wait in the queue (printer not ready) and go out from "
        "a bench, or with the next label printed here, once the printer is ready.",
    ]
    label_command.report(cli, [7, 8], False, False)  # every job went: no error
    assert capsys.readouterr().out == "2 print jobs sent to the printer.\n"
    with pytest.raises(SystemExit) as failed:  # --json: the answer, and the status
        label_command.report(cli, [7], False, True, order_no="C1")
    assert failed.value.code == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["sent"] == 0
    # the printer's state, a word for scripts and the sentence apart (it was the sentence)
    assert answer["printer"] == {"state": "paper_out", "ready": False, "message": "paper out"}
    label_command.report(cli, [7], True, True, order_no="C1")  # queued only: not asked
    assert json.loads(capsys.readouterr().out)["printer"] == {
        "state": "not_asked",
        "ready": None,
        "message": "",
    }
    set_language("zh_CN")
    with pytest.raises(UserError) as refused:
        label_command.report(cli, [7], False, False)
    assert str(refused.value).startswith("1 个打印任务中已发送 0 个；其余在队列中等待（paper out）")


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_label_waits_for_a_batch_printing_the_order(tmp_path: Path, store_url: str) -> None:
    """``label ORDER`` while a batch is printing that order's waybill (not committed yet): the
    command waits for it, then refuses a second waybill instead of printing one."""
    base, _folder = setup(tmp_path, store_url)
    engine = make_engine(store_url)
    order_id, _parcels = make_order(
        UnitOfWork(engine, bench="b", user="u"), order_no="C2", parcels=0
    )
    try:
        with engine.connect() as batch:  # the batch, half-way: the order locked, its job queued
            batch.execute(
                text('SELECT id FROM "order" WHERE id = :id FOR UPDATE'), {"id": order_id}
            )
            with Session(bind=batch) as session:
                session.add(
                    PrintJob(
                        order_id=order_id,
                        kind="label",
                        printer="dir://x",
                        language="zpl",
                        content=b"^XA^XZ",
                        sha256="x",
                        status="queued",
                    )
                )
                session.flush()
            result = waits_then(
                batch, lambda: CliRunner().invoke(build_cli(), [*base, "label", "C2"])
            )
        # the batch's label is the one that goes (sent, here, by a bench printing to dir://x)
        assert "wait in the queue for dir://x" in str(result.exception)
        with engine.connect() as connection:
            labels = connection.execute(
                text("SELECT count(*) FROM print_job WHERE order_id = :id AND kind = 'label'"),
                {"id": order_id},
            ).scalar_one()
        assert labels == 1
    finally:
        engine.dispose()


def test_the_nth_parcel_is_counted_as_the_label_counts(engine: Engine) -> None:
    """``label ORDER --parcel N`` takes the N-th parcel that goes: void boxes have no number."""
    with Session(engine) as s:
        row = lead_order(s, "G1")
        parcel(s, row, None, status=ParcelStatus.VOID, seq=1)
        parcel(s, row, "YT0000000102", seq=3)
        parcel(s, row, "YT0000000101", seq=2)
        s.commit()
        order_id = row.id or 0
    with UnitOfWork(engine) as uow:
        found = [printing.going_parcel(uow, order_id, n) for n in (0, 1, 2, 3)]
        assert [p.tracking_no if p else None for p in found] == [
            None,
            "YT0000000101",
            "YT0000000102",
            None,
        ]


def test_voiding_one_label_names_the_order_s_others_still_live(
    tmp_path: Path, store_url: str
) -> None:
    """A cancelled order of two boxes: the import said to void "it", and `label ORDER --void`
    voided box 1 without a word of box 2, whose label stayed live."""
    base, _folder = setup(tmp_path, store_url)
    engine = make_engine(store_url)
    with Session(engine) as s:
        two = lead_order(s, "C2", status="packed")
        for seq in (1, 2):
            label(s, parcel(s, two, f"YT70000000001{seq:02d}", seq=seq))
        s.commit()
    engine.dispose()
    result = CliRunner().invoke(build_cli(), [*base, "label", "C2", "--void", "--reason", "x"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "The label YT7000000000102 of order C2 is still live: packstation label "
        "YT7000000000102 --void --reason TEXT voids it."
    )


def test_a_cancelled_order_has_no_preview(tmp_path: Path, store_url: str) -> None:
    """The preview of an order the marketplace closed drew a label with the next waybill
    number, or, for a courier without a number range, said to set one: nothing would print."""
    base, folder = setup(tmp_path, store_url)
    engine = make_engine(store_url)
    for carrier in ("YTO", "SF"):  # SF: no range in the configuration
        make_order(
            UnitOfWork(engine, bench="b", user="u"), order_no=carrier, carrier=carrier, parcels=0
        )
    with Session(engine) as s:
        s.execute(text("UPDATE \"order\" SET status = 'cancelled' WHERE order_no <> 'C1'"))
        s.commit()
    engine.dispose()
    png = tmp_path / "label.png"
    for number in ("YTO", "SF"):
        result = CliRunner().invoke(build_cli(), [*base, "label", number, "--preview", str(png)])
        assert result.exit_code == 1
        assert str(result.exception) == f"Order {number} was cancelled; it gets no label."
    assert not png.exists() and not any(folder.iterdir())
