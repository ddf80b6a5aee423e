"""Pure pieces of the lead's application: deadlines and risk, the printed list, the chart."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from packstation.config import CarrierSettings, Settings
from packstation.i18n import set_language
from packstation.labels.render import pages_of
from packstation.services.handover import Manifest, ManifestLine
from packstation.services.manifest_print import manifest_text, render_manifest
from packstation.services.queue import deadlines, is_at_risk, token_condition
from packstation.widgets.lead.countdowns import countdown, remaining_text
from packstation.widgets.lead.halfblock import png_to_text
from packstation.widgets.lead.hourly_chart import chart_text
from packstation.widgets.pieces import lay_out

ZONE = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 26)
SETTINGS = Settings(carriers={"YTO": CarrierSettings(pickup="18:00")})


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=ZONE)


def _manifest(count: int) -> Manifest:
    lines = [ManifestLine(f"YT{n:013d}", f"O{n}", 1, 1000 + n, 7) for n in range(count)]
    return Manifest("YTO", "圆通速递", DAY, [7], "bag", "刘师傅", at(18), lines)


def test_at_risk() -> None:
    def risk(status: str, hour: int, due: dt.date = DAY) -> bool:
        return is_at_risk(
            status=status, due_date=due, day=DAY, now=at(hour), settings=SETTINGS, carrier="YTO"
        )

    assert risk("ready", 10, DAY - dt.timedelta(days=1))  # overdue
    assert not risk("ready", 16) and risk("ready", 17)  # an hour before the pickup
    assert not risk("packed", 17) and risk("packed", 18)  # not handed over at the pickup
    assert not risk("handed_over", 19) and risk("handed_over", 20)  # an hour before 21:00
    assert not risk("cancelled", 23) and not risk("ready", 23, DAY + dt.timedelta(days=1))


def test_countdowns() -> None:
    found = deadlines(SETTINGS, day=DAY, now=at(15, 45))
    assert [d.label for d in found] == ["cut-off", "YTO pickup", "confirm"]
    pieces = [countdown(d, ZONE).plain for d in found]
    assert pieces[:2] == ["cut-off 16:00 15 min", "YTO pickup 18:00 2:15"]
    # a narrow terminal breaks the line between deadlines, never inside one
    rows = [row.plain for row in lay_out([countdown(d, ZONE) for d in found], 24)]
    assert rows == ["cut-off 16:00 15 min", "YTO pickup 18:00 2:15", pieces[2]]
    assert remaining_text(dt.timedelta(seconds=-5)) == "passed"
    set_language("zh_CN")
    assert remaining_text(dt.timedelta(minutes=5)) == "5 分钟"
    # the courier as people say it, as everywhere else on a Chinese screen
    assert [d.label for d in deadlines(SETTINGS, day=DAY, now=at(15, 45))][1] == "圆通揽收"


def test_printed_list_in_text_zpl_and_escpos() -> None:
    manifest = _manifest(30)
    text = manifest_text(manifest, "示例店铺")
    assert "Carrier: YTO 圆通速递" in text and "Courier: 刘师傅" in text
    assert (
        "Parcels: 30" in text and f"Total weight: {manifest.total_weight_g / 1000:.3f} kg" in text
    )
    # drawn with the labels' font: 圆通速递, the shop and the courier's name in Chinese on a
    # label printer (they were ASCII, ???? for Chinese), 30 rows over pages of the label
    language, zpl = render_manifest(manifest, SETTINGS)
    assert language == "zpl" and zpl.count(b"^XA") == 2 and b"^GFA" in zpl
    pages = pages_of("zpl", zpl)
    assert [page.size for page in pages] == [(800, 1200), (800, 1200)]
    # a receipt printer for the slips takes the lists in ESC/POS, one roll as long as the list
    receipt = SETTINGS.model_copy(
        update={
            "devices": SETTINGS.devices.model_copy(update={"slip_printer": "tcp://10.0.0.8"}),
            "printing": SETTINGS.printing.model_copy(update={"slip_size": "80mm"}),
        }
    )
    language, escpos = render_manifest(manifest, receipt)
    assert language == "escpos" and escpos.startswith(b"\x1b@") and b"\x1dv0" in escpos
    [roll] = pages_of("escpos", escpos)
    assert roll.width == 576 and roll.height > 30 * 24  # 30 rows of 3.2 mm at 8 dots a mm


def test_chart_and_preview() -> None:
    hourly = [(h, 0) for h in range(24)]
    hourly[9] = (9, 40)
    hourly[10] = (10, 20)
    chart = chart_text(hourly).plain.splitlines()
    assert chart[0].count("██") == 1  # only the busiest hour reaches the top
    assert " 09 10 " in chart[6] and "40" in chart[7]
    image = Image.new("L", (80, 120), 255)
    out = io.BytesIO()
    image.save(out, format="PNG")
    text = png_to_text(out.getvalue(), width=20)
    assert len(text.plain.splitlines()) == 15 and set(text.plain) <= {"▀", "\n"}


def test_chart_shows_the_night_hours_that_had_orders() -> None:
    hourly = [(h, 0) for h in range(24)]
    assert " 06 07 " in chart_text(hourly).plain and " 05 " not in chart_text(hourly).plain
    hourly[2] = (2, 3)  # a peak night worked through
    chart = chart_text(hourly).plain.splitlines()
    assert chart[6].startswith(" 02 03 04 05 06") and chart[6].endswith(" 23")
    assert chart[7].startswith("  3  0") and chart[0].startswith(" ██")
    assert chart[8].endswith("(most in one hour: 3)")


def test_typed_words_become_conditions() -> None:
    assert "status" in str(token_condition("hold", SETTINGS))
    assert "carrier" in str(token_condition("sf", SETTINGS))
    digits = str(token_condition("5678", SETTINGS))
    assert "phone" in digits and "recipient_name" not in digits
    chinese = str(token_condition("王芳", SETTINGS))
    assert "recipient_name" in chinese and "order_no" not in chinese
