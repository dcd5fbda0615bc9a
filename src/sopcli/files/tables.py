"""Reading and writing the complaint files people really have.

CSV/TSV (UTF-8 with or without BOM, ``,``/``;``/tab detected, CRLF, quoted
multi-line cells), JSON (an array of objects), JSON Lines, and ``.xlsx``
(openpyxl, read-only: dates come as the cells hold them). Rows are streamed,
so memory does not grow with the file. Headers are matched by name,
case-insensitively, with the Indonesian names offices use.

Everything read is bounded (``sopcli.limits``): rows per file, the length of a
line, a JSON array's size, and a workbook's archive, checked before any of its
XML is parsed. A file over a limit is refused with one line naming it.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from sopcli import limits
from sopcli.errors import InputError
from sopcli.files.formulas import neutralised, restored
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

# The header of sop's own complaint export and of an import's rejects file, as written: a CSV with one
# of them is sop's own, and its text cells are read back through formulas.restored.
COMPLAINT_COLUMNS = [*COLUMN_ALIASES, "number", "status", "current_step", "due_at", "closed_at"]
REJECTS_COLUMNS = ["line", *COLUMN_ALIASES, "reason"]

_ALIAS_LOOKUP = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
_ALIAS_LOOKUP.update({c.replace("_", " "): c for c in EXPORT_ONLY})


def normalise_header(name: Any) -> str:
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().lower().rstrip(":").replace("_", " ").replace(".", " ")
    return " ".join(text.split())


class Row(NamedTuple):
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
    stream: IO[bytes], fmt: str, encoding: str | None = None, source: str = "", max_rows: int = limits.ROWS
) -> tuple[Columns, Iterator[Row]]:
    """Open a table: its column mapping now, its rows lazily (at most ``max_rows`` of them).

    Raises:
        InputError: the file cannot be read as ``fmt`` (bad encoding, bad JSON, not a workbook), or is
            over a limit (now, or while its rows are read).
    """
    if fmt in ("csv", "tsv"):
        columns, rows = _csv_rows(stream, "\t" if fmt == "tsv" else None, encoding, source)
    elif fmt == "jsonl":
        columns, rows = _jsonl_rows(stream, encoding, source)
    elif fmt == "json":
        columns, rows = _json_rows(stream, encoding, source, max_rows)
    else:
        columns, rows = _xlsx_rows(stream, source, max_rows)
    return columns, _at_most(rows, max_rows, source)


def _more_rows_hint() -> str:
    return _("split the file, or give --max-rows N")


def _at_most(rows: Iterator[Row], max_rows: int, source: str) -> Iterator[Row]:
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise InputError(_("{source} has more than {n} rows").format(source=source, n=max_rows), _more_rows_hint())
        yield row


def _bounded_lines(text: IO[str], source: str, first: int = 1) -> Iterator[str]:
    """The lines of ``text``, refusing one longer than limits.LINE_CHARS (a file of one endless line)."""
    for number in itertools.count(first):
        line = text.readline(limits.LINE_CHARS + 1)
        if not line:
            return
        if len(line) > limits.LINE_CHARS:
            raise InputError(
                _("{source}: line {line} is longer than {n} characters").format(
                    source=source, line=number, n=limits.LINE_CHARS
                ),
                _("is it a CSV or JSON Lines file? give --format"),
            )
        yield line


# Byte-order marks and the codec that reads past them; UTF-32's before UTF-16's, which it begins with.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(stream: IO[bytes]) -> str | None:
    """The encoding a file's byte-order mark announces (Excel's "Unicode Text" is UTF-16 with one), or None.

    The stream is left where it was: a buffered file or standard input is peeked, any other
    stream must be seekable (one that is neither is read as UTF-8).
    """
    if hasattr(stream, "peek"):
        head = stream.peek(4)[:4]
    elif stream.seekable():
        where = stream.tell()
        head = stream.read(4)
        stream.seek(where)
    else:
        return None
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


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


# A quoted cell may run over at most this many lines. The longest text a row holds, a description,
# is at most 10,000 characters (sopcli.limits): pasted from an e-mail or a log, that is a few dozen
# lines, 200 at the very most (50 characters a line). A quote left open is caught within this many
# lines, so the lines after it are read again as rows of their own and never swallowed whole.
MAX_CELL_LINES = 200


class _Broken(Exception):
    """A quoted cell runs past MAX_CELL_LINES lines."""


class _Lines:
    """The file's physical lines for csv.reader, numbered, with the current record's lines kept.

    A record that cannot be read is rejected at its first line and reading goes on at its
    second: the lines it had taken are handed out again (``reread``), so an unclosed quote
    costs one row, never the rows after it.
    """

    __slots__ = ("again", "number", "source", "start", "taken")

    def __init__(self, source: Iterator[str]):
        self.source = source
        self.again: list[str] = []  # lines to hand out again, last first
        self.taken: list[str] = []  # the lines of the record being read
        self.start = 1  # the line it starts on
        self.number = 1  # the line handed out next

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.again.pop() if self.again else next(self.source)
        taken = self.taken
        taken.append(line)
        if len(taken) > MAX_CELL_LINES:
            raise _Broken
        self.number += 1
        return line

    def begin(self) -> None:
        self.taken = []
        self.start = self.number

    def reread(self) -> None:
        """Go back to the line after the current record's first."""
        self.again.extend(reversed(self.taken[1:]))
        self.number = self.start + 1


def _csv_rows(stream: IO[bytes], delimiter: str | None, encoding: str | None, source: str):
    encoding = encoding or _bom_encoding(stream)
    text = _text(stream, encoding)
    try:
        sample = text.read(64 * 1024)
    except UnicodeDecodeError as exc:
        raise _decode_error(source, _bad_byte_line(stream, encoding, 1 + _lines_before(exc)), encoding) from None
    if not sample.strip():
        raise InputError(_("{source} is empty").format(source=source))
    if delimiter is None:
        delimiter = _sniff_delimiter(sample)
    lines = _Lines(_chain_text(sample, text, source))
    # strict: a quote closing a cell must be followed by the delimiter or the line's end, and the
    # file must not end inside a quoted cell (a lenient reader runs such a cell on to the end).
    reader = csv.reader(lines, delimiter=delimiter, strict=True)

    def record() -> list[str] | tuple[int | None, str] | None:
        """The next record's cells; (where, what) when it cannot be read; None at the end."""
        lines.begin()
        try:
            return next(reader)
        except StopIteration:
            return None
        except UnicodeDecodeError:
            raise _decode_error(source, _bad_byte_line(stream, encoding, lines.number), encoding) from None
        except (csv.Error, _Broken):
            return _record_error(lines.taken, delimiter, lines.start)

    first = record()
    while first == []:  # blank lines before the header
        first = record()
    if first is None:
        raise InputError(_("{source} is empty").format(source=source))
    if isinstance(first, tuple):
        raise InputError(_("{source}: line {line}: {error}").format(source=source, line=lines.start, error=first[1]))
    headers = first
    width = len(headers)
    columns = map_headers(headers)
    mapping = columns.mapping.items()
    own = [h.strip() for h in headers] in (COMPLAINT_COLUMNS, REJECTS_COLUMNS)
    names = list(columns.mapping.values())
    positions = list(columns.mapping)
    # A row's known cells in mapping order, as a tuple (itemgetter of one position gives the cell itself).
    pick = operator.itemgetter(*positions) if len(positions) > 1 else (lambda cells: tuple(cells[i] for i in positions))

    def rows() -> Iterator[Row]:
        while True:
            cells = record()
            if cells is None:
                return
            start = lines.start
            values: dict[str, Any]
            if isinstance(cells, tuple):
                where, what = cells
                seen = _cells_of(lines.taken[0], delimiter)
                values = {column: _read_back(seen[i], own) if i < len(seen) else "" for i, column in mapping}
                values["__error__"] = (columns.mapping.get(where) if where is not None else None, what)
                lines.reread()
                yield Row(start, values)
            elif len(cells) == width and not own:  # the usual row: its cells picked and named in one pass
                if "".join(cells).strip():  # some cell is not blank
                    yield Row(start, dict(zip(names, pick(cells))))
            elif "".join(cells).strip():
                values = {column: _read_back(cells[i], own) if i < len(cells) else "" for i, column in mapping}
                if len(cells) != width:
                    values["__error__"] = (None, _cell_count(len(cells), width))
                yield Row(start, values)

    return columns, rows()


def _read_back(cell: str, own: bool) -> str:
    """A cell as written: in sop's own CSV, without the mark that kept a formula from running."""
    return restored(cell) if own else cell


def _cells_of(line: str, delimiter: str) -> list[str]:
    """The cells of one line of a row that cannot be read, as a lenient reader sees them (for the rejects file)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _cell_count(cells: int, width: int) -> str:
    if cells > width:
        return _("{n} more cells than the header has columns").format(n=cells - width)
    return _("{n} fewer cells than the header has columns").format(n=width - cells)


def _record_error(taken: list[str], delimiter: str, start: int) -> tuple[int | None, str]:
    """Why the record made of the lines ``taken`` (from line ``start``) cannot be read: (cell position, reason).

    The lines are read again character by character, as the strict csv reader reads them, to say where.
    """
    cell, quoted, fresh, opened = 0, False, True, (0, start, 1)
    for row, text in enumerate(taken[:MAX_CELL_LINES]):  # a line past the limit was never read into the record
        i = 0
        while i < len(text):
            ch = text[i]
            if quoted:
                if ch == '"':
                    if text.startswith('"', i + 1):  # "" inside a quoted cell
                        i += 2
                        continue
                    quoted = False
                    if text[i + 1 : i + 2] not in (delimiter, "\r", "\n", ""):
                        return cell, _(
                            "text after the quote that closes a cell, line {line} character {char} "
                            '(a quote inside a quoted cell is written twice: "")'
                        ).format(line=start + row, char=i + 2)
            elif ch == delimiter:
                cell, fresh = cell + 1, True
            elif ch == '"' and fresh:
                quoted, opened = True, (cell, start + row, i + 1)
            else:
                fresh = False
            i += 1
    cell, line, char = opened
    if quoted and len(taken) > MAX_CELL_LINES:
        return cell, _("the quote opened on line {line} character {char} is not closed within {n} lines").format(
            line=line, char=char, n=MAX_CELL_LINES
        )
    if quoted:
        return cell, _("the quote opened on line {line} character {char} is never closed").format(line=line, char=char)
    return None, _("a cell longer than {n} characters").format(n=csv.field_size_limit())


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


def _chain_text(sample: str, rest: io.TextIOWrapper, source: str) -> Iterator[str]:
    """Lines of the sample already read, then the rest of the stream (csv wants one iterable)."""
    lines = io.StringIO(sample, newline="").readlines()
    # The sample may end inside a line, or between the CR and the LF of a CRLF: that line goes on in the rest.
    pending = lines.pop() if lines and not lines[-1].endswith("\n") else ""
    yield from lines
    following = _bounded_lines(rest, source, len(lines) + 1)
    if pending:
        first = next(following, None)
        if first is None:
            yield pending
        elif pending.endswith("\r") and first != "\n":  # it did end with a lone CR
            yield pending
            yield first
        else:
            yield pending + first
    yield from following


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
    encoding = encoding or _bom_encoding(stream)
    text = _text(stream, encoding)
    lines = enumerate(_bounded_lines(text, source), start=1)
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
        except RecursionError:
            raise _too_deep(source, number) from None
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


def _too_deep(source: str, line: int | None = None) -> InputError:
    """Arrays or objects nested deeper than Python's parser goes: no complaint file is like that."""
    where = source if line is None else _("{source}: line {line}").format(source=source, line=line)
    return InputError(_("{where}: not readable JSON (nested too deeply)").format(where=where))


def _keyed_row(line: int, record: dict, columns: Columns) -> Row:
    keys = list(record.keys())
    values = {column: record[keys[i]] for i, column in columns.mapping.items()}
    if columns.unknown:
        values["__unknown__"] = columns.unknown
    return Row(line, values)


def _json_rows(stream: IO[bytes], encoding: str | None, source: str, max_rows: int):
    # A JSON array has to be parsed whole; use JSON Lines for very large batches.
    encoding = encoding or _bom_encoding(stream)
    allowed = max_rows * limits.JSON_BYTES_PER_ROW
    raw = stream.read(allowed + 1)
    if len(raw) > allowed:
        raise InputError(
            _("{source} is larger than the {size} a JSON array of {n} rows may be").format(
                source=source, size=limits.size_text(allowed), n=max_rows
            ),
            _("write it as JSON Lines (one object a line, read as it goes), or give --max-rows N"),
        )
    try:
        data = json.loads(raw.decode(encoding or "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _decode_error(source, 1 + _lines_before(exc), encoding) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            _("{source}: line {line}: not JSON ({error})").format(source=source, line=exc.lineno, error=exc.msg)
        ) from None
    except RecursionError:
        raise _too_deep(source) from None
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


def _xlsx_rows(stream: IO[bytes], source: str, max_rows: int):
    workbook = open_workbook(stream, source, max_rows, _more_rows_hint())
    filled = sheet_rows(workbook, source)
    first = next(filled, None)
    if first is None:
        workbook.close()
        raise InputError(_("{source}: the first sheet is empty").format(source=source))
    columns = map_headers(first[1])

    def rows() -> Iterator[Row]:
        for number, values in filled:
            yield Row(number, {column: values[i] if i < len(values) else None for i, column in columns.mapping.items()})
        workbook.close()

    return columns, rows()


def open_workbook(
    file: IO[bytes] | Path, source: str, max_rows: int, raise_hint: str, not_a_workbook: InputError | None = None
):
    """An .xlsx workbook opened read-only, once its archive is within the limits for ``max_rows`` rows.

    The archive's table of contents is checked before openpyxl parses any part: what the parts
    unpack to (zipfile never unpacks more than a part declares), their number, and how much
    smaller they are packed. ``raise_hint`` says how to allow a bigger workbook; ``not_a_workbook``
    is the error for a file that is none (by default one naming what is wrong).

    Raises:
        InputError: not a workbook, or over a limit.
    """
    from zipfile import BadZipFile, ZipFile
    from zlib import error as ZlibError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with ZipFile(file) as archive:
            parts = archive.infolist()
    except (BadZipFile, OSError, ValueError, EOFError) as exc:
        raise not_a_workbook or _not_a_workbook(source, exc) from None
    _check_archive(parts, source, max_rows, raise_hint)
    if not isinstance(file, Path):
        file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, ZlibError, *_BROKEN_PART) as exc:
        raise not_a_workbook or _not_a_workbook(source, exc) from None


def _not_a_workbook(source: str, exc: Exception) -> InputError:
    return InputError(_("{source} is not an .xlsx workbook ({error})").format(source=source, error=exc))


# What openpyxl raises on a part that is not the XML it expects (ParseError is a SyntaxError).
_BROKEN_PART = (KeyError, IndexError, TypeError, AttributeError, ValueError, SyntaxError, OSError, EOFError)


def _check_archive(parts: list, source: str, max_rows: int, raise_hint: str) -> None:
    genuine = _("if the workbook is genuine, save it as CSV and import that")
    if len(parts) > limits.XLSX_PARTS:
        raise InputError(
            _("{source} holds {n} parts, more than the {limit} a workbook sop reads may hold").format(
                source=source, n=len(parts), limit=limits.XLSX_PARTS
            ),
            genuine,
        )
    for part in parts:
        if part.file_size >= limits.XLSX_RATIO_FROM_BYTES and part.file_size > limits.XLSX_RATIO * part.compress_size:
            raise InputError(
                _(
                    "{source}: its part {name} unpacks {ratio} times its packed size, more than the {limit} of a "
                    "real workbook (a zip bomb?)"
                ).format(
                    source=source,
                    name=part.filename,
                    ratio=part.file_size // max(part.compress_size, 1),
                    limit=limits.XLSX_RATIO,
                ),
                genuine,
            )
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    allowed = max(max_rows * limits.XLSX_SHARED_STRINGS_PER_ROW, limits.XLSX_BYTES_FLOOR)
    if shared > allowed:
        raise InputError(
            _("{source}: its shared strings unpack to {size}, more than the {limit} allowed for {n} rows").format(
                source=source, size=limits.size_text(shared), limit=limits.size_text(allowed), n=max_rows
            ),
            raise_hint,
        )
    total = sum(p.file_size for p in parts)
    allowed = max(max_rows * limits.XLSX_BYTES_PER_ROW, limits.XLSX_BYTES_FLOOR)
    if total > allowed:
        raise InputError(
            _("{source} unpacks to {size}, more than the {limit} allowed for {n} rows").format(
                source=source, size=limits.size_text(total), limit=limits.size_text(allowed), n=max_rows
            ),
            raise_hint,
        )


def sheet_rows(workbook, source: str) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the first sheet's rows that hold something.

    A sheet ends at its declared dimension (openpyxl stops there) or at a run of limits.EMPTY_ROWS
    empty rows: openpyxl makes up every missing row before the next one, so a sheet whose one row
    is numbered 200,000,030,000 would be walked for hours. A row with a value after such a run is
    refused, never left out unsaid.

    Raises:
        InputError: a row with a value comes after a run of empty rows.
    """
    from zipfile import BadZipFile
    from zlib import error as ZlibError

    if not workbook.worksheets:  # a workbook part naming no sheet: nothing to read, said as for an empty file
        raise InputError(_("{source} has no worksheet").format(source=source))
    sheet = workbook.worksheets[0]
    empty, number = 0, 0
    read = enumerate(sheet.iter_rows(values_only=True), start=1)
    while True:
        try:
            number, values = next(read)
        except StopIteration:
            return
        except (BadZipFile, ZlibError, *_BROKEN_PART) as exc:
            raise InputError(
                _("{source}: the sheet cannot be read after row {row} ({error})").format(
                    source=source, row=number, error=exc
                )
            ) from None
        if any(v is not None and str(v).strip() for v in values):
            empty = 0
            yield number, values
            continue
        empty += 1
        if empty >= limits.EMPTY_ROWS:
            later = _next_filled_row(sheet, number)
            if later is not None:
                raise InputError(
                    _(
                        "{source}: row {row} comes after more than {n} empty rows, where sop stops reading a sheet"
                    ).format(source=source, row=later, n=limits.EMPTY_ROWS),
                    _("delete the empty rows above it"),
                )
            return


_SHEET_XML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _next_filled_row(sheet, after: int) -> int | None:
    """The number of the first row after ``after`` with a value, read from the sheet's XML without making up
    the missing rows (its size is bounded by the archive's limits)."""
    from xml.etree.ElementTree import iterparse

    row_tag, value_tags = _SHEET_XML + "row", (_SHEET_XML + "v", _SHEET_XML + "is")
    number = 0
    with sheet._get_source() as xml:  # openpyxl's own reader of the sheet's part
        for _event, element in iterparse(xml):
            if element.tag != row_tag:
                continue
            try:
                number = int(element.get("r") or number + 1)
            except ValueError:  # not a row number: no row sop reads
                element.clear()
                continue

            if number > after and any(child.tag in value_tags for cell in element for child in cell):
                return number
            element.clear()
    return None


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
                writer.writerow(["" if v is None else _text_cell(neutralised(v)) for v in row])
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
        writer.writerow(REJECTS_COLUMNS)
        for line, (values, reasons) in sorted(by_line.items()):
            cells = ("" if values.get(c) is None else values.get(c) for c in columns)
            writer.writerow([line, *map(neutralised, cells), neutralised("; ".join(reasons))])
