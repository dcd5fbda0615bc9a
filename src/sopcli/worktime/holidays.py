"""Indonesia's national holidays and cuti bersama by year, remembered on disk between runs.

The dates come from the ``holidays`` package (country ID, categories public and
government). Loading it costs about 60 ms, a fifth of an everyday command, because
importing its country table imports every country; yet a year's dates never change
for one release of the package. So they are kept in a small JSON file in the user's
cache directory, named after that release, and the package is loaded only for a year
the file lacks. The file is only a shortcut: one that cannot be read or written is
ignored and the dates are computed as if it were not there.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import suppress
from datetime import date
from functools import cache
from importlib.util import find_spec
from pathlib import Path

CATEGORIES = ("public", "government")


@cache
def indonesian_holidays(year: int) -> frozenset[date]:
    """The year's holidays and cuti bersama, from the ``holidays`` package itself."""
    import holidays

    return frozenset(holidays.country_holidays("ID", years=year, categories=CATEGORIES))


def cache_directory() -> Path:
    """``$XDG_CACHE_HOME/sopcli``, by default ``~/.cache/sopcli``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sopcli"


def _release() -> str | None:
    """What names the installed ``holidays`` release, read without importing it (its version file)."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    try:
        version = (package / "version.py").read_bytes()
    except OSError:
        return None
    key = b"\0".join([version, str(package).encode(), ",".join(CATEGORIES).encode()])
    return hashlib.sha256(key).hexdigest()[:16]


class HolidayCache:
    """Holiday dates by year: from memory, else the cache file, else the ``holidays`` package."""

    def __init__(self, directory: Path):
        release = _release()
        self.path = None if release is None else directory / f"holidays-id-{release}.json"
        self._years: dict[int, frozenset[date]] | None = None

    def __call__(self, year: int) -> frozenset[date]:
        if self._years is None:
            self._years = self._read()
        dates = self._years.get(year)
        if dates is None:
            dates = self._years[year] = indonesian_holidays(year)
            self._write()
        return dates

    def _read(self) -> dict[int, frozenset[date]]:
        if self.path is None:
            return {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            return {int(year): frozenset(map(date.fromisoformat, days)) for year, days in stored.items()}
        except (OSError, ValueError, TypeError, AttributeError):  # missing, unreadable or not ours: start afresh
            return {}

    def _write(self) -> None:
        if self.path is None or self._years is None:
            return
        stored = {str(year): sorted(day.isoformat() for day in days) for year, days in sorted(self._years.items())}
        import tempfile

        with suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader running at the same time sees the old file or the new, whole.
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".holidays-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(stored, out, indent=0)
                os.replace(temporary, self.path)
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise
