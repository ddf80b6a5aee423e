"""Configuration: a TOML file validated into typed settings.

Called by the command line (once per run) and by tests.  Found through ``--config``, then
``PACKSTATION_CONFIG``, then ``config.toml`` in the user config directory; a missing file means
the defaults.  ``PACKSTATION_DB`` / ``--db`` override the store URL.  Every key is documented in
``config.example.toml``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from packstation.domain.due import ShippingCalendar, parse_clock
from packstation.domain.packing import tolerance
from packstation.domain.tracking import CARRIERS, normalise, same_range
from packstation.errors import ConfigError
from packstation.i18n import N_, _, language_named, listed
from packstation.os_problems import os_problem


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _clock(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(_("write a time of day as HH:MM"))
    return value


class StoreSettings(_Section):
    url: str = "sqlite:///packstation.db"
    lease_seconds: int = Field(default=120, ge=10)


# The lead's application records its events under this and the machine's name (lead_app).
LEAD_PREFIX = "lead@"


def bench_name_problem(name: str) -> str:
    """Why ``name`` cannot name a bench ('' when it can): it names the bench's claims (64
    characters in the store), its log file and its lock file."""
    if not name.strip():
        return _("a bench needs a name")
    if len(name) > 64:
        return _("a bench name has at most 64 characters")
    if "/" in name or "\\" in name or not name.isprintable() or name in (".", ".."):
        return _("a bench name cannot hold / or \\ or control characters")
    if name.strip().lower().startswith(LEAD_PREFIX):
        # the lead's events are numbered under lead@<machine>: a bench so named mixed its own in
        return _(
            "a bench name cannot begin with lead@, the name the lead's application records "
            "under; name the bench otherwise, e.g. bench-2"
        )
    return ""


class BenchSettings(_Section):
    name: str = "bench-1"
    label_check: bool = False  # the packer scans the printed label back

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = bench_name_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class DeviceSettings(_Section):
    scanner: str = "keyboard"
    scale: str = "sim://"
    printer: str = "sim://"
    slip_printer: str = ""  # empty: slips go to the label printer
    manifest_printer: str = ""  # empty: the slip printer, else the label printer
    # keyboard-wedge detection
    scan_max_gap_ms: int = Field(default=30, ge=1)
    scan_min_length: int = Field(default=6, ge=1)
    scan_prefix: str = ""
    scan_suffix: Literal["enter", "tab"] = "enter"
    # a weight counts after this many equal stable readings
    stable_readings: int = Field(default=3, ge=1, le=50)


class PrintingSettings(_Section):
    language: Literal["zpl", "escpos"] = "zpl"
    label_size: Literal["100x150", "76x130", "4x6"] = "100x150"
    slip_size: Literal["80mm", "58mm", "label"] = "label"
    dpi: int = Field(default=203, ge=100, le=600)
    cjk_font: str = ""  # a path; empty: found on the system
    mask_recipient: bool = True
    timeout_seconds: float = Field(default=5.0, gt=0)


class ShopSettings(_Section):
    name: str = "packstation 示例店铺"
    sender_name: str = "仓库发货组"
    sender_phone: str = "0571-88888888"
    sender_address: str = "浙江省 杭州市 余杭区 仓前街道 文一西路 1号"
    slip_note: str = "感谢您的惠顾！如有问题请联系在线客服。"


class ShippingSettings(_Section):
    timezone: str = "Asia/Shanghai"
    cutoff: str = "16:00"
    confirm_by: str = "21:00"
    default_carrier: str = "YTO"
    non_shipping_weekdays: list[int] = Field(default_factory=list)  # 1 = Monday … 7 = Sunday
    holidays: list[dt.date] = Field(default_factory=list)
    # where sealed handover lists (CSV) and the lead application's ship-confirm files go;
    # empty: the current folder
    manifest_dir: str = ""

    _check_cutoff = field_validator("cutoff", "confirm_by")(_clock)

    def lists_folder(self) -> Path:
        """Where the lead's files go: ``manifest_dir``, else the current folder."""
        return Path(self.manifest_dir or ".")

    @field_validator("non_shipping_weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(d < 1 or d > 7 for d in value):
            raise ValueError(_("weekdays are 1 (Monday) to 7 (Sunday)"))
        return value

    def calendar(self) -> ShippingCalendar:
        return ShippingCalendar(
            timezone=self.timezone,
            cutoff=parse_clock(self.cutoff),
            non_shipping_weekdays=tuple(self.non_shipping_weekdays),
            holidays=tuple(self.holidays),
        )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("write a time zone such as Asia/Shanghai")) from None
        return value


class CarrierSettings(_Section):
    name: str = ""
    pickup: str = "18:00"
    waybill_range: list[str] = Field(default_factory=list)
    service: str = ""

    _check_pickup = field_validator("pickup")(_clock)

    @field_validator("waybill_range")
    @classmethod
    def _range(cls, value: list[str]) -> list[str]:
        if value and len(value) != 2:
            raise ValueError(_("write a waybill range as [first, last]"))
        if value and not same_range(normalise(value[0]), normalise(value[1])):
            # it was accepted, and refused at the scale with the box waiting for its label
            raise ValueError(
                _(
                    "[{first}, {last}] is not one range: both numbers need the same prefix and "
                    "length, the first not after the last"
                ).format(first=value[0], last=value[1])
            )
        return value


class CartonSettings(_Section):
    code: str
    name: str = ""
    length_mm: int = Field(gt=0)
    width_mm: int = Field(gt=0)
    height_mm: int = Field(gt=0)
    tare_g: int = Field(ge=0)
    barcode: str = ""
    max_weight_g: int = Field(default=0, ge=0)  # 0: no limit


class WeighingSettings(_Section):
    tolerance_g: int = Field(default=50, ge=0)
    tolerance_pct: float = Field(default=5.0, ge=0)

    def room(self, expected_g: int) -> int:
        """How far a weighing may be from ``expected_g``, in grams."""
        return tolerance(expected_g, self.tolerance_g, self.tolerance_pct)


class UISettings(_Section):
    language: Literal["zh_CN", "en", ""] = ""  # empty: from the locale

    @field_validator("language", mode="before")
    @classmethod
    def _as_named(cls, value: object) -> object:
        """``zh``, ``zh-CN``, ``中文``… as ``zh_CN`` (one of them silently gave English)."""
        if isinstance(value, str) and value.strip():
            return language_named(value) or value
        return value


DEFAULT_CARTONS = [
    CartonSettings(
        code="S1",
        name="小号 Small",
        length_mm=200,
        width_mm=150,
        height_mm=100,
        tare_g=80,
        barcode="CARTON-S1",
    ),
    CartonSettings(
        code="M2",
        name="中号 Medium",
        length_mm=300,
        width_mm=200,
        height_mm=150,
        tare_g=150,
        barcode="CARTON-M2",
    ),
    CartonSettings(
        code="L3",
        name="大号 Large",
        length_mm=400,
        width_mm=300,
        height_mm=250,
        tare_g=280,
        barcode="CARTON-L3",
    ),
]


class Settings(_Section):
    store: StoreSettings = StoreSettings()
    bench: BenchSettings = BenchSettings()
    devices: DeviceSettings = DeviceSettings()
    printing: PrintingSettings = PrintingSettings()
    shop: ShopSettings = ShopSettings()
    shipping: ShippingSettings = ShippingSettings()
    carriers: dict[str, CarrierSettings] = Field(default_factory=dict)
    cartons: list[CartonSettings] = Field(default_factory=lambda: list(DEFAULT_CARTONS))
    weighing: WeighingSettings = WeighingSettings()
    ui: UISettings = UISettings()

    # where the settings came from, for doctor; not a key of the file
    source: str = Field(default="", exclude=True)

    def with_store_url(self, url: str) -> Settings:
        return self.model_copy(update={"store": self.store.model_copy(update={"url": url})})

    def carrier(self, code: str) -> CarrierSettings:
        return self.carriers.get(code.upper(), CarrierSettings())


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("packstation")) / "config.toml"


def find_config(explicit: str | None) -> Path | None:
    """The file to read: ``--config``, then ``PACKSTATION_CONFIG``, then the user config dir."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PACKSTATION_CONFIG")
    if env:
        return Path(env)
    path = user_config_path()
    return path if path.is_file() else None


def _line_of(text: str, key_path: tuple[str | int, ...]) -> int | None:
    """The line where the last named key of ``key_path`` is written, best effort."""
    names = [str(k) for k in key_path if isinstance(k, str)]
    if not names:
        return None
    key = re.escape(names[-1])
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*(\[+\s*)?([\w.\"-]*\.)?\"?{key}\"?\s*(=|\]|\.)", line):
            return number
    return None


def _where(line: int | None) -> str:
    """Where in the file a problem is, as the error says it."""
    return _("line {line}").format(line=line) if line else _("no line")


def parse_settings(text: str, origin: str) -> Settings:
    """Validate TOML text; errors name the file, the key and the line."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _(
                "{file}: not valid TOML ({problem}); fix the file or start from config.example.toml."
            ).format(file=origin, problem=exc)
        ) from None
    if "carriers" in data and isinstance(data["carriers"], dict):
        data["carriers"] = {str(k).upper(): v for k, v in data["carriers"].items()}
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        # cartons[1].length_mm, as a person counts the [[cartons]] tables (it said cartons.0)
        key = "".join(f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".")
        line = _line_of(text, loc)
        if line is None and first["type"] == "missing":  # the table it is missing from
            line = _line_of(text, loc[:-1])
        where = _where(line)
        if first["type"] == "extra_forbidden":
            message = _(
                "{file}, {where}: unknown key '{key}'; check the spelling against config.example.toml."
            )
        else:
            message = _("{file}, {where}: key '{key}' is wrong: {problem}.")
        raise ConfigError(
            message.format(file=origin, where=where, key=key, problem=_problem(first, key))
        ) from None
    carrier = settings.shipping.default_carrier.strip().upper()
    if carrier not in CARRIERS and carrier not in settings.carriers:
        # its orders were imported with it, and their labels refused at the bench
        line = _line_of(text, ("shipping", "default_carrier"))
        raise ConfigError(
            _(
                "{file}, {where}: key 'shipping.default_carrier' is wrong: no carrier has the "
                "code {code}; use one of {codes}, or describe it under [carriers.{code}]."
            ).format(
                file=origin,
                where=_where(line),
                code=carrier,
                codes=listed(sorted(CARRIERS)),
            )
        )
    for code, carrier_settings in settings.carriers.items():
        if code not in CARRIERS and not carrier_settings.name.strip():
            # [carriers.YT0] (a zero for the O): its range was never YTO's, and YTO's labels
            # were refused for want of one
            line = _line_of(text, ("carriers", code))
            raise ConfigError(
                _(
                    "{file}, {where}: [carriers.{code}]: no courier has the code {code} (a typo?); "
                    'use one of {codes}, or give a courier of your own its name (name = "…").'
                ).format(
                    file=origin,
                    where=_where(line),
                    code=code,
                    codes=listed(sorted(CARRIERS)),
                )
            )
    receipt = settings.printing.slip_size in ("80mm", "58mm")
    if receipt and not settings.devices.slip_printer and settings.printing.language == "zpl":
        # slips drawn for a receipt printer (ESC/POS) went to the ZPL label printer
        line = _line_of(text, ("printing", "slip_size"))
        raise ConfigError(
            _(
                "{file}, {where}: key 'printing.slip_size' is {size}, a receipt printer's, but "
                "slips go to the label printer (devices.slip_printer is empty): set "
                'devices.slip_printer to the receipt printer, or slip_size = "label".'
            ).format(file=origin, where=_where(line), size=settings.printing.slip_size)
        )
    return settings.model_copy(update={"source": origin})


# What pydantic says of a wrong value, said in the program's language for the common kinds.
_PROBLEMS = {
    "string_type": N_("write it as text, in quotes"),
    "int_type": N_("write a whole number"),
    "int_parsing": N_("write a whole number"),
    "int_from_float": N_("write a whole number"),
    "float_type": N_("write a number"),
    "float_parsing": N_("write a number"),
    "bool_type": N_("write true or false"),
    "bool_parsing": N_("write true or false"),
    "list_type": N_("write a list, [ … ]"),
    "greater_than_equal": N_("write {ge} or more"),
    "greater_than": N_("write more than {gt}"),
    "less_than_equal": N_("write {le} or less"),
    "literal_error": N_("write one of {expected}"),
    "model_type": N_("write it as a section, [{key}]"),
    "dict_type": N_("write it as a section, [{key}]"),
    "missing": N_("it is missing; write it in"),
    "date_type": N_("write a date, e.g. 2026-10-01"),
    "date_parsing": N_("write a date, e.g. 2026-10-01"),
    "date_from_datetime_parsing": N_("write a date, e.g. 2026-10-01"),
    "date_from_datetime_inexact": N_("write a date, e.g. 2026-10-01"),
    "string_too_long": N_("write at most {max_length} characters"),
}


def _problem(error: Any, key: str) -> str:
    """One wrong value's problem: a validator's own sentence, or pydantic's kind of problem."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])
    said = _PROBLEMS.get(error["type"])
    if said is None:
        return str(error["msg"])
    return _(said).format(key=key, **{k: v for k, v in ctx.items() if k != "error"})


def load_settings(config: str | None = None, db: str | None = None) -> Settings:
    """Settings for one run of the command line or the app."""
    path = find_config(config)
    if path is None:
        settings = Settings()
    else:
        try:
            # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte-order mark
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigError(
                _(
                    "{file}: no such configuration file; check the path or copy config.example.toml."
                ).format(file=path)
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(
                _(
                    "{file}: not UTF-8 text (saved as GBK?); save it again as UTF-8 (in Notepad: "
                    "Save as, Encoding UTF-8)."
                ).format(file=path)
            ) from None
        except OSError as exc:
            raise ConfigError(
                _("{file}: cannot be read ({problem}).").format(file=path, problem=os_problem(exc))
            ) from None
        settings = parse_settings(text, str(path))
    url = db or os.environ.get("PACKSTATION_DB")
    if url:
        settings = settings.with_store_url(url)
    return settings
