"""``packstation printer test``'s label with a bench named in Chinese."""

from __future__ import annotations

import datetime as dt

from packstation.commands import printer as printer_command
from packstation.labels.canvas import ink_mask
from packstation.labels.render import pages_of

WHEN = dt.datetime(2026, 11, 28, 9, 30)


def test_a_chinese_bench_name_is_drawn_not_sent_as_question_marks(font_path: str) -> None:
    """The printer's own font has no Chinese: 打包台1 came out as ????1."""
    zpl = printer_command.test_job("zpl", "打包台1", WHEN, font_path)
    assert b"?" not in zpl and b"^GFA" in zpl
    [page] = pages_of("zpl", zpl)
    name_row = ink_mask(page.crop((40, 120, 760, 166))).getbbox()
    assert name_row is not None and name_row[2] - name_row[0] > 100  # four characters' width
    escpos = printer_command.test_job("escpos", "打包台1", WHEN, font_path)
    # a raster image before the time, not the name as text
    assert escpos.index(b"\x1dv0") < escpos.index(b"2026-11-28") and b"1\n2026" not in escpos
    # a Latin name stays in the printer's font; without a CJK font nothing is drawn
    assert b"^FDbench-1^FS" in printer_command.test_job("zpl", "bench-1", WHEN, font_path)
    assert b"^FD???1^FS" in printer_command.test_job("zpl", "打包台1", WHEN, None)
