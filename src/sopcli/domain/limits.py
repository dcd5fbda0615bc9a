"""How long the text of a record may be: the one place ``sop new``, notes, steps and imports read.

Each limit is far above what an office writes, so nobody meets one by accident,
and low enough that a pasted file or a stuck key cannot make a complaint that
no card, table or report can show (a 100,000-character description made a
5,000-column ``sop show``).
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
