"""Reading and writing the complaint files people really have.

CSV/TSV (UTF-8 with or without BOM, ``,``/``;``/tab detected, CRLF, quoted
multi-line cells), JSON (an array of objects), JSON Lines, and ``.xlsx``
(openpyxl, read-only: dates come as the cells hold them). Rows are streamed,
so memory does not grow with the file. Headers are matched by name,
case-insensitively, with the Indonesian names offices use.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sopcli.errors import InputError
from sopcli.i18n import _

FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx")

# Canonical column → the names it goes by (compared after normalising).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "ref": (
        "ref",
        "nomor referensi",
        "no referensi",
        "referensi",
        "nomor tiket",
        "no tiket",
        "tiket",
        "ticket",
        "external ref",
        "reference",
        "no surat",
        "nomor surat",
    ),
    "received_at": (
        "received at",
        "waktu diterima",
        "tanggal diterima",
        "tanggal",
        "waktu",
        "tgl",
        "tgl diterima",
        "date",
        "received",
        "timestamp",
        "tanggal laporan",
    ),
    "sop": ("sop", "sop id", "id sop", "kode sop"),
    "reporter": ("reporter", "pelapor", "nama pelapor"),
    "unit": ("unit", "unit kerja", "skpd", "opd", "skpd/opd", "instansi", "perangkat daerah"),
    "system": ("system", "sistem", "aplikasi", "layanan", "sistem/aplikasi"),
    "host": ("host", "node", "server"),
    "channel": ("channel", "saluran", "media"),
    "priority": ("priority", "prioritas"),
    "description": ("description", "uraian", "deskripsi", "keluhan", "permasalahan", "uraian gangguan", "masalah"),
}
# Columns our own export writes that an import can read back and ignore.
EXPORT_ONLY = ("number", "status", "current_step", "due_at", "closed_at", "resolution_minutes", "overall_on_time")

_ALIAS_LOOKUP = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
_ALIAS_LOOKUP.update({c.replace("_", " "): c for c in EXPORT_ONLY})


def normalise_header(name: Any) -> str:
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().lower().rstrip(":").replace("_", " ").replace(".", " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Row:
    """One record of the file: where it is (for messages) and its values by canonical column."""

    line: int  # the line (CSV), record (JSON) or sheet row (XLSX) where it starts
    values: dict[str, Any]


@dataclass(frozen=True)
class Columns:
    """How the file's headers map onto canonical columns."""

    mapping: dict[int, str]  # header position → canonical column
    unknown: list[str]
    names: dict[str, str]  # canonical column → the header as the file writes it


def map_headers(headers: Iterable[Any]) -> Columns:
    """Match headers to columns.

    Raises:
        InputError: two headers mean the same column.
    """
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    names: dict[str, str] = {}
    for position, raw in enumerate(headers):
        key = normalise_header(raw)
        if not key:
            continue
        column = _ALIAS_LOOKUP.get(key)
        if column is None:
            unknown.append(str(raw).strip())
            continue
        if column in names:
            raise InputError(
                _("columns {a!r} and {b!r} both mean {column}").format(
                    a=names[column], b=str(raw).strip(), column=column
                )
            )
        mapping[position] = column
        names[column] = str(raw).strip()
    return Columns(mapping, unknown, names)


def detect_format(path: str, given: str | None) -> str:
    """The file format from ``--format`` or the extension.

    Raises:
        InputError: unknown format, or none can be told (standard input without --format is CSV).
    """
    if given:
        if given.lower() not in FORMATS:
            raise InputError(
                _("unknown format {fmt!r}").format(fmt=given), _("choose {formats}").format(formats=", ".join(FORMATS))
            )
        return given.lower()
    if path == "-":
        return "csv"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("txt", "ndjson"):
        return "jsonl" if suffix == "ndjson" else "csv"
    raise InputError(
        _("cannot tell the format of {path}").format(path=path), _("give --format csv|tsv|json|jsonl|xlsx")
    )


def read_rows(
    stream: IO[bytes], fmt: str, encoding: str | None = None, source: str = ""
) -> tuple[Columns, Iterator[Row]]:
    """Open a table: its column mapping now, its rows lazily.

    Raises:
        InputError: the file cannot be read as ``fmt`` (bad encoding, bad JSON, not a workbook).
    """
    if fmt in ("csv", "tsv"):
        return _csv_rows(stream, "\t" if fmt == "tsv" else None, encoding, source)
    if fmt == "jsonl":
        return _jsonl_rows(stream, encoding, source)
    if fmt == "json":
        return _json_rows(stream, encoding, source)
    return _xlsx_rows(stream, source)


def _text(stream: IO[bytes], encoding: str | None) -> io.TextIOWrapper:
    name = encoding or "utf-8-sig"  # utf-8-sig reads files with and without a BOM
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(_("unknown encoding {name!r}").format(name=name), _("for example --encoding cp1252")) from None
    return io.TextIOWrapper(stream, encoding=name, newline="")


def _decode_error(source: str, line: int, encoding: str | None) -> InputError:
    return InputError(
        _("{source}: line {line} is not valid {encoding} text").format(
            source=source, line=line, encoding=encoding or "UTF-8"
        ),
        _("give the file's encoding, e.g. --encoding cp1252"),
    )


def _csv_rows(stream: IO[bytes], delimiter: str | None, encoding: str | None, source: str):
    text = _text(stream, encoding)
    try:
        sample = text.read(64 * 1024)
    except UnicodeDecodeError as exc:
        raise _decode_error(source, _bad_byte_line(stream, encoding, 1 + _lines_before(exc)), encoding) from None
    if not sample.strip():
        raise InputError(_("{source} is empty").format(source=source))
    if delimiter is None:
        delimiter = _sniff_delimiter(sample)
    reader = csv.reader(_chain_text(sample, text), delimiter=delimiter)
    try:
        headers = next(reader)
    except csv.Error as exc:
        raise InputError(_("{source}: line 1: {error}").format(source=source, error=exc)) from None
    columns = map_headers(headers)

    def rows() -> Iterator[Row]:
        start = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _decode_error(source, _bad_byte_line(stream, encoding, reader.line_num + 1), encoding) from None
            except csv.Error as exc:
                raise InputError(
                    _("{source}: line {line}: {error}").format(source=source, line=start, error=exc)
                ) from None
            if "".join(record).strip():  # some cell is not blank
                values: dict[str, Any] = {
                    column: record[i] if i < len(record) else "" for i, column in columns.mapping.items()
                }
                if len(record) > len(headers) and any(cell.strip() for cell in record[len(headers) :]):
                    values["__extra__"] = len(record) - len(headers)
                yield Row(start, values)
            start = reader.line_num + 1

    return columns, rows()


def _bad_byte_line(stream: IO[bytes], encoding: str | None, fallback: int) -> int:
    """The line holding the first byte that is not valid ``encoding`` text.

    The text reader decodes ahead in chunks, so where it stood is not where the
    byte is; a seekable file is scanned again from the start to find it.
    """
    if not stream.seekable():
        return fallback
    decoder = codecs.getincrementaldecoder(encoding or "utf-8-sig")()
    stream.seek(0)
    newlines = 0
    while chunk := stream.read(1 << 16):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # exc.object is the decoder's pending bytes plus this chunk; both end at the chunk's end.
            before = exc.object[: exc.start]
            consumed = len(exc.object) - len(chunk)
            return newlines - exc.object[:consumed].count(b"\n") + before.count(b"\n") + 1
        newlines += chunk.count(b"\n")
    return fallback


def _lines_before(exc: UnicodeDecodeError) -> int:
    return exc.object[: exc.start].count(b"\n")


def _chain_text(sample: str, rest: io.TextIOWrapper) -> Iterator[str]:
    """Lines of the sample already read, then the rest of the stream (csv wants one iterable)."""
    buffered = io.StringIO(sample, newline="")
    pending = ""
    for line in buffered:
        if line.endswith(("\n", "\r")):
            yield pending + line
            pending = ""
        else:
            pending += line
    for line in rest:
        yield pending + line
        pending = ""
    if pending:
        yield pending


def _sniff_delimiter(sample: str) -> str:
    """The delimiter the header line uses; the body only breaks a tie.

    Headers rarely hold commas or semicolons, while descriptions are full of
    them, so the header line is the better witness than csv.Sniffer's guess.
    """
    header = sample.splitlines()[0] if sample.splitlines() else ""
    counts = {d: header.count(d) for d in ",;\t"}
    best = max(counts.values())
    winners = [d for d, n in counts.items() if n == best]
    if best and len(winners) == 1:
        return winners[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _jsonl_rows(stream: IO[bytes], encoding: str | None, source: str):
    text = _text(stream, encoding)
    lines = enumerate(text, start=1)
    first: tuple[int, dict] | None = None

    def parse(number: int, line: str) -> dict | None:
        if not line.strip():
            return None
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                _("{source}: line {line}: not JSON ({error})").format(source=source, line=number, error=exc.msg)
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                _("{source}: line {line}: each line must be a JSON object").format(source=source, line=number)
            )
        return record

    try:
        for number, line in lines:
            record = parse(number, line)
            if record is not None:
                first = (number, record)
                break
    except UnicodeDecodeError:
        raise _decode_error(source, _bad_byte_line(stream, encoding, 1), encoding) from None
    if first is None:
        raise InputError(_("{source} is empty").format(source=source))
    columns = map_headers(first[1].keys())

    def rows() -> Iterator[Row]:
        yield _keyed_row(first[0], first[1], columns)
        number = first[0]
        try:
            for number, line in lines:
                record = parse(number, line)
                if record is not None:
                    yield _keyed_row(number, record, map_headers(record.keys()))
        except UnicodeDecodeError:
            raise _decode_error(source, _bad_byte_line(stream, encoding, number + 1), encoding) from None

    return columns, rows()


def _keyed_row(line: int, record: dict, columns: Columns) -> Row:
    keys = list(record.keys())
    values = {column: record[keys[i]] for i, column in columns.mapping.items()}
    if columns.unknown:
        values["__unknown__"] = columns.unknown
    return Row(line, values)


def _json_rows(stream: IO[bytes], encoding: str | None, source: str):
    # A JSON array has to be parsed whole; use JSON Lines for very large batches.
    try:
        data = json.loads(stream.read().decode(encoding or "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _decode_error(source, 1 + _lines_before(exc), encoding) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            _("{source}: line {line}: not JSON ({error})").format(source=source, line=exc.lineno, error=exc.msg)
        ) from None
    if isinstance(data, dict):
        data = data.get("complaints", data.get("pengaduan"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(
            _('{source}: expected a JSON array of objects (or {{"complaints": [...]}})').format(source=source)
        )
    if not data:
        raise InputError(_("{source} is empty").format(source=source))
    columns = map_headers(data[0].keys())
    return columns, (_keyed_row(i, r, map_headers(r.keys())) for i, r in enumerate(data, start=1))


def _xlsx_rows(stream: IO[bytes], source: str):
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(_("{source} is not an .xlsx workbook ({error})").format(source=source, error=exc)) from None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header_row = 0
    headers: tuple = ()
    for header_row, values in enumerate(rows_iter, start=1):  # noqa: B007 (its last value numbers the rows after it)
        if any(v is not None and str(v).strip() for v in values):
            headers = values
            break
    if not headers:
        raise InputError(_("{source}: the first sheet is empty").format(source=source))
    columns = map_headers(headers)

    def rows() -> Iterator[Row]:
        for number, values in enumerate(rows_iter, start=header_row + 1):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            yield Row(number, {column: values[i] if i < len(values) else None for i, column in columns.mapping.items()})
        workbook.close()

    return columns, rows()


# --- writing -------------------------------------------------------------------


def write_rows(out: IO[bytes], fmt: str, columns: list[str], rows: Iterable[list[Any]], sheet: str = "data") -> int:
    """Write rows with a header in ``fmt`` (csv, json, jsonl, xlsx); returns how many were written."""
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(columns)
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, v) for v in row])
            count += 1
        workbook.save(out)
        return count
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        if fmt == "csv":
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if v is None else _text_cell(v) for v in row])
                count += 1
        elif fmt == "jsonl":
            for row in rows:
                text.write(json.dumps(dict(zip(columns, map(_json_cell, row))), ensure_ascii=False) + "\n")
                count += 1
        elif fmt == "json":
            text.write("[")
            for row in rows:
                text.write(
                    ("," if count else "")
                    + "\n  "
                    + json.dumps(dict(zip(columns, map(_json_cell, row))), ensure_ascii=False)
                )
                count += 1
            text.write("\n]\n")
        else:
            raise InputError(_("unknown format {fmt!r}").format(fmt=fmt))
    finally:
        text.flush()
        text.detach()
    return count


def _text_cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_cell(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(worksheet, value: Any) -> Any:
    # Excel has no time zones: callers pass office-local times, written as wall time and shown
    # with the zone's name (08:00 WIB), so a reader knows; the cell stays a date, read back as office time.
    if getattr(value, "tzinfo", None) is not None:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, value=value.replace(tzinfo=None))
        zone = (value.tzname() or "").replace('"', "")
        cell.number_format = f'yyyy-mm-dd hh:mm:ss "{zone}"' if zone else "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _XLSX_ILLEGAL.search(value):
        value = _XLSX_ILLEGAL.sub("\ufffd", value)  # control characters: a workbook cannot store them
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        return cell
    return value


def write_rejects(path: str, problems: Iterable[Any]) -> None:
    """The bad rows of an import, one per line with every reason, as a CSV to fix and import again.

    ``problems`` are the importer's row problems (``line``, ``column``, ``reason``, ``values``).
    The file is written whole or not at all.

    Raises:
        InputError: the file cannot be written.
    """
    from sopcli.files.output import output_file

    by_line: dict[int, tuple[dict, list[str]]] = {}
    for problem in problems:
        values, reasons = by_line.setdefault(problem.line, (problem.values, []))
        if problem.values and not values:
            by_line[problem.line] = (problem.values, reasons)
        reasons.append(f"{problem.column}: {problem.reason}" if problem.column else problem.reason)
    columns = list(COLUMN_ALIASES)
    with output_file(path) as out:
        writer = csv.writer(out)
        writer.writerow(["line", *columns, "reason"])
        for line, (values, reasons) in sorted(by_line.items()):
            writer.writerow(
                [line, *("" if values.get(c) is None else values.get(c) for c in columns), "; ".join(reasons)]
            )
