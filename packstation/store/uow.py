"""The unit of work: one transaction that rolls back unless committed.

Every service function takes one (cosmicpython style)::

    with uow:
        ...
        uow.commit()

``record`` writes an audit event in the same transaction as the change it describes.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from packstation.store.engine import readonly as readonly_engine
from packstation.store.models import Event


class UnitOfWork:
    """A transaction on the store, with the bench and user who act in it."""

    session: Session

    def __init__(
        self,
        engine: Engine,
        *,
        bench: str = "",
        user: str = "",
        readonly: bool = False,
        action_id: str | None = None,
    ) -> None:
        self.engine = readonly_engine(engine) if readonly else engine
        self.bench = bench
        self.user = user
        # stamped on the first event this unit records (services.retry looks for it)
        self.action_id = action_id
        self._action_stamped = False
        self._session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        self._session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self.session = self._session
        self._action_stamped = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            # Detach first so objects read in this unit stay readable after it; the database
            # transaction is rolled back all the same.
            self._session.expunge_all()
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()

    def record(
        self,
        kind: str,
        *,
        order_id: int | None = None,
        parcel_id: int | None = None,
        **payload: Any,
    ) -> Event:
        """Append an audit event to this transaction."""
        seq: int | None = None
        if self.bench:
            if self.session.get_bind().dialect.name == "postgresql":
                # Two transactions of one bench (the screen and its print sender) must not take
                # the same number: hold a lock on the bench's numbering until this one ends.
                self.session.connection().execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:bench))"), {"bench": self.bench}
                )
            last = self.session.exec(
                select(func.max(Event.bench_seq)).where(Event.bench == self.bench)
            ).one()
            seq = (last or 0) + 1
        action_id = None
        if self.action_id and not self._action_stamped:
            action_id, self._action_stamped = self.action_id, True
        event = Event(
            action_id=action_id,
            bench=self.bench,
            bench_seq=seq,
            user=self.user,
            order_id=order_id,
            parcel_id=parcel_id,
            kind=kind,
            payload=json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True),
        )
        self.session.add(event)
        return event
