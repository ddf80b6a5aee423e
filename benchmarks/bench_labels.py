"""Labels: render 100×150 mm ZPL labels with Chinese recipients and addresses, and push the same
bytes through the simulated port-9100 printer for comparison.

Targets (issue 6): one label p95 <= 20 ms; 1,000 labels <= 15 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time

from benchmarks.table import Row, percentile
from packstation.config import Settings
from packstation.devices.printers.tcp import TcpPrinter
from packstation.devices.sim.printer_server import PrinterServer
from packstation.labels.compose import masked_party
from packstation.labels.content import LabelData, Party
from packstation.labels.fonts import find_cjk_font
from packstation.labels.render import render_label

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
PLACES = [
    ("浙江省", "杭州市", "西湖区", "文三路{n}号 华星科技大厦 {f}楼 {r}室"),
    ("广东省", "深圳市", "南山区", "科技园南区 深南大道{n}号 {f}栋 {r}"),
    ("上海市", "上海市", "浦东新区", "张江高科 祖冲之路{n}弄 {f}号 {r}室"),
    ("四川省", "成都市", "武侯区", "天府大道北段{n}号 {f}单元 {r}"),
    ("北京市", "北京市", "海淀区", "中关村大街{n}号 {f}号楼 {r}"),
]


def label(n: int) -> LabelData:
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[(n * 7) % len(GIVEN)]
    province, city, district, detail = PLACES[n % len(PLACES)]
    address = f"{province} {city} {district} " + detail.format(
        n=n % 900 + 1, f=n % 30 + 1, r=n % 99 + 100
    )
    rname, rphone, raddress = masked_party(name, f"138{n:08d}", address, mask=True)
    return LabelData(
        carrier_code="YTO",
        carrier_name="圆通速递",
        carrier_name_en="YTO Express",
        service="标准快递",
        tracking_no=f"YT7{n:012d}",
        recipient=Party(rname, rphone, raddress),
        sender=Party("仓库发货组", "0571-88888888", "浙江省 杭州市 余杭区 仓前街道 文一西路 1号"),
        goods=f"不锈钢保温杯 500ml 黑色 ×{n % 3 + 1}；杯刷 ×1（赠品）",
        order_no=f"33641113181{n:08d}",
        weight_g=800 + n % 900,
        printed_at=dt.datetime(2026, 11, 26, 15, 4),
        destination=f"{province} {city}",
        fragile=n % 5 == 0,
        insured_fen=(n % 4) * 10000,
    )


def run(args: argparse.Namespace) -> list[Row]:
    count = 100 if args.quick else 1000
    font = str(find_cjk_font(Settings()))
    data = [label(n) for n in range(count)]
    render_label(data[0], language="zpl", size="100x150", dpi=203, font_path=font)  # warm up

    times: list[float] = []
    outputs: list[bytes] = []
    started = time.perf_counter()
    for item in data:
        t0 = time.perf_counter()
        outputs.append(
            render_label(item, language="zpl", size="100x150", dpi=203, font_path=font).content
        )
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started

    send_times: list[float] = []
    with tempfile.TemporaryDirectory() as folder, PrinterServer(folder) as server:
        printer = TcpPrinter(server.host, server.port)
        send_started = time.perf_counter()
        tick = threading.Event()
        for n, content in enumerate(outputs, start=1):
            t0 = time.perf_counter()
            printer.send(content, 5.0)
            # delivered means recorded by the printer, as the outbox sends one job at a time
            while len(server.jobs) < n:
                tick.wait(0.0005)
            send_times.append((time.perf_counter() - t0) * 1000)
        send_total = time.perf_counter() - send_started
    p95 = percentile(times, 95)
    return [
        Row("labels rendered", count, "n"),
        Row("render p50", percentile(times, 50), "ms"),
        Row("render p95", p95, "ms", "<= 20 ms", p95 <= 20),
        Row(
            f"render {count} labels",
            total,
            "s",
            f"<= {15 * count / 1000:g} s",
            total <= 15 * count / 1000,
        ),
        Row("label size mean", sum(map(len, outputs)) / count / 1024, "KiB"),
        Row("deliver to simulated printer p50", percentile(send_times, 50), "ms"),
        Row("deliver to simulated printer p95", percentile(send_times, 95), "ms"),
        Row(f"deliver {count} labels", send_total, "s"),
    ]
