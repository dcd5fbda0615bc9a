"""Interface language: Indonesian or English, through gettext catalogs.

Message ids are English; ``locale/id/LC_MESSAGES/sopcli.mo`` carries the
Indonesian. The language is chosen by ``--lang``, then ``SOP_LANG``, then the
configuration, then the locale; an office machine with no usable locale
(``C``/``POSIX``) speaks Indonesian, the users' language.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations | None = None
_language: str | None = None


def language_from_environment(configured: str | None = None) -> str:
    """``SOP_LANG``, then the configured language, then the locale's."""
    for candidate in (os.environ.get("SOP_LANG"), configured):
        if candidate:
            return normalise_language(candidate)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def normalise_language(value: str) -> str:
    """``id_ID.UTF-8`` → ``id``; anything that is not English is Indonesian."""
    return "en" if value.strip().lower().startswith("en") else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Switch every later message to ``language`` (``id`` or ``en``)."""
    global _translation, _language
    _language = normalise_language(language)
    _translation = gettext.translation("sopcli", _LOCALE_DIR, languages=[_language], fallback=True)


def current_language() -> str:
    if _language is None:
        set_language(language_from_environment())
    return _language  # type: ignore[return-value]


def _(message: str) -> str:
    """Translate ``message`` into the interface language."""
    if _translation is None:
        set_language(language_from_environment())
    return _translation.gettext(message)  # type: ignore[union-attr]


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (a table's label, translated where it is shown)."""
    return message


# Indonesian writes 54.000 and 3,5; English 54,000 and 3.5 (the two separators swap).
_INDONESIAN_SEPARATORS = str.maketrans({",": ".", ".": ","})


def format_number(value: float, decimals: int | None = None) -> str:
    """A number for people in the interface language: ``54.000`` and ``3,5`` in Indonesian, ``54,000`` and ``3.5``
    in English. ``decimals`` fixes the digits after the point; by default a whole number has none and any other
    up to two. Files for machines (CSV, JSON) keep the number itself.
    """
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif isinstance(value, int) or float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.translate(_INDONESIAN_SEPARATORS) if current_language() == "id" else text
