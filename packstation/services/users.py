"""People at the benches: adding and removing users, signing in by badge or name, checking a
lead's PIN.

PINs are stored as Argon2 hashes (a deliberately slow hash), never in clear.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from packstation.domain.packing import command_of
from packstation.domain.status import Role
from packstation.errors import UserError
from packstation.i18n import _, ngettext
from packstation.store.models import Event, ProductBarcode, User
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork

_hasher = PasswordHasher()
# wrong PINs in a row, and how long they count: then the PIN is refused unheard for a while
PIN_TRIES = 5
PIN_PAUSE = dt.timedelta(minutes=10)


def hash_pin(pin: str) -> str:
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise UserError(_("A PIN is 4 to 12 digits; choose another."))
    return _hasher.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    if not pin_hash:
        return False
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def add_user(
    uow: UnitOfWork, *, name: str, role: str, badge: str | None = None, pin: str | None = None
) -> User:
    """Create a user, or bring back one removed under that name; a lead needs a PIN for
    overrides."""
    name = name.strip()
    if not name:
        raise UserError(_("A user needs a name."))
    # the store's columns: PostgreSQL refused a longer one with a traceback, and SQLite kept a
    # name that pushed every line of 'user list' to 600 columns
    if len(name) > 100 or (badge and len(badge) > 64):
        raise UserError(_("A name has at most 100 characters and a badge at most 64; shorten it."))
    if role not in (Role.PACKER, Role.LEAD):
        raise UserError(_("The role '{role}' is unknown; use packer or lead.").format(role=role))
    if role == Role.LEAD and not pin:
        raise UserError(_("A lead needs a PIN for overrides; add --pin."))
    with uow:
        user = uow.session.exec(select(User).where(User.name == name)).first()
        if user is not None and user.active:
            raise UserError(_("A user named '{name}' already exists.").format(name=name))
        if badge and uow.session.exec(select(User).where(User.badge == badge)).first():
            raise UserError(
                _("The badge '{badge}' already belongs to another user.").format(badge=badge)
            )
        if badge:
            _own_code(
                uow,
                badge,
                _("The badge '{code}' is also {what}; give the person a code of their own."),
            )
        # a packer signs in by typing the name too: one that is a command's or a product's
        # code signs a person in when the other was meant
        _own_code(uow, name, _("The name '{code}' is also {what}; give the person their own name."))
        user = user or User(name=name)  # removed once: the same person is back
        user.role, user.badge, user.active = role, badge or None, True
        user.pin_hash = hash_pin(pin) if pin else ""
        uow.session.add(user)
        uow.record("user_added", name=name, role=role, badge=badge or "")
        uow.commit()
        return user


def _own_code(uow: UnitOfWork, code: str, refusal: str) -> None:
    """A badge or a name is a code of its own: a bench command's barcode or a product's would
    sign a person in when the other was meant (in transaction)."""
    if command_of(code) is not None:
        what = _("a bench command's barcode")
    elif uow.session.exec(select(ProductBarcode.id).where(ProductBarcode.code == code)).first():
        what = _("a product's barcode")
    else:
        return
    raise UserError(refusal.format(code=code, what=what))


def _named(uow: UnitOfWork, name: str) -> User | None:
    """The active user named ``name`` (in transaction)."""
    return uow.session.exec(
        select(User).where(User.name == name.strip(), col(User.active).is_(True))
    ).first()


def _active(uow: UnitOfWork, name: str) -> User:
    user = _named(uow, name)
    if user is None:
        raise UserError(
            _("No user is named '{name}'; see 'packstation user list'.").format(name=name)
        )
    return user


def set_pin(uow: UnitOfWork, *, name: str, pin: str) -> User:
    """A new PIN for the user (a lead's overrides); the old one no longer works."""
    with uow:
        user = _active(uow, name)
        user.pin_hash = hash_pin(pin)
        uow.session.add(user)
        uow.record("user_pin_changed", name=user.name)
        uow.commit()
        return user


def remove_user(uow: UnitOfWork, *, name: str) -> User:
    """The user leaves: their badge and name no longer sign in, their PIN no longer overrides,
    and the badge is free for someone else; their work stays in the history.  The last lead is
    kept, so that a weight can still be overridden."""
    with uow:
        user = _active(uow, name)
        if user.role == Role.LEAD:
            leads = uow.session.exec(
                select(User.id).where(User.role == Role.LEAD, col(User.active).is_(True))
            ).all()
            if len(leads) == 1:
                raise UserError(
                    _("{name} is the only lead; add another lead first.").format(name=user.name)
                )
        uow.record("user_removed", name=user.name, role=user.role, badge=user.badge or "")
        user.active, user.badge, user.pin_hash = False, None, ""
        uow.session.add(user)
        uow.commit()
        return user


def find_user(uow: UnitOfWork, code: str) -> User | None:
    """The active user whose badge (or, failing that, name) is ``code``."""
    code = code.strip()
    with uow:
        for column in (User.badge, User.name):
            user = uow.session.exec(
                select(User).where(column == code, col(User.active).is_(True))
            ).first()
            if user is not None:
                return user
        return None


def check_active(uow: UnitOfWork, name: str) -> None:
    """Refuse a name that is no active user, before asking anything of the person."""
    with uow:
        _active(uow, name)


def is_active(uow: UnitOfWork, name: str) -> bool:
    """Is ``name`` still a user (not removed since signing in)?"""
    with uow:
        return _named(uow, name) is not None


def list_users(uow: UnitOfWork) -> list[User]:
    with uow:
        return list(
            uow.session.exec(select(User).where(col(User.active).is_(True)).order_by(User.name))
        )


def sign_in(uow: UnitOfWork, *, role: str, via: str) -> None:
    """The unit's user signed in at its bench (``via`` badge or name)."""
    with uow:
        uow.record("signed_in", role=role, via=via)
        uow.commit()


def sign_out(uow: UnitOfWork) -> None:
    """The unit's user signed out of its bench."""
    with uow:
        uow.record("signed_out")
        uow.commit()


def has_leads(uow: UnitOfWork) -> bool:
    """Whether the store has an active lead (a new shop has none yet)."""
    with uow:
        return (
            uow.session.exec(
                select(User.id).where(User.role == Role.LEAD, col(User.active).is_(True))
            ).first()
            is not None
        )


def lead_for(uow: UnitOfWork, code: str) -> User | None:
    """The lead opening the lead's application, by name or badge; None when the store has no
    lead yet (a new shop: nobody to check against).  Anyone else is refused: a packer's name,
    or none at all, signed every decision of the day."""
    if not has_leads(uow):
        return None
    user = find_user(uow, code)
    if user is None or user.role != Role.LEAD:
        raise UserError(
            _(
                "'{name}' is not a lead; give a lead's name or badge with --user (see "
                "'packstation user list')."
            ).format(name=code.strip())
        )
    return user


def check_lead_pin(uow: UnitOfWork, *, name: str, pin: str) -> User:
    """The lead ``name`` if ``pin`` is theirs; a one-sentence refusal otherwise."""
    user = find_user(uow, name)
    if user is None or user.role != Role.LEAD:
        raise UserError(
            _("'{name}' is not a lead; a lead must confirm this override.").format(name=name)
        )
    if not try_pin(uow, user, pin):
        raise UserError(_("Wrong PIN for {name}; nothing was overridden.").format(name=user.name))
    return user


def try_pin(uow: UnitOfWork, user: User, pin: str) -> bool:
    """Is ``pin`` the user's?  Each try is an event (``pin_refused``, ``pin_accepted``).  After
    ``PIN_TRIES`` wrong PINs in a row within ``PIN_PAUSE`` the user's PIN is refused unheard
    until the first of them is that long ago: four digits are found in 10,000 tries, and the
    bench and the command line would let anyone make them."""
    now = utcnow()  # as the events are stamped
    with uow:
        tries = uow.session.exec(
            select(Event.at, Event.kind, Event.payload)
            .where(
                col(Event.kind).in_(("pin_refused", "pin_accepted")),
                col(Event.at) >= now - PIN_PAUSE,
            )
            .order_by(col(Event.id))
        ).all()
        refused: list[dt.datetime] = []
        for at, kind, payload in tries:
            if json.loads(payload or "{}").get("name") != user.name:
                continue
            refused = [*refused, at] if kind == "pin_refused" else []
        left = refused[-PIN_TRIES] + PIN_PAUSE - now if len(refused) >= PIN_TRIES else None
        if left is not None and left > dt.timedelta(0):
            minutes = max(1, math.ceil(left.total_seconds() / 60))
            raise UserError(
                ngettext(
                    "Too many wrong PINs for {name}: their PIN is refused for {minutes} more "
                    "minute; another lead can confirm meanwhile.",
                    "Too many wrong PINs for {name}: their PIN is refused for {minutes} more "
                    "minutes; another lead can confirm meanwhile.",
                    minutes,
                ).format(name=user.name, minutes=minutes)
            )
        matches = pin_matches(user.pin_hash, pin)
        uow.record("pin_accepted" if matches else "pin_refused", name=user.name)
        uow.commit()
        return matches
