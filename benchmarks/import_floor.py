"""The full-fidelity floor of `sop import`: the least work that writes the very rows sop writes.

    python benchmarks/import_floor.py FILE.csv DATABASE NOW [ACTOR]

DATABASE is a copy of an empty logbook made by ``sop db upgrade``; NOW is the moment
sop is given as SOP_NOW (ISO 8601), the entries' recorded-at; ACTOR defaults to
SOP_OPERATOR, as sop's does. The file is the benchmark's (run.py ``write_rows_csv``):
a header naming sop's columns, built-in SOPs, priorities and channels as sop stores
them, every row valid. Into the database it writes what ``sop import FILE.csv`` writes:

- a ``sop_version`` row per built-in SOP, in the order the file first names them
  (the SOP file's text, its sha256, its path, first used at NOW);
- per row, the complaint (numbered ADU-<local year>-<serial>, received-at and
  deadline of its first step) and its hash-chained ``received`` journal entry (the
  fields as JSON, the hash over sopcli.domain.chain's canonical encoding);

in one transaction (BEGIN IMMEDIATE), on a connection set up as sop sets up its own
for a load (foreign keys on, WAL, synchronous=NORMAL, store.bulk's 16 MB page cache),
the tables' non-unique indexes dropped first and re-created from their own DDL at the
end, rows in chunks of 2,000 (memory stays flat); then ANALYZE complaint, as sop does
after an import of a thousand rows or more. tests/test_import_floor.py holds its
database equal to sop's, row for row, and to ``sop verify``.

What it leaves out is what a valid file does not need: per-cell validation and its
messages, aliases of priorities and channels, other formats and encodings, the ref
look-ups against complaints already recorded (the database is empty).

It imports two things from sopcli, both pure: ``sopcli.domain.chain`` (the canonical
encoding of a received entry: the hash must be sop's) and ``sopcli.worktime`` (a
time standard's minutes and ``WorkingCalendar.add``, the deadline in the office's
working hours and holidays: redoing those by hand is no floor). The deadline is
worked out once per distinct (SOP, received-at, priority) and remembered, as sop does.
The SOP files are read with tomllib (their first step's standard, id and calendar).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import sqlite3
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sopcli
from sopcli.domain.chain import GENESIS, canonical_moment, json_string, received_entry_hash
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.holidays import HolidayCache, cache_directory
from sopcli.worktime.parse import parse_duration

CHUNK_ROWS = 2000
BULK_CACHE_KIB = 16 * 1024
BUSY_TIMEOUT_MS = 5000
ZONE = ZoneInfo("Asia/Jakarta")  # the default configuration's office zone
BUILTIN = Path(sopcli.__file__).parent / "definitions" / "builtin"
FIELD_KEYS = ("channel", "host", "priority", "ref", "reporter", "sop", "sop_version", "source", "system", "unit")
HASHED_FIELDS = "{" + ",".join(f'"{k}":%s' for k in FIELD_KEYS) + "}"
STORED_FIELDS = "{" + ", ".join(f'"{k}": %s' for k in FIELD_KEYS) + "}"


def sqlite_moment(value: datetime | None) -> str | None:
    """A moment as sop stores it in SQLite: UTC text with microseconds."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Sop:
    """What a new case of one built-in SOP starts with."""

    def __init__(self, sop_id: str, version_id: int, office: WorkingCalendar):
        path = BUILTIN / f"{sop_id}.toml"
        self.text = path.read_text(encoding="utf-8")
        self.origin = str(path)
        data = tomllib.loads(self.text)
        self.id, self.version, self.version_id = data["id"], str(data["version"]), version_id
        self.digest = hashlib.sha256(self.text.encode()).hexdigest()
        first = data["steps"][0]
        self.first_step = first["id"]
        always = data.get("calendar") == "24x7" or first.get("jam") == "kalender"
        self.hours = WorkingCalendar.twenty_four_seven(ZONE) if always else office
        self.allowance = {}
        for priority in ("rendah", "sedang", "tinggi", "kritis"):
            text = (first.get("waktu_prioritas") or {}).get(priority) or (data.get("waktu_prioritas") or {}).get(
                priority, first.get("waktu")
            )
            standard = parse_duration(text)
            self.allowance[priority] = None if standard is None else standard.deadline_minutes(self.hours.day_minutes)
        self.deadlines: dict[tuple, str | None] = {}

    def due(self, received: datetime, priority: str) -> str | None:
        key = (received, priority)
        known = self.deadlines.get(key, False)
        if known is False:
            minutes = self.allowance[priority]
            known = self.deadlines[key] = sqlite_moment(None if minutes is None else self.hours.add(received, minutes))
        return known


def drop_secondary_indexes(connection: sqlite3.Connection, table: str) -> list[str]:
    secondary = {
        name
        for _s, name, unique, origin, _p in connection.execute(f"PRAGMA index_list({table})")
        if origin == "c" and not unique
    }
    dropped = []
    for name, sql in connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY rowid", (table,)
    ).fetchall():
        if name in secondary:
            connection.execute(f'DROP INDEX "{name}"')
            dropped.append(sql)
    return dropped


def numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell may span lines), as sop numbers them."""
    end = reader.line_num
    for cells in reader:
        yield end + 1, cells
        end = reader.line_num


def load(csv_path: str, database: str, now_text: str, actor: str) -> int:
    now = datetime.fromisoformat(now_text)
    recorded_value, recorded_text = sqlite_moment(now), canonical_moment(now)
    source = Path(csv_path).name
    office = WorkingCalendar(tz=ZONE, holidays_of=HolidayCache(cache_directory()))
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    connection.execute("BEGIN IMMEDIATE")
    deferred = drop_secondary_indexes(connection, "complaint") + drop_secondary_indexes(connection, "journal_entry")
    sops: dict[str, Sop] = {}
    moments: dict[str, tuple] = {}  # received-at as written → (datetime, stored, hashed, local year)
    serials: dict[int, int] = {}
    complaint_id, previous = 0, GENESIS
    complaint_sql = f"INSERT INTO complaint VALUES ({','.join('?' * 33)})"
    entry_sql = f"INSERT INTO journal_entry VALUES ({','.join('?' * 18)})"
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        position = {name: header.index(name) for name in header}
        columns = [
            position.get(name)
            for name in (
                "ref",
                "received_at",
                "sop",
                "reporter",
                "unit",
                "system",
                "host",
                "channel",
                "priority",
                "description",
            )
        ]
        while chunk := list(itertools.islice(numbered(reader), CHUNK_ROWS)):
            complaints, entries = [], []
            for line, cells in chunk:
                ref, at, sop_id, reporter, unit, system, host, channel, priority, description = (
                    "" if i is None else cells[i] for i in columns
                )
                ref, sop_id, reporter, unit, system, host = (
                    " ".join(v.split()) for v in (ref, sop_id, reporter, unit, system, host)
                )
                channel = " ".join(channel.split()).lower() or "lainnya"
                priority = priority.strip().lower() or "sedang"
                description = description.strip()
                sop = sops.get(sop_id)
                if sop is None:
                    sop = sops[sop_id] = Sop(sop_id, len(sops) + 1, office)
                    connection.execute(
                        "INSERT INTO sop_version VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sop.version_id, sop.id, sop.version, sop.digest, sop.text, sop.origin, recorded_value),
                    )
                known = moments.get(at)
                if known is None:
                    received = datetime.fromisoformat(at)
                    if received.tzinfo is None:
                        received = received.replace(tzinfo=ZONE)
                    if len(moments) >= 1024:
                        moments.clear()
                    known = moments[at] = (
                        received,
                        sqlite_moment(received),
                        canonical_moment(received),
                        received.astimezone(ZONE).year,
                    )
                received, stored, hashed, year = known
                if not ref:
                    content = "\x1f".join(
                        [sop.id, received.isoformat(), reporter, unit, system, " ".join(description.split())]
                    )
                    ref = "auto-" + hashlib.sha256(content.encode()).hexdigest()[:16]
                complaint_id += 1
                serial = serials[year] = serials.get(year, 0) + 1
                number = f"ADU-{year}-{serial:05d}"
                due = sop.due(received, priority)
                complaints.append(
                    (complaint_id, number, year, serial, ref, sop.version_id, sop.id, description, reporter, unit,
                     system, host or None, channel, priority, stored, "open", sop.first_step, stored, due, None,
                     0.0, 0.0, "{}", stored, None, None, None, actor, 1, "{}", "[]", "[]", stored)
                )  # fmt: skip
                # The fields' JSON, as stored (json.dumps, sorted keys) and as hashed (compact), from one
                # encoding of each value; an empty one is left out, as sop leaves it out.
                values = (channel, host, priority, ref, reporter, sop.id, sop.version, f"{source}:{line}", system, unit)
                if all(values):
                    encoded = tuple(map(json_string, values))
                    hashed_fields, stored_fields = HASHED_FIELDS % encoded, STORED_FIELDS % encoded
                else:
                    present = [(k, json_string(v)) for k, v in zip(FIELD_KEYS, values) if v]
                    hashed_fields = "{" + ",".join(f'"{k}":{v}' for k, v in present) + "}"
                    stored_fields = "{" + ", ".join(f'"{k}": {v}' for k, v in present) + "}"
                digest = received_entry_hash(
                    previous, complaint_id, number, hashed_fields, actor, hashed, recorded_text, description,
                    sop.first_step,
                )  # fmt: skip
                entries.append(
                    (complaint_id, complaint_id, number, "received", None, None,
                     stored_fields, actor, stored, recorded_value,
                     description, None, None, None, None, sop.first_step, previous, digest)
                )  # fmt: skip
                previous = digest
            connection.executemany(complaint_sql, complaints)
            connection.executemany(entry_sql, entries)
    for sql in deferred:
        connection.execute(sql)
    connection.execute("COMMIT")
    if complaint_id >= 1000:
        connection.execute("ANALYZE complaint")
    connection.close()
    return complaint_id


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    load(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else os.environ["SOP_OPERATOR"])
