"""The command line: help everywhere, one-sentence errors, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from packstation.cli import build_cli, main
from packstation.i18n import set_language


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_every_command_has_help() -> None:
    root = build_cli()
    commands = _all_commands(root)
    assert ("demo",) in commands and ("db", "upgrade") in commands and ("doctor",) in commands
    for path in commands:
        result = CliRunner().invoke(root, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "packstation", *args], capture_output=True, text=True, env=env
    )


def _in_fresh_interpreter(code: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_and_a_command_load_only_the_command_s_module() -> None:
    """`packstation --help` and every command loaded every command's module, each with
    SQLAlchemy, the store and the services: 1.8 to 2 s before anything was done."""
    code = (
        "import sys\n"
        "from packstation.cli import main\n"
        "main(sys.argv[1:])\n"
        "print(*sorted(m for m in sys.modules if m.startswith(('packstation.', 'sqlalchemy'))))\n"
    )
    for args, commands, store in (
        (["--help"], set(), False),
        (["--lang", "zh_CN", "--help"], set(), False),
        (["order", "--help"], {"order", "context"}, True),
        (["sim", "--help"], {"sim", "context"}, False),  # no store: none loaded
    ):
        said = _in_fresh_interpreter(code, *args)
        loaded = set(said.strip().splitlines()[-1].split())
        assert {m for m in loaded if m.startswith("packstation.commands.")} == {
            f"packstation.commands.{name}" for name in commands
        }, args
        assert ("sqlalchemy.orm" in loaded) is store, args


@pytest.mark.parametrize(
    "loading", ["pydantic", "packstation.commands.sim", "packstation.commands.context"]
)
def test_ctrl_c_while_the_command_s_module_loads_is_interrupted(loading: str) -> None:
    """The command's module (and the context every command shares) loads once click has found
    the command's name, the configuration's libraries when the language is looked up; a Ctrl-C
    then is said as when all of it loaded before click: "Interrupted.", not click's "Aborted."
    nor a traceback."""
    code = (
        "import sys\n"
        "class CtrlC:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {loading!r}:\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, CtrlC())\n"
        "from packstation.entry import main\n"
        "main()\n"
    )
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("PACKSTATION_LANG", "LC_MESSAGES")}
    env.update(LC_ALL="C.UTF-8", PACKSTATION_CONFIG=os.devnull)
    result = subprocess.run(
        [sys.executable, "-c", code, "sim", "printer"], capture_output=True, text=True, env=env
    )
    assert (result.returncode, result.stderr) == (130, "Interrupted.\n")


def test_the_index_of_commands_is_the_commands() -> None:
    """The root's --help lists the commands from packstation.commands.INDEX without loading
    them: the same names, modules and help as the commands' own, in English and in Chinese."""
    code = (
        "import importlib, pkgutil, sys\n"
        "from click.testing import CliRunner\n"
        "import packstation.commands\n"
        "from packstation.cli import build_cli\n"
        "from packstation.click_texts import use_packstation_catalogue\n"
        "from packstation.commands import INDEX\n"
        "from packstation.i18n import _, set_language\n"
        "set_language(sys.argv[1])\n"
        "use_packstation_catalogue()\n"
        "root = build_cli()\n"
        "lazy = [CliRunner().invoke(root, ['--help'], terminal_width=w).output for w in (60, 120)]\n"
        "found = {}\n"
        "for info in pkgutil.iter_modules(packstation.commands.__path__):\n"
        "    module = importlib.import_module(f'packstation.commands.{info.name}')\n"
        "    for command in getattr(module, 'COMMANDS', ()):\n"
        "        found[command.name] = (info.name, command.help)\n"
        "        root.add_command(command)\n"
        "assert found == {n: (m, _(h)) for n, (m, h) in INDEX.items()}, (found, INDEX)\n"
        "full = [CliRunner().invoke(root, ['--help'], terminal_width=w).output for w in (60, 120)]\n"
        "assert lazy == full, (lazy, full)\n"
        "print(full[1])\n"
    )
    for language, word in (("en", "Look up orders."), ("zh_CN", "打包员和组长。")):
        said = _in_fresh_interpreter(code, language)
        assert word in said and "manifest" in said


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--db", "oracle://x", "user", "list"), "unsupported database"),
        # the password was shown; a driver typo was a traceback
        (("--db", "mysql://u:SECRET@h/x", "user", "list"), "'mysql://u:***@h/x' names an unsup"),
        (
            ("--db", "postgresql+pyscopg://u:SECRET@h/x", "user", "list"),
            "names the driver 'pyscopg'",
        ),
        (("--db", "postgresql+psycopg2://u@h/x", "user", "list"), "begin it with postgresql://"),
        # postgres:// as psql writes it is PostgreSQL (refused as unsupported before)
        (("--db", "postgres://nobody:SECRET@127.0.0.1:1/x", "user", "list"), ":***@127.0.0.1:1/x"),
        (("--db", "sqlite:////nonexistent/dir/x.db", "db", "upgrade"), "does not exist"),
        # tracebacks: a port that is no number (or a password's ':' read as the port's), and
        # two slashes; the password is hidden to the host
        (("--db", "postgresql://u:SECRET@h:5543x/x", "db", "upgrade"), "in the password written"),
        (("--db", "postgresql://u:p@ss:w/rd@h:5432/x", "audit"), "'postgresql://u:***@h:5432/x'"),
        (("--db", "sqlite://packstation.db", "audit"), "'sqlite://packstation.db' is not valid"),
        (
            ("--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", "user", "list"),
            "cannot be reached",
        ),
        # python-escpos's English, then a traceback from its printer's collection
        (("printer", "status", "--printer", "usb://0A5F:0166"), "need pyusb: pip install pyusb"),
        # a traceback before (the link was made once the simulator ran)
        (("sim", "scanner", "--link", "/nonexistent/dir/scan.pty"), "give --link a path"),
        (("sim", "scale", "--link", "/nonexistent/dir/scale.pty"), "give --link a path"),
    ],
)
def test_user_mistakes_are_one_line_without_traceback(args: tuple[str, ...], needle: str) -> None:
    result = _run(*args)
    assert result.returncode != 0
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bench.toml"
    config.write_text("[devices]\nscaler = 'sim://'\n", encoding="utf-8")
    result = _run("--config", str(config), "doctor")
    assert result.returncode == 2
    assert f"{config}, line 2: unknown key 'devices.scaler'" in result.stderr
    assert "Traceback" not in result.stderr


def test_older_store_is_refused_until_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    from packstation.store.engine import make_engine
    from packstation.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine, "base")  # an empty, unversioned file
    engine.dispose()
    result = _run("--db", url, "user", "list")
    assert result.returncode != 0 and "run 'packstation db upgrade' first" in result.stderr
    assert _run("--db", url, "db", "upgrade").returncode == 0
    assert _run("--db", url, "user", "list").returncode == 0


def test_a_store_newer_than_this_packstation_is_named_so(tmp_path: Path) -> None:
    """A store another machine's newer packstation upgraded: every command, ``db upgrade`` (a
    traceback before) and ``doctor`` said to run ``db upgrade``, which cannot help here."""
    url = f"sqlite:///{tmp_path}/newer.db"
    from sqlalchemy import text

    from packstation.store.engine import make_engine
    from packstation.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (("user", "list"), ("db", "upgrade")):
        result = _run("--db", url, *args)
        assert result.returncode == 3, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "at schema 9999, which a newer packstation made" in result.stderr
        assert "db upgrade' first" not in result.stderr
    doctor = _run("--db", url, "doctor")
    assert doctor.returncode == 1
    line = next(x for x in doctor.stdout.splitlines() if "schema:" in x)
    assert "a newer packstation" in line and "db upgrade" not in line
    empty_url = f"sqlite:///{tmp_path}/empty.db"
    empty = make_engine(empty_url)
    upgrade(empty, "base")
    empty.dispose()
    doctor = _run("--db", empty_url, "doctor")
    line = next(x for x in doctor.stdout.splitlines() if "schema:" in x)
    assert "at empty" not in line and "the store is empty" in line


def test_chinese_help() -> None:
    result = _run("--lang", "zh_CN", "--help")
    assert "打包台" in result.stdout


def test_a_language_is_known_however_people_write_it(tmp_path: Path) -> None:
    """PACKSTATION_LANG=zh gave English without a word, --lang zh an English refusal, and
    ui.language = "zh" a configuration error."""
    import os

    base = {**os.environ, "PACKSTATION_CONFIG": os.devnull, "LANG": "C.UTF-8"}
    for written in ("zh", "zh-CN", "zh_CN.UTF-8", "中文"):
        helped = _run("--help", env={**base, "PACKSTATION_LANG": written})
        assert "打包台" in helped.stdout, written
        assert "打包台" in _run("--lang", written, "--help", env=base).stdout
    unknown = _run("--help", env={**base, "PACKSTATION_LANG": "fr"})
    assert unknown.stderr == (
        "PACKSTATION_LANG: 'fr' is no language packstation speaks; use zh_CN or en.\n"
    )
    assert unknown.returncode == 0 and "at the packing" in unknown.stdout
    refused = _run("--lang", "fr", "report", "day", env=base)
    assert refused.returncode == 2
    assert "'fr' is no language packstation speaks; use zh_CN or en." in refused.stderr
    config = tmp_path / "zh.toml"
    config.write_text('[ui]\nlanguage = "zh"\n', encoding="utf-8")
    assert "打包台" in _run("--config", str(config), "--help", env=base).stdout


def test_click_s_own_words_follow_the_language() -> None:
    """Usage:, Options, the help option and click's errors were English in a Chinese help."""
    helped = _run("--lang", "zh_CN", "stock", "add", "--help")
    assert helped.stdout.startswith("用法：packstation stock add")
    assert "选项：" in helped.stdout and "显示此帮助并退出。" in helped.stdout
    exported = _run(
        "--lang", "zh_CN", "export", "shipments", "--help", env={**os.environ, "COLUMNS": "80"}
    ).stdout
    assert "[必填]" in exported  # -o
    # laid out by cells: a Chinese sentence ran past the edge of an 80-column terminal
    assert max(cell_len(line) for line in exported.splitlines()) <= 80, exported
    refused = _run("--lang", "zh_CN", "label")
    assert refused.returncode == 2
    assert "错误：缺少参数 'ORDER'" in refused.stderr
    assert "运行 'packstation label --help' 查看帮助。" in refused.stderr
    # a suggestion and a choice: one Chinese form whether click names one value or several
    assert "没有命令 'stok'。您是想输入 'stock' 吗？" in _run("--lang", "zh_CN", "stok").stderr
    wrong = _run("--lang", "zh_CN", "import", "orders", "--format", "xx", "a.csv").stderr
    assert "'xx' 不是可选的值（'auto', 'taobao', 'generic'）。" in wrong
    english = _run("--lang", "en", "label")
    assert "Error: Missing argument 'ORDER'" in english.stderr
    assert "Try 'packstation label --help' for help." in english.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("report", "day", "--date"),
        ("export", "shipments", "-o", "x.csv", "--date"),
        ("print", "batch", "--due"),
        ("manifest", "--carrier", "YTO", "--date"),
    ],
)
def test_a_day_out_of_range_or_not_a_day_is_one_line(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """9999-12-31 and 0001-01-01 ended in a traceback ('date value out of range')."""
    url = f"sqlite:///{tmp_path}/s.db"
    for day, says in (
        ("9999-12-31", "9999-12-31 is out of range; give a day from 2000-01-01 to 2099-12-31."),
        ("0001-01-01", "0001-01-01 is out of range"),
        ("2026-13-01", "'2026-13-01' is not a date; write it as YYYY-MM-DD."),
    ):
        result = _run("--db", url, *command, day)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_a_port_out_of_range_is_refused_by_its_option() -> None:
    """bind(): port must be 0-65535, in a traceback."""
    for args in (("sim", "printer", "--port", "99999"), ("sim", "scale", "--tcp", "-5")):
        result = _run(*args)
        assert result.returncode == 2 and "is not in the range 0<=x<=65535" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_bench_name_that_cannot_name_a_file_is_refused() -> None:
    """'bench --bench "a b/c"' failed in a traceback opening the log file bench-a b/c.log."""
    result = _run("bench", "--bench", "a b/c")
    assert result.returncode == 2 and "cannot hold / or \\ or control characters" in result.stderr
    assert "Traceback" not in result.stderr
    # an empty one used the configuration's name without a word
    empty = _run("bench", "--bench", "")
    assert empty.returncode == 2 and "a bench needs a name" in empty.stderr
    # the lead's application's own name (its events' numbering mixed with the bench's)
    lead = _run("bench", "--bench", "lead@office-pc")
    assert lead.returncode == 2 and "a bench name cannot begin with lead@" in lead.stderr


@pytest.mark.parametrize(
    "command", [("manifest", "--carrier", "NOPE"), ("print", "batch", "--carrier", "NOPE")]
)
def test_a_carrier_code_typed_wrong_is_refused(tmp_path: Path, command: tuple[str, ...]) -> None:
    """'NOPE 2026-11-28: 0 parcels' and 'No ready order … is without a waybill' hid the typo."""
    url = f"sqlite:///{tmp_path}/s.db"
    assert _run("--db", url, "db", "upgrade").returncode == 0
    result = _run("--db", url, *command)
    assert result.returncode == 1
    assert "No carrier has the code NOPE; the codes are EMS, JD, JT, SF, STO, YTO" in result.stderr


def test_simulated_devices_are_named_on_the_bench_and_by_doctor(tmp_path: Path) -> None:
    """A bench configured with a store and a name only (as for PostgreSQL) ran on the built-in
    simulators: its weights were the expected ones and its labels went nowhere, and doctor
    called the simulators a scale that answers and a printer that is ready."""
    from packstation.commands.bench import simulated_notice
    from packstation.config import DeviceSettings, Settings

    defaults = Settings()
    assert simulated_notice(defaults) == (
        "SIMULATED scale and printer: nothing is weighed or printed. For a real bench, set "
        "[devices] in the configuration (packstation doctor checks them)."
    )
    # the demo's labels go to a folder: it did say that nothing was printed
    demo = defaults.model_copy(update={"devices": DeviceSettings(printer="dir:///tmp/labels")})
    assert simulated_notice(demo).startswith(
        "SIMULATED scale: nothing is weighed (every box weighs what it should). For a real"
    )
    real = defaults.model_copy(
        update={"devices": DeviceSettings(scale="none", printer="tcp://10.0.0.5:9100")}
    )
    assert simulated_notice(real) == ""
    half = real.model_copy(update={"devices": DeviceSettings(scale="none", slip_printer="sim://")})
    assert simulated_notice(half).startswith("SIMULATED printer:")
    set_language("zh_CN")  # two sentences, as Chinese writes them: no space between
    assert "。正式使用" in simulated_notice(demo)
    set_language("en")
    store = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    assert runner.invoke(build_cli(), ["--db", store, "db", "upgrade"]).exit_code == 0
    said = runner.invoke(build_cli(), ["--db", store, "doctor"]).output
    assert "The scale is the simulator (sim://): nothing is weighed" in said
    assert "The printer is the simulator (sim://): nothing is printed" in said


def test_the_simulated_scale_refuses_a_weight_that_is_none() -> None:
    """--weight abc served a scale with nothing on it, having said it did not understand."""
    result = CliRunner().invoke(build_cli(), ["sim", "scale", "--weight", "abc"])
    assert result.exit_code == 2
    assert "'abc' is no weight; write grams, or a number with kg, lb or oz." in result.output


def _as_a_shell_starts_it() -> None:
    """A shell starts a command with Ctrl-C neither ignored nor blocked.  A test worker may
    have it either way after the tests before it (both outlive an exec), and the command
    never saw the Ctrl-C: it ran to its end and exited 0."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_at_any_moment_is_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C in the second the command's libraries take to load printed a traceback."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "PACKSTATION_LANG": "en", "PACKSTATION_CONFIG": os.devnull}
    for delay in (0.2, 0.4, 0.7, 1.0, 2.5):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "packstation",
                "sim",
                "printer",
                "--port",
                "0",
                "--dir",
                str(tmp_path / "jobs"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=_as_a_shell_starts_it,
        )
        # a Ctrl-C between the fork and the exec would reach pytest's handler in the child
        # and be lost with it (no user's shell starts a command that way)
        cmdline = Path(f"/proc/{process.pid}/cmdline")
        while b"packstation" not in cmdline.read_bytes():
            time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
        said = err.decode()
        assert "Traceback" not in said, (delay, said)
        # ended by the Ctrl-C: 130, or the signal itself when the interpreter passes it on
        # (a Ctrl-C that lands while a library loads)
        assert process.returncode in (130, -signal.SIGINT), (delay, process.returncode, said)
        assert said.strip() in ("Interrupted.", "Aborted."), (delay, said)


def test_a_carrier_is_taken_by_the_name_people_use(tmp_path: Path) -> None:
    """'manifest --carrier 圆通' said no carrier had the code 圆通."""
    url = f"sqlite:///{tmp_path}/s.db"
    assert _run("--db", url, "db", "upgrade").returncode == 0
    result = _run("--db", url, "manifest", "--carrier", "圆通", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["carrier"] == "YTO"


def test_the_day_report_lines_up_in_chinese(tmp_path: Path) -> None:
    """挂起 (two characters, four cells) stood one column left of the other counts."""
    from rich.cells import cell_len

    url = f"sqlite:///{tmp_path}/s.db"
    assert _run("--db", url, "db", "upgrade").returncode == 0
    result = _run("--lang", "zh_CN", "--db", url, "report", "day", "--date", "2026-11-27")
    assert result.returncode == 0, result.stderr
    counts = [
        line for line in result.stdout.splitlines() if line.startswith("  ") and line[-1].isdigit()
    ]
    assert len(counts) >= 6 and any("挂起" in line for line in counts)
    assert len({cell_len(line) for line in counts}) == 1, counts


def test_an_option_of_packstation_after_the_command_says_where_it_goes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`packstation audit --db URL` said "No such option '--db'" alone; the README says these
    go before the command, the message did not."""
    for args, said in (
        (["audit", "--db", "sqlite:///x.db"], "--db goes before the command: packstation --db"),
        (["--lang", "zh_CN", "audit", "--lang", "en"], "--lang 要写在命令之前：packstation --lang"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(args)
        assert stopped.value.code == 2 and said in capsys.readouterr().err
    set_language("en")


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (
            ["stock", "add", "SOAP-1", "abc", "--reason", "x"],
            "错误：'UNITS' 的值无效：'abc' 不是有效的整数。",
            "Error: Invalid value for 'UNITS': 'abc' is not a valid integer.",
        ),
        (
            ["sim", "printer", "--port", "x"],
            "错误：'--port' 的值无效：'x' 不是有效的整数。",
            "Error: Invalid value for '--port': 'x' is not a valid integer range.",
        ),
        (
            ["scale", "read", "--timeout", "x"],
            "错误：'--timeout' 的值无效：'x' 不是有效的数字。",
            "Error: Invalid value for '--timeout': 'x' is not a valid float range.",
        ),
        (
            ["sim", "printer", "--port", "99999"],
            "错误：'--port' 的值无效：99999 不在范围 0<=x<=65535 内。",
            "Error: Invalid value for '--port': 99999 is not in the range 0<=x<=65535.",
        ),
        (
            ["export", "shipments"],
            "错误：缺少选项 '-o' / '--output'。",
            "Error: Missing option '-o' / '--output'.",
        ),
        (["stock", "add"], "错误：缺少参数 'SKU'。", "Error: Missing argument 'SKU'."),
        (
            ["export", "shipments", "-o", "x.csv", "extra"],
            "错误：多余的参数（extra）。",
            "Error: Got unexpected extra argument (extra)",
        ),
        (
            ["export", "shipments", "--bogus"],
            "错误：没有选项 '--bogus'。",
            "Error: No such option '--bogus'.",
        ),
        (
            ["audit", "--jsn"],
            "错误：没有选项 '--jsn'。您是想输入 '--json' 吗？",
            "Error: No such option '--jsn'. Did you mean '--json'?",
        ),
        (
            ["printer", "status", "--language", "foo"],
            "错误：'--language' 的值无效：'foo' 不是可选的值（'zpl', 'escpos'）。",
            "Error: Invalid value for '--language': 'foo' is not one of 'zpl', 'escpos'.",
        ),
        (
            ["printer", "status", "--printer"],
            "错误：选项 '--printer' 需要一个值。",
            "Error: Option '--printer' requires an argument.",
        ),
    ],
)
def test_click_s_errors_read_as_chinese(
    capsys: pytest.CaptureFixture[str], args: list[str], chinese: str, english: str
) -> None:
    """Click's errors in Chinese kept English: a number's type ("不是有效的数值（integer）"),
    the ASCII stop click writes after a missing option's name ("缺少选项 '-o' / '--output'."),
    the space before a suggestion. Each reads as Chinese now; the English is as click says it."""
    try:
        for lang, said in (("zh_CN", chinese), ("en", english)):
            with pytest.raises(SystemExit) as stopped:
                main(["--lang", lang, *args])
            assert stopped.value.code == 2
            assert capsys.readouterr().err.splitlines()[-1] == said
    finally:
        set_language("en")
    unquoted = re.sub(r"'[^']*'|\([^)]*\)|（[^）]*）|\d\S*", "", chinese)
    assert not re.search(r"[A-Za-z.?!]", unquoted), unquoted


def test_a_file_that_is_a_folder_is_said_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """click.Path's "is a directory." was left in English after the Chinese "文件"."""
    try:
        with pytest.raises(SystemExit):
            main(["--lang", "zh_CN", "export", "shipments", "-o", str(tmp_path)])
        said = capsys.readouterr().err.splitlines()[-1]
    finally:
        set_language("en")
    assert said == f"错误：'-o' / '--output' 的值无效：文件 '{tmp_path}' 是目录。"
