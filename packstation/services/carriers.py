"""The ``carrier`` table, kept in step with the configuration and the built-in carriers.

Called by ``services.tracking`` before it allocates a number (so a carrier configured a moment
ago works at once), and by anyone who wants the table filled (``sync_carriers``).  A configured
``waybill_range`` starts counting from its first number; the row remembers how far it got, and a
changed range (a new last number) starts again from its first.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from packstation.config import CarrierSettings, Settings
from packstation.domain.carriers import code_for_name
from packstation.domain.tracking import CARRIERS, normalise, same_range
from packstation.errors import UserError
from packstation.i18n import _, listed
from packstation.store.models import Carrier
from packstation.store.uow import UnitOfWork


def carrier_codes(settings: Settings) -> list[str]:
    return sorted(set(CARRIERS) | set(settings.carriers))


def carrier_code_of(settings: Settings, typed: str) -> str:
    """The carrier a person means: its code (yto), its name as configured, or a name the
    marketplaces and people use (圆通速递, 圆通, 顺丰); else what was typed, in upper case, for
    the caller to refuse."""
    word = typed.strip()
    code = word.upper()
    if code in settings.carriers or code in CARRIERS:
        return code
    configured = {c.name: key for key, c in settings.carriers.items() if c.name}
    return configured.get(word) or code_for_name(word) or code


def known_carrier(settings: Settings, code: str) -> str:
    """``code`` as the carrier's code (or a name it goes by), or a refusal naming the codes
    there are (a code typed wrong would list, hand over or print nothing, and say only that)."""
    found = carrier_code_of(settings, code)
    codes = carrier_codes(settings)
    if found not in codes:
        raise UserError(
            _("No carrier has the code {code}; the codes are {codes}.").format(
                code=code, codes=listed(codes)
            )
        )
    return found


def courier_refused(settings: Settings, carrier: str) -> str:
    """Why ``carrier`` (a code or a name people use) is no courier of this shop, or "": the
    shop's couriers are those configured and the default one (however it is written)."""
    code = carrier_code_of(settings, carrier)
    if code in settings.carriers or code == settings.shipping.default_carrier.strip().upper():
        return ""
    return _("The carrier '{code}' is unknown; use one of: {known}.").format(
        code=code, known=listed(sorted(settings.carriers)) or "YTO"
    )


def apply_settings(row: Carrier, code: str, config: CarrierSettings) -> None:
    info = CARRIERS.get(code)
    row.name = config.name or (info.marketplace if info else code)
    if info and not row.name_en:
        row.name_en = info.english
    if info and not row.tracking_pattern:
        row.tracking_pattern = info.pattern
    if config.waybill_range:
        first, last = (normalise(n) for n in config.waybill_range)
        if not same_range(first, last):
            raise UserError(
                _(
                    "carriers.{code}.waybill_range [{first}, {last}] is not one range; both "
                    "numbers need the same prefix and length, the first not after the last."
                ).format(code=code, first=first, last=last)
            )
        # a new range starts from its first number; so does one whose first number was raised
        # past the next (after a restore, numbers printed since the dump are skipped so)
        if row.range_last != last or (row.range_next and first > row.range_next):
            row.range_next, row.range_last = first, last


def ensure_carrier(uow: UnitOfWork, settings: Settings, code: str) -> Carrier:
    """The carrier's row, created or brought up to date with the configuration (in transaction)."""
    code = code.upper()
    config = settings.carrier(code)
    row = uow.session.get(Carrier, code)
    if row is None:
        row = Carrier(code=code, name=code)
        apply_settings(row, code, config)
        try:
            # another bench may create the same row at this moment: a savepoint keeps our
            # transaction usable when it wins
            with uow.session.begin_nested():
                uow.session.add(row)
        except IntegrityError:
            row = uow.session.get(Carrier, code, populate_existing=True)
            assert row is not None
    before = (row.name, row.name_en, row.tracking_pattern, row.range_next, row.range_last)
    apply_settings(row, code, config)
    if (row.name, row.name_en, row.tracking_pattern, row.range_next, row.range_last) != before:
        uow.session.add(row)
    return row


def store_ranges(uow: UnitOfWork, settings: Settings) -> None:
    """The configured waybill ranges into the carrier table (in transaction), each row locked as
    an allocation locks it: a first number raised after a restore then counts for every bench,
    not only once the bench configured so prints."""
    for code, carrier in sorted(settings.carriers.items()):
        if not carrier.waybill_range:
            continue
        code = code.upper()
        uow.session.execute(
            select(Carrier.code).where(col(Carrier.code) == code).with_for_update()
        ).first()
        ensure_carrier(uow, settings, code)


def sync_carriers(uow: UnitOfWork, settings: Settings) -> list[Carrier]:
    """Every built-in and configured carrier in the table (in transaction; the caller commits)."""
    return [ensure_carrier(uow, settings, code) for code in carrier_codes(settings)]
