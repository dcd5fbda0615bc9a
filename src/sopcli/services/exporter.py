"""Export of complaints and of the journal, in the formats the import reads back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from sopcli import limits
from sopcli.domain.chain import HASHED_KEYS
from sopcli.domain.vocabulary import Status
from sopcli.errors import InputError, os_reason
from sopcli.files.tables import COMPLAINT_COLUMNS, write_rows
from sopcli.i18n import _
from sopcli.services.runtime import Runtime
from sopcli.services.sops import check_sop_filter

JOURNAL_COLUMNS = [*list(HASHED_KEYS), "prev_hash", "hash"]
EXPORT_FORMATS = ("csv", "json", "jsonl", "xlsx")


def export(
    rt: Runtime,
    what: str,
    out: IO[bytes],
    *,
    fmt: str,
    since: datetime | None = None,
    until: datetime | None = None,
    sop: str | None = None,
    status: Status | None = None,
    utc: bool = False,
) -> int:
    """Write complaints or journal entries to ``out``; returns how many.

    A journal export is a contiguous stretch of the chain, so that 'sop verify
    --file' can tell a missing entry: ``since``/``until`` bound when entries
    were recorded, and it cannot be narrowed to one SOP or status. Its times
    are in the office's zone, or in UTC with ``utc``, always with their offset.

    Raises:
        InputError: unknown kind or format; a journal export narrowed by SOP or status.
    """
    if what == "journal" and sop is not None:
        raise InputError(
            _("a journal export cannot be limited to one SOP: only the whole journal or a time range verifies"),
            _("leave out --sop; 'sop journal --sop ID' lists one SOP's entries"),
        )
    if what == "journal" and status is not None:
        raise InputError(_("--status is for exporting complaints, not the journal"), _("leave out --status"))
    if what == "complaints" and utc:  # an .xlsx date cell has no zone: the import reads it as office time
        raise InputError(_("--utc is for exporting the journal"), _("complaint times are in the office's zone"))
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            _("unknown format {fmt!r}").format(fmt=fmt), _("choose {formats}").format(formats=", ".join(EXPORT_FORMATS))
        )
    with rt.ready_database().transaction() as session:
        if what == "complaints":
            check_sop_filter(session, sop)
            return write_rows(
                out, fmt, COMPLAINT_COLUMNS, _complaint_rows(rt, session, since, until, sop, status), "pengaduan"
            )
        if what == "journal":
            rows = _journal_rows(session, since, until, UTC if utc else rt.zone)
            if fmt == "xlsx":
                rows = ([_xlsx_text(v) for v in row] for row in rows)
            return write_rows(out, fmt, JOURNAL_COLUMNS, rows, "jurnal")
    raise InputError(_("export complaints or journal, not {what!r}").format(what=what))


def _local(rt: Runtime, moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(rt.zone)


def _complaint_rows(rt, session, since, until, sop, status) -> Iterator[list[Any]]:
    from sopcli.store import complaints

    for c in complaints.received_between(session, since, until, sop, status):
        yield [
            c.ref,
            _local(rt, c.received_at),
            c.sop_id,
            c.reporter,
            c.unit,
            c.system,
            c.host,
            c.channel,
            c.priority,
            c.description,
            c.number,
            c.status,
            c.current_step,
            _local(rt, c.due_at),
            _local(rt, c.closed_at),
        ]


def _journal_rows(session, since, until, zone) -> Iterator[list[Any]]:
    """Entries in chain order, from the first recorded at or after ``since`` to the last recorded before ``until``
    (``journal.recorded_between``: a range of seq, so an export of a period verifies as a piece of the chain)."""
    from sopcli.store import journal

    # Journal times are ISO 8601 text with their offset (the office's, or UTC's), in every format:
    # the hashes are over the moment to the microsecond, while a spreadsheet date cell has no zone
    # and keeps only milliseconds.
    for e in journal.recorded_between(session, since, until):
        yield [
            e.seq,
            e.complaint_number,
            e.action,
            e.step,
            e.decision,
            json.loads(e.fields),
            e.actor,
            _iso_text(e.at, zone),
            _iso_text(e.recorded_at, zone),
            e.note,
            e.output,
            e.on_time,
            e.took_minutes,
            e.standard_minutes,
            e.next_step,
            e.prev_hash,
            e.hash,
        ]


def _iso_text(moment: datetime, zone) -> str:
    return moment.astimezone(zone).isoformat()


# A journal export's file name ending → how it is read.
_JOURNAL_FORMATS = {
    "csv": "csv",
    "txt": "csv",
    "tsv": "tsv",
    "json": "json",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "xlsx": "xlsx",
}


# OOXML's own escape for text a workbook cannot hold (ST_Xstring): a control character as _xHHHH_
# (carriage return too: XML reads CR LF back as LF), and the "_" before any literal "xHHHH" as _x005F_
# (even with no "_" after it: escaping the next character may put one there). Excel shows the text
# as it was; sop reads it back exactly.
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4})")
_XLSX_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_text(value: Any) -> Any:
    """A journal value as an .xlsx cell must hold it for the hash to come out the same."""
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and ("_" in value or _XLSX_UNSAFE.search(value)):
        return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def _xlsx_plain(value: Any) -> Any:
    return (
        _XLSX_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
        if isinstance(value, str) and "_x" in value
        else value
    )


def read_journal_export(path: str) -> Iterator[dict[str, Any]]:
    """Entries of an exported journal (csv, json, jsonl or xlsx), typed as the chain check needs.

    The file is opened and its header checked now; the entries are read as
    they are iterated. A header with the journal's columns and no entries
    is an export of nothing; a file with no header at all is an error.

    Raises:
        InputError: the file does not exist, cannot be read as its extension
            says, is empty, or lacks the journal's columns.
    """
    from pathlib import Path

    file = Path(path)
    if not file.exists():
        raise InputError(_("{path} does not exist").format(path=path), _("give the file 'sop export journal' wrote"))
    fmt = _JOURNAL_FORMATS.get(file.suffix.lower().lstrip("."))
    if fmt is None:
        raise InputError(
            _("cannot tell the format of {path}").format(path=path),
            _("a journal export is named .csv, .json, .jsonl or .xlsx"),
        )
    try:
        header, records = _open_journal(file, fmt)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InputError(
            _("cannot read the journal export {path}: {reason}").format(path=path, reason=_reason(exc))
        ) from None
    if header is not None:
        missing = [c for c in JOURNAL_COLUMNS if c not in header]
        if missing:
            raise InputError(
                _("{path}: the header lacks the journal columns {names}").format(path=path, names=", ".join(missing)),
                _("export it with 'sop export journal'"),
            )
    return _journal_entries(path, records)


def _open_journal(file, fmt: str) -> tuple[list[str] | None, Iterator[Any]]:
    """The header (None for JSON, whose records carry their keys) and the records, unchecked.

    Raises:
        InputError: the file is empty, or is not what its extension says.
        OSError, ValueError: it cannot be read or decoded.
    """
    path = str(file)
    if fmt == "xlsx":
        from sopcli.files.tables import open_workbook, sheet_rows

        # The chain check keeps one entry at a time, so a workbook's limits are those of the most rows
        # an import takes; a longer journal is exported as CSV or JSON Lines, read without limit.
        not_a_workbook = InputError(
            _("{path} is not a valid Excel workbook").format(path=path),
            _("if it holds CSV or JSON text, name it .csv or .json"),
        )
        workbook = open_workbook(file, path, limits.ROWS, _("export the journal as .csv or .jsonl"), not_a_workbook)
        rows = sheet_rows(workbook, path)
        first = next(rows, None)
        if first is None:
            raise InputError(_("{source} is empty").format(source=path))
        header = ["" if h is None else str(h) for h in first[1]]
        return header, (dict(zip(header, map(_xlsx_plain, r))) for _number, r in rows)
    if fmt in ("csv", "tsv"):
        import csv

        from sopcli.files.formulas import restored

        handle = file.open(encoding="utf-8-sig", newline="")
        reader = csv.DictReader(handle, delimiter="\t" if fmt == "tsv" else ",")
        if not reader.fieldnames or not "".join(reader.fieldnames).strip():
            handle.close()
            raise InputError(_("{source} is empty").format(source=path))
        # A journal export is always sop's own: its text cells come back without the formula mark.
        return list(reader.fieldnames), (
            {k: restored(v) if isinstance(v, str) else v for k, v in record.items()} for record in reader
        )
    text = file.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise InputError(_("{source} is empty").format(source=path))
    if fmt == "jsonl":
        return None, (json.loads(line) for line in text.splitlines() if line.strip())
    data = json.loads(text)
    if not isinstance(data, list):
        raise InputError(
            _("{path}: expected a JSON array of journal entries").format(path=path),
            _("export it with 'sop export journal'"),
        )
    return None, iter(data)


def _journal_entries(path: str, records: Iterator[Any]) -> Iterator[dict[str, Any]]:
    number = 0
    try:
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                raise InputError(
                    _("{path}: record {n} is not a journal entry").format(path=path, n=number),
                    _("export it with 'sop export journal'"),
                )
            missing = [c for c in JOURNAL_COLUMNS if c not in record]
            if missing:
                raise InputError(
                    _("{path}: record {n} lacks the journal columns {names}").format(
                        path=path, n=number, names=", ".join(missing)
                    ),
                    _("export it with 'sop export journal'"),
                )
            yield _typed(record)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(
            _("cannot read the journal export {path}: {reason}").format(path=path, reason=_reason(exc))
        ) from None


def _reason(exc: Exception) -> str:
    return os_reason(exc) if isinstance(exc, OSError) else str(exc)


def _typed(record: dict[str, Any]) -> dict[str, Any]:

    def moment(value):
        # ISO 8601 text (every export since journal times were written as text); a date cell of an
        # older .xlsx export comes back as a naive datetime in UTC, exact only to the millisecond.
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def optional(value, kind):
        if value is None or value == "":
            return None
        if kind is bool:
            return value if isinstance(value, bool) else str(value).lower() == "true"
        return kind(value)

    fields = record["fields"]
    return {
        **{
            k: (None if record[k] == "" else record[k])
            for k in ("complaint_number", "action", "step", "decision", "actor", "note", "output", "next_step")
        },
        "seq": int(record["seq"]),
        "fields": fields if isinstance(fields, dict) else json.loads(fields or "{}"),
        "at": moment(record["at"]),
        "recorded_at": moment(record["recorded_at"]),
        "on_time": optional(record["on_time"], bool),
        "took_minutes": optional(record["took_minutes"], float),
        "standard_minutes": optional(record["standard_minutes"], int),
        "prev_hash": str(record["prev_hash"]),
        "hash": str(record["hash"]),
    }
