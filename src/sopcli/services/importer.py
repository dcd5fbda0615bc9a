"""Batch import of complaints: validate every row, then write all of them in one transaction.

Rows are streamed in chunks and written into an open transaction as they are
checked; if any row is bad (and ``skip_invalid`` is off), or on ``dry_run``,
the transaction is rolled back, so the database holds either the whole import
or nothing. Duplicates (a ref already in the database) are skipped and
counted; a row without a ref gets a stable ref derived from its content, so
importing the same file twice imports nothing the second time.

Rows are written as driver-ready tuples, not through the ORM and the engine
case by case: a new case of an SOP differs from another only in its moment
and text, so ``engine.start`` runs once per SOP, a deadline is worked out
once per distinct received-at, and the ``received`` entry's JSON and hash are
written directly. The tests hold each shortcut to the code it stands in for
(``received_fields``, ``json.dumps``, ``chain.entry_hash``, ``engine.due_at``),
and an imported complaint to the one ``sop new`` records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import IO, TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from sopcli import limits
from sopcli.definitions.schema import PRIORITIES
from sopcli.domain import engine
from sopcli.domain.chain import canonical_moment, json_string
from sopcli.domain.vocabulary import Status, status_named
from sopcli.errors import DateParseError, DefinitionError, InputError, NotFoundError
from sopcli.files.tables import COLUMN_ALIASES, Row, read_rows
from sopcli.i18n import _
from sopcli.limits import LIMITS, too_long
from sopcli.services.cases import NUMBER_PREFIX, _pinned_version, normalise_channel, normalise_priority
from sopcli.services.runtime import Runtime
from sopcli.store import complaints, journal
from sopcli.store.bulk import bulk_load, moment_parameter
from sopcli.worktime.parse import parse_iso, parse_when

# An import of this many complaints refreshes the table's statistics, so `sop list` keeps reading its index.
ANALYZE_AFTER_ROWS = 1000

if TYPE_CHECKING:
    from sqlmodel import Session

REQUIRED = ("received_at", "reporter", "unit", "system", "description")
CHUNK_ROWS = 2000
# Distinct received-at texts and moments whose readings and conversions are remembered, per import
# and per SOP of an import (then forgotten all at once: memory stays flat however long the file).
MEMO_SIZE = 1024
_STANDARD_ZONES = (timezone, ZoneInfo)
# Cells not read as tidied text: the row's markers, the moment (parsed) and the description (kept as written).
_NOT_TEXT = frozenset(("__error__", "__unknown__", "received_at", "description"))
# The row's texts with a length limit: a complaint's own fields.
_LIMITED = tuple((column, limit) for column, limit in LIMITS.items() if column in COLUMN_ALIASES)
_SHORTEST_LIMIT = min(limit for _column, limit in _LIMITED)
_DESCRIPTION_LIMIT = LIMITS["description"]
# The text cells a record keeps, in _RowChecker.check's order; a missing one reads as blank.
_TEXT_COLUMNS = ("ref", "sop", "reporter", "unit", "system", "host", "channel", "priority")
_NO_CELLS = ("",) * len(_TEXT_COLUMNS)
# Two received-at values of one complaint, one read back from an export: a spreadsheet keeps
# times to the millisecond, a CSV to the microsecond.
SAME_MOMENT = timedelta(seconds=1)


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
    # New rows that sop's own export marked closed (resolved, rejected, cancelled): an import
    # carries a complaint, not its history, so they start open at step 1. Said, not hidden.
    closed_in_source: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "imported": self.imported if self.committed else 0,
            "would_import": self.imported,
            "duplicates": self.duplicates,
            "invalid": len(self.invalid),
            "dry_run": self.dry_run,
            "committed": self.committed,
            "closed_in_source": self.closed_in_source,
            "first_number": self.first_number if self.committed else None,
            "last_number": self.last_number if self.committed else None,
            "problems": [{"line": p.line, "column": p.column, "reason": p.reason} for p in self.invalid],
        }


def _closed_in_source(status: Any) -> bool:
    """Whether an export's status cell says the complaint was closed there (blank or open: no)."""
    text = "" if status is None else str(status).strip()
    if not text:
        return False
    # An unknown word is not sop's export: a status column of someone else's means nothing here.
    return status_named(text) not in (None, Status.OPEN)


class _Rollback(Exception):
    """Leave the import transaction without keeping anything."""


class _Record(NamedTuple):
    """A checked row, ready to insert."""

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
        self.latest = self.now + engine.FUTURE_TOLERANCE
        self.earliest = self.now - engine.RECEIVED_AT_MOST_AGO
        self.zone = rt.zone
        self.sops: dict[str, Any] = {}
        self.session: Session | None = None  # the import's own, once open: an id may name an SOP recorded there
        self.priorities: dict[str, str] = {}  # as written → normalised (only the valid ones)
        self.channels: dict[str, str] = {}  # the same for channels
        self.iso_moments: dict[str, datetime] = {}  # see _moment

    def sop(self, reference: str):
        if reference not in self.sops:
            from sopcli.definitions.loader import load
            from sopcli.services.sops import recorded_sop

            try:
                self.sops[reference] = load(reference)
            except NotFoundError as exc:
                self.sops[reference] = (self.session is not None and recorded_sop(self.session, reference)) or exc
            except DefinitionError as exc:
                self.sops[reference] = exc
        return self.sops[reference]

    def check(self, row: Row) -> tuple[_Record | None, list[tuple[str | None, str]]]:
        """The row's record, or what is wrong with it."""
        values = row.values
        # The usual row, every cell text and fit to keep, is checked in a few passes over the whole
        # row; any other (a cell not text, NUL or too long, a problem of any kind) by ``full_check``,
        # which says what is wrong. A test holds the two to the same records.
        try:
            whole = "".join(values.values())
        except TypeError:  # a cell that is not text (JSON, a workbook), or the reader's markers
            return self.full_check(row)
        if "\x00" in whole:
            return self.full_check(row)
        cells = tuple(map(values.get, _TEXT_COLUMNS, _NO_CELLS))
        joined = "\x00".join(cells)  # a NUL is no whitespace: split() keeps the cells' bounds
        if len(joined) > _SHORTEST_LIMIT and max(map(len, cells)) > _SHORTEST_LIMIT:  # a cell may be too long
            return self.full_check(row)
        if " ".join(joined.split()) != joined or " \x00" in joined or "\x00 " in joined:  # some cell to tidy
            cells = tuple([" ".join(cell.split()) for cell in cells])
        ref, sop_ref, reporter, unit, system, host, channel, priority = cells
        description = values.get("description", "").strip()
        loaded = self.sops.get(sop_ref or self.default_sop or "")
        if (
            not (reporter and unit and system and description and loaded is not None)
            or isinstance(loaded, Exception)
            or len(description) > _DESCRIPTION_LIMIT
        ):
            return self.full_check(row)
        priority = self.priorities.get(priority) if priority else "sedang"  # None: not seen, or not valid
        channel = self.channels.get(channel) if channel else "lainnya"
        received_at = self.iso_moments.get(values.get("received_at", ""))
        if not (priority and channel and received_at):  # not seen before in this file: the full check reads it
            return self.full_check(row)
        return _Record(
            row.line,
            loaded,
            received_at,
            ref or derived_ref(loaded.definition.id, received_at, reporter, unit, system, description),
            reporter,
            unit,
            system,
            host or None,
            channel,
            priority,
            description,
            values,
        ), []

    def full_check(self, row: Row) -> tuple[_Record | None, list[tuple[str | None, str]]]:
        """``check``, any row: its record, or every problem it has."""
        values = row.values
        problems: list[tuple[str | None, str]] = []
        if "__error__" in values:  # the reader could not make this row out: its cells say nothing reliable
            return None, [values["__error__"]]
        if values.get("__unknown__") and not self.ignore_unknown:
            problems.append((None, _("unknown columns: {names}").format(names=", ".join(values["__unknown__"]))))
        # _cell_text of the cells used as text (its common case, a str cell, inline: this runs for every cell)
        text = {
            k: " ".join(v.split()) if type(v) is str else _cell_text(v) for k, v in values.items() if k not in _NOT_TEXT
        }
        for column in REQUIRED:
            if column == "description":  # kept as written; only its emptiness is checked here
                cell = values.get(column)
                empty = not cell.strip() if type(cell) is str else not _cell_text(cell)
            else:
                empty = column != "received_at" and not text.get(column)
            if empty:
                problems.append((column, _("empty {column}").format(column=column)))
        description = values.get("description")
        if (text and max(map(len, text.values())) > _SHORTEST_LIMIT) or (
            type(description) is str and len(description) > LIMITS["description"]
        ):  # some cell is long enough to look at each (most rows have none)
            flagged = {problem[0] for problem in problems}
            for column, limit in _LIMITED:
                value = text.get(column) if column != "description" else description
                if type(value) is str and len(value) > limit and column not in flagged:
                    reason = too_long(column, value.strip() if column == "description" else value)
                    if reason:
                        problems.append((column, reason))
        sop_ref = text.get("sop") or self.default_sop
        loaded = None
        if not sop_ref:
            problems.append(("sop", _("no SOP: add a sop column or give --sop")))
        else:
            found = self.sops.get(sop_ref) or self.sop(sop_ref)
            if isinstance(found, DefinitionError):  # the file is there but not usable: say why
                problems.append(("sop", found.message))
            elif isinstance(found, Exception):
                problems.append(("sop", _("unknown SOP {id!r}").format(id=sop_ref)))
            else:
                loaded = found
        received_at = self._moment(values.get("received_at"), problems)
        priority = "sedang"
        written = text.get("priority")
        if written:
            known = self.priorities.get(written)
            if known is None:
                try:
                    known = self.priorities[written] = normalise_priority(written)
                except InputError as exc:
                    problems.append(("priority", exc.message))
            priority = known or priority  # unknown: a problem was recorded, and the row is not kept
        channel = "lainnya"
        written = text.get("channel")
        if written:
            known = self.channels.get(written)
            if known is None:
                try:
                    known = self.channels[written] = normalise_channel(written)
                except InputError as exc:
                    problems.append(("channel", str(exc)))  # with the channels to choose from
            channel = known or channel
        # PostgreSQL cannot store a NUL in text: refused on every engine, so a file imports the same everywhere.
        flagged = {problem[0] for problem in problems}
        problems += [
            (column, _("contains a NUL character"))
            for column, value in values.items()
            if type(value) is str and "\x00" in value and column not in flagged and not column.startswith("__")
        ]
        if problems:
            return None, problems
        assert loaded is not None and received_at is not None  # else a problem was recorded
        description = str(values.get("description")).strip()
        ref = text.get("ref") or derived_ref(
            loaded.definition.id, received_at, text["reporter"], text["unit"], text["system"], description
        )
        return _Record(
            row.line,
            loaded,
            received_at,
            ref,
            text["reporter"],
            text["unit"],
            text["system"],
            text.get("host") or None,
            channel,
            priority,
            description,
            values,
        ), []

    def _moment(self, value: Any, problems: list) -> datetime | None:
        zone = self.zone
        if type(value) is str:
            # The usual received-at, clean ISO 8601 text, is the same moment whatever the time: files
            # repeat moments, so the accepted ones are remembered (up to MEMO_SIZE, then forgotten at once).
            known = self.iso_moments.get(value)
            if known is not None:
                return known
            with suppress(DateParseError):  # reported below, by the general path
                moment = parse_iso(value, zone)
                if moment is not None and self.earliest <= moment <= self.latest:
                    if len(self.iso_moments) >= MEMO_SIZE:
                        self.iso_moments.clear()
                    self.iso_moments[value] = moment
                    return moment
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(("received_at", _("empty received_at")))
            return None
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=zone)
        elif isinstance(value, date):
            moment = datetime.combine(value, time(0), zone)
        else:
            try:
                moment = parse_when(str(value), zone, self.rt.now())
            except DateParseError:
                problems.append(("received_at", _("unparseable date {value!r}").format(value=str(value))))
                return None
        if moment > self.latest:
            problems.append(("received_at", _("{at} is in the future").format(at=moment.isoformat(timespec="minutes"))))
            return None
        if moment < self.earliest:
            problems.append(
                (
                    "received_at",
                    _("{at} is more than {years} years ago").format(
                        at=moment.isoformat(timespec="minutes"), years=engine.RECEIVED_AT_MOST_AGO_YEARS
                    ),
                )
            )
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


def import_batch(
    rt: Runtime,
    stream: IO[bytes],
    *,
    fmt: str,
    source: str,
    actor: str,
    default_sop: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    ignore_unknown: bool = False,
    progress: Callable[[int], None] | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Import complaints from an open binary stream: at most ``max_rows`` rows (default limits.ROWS).

    Raises:
        InputError: the file cannot be read, or its columns are wrong (unknown or missing).
        NotFoundError, DefinitionError: ``default_sop`` is not a usable SOP.
    """
    columns, rows = read_rows(stream, fmt, encoding, source, max_rows or limits.ROWS)
    if columns.unknown and not ignore_unknown:
        raise InputError(
            _("{source}: unknown columns: {names}").format(source=source, names=", ".join(columns.unknown)),
            _("known columns: {known}; or give --ignore-unknown").format(known=", ".join(COLUMN_ALIASES)),
        )
    needed = [c for c in REQUIRED if c not in columns.names]
    if "sop" not in columns.names and not default_sop:
        needed.append("sop")
    if needed:
        raise InputError(
            _("{source}: missing columns: {names}").format(source=source, names=", ".join(needed)),
            _("give --sop ID when the file has no sop column") if needed == ["sop"] else None,
        )

    from sopcli.store.models import Complaint, JournalEntry

    result = ImportResult(source=source, dry_run=dry_run)
    checker = _RowChecker(rt, default_sop, ignore_unknown)
    database = rt.database_to_try_on() if dry_run else rt.ready_database()
    try:
        with (
            database.transaction(write=True) as session,
            bulk_load(session.connection(), (Complaint.__tablename__, JournalEntry.__tablename__)) as defer_indexes,
        ):
            # A CSV's columns are its header's; a JSON record may name a number the first did not.
            numbered = "number" in columns.names or fmt not in ("csv", "tsv")
            writer = _Writer(rt, session, source, actor, numbered)
            checker.session = session
            if default_sop and isinstance(checker.sop(default_sop), (NotFoundError, DefinitionError)):
                raise checker.sop(default_sop)  # one error for the option, not one per row that relies on it
            recorded = writer.first_new_id - 1  # complaints already there (never deleted: the highest id counts them)
            for chunk in _chunks(rows, CHUNK_ROWS):
                records = []
                for row in chunk:
                    record, problems = checker.check(row)
                    if problems:
                        result.invalid += [
                            RowProblem(row.line, column, reason, row.values) for column, reason in problems
                        ]
                    elif record is not None:  # always, for a row without problems
                        records.append(record)
                result.rows += len(chunk)
                accepted, duplicates, repeats = writer.classify(records)
                result.duplicates += duplicates
                result.invalid += [RowProblem(r.line, "ref", reason, r.values) for r, reason in repeats]
                if accepted:
                    if result.imported + len(accepted) > recorded:
                        defer_indexes()  # the load outnumbers what was there: one rebuild at the end costs less
                    first, last = writer.insert(accepted)
                    result.first_number = result.first_number or first
                    result.last_number = last
                    result.imported += len(accepted)
                    if "status" in columns.names:
                        result.closed_in_source += sum(_closed_in_source(r.values.get("status")) for r in accepted)
                if progress:
                    progress(result.rows)
            result.invalid.sort(key=lambda p: p.line)
            if dry_run or (result.invalid and not skip_invalid):
                raise _Rollback
            result.committed = True
    except _Rollback:
        pass
    if result.committed and result.imported >= ANALYZE_AFTER_ROWS:
        with database.transaction(write=True) as session:
            complaints.analyze(session)  # the queue's plans read what the table now holds
    return result


class _Opening:
    """What every new case of one SOP version starts with, worked out once per import."""

    def __init__(self, sop, version_id: int, calendar, zone, to_database: Callable, received_at: datetime, actor: str):
        self.sop_id, self.sop_version, self.version_id = sop.id, sop.version, version_id
        self.zone, self.to_database = zone, to_database  # the office's zone (for the year); store.bulk.moment_parameter
        # New cases of one SOP differ only in their received-at and note (tests hold the
        # importer to engine.start), so one start gives the status, first step and allowance.
        started = engine.start(sop, received_at=received_at, actor=actor)
        self.status, self.first_step = started.state.status, started.state.current_step
        self.next_step = started.entry.next_step
        # The first step's allowance for each priority (its waktu_prioritas may tell them apart).
        self.allowances = {
            priority: engine.allowance(
                sop, engine.start(sop, received_at=received_at, actor=actor, priority=priority).state, calendar
            )
            for priority in PRIORITIES
        }
        self.by_priority = len(set(self.allowances.values())) > 1
        self.hours = engine.hours_for(sop.steps[0], calendar)  # the first step's standard counts from receipt
        self.moments: dict[tuple, tuple] = {}  # see moment()

    def due_at(self, received_at: datetime, priority: str | None) -> datetime | None:
        """engine.due_at of a case of ``priority`` (None: the priorities share one) that started at ``received_at``."""
        allowance = self.allowances[priority or PRIORITIES[0]]
        return None if allowance is None else self.hours.add(received_at, allowance)

    def moment(self, key: tuple) -> tuple[int, Any, str, Any]:
        """For a received-at (``key[0]``) and a priority (``key[3]``, None where the first step's standard is
        the same for all): its local year, its database value, its hashed text, and the database value of the
        first step's deadline. Remembered by ``key``: rows share moments."""
        if len(self.moments) >= MEMO_SIZE:
            self.moments.clear()
        received = key[0]
        known = self.moments[key] = (
            received.astimezone(self.zone).year,
            self.to_database(received),
            canonical_moment(received),
            self.to_database(self.due_at(received, key[3])),
        )
        return known


# received_fields' keys, sorted as canonical JSON sorts them (a test holds this to sorted()).
_FIELD_KEYS = ("channel", "host", "priority", "ref", "reporter", "sop", "sop_version", "source", "system", "unit")
# Their JSON objects with every value present, as %-templates (cheaper than str.format with ten arguments).
_HASHED_FIELDS = "{" + ",".join(f'"{k}":%s' for k in _FIELD_KEYS) + "}"
_STORED_FIELDS = "{" + ", ".join(f'"{k}": %s' for k in _FIELD_KEYS) + "}"


def received_fields_json(record: _Record, opening: _Opening, source: str) -> tuple[str, str]:
    """``received_fields`` of a record as (canonical JSON for the hash, JSON as stored), in one pass.

    The same texts as ``journal.canonical_fields`` and ``json.dumps(..., ensure_ascii=False,
    sort_keys=True)`` of ``received_fields(sop, record, source)`` (a test holds them together).
    """
    _line, _sop, _at, ref, reporter, unit, system, host, channel, priority, _description, _values = record
    values = (channel, host, priority, ref, reporter, opening.sop_id, opening.sop_version, source, system, unit)
    if all(values):
        encoded = tuple(map(json_string, values))
        return _HASHED_FIELDS % encoded, _STORED_FIELDS % encoded
    present = [(key, json_string(value)) for key, value in zip(_FIELD_KEYS, values) if value]  # empty ones are left out
    return (
        "{" + ",".join([f'"{k}":{v}' for k, v in present]) + "}",
        "{" + ", ".join([f'"{k}": {v}' for k, v in present]) + "}",
    )


class _Writer:
    """Bulk inserts of complaints and their ``received`` journal entries, chained in order."""

    def __init__(self, rt: Runtime, session, source: str, actor: str, numbered: bool):
        self.rt, self.session, self.source, self.actor = rt, session, source, actor
        self.numbered = numbered  # rows may have a number (sop's own export): see _exported_here
        journal.lock(session)
        self.now = rt.now()  # the entries' recorded-at, read under the lock (on PostgreSQL, the lock is this one)
        self.moment = moment_parameter(session.connection().dialect)
        self.first_new_id = complaints.last_id(session) + 1
        self.next_id = self.first_new_id
        self.head = journal.head(session)
        self.serials: dict[int, int] = {}
        self.openings: dict[str, _Opening] = {}  # by SOP digest
        self.calendars: dict[str, Any] = {}  # by SOP id: the first version seen decides

    def _opening(self, record: _Record) -> _Opening:
        sop = record.sop.definition
        calendar = self.calendars.get(sop.id) or self.calendars.setdefault(sop.id, self.rt.calendar_for(sop))
        version_id = _pinned_version(self.session, record.sop, self.now).id
        opening = self.openings[record.sop.digest] = _Opening(
            sop, version_id, calendar, self.rt.zone, self.moment, record.received_at, self.actor
        )
        return opening

    def classify(self, records: list[_Record]) -> tuple[list[_Record], int, list[tuple[_Record, str]]]:
        """(to insert, duplicates of earlier imports, rows repeating a ref of this file)."""
        refs = [r.ref for r in records]
        existing = complaints.with_refs(self.session, refs)
        if not existing and not self.numbered and len(set(refs)) == len(refs):
            return records, 0, []  # the usual chunk: every ref new, none twice, no export's numbers to match
        exported_here = self._exported_here([r for r in records if r.ref not in existing])
        accepted, duplicates, repeats = [], 0, []
        seen_here: dict[str, int] = {}
        for record in records:
            if record.ref in seen_here:
                repeats.append(
                    (record, _("ref {ref!r} repeats line {line}").format(ref=record.ref, line=seen_here[record.ref]))
                )
            elif record.line in exported_here:
                duplicates += 1
            elif record.ref in existing:
                complaint_id, number = existing[record.ref]
                if complaint_id >= self.first_new_id:
                    repeats.append(
                        (
                            record,
                            _("ref {ref!r} repeats an earlier row of this file ({number})").format(
                                ref=record.ref, number=number
                            ),
                        )
                    )
                else:
                    duplicates += 1
            else:
                seen_here[record.ref] = record.line
                accepted.append(record)
        return accepted, duplicates, repeats

    def _exported_here(self, records: list[_Record]) -> set[int]:
        """The lines of rows that are this database's own complaints, read back from its export.

        A complaint recorded without a ref is exported with its number and no ref. Its row is
        the same complaint when this database has that number with the same received-at and
        description; a number alone could be another office's complaint, imported as new.
        """
        numbered: dict[str, list[_Record]] = {}
        for record in records:
            number = record.values.get("number")
            if type(number) is str and number.strip():
                numbered.setdefault(number.strip().upper(), []).append(record)
        same: set[int] = set()
        for number, stored, description in complaints.received_with_numbers(self.session, list(numbered)):
            same.update(
                r.line
                for r in numbered[number]
                if r.description == description.strip() and abs(r.received_at.astimezone(UTC) - stored) < SAME_MOMENT
            )
        return same

    def _serial_base(self, year: int) -> int:
        return complaints.last_serial(self.session, year)

    def insert(self, records: list[_Record]) -> tuple[str, str]:
        actor, source, serials, openings = self.actor, self.source, self.serials, self.openings
        complaint_id = self.next_id
        rows, entries = [], []
        for record in records:
            line, loaded, received, ref, reporter, unit, system, host, channel, priority, description, _values = record
            opening = openings.get(loaded.digest) or self._opening(record)
            # Equal moments may differ in zone or fold (and so in wall-clock arithmetic): the key
            # keeps them apart. Zones other than the standard library's by identity (not all
            # hash); the datetime in a key keeps its zone alive, so the id is never another's.
            zone = received.tzinfo
            key = (
                received,
                received.fold,
                zone if type(zone) in _STANDARD_ZONES else id(zone),
                priority if opening.by_priority else None,
            )
            year, at, at_text, due = opening.moments.get(key) or opening.moment(key)
            serial = serials[year] = (serials[year] if year in serials else self._serial_base(year)) + 1
            number = f"{NUMBER_PREFIX}-{year}-{serial:05d}"
            rows.append(
                (
                    complaint_id,
                    number,
                    year,
                    serial,
                    ref,
                    opening.version_id,
                    opening.sop_id,
                    description,
                    reporter,
                    unit,
                    system,
                    host,
                    channel,
                    priority,
                    at,
                    opening.status,
                    opening.first_step,
                    at,
                    due,
                    None,
                    0.0,
                    0.0,
                    "{}",
                    "{}",  # a case at its first step has passed no step yet
                    at,
                    None,
                    None,
                    None,
                    actor,
                    1,
                    "[]",  # no fork yet: no branches
                    "[]",  # ... and no sign-offs
                    at if opening.status == Status.OPEN else None,  # sop notify tells the first step's pelaksana
                )
            )
            hashed_fields, stored_fields = received_fields_json(record, opening, f"{source}:{line}")
            entries.append(
                (complaint_id, number, hashed_fields, stored_fields, actor, at, at_text, description, opening.next_step)
            )
            complaint_id += 1
        complaints.insert_many(self.session, rows)
        self.head = journal.append_received(self.session, self.head, self.now, entries)
        self.next_id = complaint_id
        return rows[0][1], rows[-1][1]
