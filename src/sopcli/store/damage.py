"""A damaged SQLite logbook: SQLite's own checks, and a row-by-row rescue of what can still be read.

Python's ``sqlite3`` module (3.11) offers no binding of SQLite's recovery
extension (the shell's ``.recover``), so the rescue is done here with plain
queries: every row is fetched by its rowid on its own, and a row on a damaged
page fails alone instead of ending the copy. Which rows existed is learned
from the tables and also from their indexes (an index holds the rowid of every
row), so rows lost with a table page are still counted, and a lost
complaint's number is still named when its index survived.

Everything here reads the damaged file read-only; nothing is written beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The tables copied, in the order their rows depend on each other; the journal last, in seq order.
TABLES = ("operator", "sop_version", "complaint", "journal_entry")
MAX_PROBLEMS = 10  # lines of SQLite's findings kept; the rest are counted
# No row of sop's tables takes less room than this (a journal row carries two 64-character hashes):
# a rowid beyond the file's bytes / this is garbage read from a damaged page, not a row that existed.
MIN_ROW_BYTES = 64


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that reads ``path`` and writes nothing, neither the file nor beside it."""
    from sopcli.store.database import read_only_uri

    with closing(sqlite3.connect(read_only_uri(path), uri=True)) as connection:
        yield connection


def engine_problems(connection: sqlite3.Connection, thorough: bool = True) -> list[str]:
    """SQLite's ``quick_check``, then (if that passes, and ``thorough``) its ``integrity_check``: [] when sound.

    ``quick_check`` reads every page but does not compare indexes with their
    tables; ``integrity_check`` does. A file too damaged to be checked at all
    gives its reason as the one problem.
    """
    for pragma in ("quick_check", "integrity_check")[: 1 + thorough]:
        try:
            found = [row[0] for row in connection.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        if found != ["ok"]:
            return _problem_lines(found)
    return []


def _problem_lines(found: list[str]) -> list[str]:
    """SQLite's findings one per line, without its "*** in database main ***" headings."""
    lines = [line.strip() for row in found for line in str(row).splitlines()]
    return [line for line in lines if line and not line.startswith("***")] or ["?"]


def file_problems(path: Path | str, thorough: bool = True) -> list[str]:
    """``engine_problems`` of a file, read-only; ``path`` may be a read-only SQLite URI.

    A file's -wal is checked first: SQLite stops reading it at the first damaged
    frame and drops every commit after it without a word, so damage there must be
    found before SQLite opens the file (and, as a writer, throws that tail away).
    """
    if isinstance(path, Path):
        from sopcli.store.wal import wal_problem

        wal = wal_problem(Path(f"{path}-wal"))
        if wal:
            return [wal]
    try:
        if isinstance(path, str):
            with closing(sqlite3.connect(path, uri=True)) as connection:
                return engine_problems(connection, thorough)
        with reading(path) as connection:
            return engine_problems(connection, thorough)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


@dataclass
class TableRescue:
    copied: int = 0
    lost: list[int] = field(default_factory=list)  # rowids known or presumed to have existed, not readable


@dataclass
class Rescue:
    """What a salvage copied and what it could not read."""

    tables: dict[str, TableRescue] = field(default_factory=dict)
    lost_complaints: list[str] = field(default_factory=list)  # numbers where an index still names them
    lost_entry_complaints: list[str] = field(default_factory=list)  # complaints whose lost entries are known

    def lost(self, table: str) -> list[int]:
        return self.tables.get(table, TableRescue()).lost


def rescue(source: sqlite3.Connection, target: sqlite3.Connection) -> Rescue:
    """Copy every readable row of sop's tables from ``source`` into the same tables of ``target``.

    ``target`` already has sop's schema (empty). Columns are matched by name. Ids
    are kept, so the journal keeps its seq numbers and its links to complaints.
    """
    result = Rescue()
    for table in TABLES:
        columns = [c for c in _columns(source, table) if c in set(_columns(target, table))]
        if not columns:
            result.tables[table] = TableRescue()
            continue
        result.tables[table] = _copy_rows(source, target, table, columns)
    complaint_numbers = _indexed(source, "complaint", "number")
    result.lost_complaints = [str(complaint_numbers.get(rowid, f"id {rowid}")) for rowid in result.lost("complaint")]
    lost_entries = set(result.lost("journal_entry"))
    if lost_entries:
        of_complaint = _indexed(source, "journal_entry", "complaint_id")
        ids = sorted({of_complaint[seq] for seq in lost_entries if of_complaint.get(seq) is not None})
        result.lost_entry_complaints = [str(complaint_numbers.get(i, f"id {i}")) for i in ids]
    return result


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, table: str, columns: list[str]) -> TableRescue:
    listed = ", ".join(columns)
    insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' for _ in columns)})"
    known = _known_rowids(source, table)
    result = TableRescue()
    top = max((rowid for rowid in known if rowid <= _most_rows(source)), default=0)
    for rowid in range(1, top + 1):  # sop's ids are consecutive: a missing one was lost, not skipped
        try:
            row = source.execute(f"SELECT {listed} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None:
            result.lost.append(rowid)
            continue
        target.execute(insert, row)
        result.copied += 1
    return result


def _most_rows(source: sqlite3.Connection) -> int:
    try:
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        size = source.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0
    return pages * size // MIN_ROW_BYTES


def _known_rowids(source: sqlite3.Connection, table: str) -> set[int]:
    """The rowids the table itself and each of its indexes still show (as far as each can be read)."""
    known: set[int] = set()
    for query in [f"SELECT max(rowid) FROM {table}", f"SELECT rowid FROM {table} NOT INDEXED"] + [
        f"SELECT rowid FROM {table} INDEXED BY {index}" for index in _indexes(source, table)
    ]:
        known.update(value for value in _as_far_as_readable(source, query) if isinstance(value, int))
    return known


def _indexes(source: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [row[1] for row in source.execute(f"PRAGMA index_list({table})")]
    except sqlite3.DatabaseError:
        return []


def _indexed(source: sqlite3.Connection, table: str, column: str) -> dict[int, Any]:
    """rowid → ``column`` from an index that starts with ``column``: values whose rows may be lost."""
    found: dict[int, Any] = {}  # the values as SQLite gives them
    for index in _indexes(source, table):
        try:
            first = [row[2] for row in source.execute(f"PRAGMA index_info({index})")][:1]
        except sqlite3.DatabaseError:
            continue
        if first == [column]:
            query = f"SELECT rowid, {column} FROM {table} INDEXED BY {index}"
            cursor_rows = _as_far_as_readable(source, query, whole_rows=True)
            found.update((row[0], row[1]) for row in cursor_rows)
    return found


def _as_far_as_readable(source: sqlite3.Connection, query: str, whole_rows: bool = False) -> list:
    """The rows a query gives until it meets damage (then what it gave so far)."""
    rows: list = []
    try:
        for row in source.execute(query):
            rows.append(row if whole_rows else row[0])
    except sqlite3.DatabaseError:
        pass
    return rows
