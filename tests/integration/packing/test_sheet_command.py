"""``packstation sheet`` saves the command barcodes as PNG and ZPL, and queues them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from packstation.cli import build_cli
from packstation.labels.zpl import parse
from packstation.store.engine import make_engine
from packstation.store.models import PrintJob
from packstation.store.uow import UnitOfWork


def test_sheet_png_zpl_and_print(store_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    png, zpl = tmp_path / "sheet.png", tmp_path / "sheet.zpl"
    base = ["--db", store_url, "sheet"]
    assert runner.invoke(build_cli(), [*base, "-o", str(png)]).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert runner.invoke(build_cli(), [*base, "-o", str(zpl)]).exit_code == 0
    formats = parse(zpl.read_bytes())
    codes = {b.symbols for b in formats[0].drawing.barcodes()}
    assert len(codes) == 6
    spool = tmp_path / "spool"
    spool.mkdir()
    config = tmp_path / "c.toml"
    config.write_text(f'[devices]\nprinter = "dir://{spool}"\n', encoding="utf-8")
    result = runner.invoke(build_cli(), ["--config", str(config), *base, "--print", "--json"])
    assert result.exit_code == 0, result.output
    assert "CMD-NEXT" in json.loads(result.output)["codes"]
    with UnitOfWork(make_engine(store_url)) as uow:
        job = uow.session.exec(select(PrintJob)).one()
        assert job.kind == "command_sheet"
    bad = runner.invoke(build_cli(), [*base, "-o", str(tmp_path / "x.gif")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_a_sheet_the_printer_did_not_take_is_said_to_wait(store_url: str, tmp_path: Path) -> None:
    """With the printer off, `sheet --print` said "Command sheet sent" and exited 0."""
    config = tmp_path / "c.toml"
    config.write_text('[devices]\nprinter = "tcp://127.0.0.1:1"\n', encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["--config", str(config), "--db", store_url, "sheet", "--print"]
    )
    assert result.exit_code == 1
    assert str(result.exception).startswith("The command sheet waits in the queue (")
    with UnitOfWork(make_engine(store_url)) as uow:
        assert uow.session.exec(select(PrintJob)).one().status == "queued"


def test_a_sheet_the_printer_did_not_take_answers_json(store_url: str, tmp_path: Path) -> None:
    """`sheet --print --json` with the printer off printed no JSON (only the sentence on
    stderr): a script read nothing. It answers as `label --json` does: the job, whether it went,
    and the printer's state in words a script compares; exit 1."""
    config = tmp_path / "c.toml"
    config.write_text('[devices]\nprinter = "tcp://127.0.0.1:1"\n', encoding="utf-8")
    args = ["--config", str(config), "--db", store_url, "--lang", "zh_CN", "sheet"]
    result = CliRunner().invoke(build_cli(), [*args, "--print", "--json"])
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["codes"][0] == "CMD-NEXT" and answer["sent"] is False
    assert answer["job_id"] is not None
    printer = answer["printer"]
    assert (printer["state"], printer["ready"]) == ("not_ready", False)
    assert printer["message"]  # the sentence, for people, in their language
    spool = tmp_path / "spool"
    spool.mkdir()
    config.write_text(f'[devices]\nprinter = "dir://{spool}"\n', encoding="utf-8")
    sent = CliRunner().invoke(build_cli(), [*args, "--print", "--json"])
    assert sent.exit_code == 0, sent.output
    answer = json.loads(sent.stdout)
    assert answer["sent"] is True and answer["printer"]["state"] == "ready"
