"""Bulk inserts for imports of many thousands of rows.

SQLAlchemy's per-parameter processing costs more than SQLite's own insert at
this scale, so callers pass rows as tuples of driver-ready values, moments
converted once with ``moment_parameter`` the way ``UTCDateTime`` would. The
same executemany serves PostgreSQL, whose driver takes ``%s`` markers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

# SQLite's page cache while a bulk load runs, in KiB (the default is 2,000). The
# complaint and journal indexes on moments take inserts all over their trees; past
# a few hundred thousand rows a 2 MB cache spends its time re-reading and spilling
# pages (a million rows: about 12% faster, 16 MB more memory).
BULK_CACHE_KIB = 16 * 1024


@lru_cache(maxsize=4096)  # a row repeats its received-at in several columns
def _sqlite_moment(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME text form (microseconds always present), so
    # bulk-inserted rows sort and compare exactly like ORM-written ones.
    if value is None:
        return None
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def moment_parameter(dialect) -> Callable[[datetime | None], Any]:
    """How a ``UTCDateTime`` value is passed to this dialect's driver."""
    return _sqlite_moment if dialect.name == "sqlite" else _naive_utc


def placeholders(dialect, count: int) -> str:
    """``count`` parameter markers for this dialect's driver, comma-separated."""
    return ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * count)


def insert_rows(connection, table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples of driver-ready values in ``columns`` order) with one executemany.

    Moments go in as ``moment_parameter`` gives them, the way ``UTCDateTime`` would write them.
    """
    if not rows:
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders(connection.dialect, len(columns))})"
    connection.exec_driver_sql(sql, rows)
    _move_sequence_past(connection, table, columns)


def _move_sequence_past(connection, table, columns: Sequence[str]) -> None:
    """Ids given explicitly bypass PostgreSQL's sequence: move it past them, or the next insert collides."""
    from sqlalchemy import func, select

    column = table.autoincrement_column
    if connection.dialect.name != "postgresql" or column is None or column.name not in columns:
        return
    connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, column.name), func.max(column))))


@contextmanager
def bulk_load(connection, tables: Sequence[str] = ()) -> Iterator[Callable[[], None]]:
    """Tune ``connection`` for a bulk load into ``tables`` for the duration, then put it back.

    Only the page cache grows: durability and atomicity are the transaction's,
    as for any write (WAL, synchronous=NORMAL, one BEGIN IMMEDIATE ... COMMIT).

    Yields ``defer_indexes``: called when the load is large against what the
    tables hold, it drops their non-unique indexes, and the load re-creates
    them from their own DDL as it ends, inside the transaction (SQLite; on
    PostgreSQL it does nothing). Building an index once from sorted keys costs
    less than keeping it up insert by insert. On an error they are not
    re-created: the caller rolls the transaction back, and that restores them
    with everything else.
    """
    if connection.dialect.name != "sqlite":
        yield lambda: None
        return
    deferred: list[str] | None = None  # the DDL of the indexes dropped, once deferred

    def defer_indexes() -> None:
        nonlocal deferred
        if deferred is None:
            deferred = [sql for table in tables for sql in _drop_secondary_indexes(connection, table)]

    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield defer_indexes
        for sql in deferred or ():
            connection.exec_driver_sql(sql)
    except BaseException:
        with suppress(Exception):  # the load's own error is the one to report
            connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")
        raise
    connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def _drop_secondary_indexes(connection, table: str) -> list[str]:
    """Drop ``table``'s indexes made by CREATE INDEX that enforce nothing; returns their DDL, in schema order.

    Unique ones stay: they are constraints, checked row by row as the load goes.
    """
    secondary = {
        name
        for _seq, name, unique, origin, _partial in connection.exec_driver_sql(f"PRAGMA index_list({table})")
        if origin == "c" and not unique
    }
    dropped = []
    for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY rowid", (table,)
    ).all():
        if name in secondary:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
            dropped.append(sql)
    return dropped
