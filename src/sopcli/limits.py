"""Limits on everything that comes in: record texts, imported files, SOP files, configuration values.

The one place they are set, so the README's table of limits has one source.
Each limit is far above what an office writes, so nobody meets one by accident,
and low enough that a pasted file, a stuck key or a hostile file cannot make a
complaint no card can show (a 100,000-character description made a 5,000-column
``sop show``) or exhaust the machine (a 2 KB workbook whose only row is numbered
200,000,030,000; a 3 MB workbook that unpacks to gigabytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sopcli.errors import InputError
from sopcli.i18n import _, format_number

# A description (uraian) or a note: a long e-mail pasted whole is a few thousand characters.
TEXT = 10_000
# A person's, unit's or system's name: the longest unit names ("Dinas Kependudukan dan Pencatatan
# Sipil Kabupaten ...") are about 100 characters; a channel or priority is one word.
NAME = 200
# A letter or ticket number ("HKI.5-TI.04.02-123/DISKOMINFO/XI/2026" is 37).
REF = 100
# A host name: DNS allows at most 253 characters.
HOST = 253
# An operator name, recorded in every journal entry they write.
OPERATOR = 80

# --- imported files (``sop import``, ``sop verify --file``) -------------------------------------

# Rows in one file: an office records a few thousand complaints a year. ``sop import --max-rows`` raises it
# (a workbook's size limits below grow with it).
ROWS = 100_000
# A physical line of a CSV or JSON Lines file: a row of the longest texts above is about 12,000 characters.
LINE_CHARS = 1_000_000
# A JSON array is parsed whole (JSON Lines streams): its size in bytes, per row allowed (100 MB for ROWS).
JSON_BYTES_PER_ROW = 1_000
# A workbook (.xlsx, a zip of XML parts), checked before any part is parsed. What it unpacks to, per row
# allowed (a row of a real sheet is a few hundred bytes of XML, plus its texts in the shared strings).
XLSX_BYTES_PER_ROW = 4_096
# The shared strings part is read into memory whole, so it has its own limit, per row allowed.
XLSX_SHARED_STRINGS_PER_ROW = 2_048
# Whatever its rows, a workbook may unpack to this much (its styles and theme alone are tens of KB).
XLSX_BYTES_FLOOR = 1_000_000
# Unpacked size over packed size: XML compresses 5 to 20 times; a zip bomb a thousand times.
XLSX_RATIO = 100
# Parts below this size may compress better than XLSX_RATIO (a part of repeated empty styles): they are small.
XLSX_RATIO_FROM_BYTES = 1_000_000
# Parts in the archive: a workbook has about ten, one per sheet and a few more.
XLSX_PARTS = 1_000
# Consecutive empty rows after which a sheet is taken to have ended.
EMPTY_ROWS = 1_000

# --- SOP files (``sops validate``, ``sops add``, ``--sop FILE``) --------------------------------------

# An SOP file: the longest built-in is about 10 KB.
SOP_FILE_BYTES = 1_000_000
# Steps of one SOP: the national template's flowcharts have 5 to 20 activities.
SOP_STEPS = 500

# --- the configuration file ---------------------------------------------------------------------------

CONFIG_FILE_BYTES = 64_000
# A text value (office name, signer, database URL); an operator name has OPERATOR.
CONFIG_TEXT = 1_000
# Values in a list setting (extra closed days: a few a year; supervisor roles: a handful).
CONFIG_LIST_VALUES = 1_000


def size_text(count: int) -> str:
    """A byte count as people read it: 12 MB, 340 KB, 900 bytes."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:,.0f} MB"
    if count >= 1_000:
        return f"{count / 1_000:,.0f} KB"
    return _("{n} bytes").format(n=count)


# The complaint's own fields and a journal entry's texts (a --field value too), by name.
LIMITS: dict[str, int] = {
    "description": TEXT,
    "reporter": NAME,
    "unit": NAME,
    "system": NAME,
    "channel": NAME,
    "priority": NAME,
    "ref": REF,
    "host": HOST,
    "note": TEXT,
    "output": TEXT,
    "field": TEXT,
}


def _LONG_TEXT_HINT() -> str:
    return _("shorten it, or keep the whole text in a document and name it here")


def too_long(name: str, value: Any) -> str | None:
    """Why ``value`` is too long for the field ``name`` (one of LIMITS), or None when it fits."""
    limit = LIMITS[name]
    if type(value) is str and len(value) > limit:
        return _("{n} characters, more than the {limit} allowed").format(
            n=format_number(len(value)), limit=format_number(limit)
        )
    return None


def check_lengths(values: Mapping[str, Any]) -> None:
    """Refuse the first text longer than its field allows (fields without a limit are not looked at).

    Raises:
        InputError: a text is too long; the message names the field.
    """
    for name, value in values.items():
        reason = too_long(name, value) if name in LIMITS else None
        if reason:
            raise InputError(f"{name}: {reason}", _LONG_TEXT_HINT() if LIMITS[name] == TEXT else None)


def check_entry(entry: Any) -> None:
    """Refuse a journal entry whose note, output or a --field value is too long.

    Raises:
        InputError: a text is too long; the message names it.
    """
    check_lengths({"note": entry.note, "output": entry.output})
    for key, value in (entry.fields or {}).items():
        reason = too_long("field", value)
        if reason:
            raise InputError(f"--field {key}: {reason}", _LONG_TEXT_HINT())
