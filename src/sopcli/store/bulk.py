"""Bulk inserts for imports of many thousands of rows.

On SQLite, through the driver's executemany: SQLAlchemy's per-parameter
processing costs more than SQLite's own insert at this scale, so values are
converted once here, the way ``UTCDateTime`` would. A server database spends
its time on the round trips instead, so there SQLAlchemy's own executemany
does the work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sopcli.store.models import UTCDateTime


@lru_cache(maxsize=4096)  # a row repeats its received-at in several columns
def _sqlite_moment(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME text form (microseconds always present), so
    # bulk-inserted rows sort and compare exactly like ORM-written ones.
    if value is None:
        return None
    v = value.astimezone(timezone.utc)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"


def bulk_insert(connection, table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` with one executemany."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(table.insert(), rows)
        _move_sequence_past(connection, table, rows[0])
        return
    columns = list(rows[0])
    converters: list[Callable | None] = [_sqlite_moment if isinstance(table.c[c].type, UTCDateTime) else None
                                         for c in columns]
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    params = [tuple(row[c] if f is None else f(row[c]) for c, f in zip(columns, converters)) for row in rows]
    connection.exec_driver_sql(sql, params)


def _move_sequence_past(connection, table, row: dict[str, Any]) -> None:
    """Ids given explicitly bypass PostgreSQL's sequence: move it past them, or the next insert collides."""
    from sqlalchemy import func, select

    column = table.autoincrement_column
    if connection.dialect.name != "postgresql" or column is None or column.name not in row:
        return
    connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, column.name), func.max(column))))
