"""Batch import of complaints: validate every row, then write all of them in one transaction.

Rows are streamed in chunks and written into an open transaction as they are
checked; if any row is bad (and ``skip_invalid`` is off), or on ``dry_run``,
the transaction is rolled back, so the database holds either the whole import
or nothing. Duplicates (a ref already in the database) are skipped and
counted; a row without a ref gets a stable ref derived from its content, so
importing the same file twice imports nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from sopcli import engine
from sopcli.errors import DateParseError, DefinitionError, InputError, NotFoundError
from sopcli.i18n import _
from sopcli.journal import GENESIS, entry_hash
from sopcli.services.cases import NUMBER_PREFIX, _lock_journal, _pinned_version, normalise_priority, received_fields
from sopcli.services.runtime import Runtime
from sopcli.tabular import COLUMN_ALIASES, Row, read_rows

REQUIRED = ("received_at", "reporter", "unit", "system", "description")
CHUNK_ROWS = 2000


@dataclass
class RowProblem:
    line: int
    column: str | None
    reason: str
    values: dict[str, Any]


@dataclass
class ImportResult:
    source: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    invalid: list[RowProblem] = field(default_factory=list)
    first_number: str | None = None
    last_number: str | None = None
    dry_run: bool = False
    committed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "rows": self.rows, "imported": self.imported if self.committed else 0,
            "would_import": self.imported, "duplicates": self.duplicates, "invalid": len(self.invalid),
            "dry_run": self.dry_run, "committed": self.committed,
            "first_number": self.first_number if self.committed else None,
            "last_number": self.last_number if self.committed else None,
            "problems": [{"line": p.line, "column": p.column, "reason": p.reason} for p in self.invalid],
        }


class _Rollback(Exception):
    """Leave the import transaction without keeping anything."""


@dataclass
class _Record:
    line: int
    sop: Any  # LoadedSop
    received_at: datetime
    ref: str
    reporter: str
    unit: str
    system: str
    host: str | None
    channel: str
    priority: str
    description: str
    values: dict[str, Any]  # the row as read, for the rejects file


def derived_ref(sop_id: str, received_at: datetime, reporter: str, unit: str, system: str, description: str) -> str:
    """A stable ref for a row without one: the same content always gives the same ref."""
    content = "\x1f".join([sop_id, received_at.isoformat(), reporter, unit, system, " ".join(description.split())])
    return "auto-" + hashlib.sha256(content.encode()).hexdigest()[:16]


class _RowChecker:
    """Turns raw row values into records, or says what is wrong with them."""

    def __init__(self, rt: Runtime, default_sop: str | None, ignore_unknown: bool):
        self.rt = rt
        self.default_sop = default_sop
        self.ignore_unknown = ignore_unknown
        self.now = rt.now()
        self.sops: dict[str, Any] = {}

    def sop(self, reference: str):
        if reference not in self.sops:
            from sopcli.definitions.loader import load

            try:
                self.sops[reference] = load(reference)
            except (NotFoundError, DefinitionError) as exc:
                self.sops[reference] = exc
        return self.sops[reference]

    def check(self, row: Row) -> tuple[_Record | None, list[tuple[str | None, str]]]:
        values = row.values
        problems: list[tuple[str | None, str]] = []
        if values.get("__extra__"):
            problems.append((None, _("{n} more cells than the header has columns").format(n=values["__extra__"])))
        if values.get("__unknown__") and not self.ignore_unknown:
            problems.append((None, _("unknown columns: {names}").format(names=", ".join(values["__unknown__"]))))
        text = {k: _cell_text(v) for k, v in values.items() if not k.startswith("__")}
        for column in REQUIRED:
            if not text.get(column) and column != "received_at":
                problems.append((column, _("empty {column}").format(column=column)))
        sop_ref = text.get("sop") or self.default_sop
        loaded = None
        if not sop_ref:
            problems.append(("sop", _("no SOP: add a sop column or give --sop")))
        else:
            found = self.sop(sop_ref)
            if isinstance(found, Exception):
                problems.append(("sop", _("unknown SOP {id!r}").format(id=sop_ref)))
            else:
                loaded = found
        received_at = self._moment(values.get("received_at"), problems)
        priority = "sedang"
        if text.get("priority"):
            try:
                priority = normalise_priority(text["priority"])
            except InputError as exc:
                problems.append(("priority", exc.message))
        # PostgreSQL cannot store a NUL in text: refused on every engine, so a file imports the same everywhere.
        flagged = {problem[0] for problem in problems}
        problems += [(column, _("contains a NUL character")) for column, value in text.items()
                     if "\x00" in value and column not in flagged]
        if problems:
            return None, problems
        description = str(values.get("description")).strip()
        ref = text.get("ref") or derived_ref(loaded.definition.id, received_at, text["reporter"], text["unit"],
                                             text["system"], description)
        return _Record(
            line=row.line, sop=loaded, received_at=received_at, ref=ref, reporter=text["reporter"], unit=text["unit"],
            system=text["system"], host=text.get("host") or None, channel=(text.get("channel") or "lainnya").lower(),
            priority=priority, description=description, values=values,
        ), []

    def _moment(self, value: Any, problems: list) -> datetime | None:
        zone = self.rt.zone
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(("received_at", _("empty received_at")))
            return None
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=zone)
        elif isinstance(value, date):
            moment = datetime.combine(value, time(0), zone)
        else:
            try:
                moment = self.rt.parse_when(str(value))
            except DateParseError:
                problems.append(("received_at", _("unparseable date {value!r}").format(value=str(value))))
                return None
        if moment > self.now + engine.FUTURE_TOLERANCE:
            problems.append(("received_at", _("{at} is in the future").format(at=moment.isoformat(timespec="minutes"))))
            return None
        return moment


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 12345.0 in a ref column is 12345
    return " ".join(str(value).split())


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_batch(rt: Runtime, stream: IO[bytes], *, fmt: str, source: str, actor: str, default_sop: str | None = None,
                 encoding: str | None = None, dry_run: bool = False, skip_invalid: bool = False,
                 ignore_unknown: bool = False, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import complaints from an open binary stream.

    Raises:
        InputError: the file cannot be read, or its columns are wrong (unknown or missing).
    """
    columns, rows = read_rows(stream, fmt, encoding, source)
    if columns.unknown and not ignore_unknown:
        raise InputError(_("{source}: unknown columns: {names}").format(source=source, names=", ".join(columns.unknown)),
                         _("known columns: {known}; or give --ignore-unknown").format(known=", ".join(COLUMN_ALIASES)))
    needed = [c for c in REQUIRED if c not in columns.names]
    if "sop" not in columns.names and not default_sop:
        needed.append("sop")
    if needed:
        raise InputError(_("{source}: missing columns: {names}").format(source=source, names=", ".join(needed)),
                         _("give --sop ID when the file has no sop column") if needed == ["sop"] else None)

    result = ImportResult(source=source, dry_run=dry_run)
    checker = _RowChecker(rt, default_sop, ignore_unknown)
    database = rt.ready_database()
    try:
        with database.transaction(write=True) as session:
            writer = _Writer(rt, session, source, actor)
            for chunk in _chunks(rows, CHUNK_ROWS):
                records = []
                for row in chunk:
                    record, problems = checker.check(row)
                    if problems:
                        result.invalid += [RowProblem(row.line, column, reason, row.values) for column, reason in problems]
                    else:
                        records.append(record)
                result.rows += len(chunk)
                accepted, duplicates, repeats = writer.classify(records)
                result.duplicates += duplicates
                result.invalid += [RowProblem(r.line, "ref", reason, r.values) for r, reason in repeats]
                if accepted:
                    first, last = writer.insert(accepted)
                    result.first_number = result.first_number or first
                    result.last_number = last
                    result.imported += len(accepted)
                if progress:
                    progress(result.rows)
            result.invalid.sort(key=lambda p: p.line)
            if dry_run or (result.invalid and not skip_invalid):
                raise _Rollback
            result.committed = True
    except _Rollback:
        pass
    return result


class _Writer:
    """Bulk inserts of complaints and their ``received`` journal entries, chained in order."""

    def __init__(self, rt: Runtime, session, source: str, actor: str):
        from sqlalchemy import func, select, text

        from sopcli.store.models import Complaint

        self.rt, self.session, self.source, self.actor = rt, session, source, actor
        self.now = rt.now()
        _lock_journal(session)
        self.first_new_id = (session.execute(select(func.max(Complaint.id))).scalar() or 0) + 1
        self.next_id = self.first_new_id
        head = session.execute(text("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")).first()
        self.seq, self.prev_hash = (head[0], head[1]) if head else (0, GENESIS)
        self.serials: dict[int, int] = {}
        self.versions: dict[str, int] = {}
        self.calendars: dict[str, Any] = {}

    def classify(self, records: list[_Record]) -> tuple[list[_Record], int, list[tuple[_Record, str]]]:
        """(to insert, duplicates of earlier imports, rows repeating a ref of this file)."""
        from sqlalchemy import select

        from sopcli.store.models import Complaint

        existing: dict[str, tuple[int, str]] = {}
        refs = [r.ref for r in records]
        for start in range(0, len(refs), 500):
            query = select(Complaint.ref, Complaint.id, Complaint.number).where(Complaint.ref.in_(refs[start:start + 500]))
            existing.update({ref: (cid, number) for ref, cid, number in self.session.execute(query)})
        accepted, duplicates, repeats = [], 0, []
        seen_here: dict[str, int] = {}
        for record in records:
            if record.ref in seen_here:
                repeats.append((record, _("ref {ref!r} repeats line {line}").format(ref=record.ref, line=seen_here[record.ref])))
            elif record.ref in existing:
                complaint_id, number = existing[record.ref]
                if complaint_id >= self.first_new_id:
                    repeats.append((record, _("ref {ref!r} repeats an earlier row of this file ({number})").format(ref=record.ref, number=number)))
                else:
                    duplicates += 1
            else:
                seen_here[record.ref] = record.line
                accepted.append(record)
        return accepted, duplicates, repeats

    def insert(self, records: list[_Record]) -> tuple[str, str]:
        from sqlalchemy import func, select

        from sopcli.store.bulk import bulk_insert
        from sopcli.store.models import Complaint, JournalEntry

        complaints, entries = [], []
        for record in records:
            sop = record.sop.definition
            if record.sop.digest not in self.versions:
                version = _pinned_version(self.session, record.sop, self.now)
                self.versions[record.sop.digest] = version.id
            calendar = self.calendars.get(sop.id) or self.calendars.setdefault(sop.id, self.rt.calendar_for(sop))
            year = record.received_at.astimezone(self.rt.zone).year
            if year not in self.serials:
                self.serials[year] = self.session.execute(select(func.max(Complaint.serial)).where(Complaint.year == year)).scalar() or 0
            self.serials[year] += 1
            number = f"{NUMBER_PREFIX}-{year}-{self.serials[year]:05d}"
            started = engine.start(sop, received_at=record.received_at, actor=self.actor, note=record.description)
            state = started.state
            complaints.append({
                "id": self.next_id, "number": number, "year": year, "serial": self.serials[year], "ref": record.ref,
                "sop_version_id": self.versions[record.sop.digest], "sop_id": sop.id, "description": record.description,
                "reporter": record.reporter, "unit": record.unit, "system": record.system, "host": record.host,
                "channel": record.channel, "priority": record.priority, "received_at": record.received_at,
                "status": state.status, "current_step": state.current_step, "step_started_at": state.step_started_at,
                "due_at": engine.due_at(sop, state, calendar), "paused_since": None, "paused_minutes": 0.0,
                "total_paused_minutes": 0.0, "fields": "{}", "last_at": state.last_at, "closed_at": None,
                "resolution_minutes": None, "overall_on_time": None, "created_by": self.actor, "revision": 1,
            })
            fields = received_fields(sop, vars(record), f"{self.source}:{record.line}")
            self.seq += 1
            entry = engine.describe(started.entry) | {"fields": fields, "seq": self.seq, "complaint_number": number,
                                                      "recorded_at": self.now}
            digest = entry_hash(self.prev_hash, entry)
            entries.append({
                "seq": self.seq, "complaint_id": self.next_id, "complaint_number": number, "action": "received",
                "step": None, "decision": None, "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
                "actor": self.actor, "at": record.received_at, "recorded_at": self.now, "note": record.description,
                "output": None, "on_time": None, "took_minutes": None, "standard_minutes": None,
                "next_step": entry["next_step"], "prev_hash": self.prev_hash, "hash": digest,
            })
            self.prev_hash = digest
            self.next_id += 1
        connection = self.session.connection()
        bulk_insert(connection, Complaint.__table__, complaints)
        bulk_insert(connection, JournalEntry.__table__, entries)
        return complaints[0]["number"], complaints[-1]["number"]
