"""Configuration: defaults, the example file, broken files named with key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.config import Settings, load_settings, parse_settings
from packstation.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_example_file_is_valid_and_documents_every_key() -> None:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    settings = parse_settings(text, "config.example.toml")
    assert settings.shipping.cutoff == "16:00"
    assert settings.shipping.default_carrier == "YTO"
    for section, model in Settings.model_fields.items():
        if section == "source":
            continue
        assert f"[{section}" in text, section
        sub = getattr(model.annotation, "model_fields", {})
        for key in sub:
            assert f"{key} =" in text or f"# {key} =" in text, f"{section}.{key} undocumented"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "[store]\nurl = 'sqlite:///a.db'\n[weighing]\ntolerance_g = 5\ntolernce_pct = 3\n",
            "line 5: unknown key 'weighing.tolernce_pct'",
        ),
        (
            "[shipping]\ncutoff = '25:00'\n",
            "line 2: key 'shipping.cutoff' is wrong: write a time of day as HH:MM.",
        ),
        # accepted before: a suffix no scanner ends a scan with, a weight never settling
        (
            "[devices]\nscan_suffix = 'space'\n",
            "line 2: key 'devices.scan_suffix' is wrong: write one of 'enter' or 'tab'.",
        ),
        (
            "[devices]\nstable_readings = 1000000\n",
            "line 2: key 'devices.stable_readings' is wrong",
        ),
        (
            "[weighing]\ntolerance_g = 'many'\n",
            "line 2: key 'weighing.tolerance_g' is wrong: write a whole number.",
        ),
        ("[store]\nlease_seconds = 1\n", "key 'store.lease_seconds' is wrong: write 10 or more."),
        ("store = 'x'\n", "key 'store' is wrong: write it as a section, [store]."),
        # the bench's name names its log and lock files (a traceback: "bench-a/b.log")
        ("[bench]\nname = 'a/b'\n", "cannot hold / or \\ or control characters."),
        ("[bench]\nname = '" + "x" * 65 + "'\n", "a bench name has at most 64 characters."),
        # the lead's application records its events as lead@<machine>: a bench so named mixed
        # its events' numbering with the lead's
        (
            "[bench]\nname = 'lead@office-pc'\n",
            "line 2: key 'bench.name' is wrong: a bench name cannot begin with lead@, the name "
            "the lead's application records under; name the bench otherwise, e.g. bench-2.",
        ),
        ("[bench]\nname = ' LEAD@office-pc'\n", "a bench name cannot begin with lead@"),
        ("[store\nurl = 1\n", "not valid TOML"),
        ("[printing]\nlanguage = 'pdf'\n", "key 'printing.language' is wrong"),
        ("[colours]\nred = 1\n", "unknown key 'colours'"),
        # pydantic's own words, in English under zh_CN, a 0 for the first table and no line
        (
            "[store]\nlease_seconds = 30\n\n[[cartons]]\ncode = 'S1'\n",
            "line 4: key 'cartons[1].length_mm' is wrong: it is missing; write it in.",
        ),
        (
            "[shipping]\nholidays = ['tomorrow']\n",
            "line 2: key 'shipping.holidays[1]' is wrong: write a date, e.g. 2026-10-01.",
        ),
        # accepted, and refused at the scale with the box waiting for its label
        (
            "[carriers.YTO]\nwaybill_range = ['YT7000000999999', 'YT7000000000000']\n",
            "line 2: key 'carriers.YTO.waybill_range' is wrong: [YT7000000999999, "
            "YT7000000000000] is not one range: both numbers need the same prefix and length, "
            "the first not after the last.",
        ),
        ("[carriers.ZTO]\nwaybill_range = ['abc', 'abd']\n", "is not one range"),
        # its orders were imported with it, and every label refused
        (
            "[store]\nlease_seconds = 30\n[shipping]\ndefault_carrier = 'DHL'\n",
            "line 4: key 'shipping.default_carrier' is wrong: no carrier has the code DHL; use "
            "one of ",
        ),
        # a zero for the O: the range was no courier's, and YTO's labels found none
        (
            "[store]\nlease_seconds = 30\n[carriers.YT0]\nwaybill_range = ['YT7000000000000', "
            "'YT7000000999999']\n",
            "line 3: [carriers.YT0]: no courier has the code YT0 (a typo?); use one of EMS, ",
        ),
        # a receipt printer's slips (ESC/POS) sent to the ZPL label printer, files named .zpl
        (
            "[printing]\nslip_size = '80mm'\n",
            "line 2: key 'printing.slip_size' is 80mm, a receipt printer's, but slips go to the "
            "label printer (devices.slip_printer is empty)",
        ),
    ],
)
def test_broken_files_are_one_sentence(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bench.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    message = str(info.value)
    assert str(path) in message
    assert needle in message
    assert "\n" not in message


def test_a_carrier_of_ones_own_may_be_the_default(tmp_path: Path) -> None:
    path = tmp_path / "bench.toml"
    path.write_text(
        "[shipping]\ndefault_carrier = 'dhl'\n[carriers.DHL]\nname = 'DHL'\n", encoding="utf-8"
    )
    assert load_settings(str(path)).shipping.default_carrier == "dhl"


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = tmp_path / "a.toml"
    a.write_text("[bench]\nname = 'from-flag'\n", encoding="utf-8")
    b = tmp_path / "b.toml"
    b.write_text("[bench]\nname = 'from-env'\n[store]\nurl = 'sqlite:///b.db'\n", encoding="utf-8")
    monkeypatch.setenv("PACKSTATION_CONFIG", str(b))
    monkeypatch.delenv("PACKSTATION_DB", raising=False)
    assert load_settings(str(a)).bench.name == "from-flag"
    assert load_settings(None).bench.name == "from-env"
    monkeypatch.setenv("PACKSTATION_DB", "sqlite:///env.db")
    assert load_settings(None).store.url == "sqlite:///env.db"
    assert load_settings(None, db="sqlite:///flag.db").store.url == "sqlite:///flag.db"
    monkeypatch.setenv("PACKSTATION_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(None)


def test_carrier_codes_are_upper_case() -> None:
    settings = parse_settings("[carriers.yto]\nname = '圆通速递'\npickup = '17:30'\n", "x.toml")
    assert settings.carrier("yto").pickup == "17:30"
    assert settings.carrier("ZTO").pickup == "18:00"


def test_a_wrong_value_is_said_in_the_language_of_the_program(tmp_path: Path) -> None:
    """'Input should be a valid string' stood in the Chinese sentence."""
    from packstation.i18n import set_language

    path = tmp_path / "bench.toml"
    path.write_text("[store]\nurl = 5\n", encoding="utf-8")
    set_language("zh_CN")
    try:
        with pytest.raises(ConfigError) as info:
            load_settings(str(path))
    finally:
        set_language("en")
    assert str(info.value).endswith("配置项“store.url”有误：请写成带引号的文本。")


def test_a_file_saved_by_notepad_is_read_or_said_how_to_save(tmp_path: Path) -> None:
    """A UTF-8 file with a byte-order mark was "not valid TOML (at line 1, column 1)"; one in
    GBK "cannot be read ('utf-8' codec can't decode byte…)"; a folder, a raw errno."""
    marked = tmp_path / "bom.toml"
    marked.write_bytes('\ufeff[bench]\nname = "一号台"\n'.encode())
    assert load_settings(str(marked)).bench.name == "一号台"
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[bench]\nname = "一号台"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as refused:
        load_settings(str(gbk))
    assert str(refused.value) == (
        f"{gbk}: not UTF-8 text (saved as GBK?); save it again as UTF-8 (in Notepad: Save as, "
        "Encoding UTF-8)."
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(str(tmp_path))
    assert "Errno" not in str(refused.value) and "cannot be read" in str(refused.value)


def test_a_bench_name_like_the_leads_is_still_a_name() -> None:
    """Only lead@… is the lead's: lead-1, a leader@… or one with lead@ inside stay benches'."""
    for name in ("lead-1", "leader@office", "bench-lead@2", "lead"):
        assert parse_settings(f"[bench]\nname = '{name}'\n", "b.toml").bench.name == name
