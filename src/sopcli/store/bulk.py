"""Bulk inserts through the driver's executemany, for imports of many thousands of rows.

SQLAlchemy's per-parameter processing costs more than SQLite's own insert at
this scale, so values are converted once here, the way ``UTCDateTime`` would.
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


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def bulk_insert(connection, table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` with one executemany."""
    if not rows:
        return
    columns = list(rows[0])
    dialect = connection.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    moment = _sqlite_moment if dialect.name == "sqlite" else _naive_utc
    converters: list[Callable | None] = [moment if isinstance(table.c[c].type, UTCDateTime) else None for c in columns]
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    params = [tuple(row[c] if f is None else f(row[c]) for c, f in zip(columns, converters)) for row in rows]
    connection.exec_driver_sql(sql, params)
