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

from sqlalchemy import Connection, Engine, Insert, Table, bindparam, func, insert, text
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from packstation.store.engine import readonly as readonly_engine
from packstation.store.models import Event
from packstation.store.types import utcnow


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
        # the bench's numbering is held by this transaction (PostgreSQL's advisory lock)
        self._numbering = False
        self._connection: Connection | None = None
        # events recorded in this transaction, written together before it commits
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> UnitOfWork:
        self._session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self.session = self._session
        self._action_stamped = False
        self._transaction_ended()
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
        self._write_events()
        self.session.commit()
        self._transaction_ended()

    def rollback(self) -> None:
        self.session.rollback()
        self._transaction_ended()

    def _transaction_ended(self) -> None:
        """What is known of the transaction goes with it: the next one asks again."""
        self._numbering = False
        self._connection = None
        self._events = []

    def connection(self) -> Connection:
        """The transaction's connection, for plain statements (asked of the session once per
        transaction: asking costs more than a short statement)."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def flush(self) -> None:
        self._write_events()
        self.session.flush()

    def insert(self, row: SQLModel) -> None:
        """Store a new row with one INSERT … RETURNING id and keep it in the session as if it
        had been read: for the rows a bench creates on every order (a box, a print job), which
        the session's flush would write at several times the cost."""
        if self.session.new:
            self.session.flush()  # rows still pending go first: the new one may refer to them
        table = row.__table__  # type: ignore[attr-defined]
        statement = _INSERTS.get(table)
        if statement is None:
            statement = _INSERTS[table] = insert(table).returning(table.c.id)
        values = row.model_dump(exclude={"id"})
        row.id = self.connection().execute(statement, values).scalar_one()
        make_transient_to_detached(row)
        self.session.add(row)

    def record(
        self,
        kind: str,
        *,
        order_id: int | None = None,
        parcel_id: int | None = None,
        **payload: Any,
    ) -> None:
        """Append an audit event to this transaction (written with the others of the
        transaction, in one statement, when it commits or flushes)."""
        action_id = None
        if self.action_id and not self._action_stamped:
            action_id, self._action_stamped = self.action_id, True
        self._events.append(
            {
                "at": utcnow(),
                "action_id": action_id,
                "bench": self.bench,
                "user": self.user,
                "order_id": order_id,
                "parcel_id": parcel_id,
                "kind": kind,
                "payload": json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True),
            }
        )

    def _write_events(self) -> None:
        """The events recorded so far, in the order they were recorded: one statement for all
        of them, where a weighing would otherwise send six.

        A bench's events are numbered by the statement itself, each row one past the bench's
        last number (its rows are written one after the other, so each sees the one before).
        The transaction holds the bench's numbering until it ends (SQLite: the write lock of
        BEGIN IMMEDIATE; PostgreSQL: an advisory lock, so the bench's screen and its print
        sender never take the same number)."""
        if not self._events:
            return
        connection = self.connection()
        if not self.bench:
            connection.execute(_INSERT_EVENT, self._events)
        else:
            if not self._numbering and connection.dialect.name == "postgresql":
                connection.execute(_BENCH_LOCK, {"bench": self.bench})
            self._numbering = True
            rows = [{**event, "seq_bench": self.bench} for event in self._events]
            connection.execute(_INSERT_NUMBERED_EVENT, rows)
        self._events = []


_INSERTS: dict[Table, Insert] = {}
_BENCH_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:bench))")
_INSERT_EVENT = insert(Event.__table__)  # type: ignore[attr-defined]
_NEXT_SEQ = (
    select(func.coalesce(func.max(col(Event.bench_seq)), 0) + 1)
    .where(col(Event.bench) == bindparam("seq_bench"))
    .scalar_subquery()
)
_INSERT_NUMBERED_EVENT = insert(Event.__table__).values(bench_seq=_NEXT_SEQ)  # type: ignore[attr-defined]
