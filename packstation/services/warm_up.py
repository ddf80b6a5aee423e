"""Getting the label drawing ready before the first parcel.

Called by the bench application when it starts (and by the stress tests' simulated bench, which
starts like it).  The first label a process draws loads the CJK font at each size and sets every
glyph for the first time: a tenth of a second alone, and over a second when many bench processes
start together, which the packer would otherwise wait for at the first weighing of the shift.
Drawing a sample label and slip, and throwing them away, does that work before anyone waits.
"""

from __future__ import annotations

import contextlib

from packstation.config import Settings
from packstation.domain.tracking import CARRIERS
from packstation.errors import UserError
from packstation.labels.content import LabelData, Party, SlipData, SlipLine
from packstation.services.documents import local_now, render_order_slip, render_parcel_label

# What a label and slip commonly say besides the shop's own texts: digits, Latin letters and
# the characters of addresses and goods.
_ADDRESS = "浙江省 杭州市 西湖区 文三路 123号 华星科技大厦 8楼 (310012)"
_GOODS = "手工皂 三块装 100g×3 ×3；陶瓷马克杯 白色 ×2"


def sample_documents(settings: Settings) -> tuple[LabelData, SlipData]:
    """A label and slip of the bench's carrier and shop, with made-up buyer and goods."""
    code = settings.shipping.default_carrier.upper()
    info = CARRIERS.get(code)
    shop = settings.shop
    now = local_now(settings)
    label = LabelData(
        carrier_code=code,
        carrier_name=settings.carrier(code).name or (info.marketplace if info else code),
        carrier_name_en=info.english if info else "",
        service=settings.carrier(code).service,
        tracking_no="YT7012345678900",  # every digit, at each size numbers are printed
        recipient=Party("张*", "138****5678", _ADDRESS),
        sender=Party(shop.sender_name, shop.sender_phone, shop.sender_address),
        goods=_GOODS,
        order_no="3364111318168547920",
        weight_g=1239,
        printed_at=now,
        destination="浙江省 杭州市",
    )
    slip = SlipData(
        shop=shop.name,
        order_no=label.order_no,
        recipient="张* 杭州市",
        lines=(SlipLine("SOAP-HND-3", "手工皂 三块装", "100g×3", 3),),
        note=shop.slip_note,
        paid_at=now,
        tracking_no=label.tracking_no,
    )
    return label, slip


def warm_up(settings: Settings) -> None:
    """Draw a sample label and slip as the bench would, and throw them away.  Nothing happens
    without a CJK font: the first weighing says what is missing."""
    label, slip = sample_documents(settings)
    with contextlib.suppress(UserError):
        render_parcel_label(settings, label)
        render_order_slip(settings, slip)
