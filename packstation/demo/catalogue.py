"""The demo shop's catalogue and people: data only, used by ``services/demo.py``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    name_en: str
    spec: str
    weight_g: int
    fragile: bool = False
    location: str = ""
    dims_mm: tuple[int, int, int] = (100, 80, 50)
    on_hand: int = 200


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(
        "TEA-LJ-250",
        "西湖龙井茶 礼盒装",
        "West Lake Longjing tea, gift box",
        "250g/盒",
        420,
        location="A-01-1",
        dims_mm=(220, 160, 80),
    ),
    DemoProduct(
        "TEA-PE-357",
        "云南普洱茶饼",
        "Yunnan Pu'er tea cake",
        "357g/饼",
        380,
        location="A-01-2",
        dims_mm=(200, 200, 30),
    ),
    DemoProduct(
        "MUG-CER-350",
        "陶瓷马克杯 白色",
        "Ceramic mug, white",
        "350ml",
        330,
        fragile=True,
        location="B-02-1",
        dims_mm=(120, 90, 100),
    ),
    DemoProduct(
        "MUG-CER-350B",
        "陶瓷马克杯 藏青",
        "Ceramic mug, navy",
        "350ml",
        330,
        fragile=True,
        location="B-02-2",
        dims_mm=(120, 90, 100),
    ),
    DemoProduct(
        "GLS-TEA-6",
        "玻璃茶杯 六只装",
        "Glass tea cups, set of 6",
        "150ml×6",
        900,
        fragile=True,
        location="B-03-1",
        dims_mm=(260, 180, 90),
    ),
    DemoProduct(
        "TSH-CTN-RED-M",
        "纯棉T恤",
        "Cotton T-shirt, red",
        "颜色分类：红色;尺码：M",
        180,
        location="C-01-1",
        dims_mm=(250, 200, 20),
    ),
    DemoProduct(
        "TSH-CTN-RED-L",
        "纯棉T恤",
        "Cotton T-shirt, red",
        "颜色分类：红色;尺码：L",
        190,
        location="C-01-2",
        dims_mm=(250, 200, 20),
    ),
    DemoProduct(
        "TSH-CTN-BLK-XL",
        "纯棉T恤",
        "Cotton T-shirt, black",
        "颜色分类：黑色;尺码：XL",
        200,
        location="C-01-3",
        dims_mm=(250, 200, 20),
    ),
    DemoProduct(
        "SCK-WOOL-3",
        "羊毛袜 三双装",
        "Wool socks, 3 pairs",
        "均码",
        150,
        location="C-02-1",
        dims_mm=(200, 100, 30),
    ),
    DemoProduct(
        "UMB-FLD-BLU",
        "折叠晴雨伞 蓝色",
        "Folding umbrella, blue",
        "三折",
        310,
        location="D-01-1",
        dims_mm=(250, 60, 60),
    ),
    DemoProduct(
        "TWL-BTH-GRY",
        "纯棉浴巾 灰色",
        "Cotton bath towel, grey",
        "70×140cm",
        450,
        location="D-02-1",
        dims_mm=(300, 200, 60),
    ),
    DemoProduct(
        "SOAP-HND-3",
        "手工皂 三块装",
        "Handmade soap, 3 bars",
        "100g×3",
        330,
        location="D-03-1",
        dims_mm=(150, 100, 50),
    ),
    DemoProduct(
        "CHG-USB-C20",
        "USB-C 快充充电器",
        "USB-C fast charger",
        "20W",
        90,
        location="E-01-1",
        dims_mm=(80, 60, 40),
    ),
    DemoProduct(
        "CBL-USB-C1M",
        "USB-C 数据线",
        "USB-C cable",
        "1m",
        45,
        location="E-01-2",
        dims_mm=(100, 80, 20),
    ),
    DemoProduct(
        "EAR-BT-W",
        "蓝牙耳机 白色",
        "Bluetooth earbuds, white",
        "入耳式",
        120,
        location="E-02-1",
        dims_mm=(110, 90, 40),
    ),
    DemoProduct(
        "LMP-DSK-LED",
        "LED 护眼台灯",
        "LED desk lamp",
        "三档调光",
        860,
        fragile=True,
        location="E-03-1",
        dims_mm=(350, 150, 120),
    ),
    DemoProduct(
        "NTB-A5-DOT",
        "A5 点阵笔记本",
        "A5 dotted notebook",
        "80页",
        210,
        location="F-01-1",
        dims_mm=(210, 148, 12),
    ),
    DemoProduct(
        "PEN-GEL-10",
        "中性笔 十支装",
        "Gel pens, pack of 10",
        "0.5mm 黑色",
        110,
        location="F-01-2",
        dims_mm=(160, 80, 20),
    ),
    DemoProduct(
        "SNK-NUT-500",
        "每日坚果 混合装",
        "Mixed nuts, daily packs",
        "25g×20袋",
        560,
        location="G-01-1",
        dims_mm=(250, 180, 80),
    ),
    DemoProduct(
        "SNK-DATE-1K",
        "新疆红枣",
        "Xinjiang red dates",
        "1kg",
        1040,
        location="G-01-2",
        dims_mm=(280, 200, 70),
    ),
    DemoProduct(
        "HNY-ACA-500",
        "洋槐蜂蜜 玻璃瓶",
        "Acacia honey, glass jar",
        "500g",
        760,
        fragile=True,
        location="G-02-1",
        dims_mm=(90, 90, 140),
    ),
    DemoProduct(
        "TOY-PND-S",
        "熊猫毛绒公仔",
        "Panda plush toy",
        "25cm",
        230,
        location="H-01-1",
        dims_mm=(250, 180, 150),
    ),
    DemoProduct(
        "GFT-KEY-PND",
        "熊猫钥匙扣（赠品）",
        "Panda keyring (gift)",
        "赠品",
        20,
        location="Z-01-1",
        dims_mm=(60, 40, 10),
        on_hand=1000,
    ),
    DemoProduct(
        "GFT-BAG-TEA",
        "茶包试饮装（赠品）",
        "Tea bag samples (gift)",
        "赠品 3袋",
        30,
        location="Z-01-2",
        dims_mm=(80, 60, 10),
        on_hand=1000,
    ),
)

# product sku -> the 12 digits before the check digit of its EAN-13
EAN_PREFIX = "69212345"

CASE_SKU = "SOAP-HND-3"  # its carton of 6 has its own barcode
CASE_MULTIPLIER = 6

GIFT_SKUS = ("GFT-KEY-PND", "GFT-BAG-TEA")

RECIPIENTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    # name, mobile, province, city, district, detail, postcode
    ("张伟", "13812345678", "浙江省", "杭州市", "西湖区", "文三路123号 华星科技大厦 8楼", "310012"),
    ("王芳", "13987654321", "上海市", "上海市", "浦东新区", "张江路 88弄 5号 1202室", "201203"),
    (
        "李娜",
        "15011112222",
        "北京市",
        "北京市",
        "朝阳区",
        "建国路 93号 万达广场 B座 1503",
        "100022",
    ),
    (
        "刘洋",
        "18622223333",
        "广东省",
        "深圳市",
        "南山区",
        "科技园 科苑路 15号 讯美科技广场",
        "518057",
    ),
    ("陈静", "13733334444", "江苏省", "南京市", "鼓楼区", "中山北路 200号 3单元 601", "210009"),
    ("杨磊", "13544445555", "四川省", "成都市", "武侯区", "天府大道北段 1700号 环球中心", "610041"),
    (
        "赵敏",
        "18955556666",
        "湖北省",
        "武汉市",
        "洪山区",
        "珞喻路 1037号 华中科技大学 东九楼",
        "430074",
    ),
    ("黄晓明", "13366667777", "福建省", "厦门市", "思明区", "环岛南路 3088号", "361005"),
    (
        "周杰",
        "15177778888",
        "山东省",
        "青岛市",
        "市南区",
        "香港中路 76号 颐和国际 A座 2101",
        "266071",
    ),
    ("吴倩", "17788889999", "陕西省", "西安市", "雁塔区", "高新路 52号 高科大厦 11层", "710075"),
    (
        "Emily Chen",
        "13600001111",
        "广东省",
        "广州市",
        "天河区",
        "Tianhe Rd 208, Teemall Tower 2, Rm 3306",
        "510620",
    ),
    (
        "欧阳娜娜",
        "13900002222",
        "浙江省",
        "宁波市",
        "鄞州区",
        "天童南路 588号 宁波文化广场 7号楼",
        "315100",
    ),
)

BUYER_NOTES = (
    "易碎品请多包几层",
    "请尽快发货，谢谢！",
    "不要放发票",
    "送人的，请不要放价格单",
    "",
    "",
    "",
)

SELLER_NOTES = ("老客户，多送一个钥匙扣", "VIP 优先发货", "", "", "", "")

USERS = (
    # name, role, badge, pin
    ("小李", "packer", "U-1001", None),
    ("小张", "packer", "U-1002", None),
    ("王组长", "lead", "U-9001", "1234"),
)
