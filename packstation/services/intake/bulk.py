"""Fast inserts of many rows: one compiled statement, the DBAPI's executemany, ids reserved ahead.

SQLAlchemy's per-row parameter processing costs more than the database's own work for 100 000
orders, so the import compiles each INSERT once, applies the column types' bind processors only
where the dialect has one, and hands plain tuples (or dicts) to ``executemany``.  The ids of new
orders are reserved first (a sequence on PostgreSQL; the maximum under SQLite's write lock, which
``BEGIN IMMEDIATE`` holds), so lines can name their order without a RETURNING round trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

Processor = Callable[[Any], Any]


class BulkInsert:
    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn = conn
        self.columns = list(columns)
        dialect = conn.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=self.columns)
        self.sql = str(compiled)
        self.positional = bool(dialect.positional)
        # Columns not given that have a default in the model are in the statement too (a column
        # added later must not break the import): their default is the same on every row.
        self.columns += [name for name in compiled.params if name not in self.columns]
        self.defaults = [_default(table, name) for name in self.columns[len(columns) :]]
        order = list(compiled.positiontup or []) if self.positional else self.columns
        self._order = [self.columns.index(name) for name in order]
        self.processors: list[tuple[int, Processor]] = []
        for i, name in enumerate(self.columns):
            processor = table.c[name].type.bind_processor(dialect)
            if processor is not None:
                self.processors.append((i, processor))

    def bind(self, name: str, value: Any) -> Any:
        """A value as the DBAPI wants it (for values that are the same on every row)."""
        i = self.columns.index(name)
        for j, processor in self.processors:
            if j == i:
                value = processor(value)
        if self.conn.dialect.name == "sqlite" and isinstance(value, dt.date):
            # what the sqlite3 module's own adapters write, done once instead of on every row
            return value.isoformat(" ") if isinstance(value, dt.datetime) else value.isoformat()
        return value

    def run(self, rows: list[list[Any]], *, processed: frozenset[str] = frozenset()) -> None:
        """Insert ``rows`` (lists in ``columns`` order; changed in place).  Columns named in
        ``processed`` already hold DBAPI values."""
        if not rows:
            return
        todo = [(i, p) for i, p in self.processors if self.columns[i] not in processed]
        if self.defaults:
            for row in rows:
                row.extend(self.defaults)
        for row in rows:
            for i, processor in todo:
                row[i] = processor(row[i])
        params: list[Any]
        if self.positional:
            order = self._order
            if order == list(range(len(order))):
                params = rows  # already in the statement's order
            else:
                params = [[row[i] for i in order] for row in rows]
        else:
            params = [dict(zip(self.columns, row, strict=True)) for row in rows]
        # the DBAPI cursor of this transaction's connection: no per-row work in between
        cursor = self.conn.connection.cursor()
        try:
            cursor.executemany(self.sql, params)
        finally:
            cursor.close()


def _default(table: Table, name: str) -> Any:
    default = table.c[name].default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # type: ignore[attr-defined]
    return default.arg  # type: ignore[attr-defined]


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` fresh ids of ``table`` for rows this transaction is about to insert."""
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        name = f'"{table.name}"'
        return [int(v) for v in conn.execute(query, {"table": name, "n": count}).scalars()]
    # SQLite: every writing transaction began IMMEDIATE, so no one else can insert meanwhile
    last = conn.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(int(last) + 1, int(last) + 1 + count))
