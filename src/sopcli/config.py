"""The configuration file: a small TOML file in the app directory (or ``SOP_CONFIG``).

Keys:
    database_url   SQLAlchemy URL or file path of the logbook
    timezone       WIB, WITA, WIT or an IANA name (default WIB)
    office_hours   per weekday, ``07:30-16:00``; a day left out is closed
    closed_days    extra closed days (ISO dates) beyond national holidays
    operator       default operator name for ``--as``
    language       interface language, ``id`` or ``en``
    enforce_roles  only operators holding a step's pelaksana role may complete it
    office_name    the instansi named at the top of printed reports
    office_place   the town written above the signature (``Samarinda, 24 November 2026``)
    signer_title   who signs printed reports (``Kepala Seksi Infrastruktur TIK``)
    signer_name    their name, and signer_nip their NIP
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from pathlib import Path

from sopcli.errors import ConfigError, os_reason
from sopcli.i18n import _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_OFFICE_HOURS = {"mon": "07:30-16:00", "tue": "07:30-16:00", "wed": "07:30-16:00",
                        "thu": "07:30-16:00", "fri": "07:30-16:30"}


@dataclass(frozen=True)
class Config:
    database_url: str | None = None
    timezone: str = "WIB"
    office_hours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OFFICE_HOURS))
    closed_days: tuple[str, ...] = ()
    operator: str | None = None
    language: str | None = None
    enforce_roles: bool = False
    office_name: str | None = None
    office_place: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    signer_nip: str | None = None

    def zone(self):
        from sopcli.calendar import resolve_zone

        return resolve_zone(self.timezone)

    def calendar(self, holidays_of=None):
        """The office's working calendar; ``holidays_of`` (year → dates) replaces the ``holidays`` package."""
        from sopcli.calendar import WorkingCalendar

        hours = {WEEKDAYS.index(day): _parse_hours(day, span) for day, span in self.office_hours.items()}
        holidays = {} if holidays_of is None else {"holidays_of": holidays_of}
        return WorkingCalendar(tz=self.zone(), hours=hours,
                               closed_days=frozenset(date.fromisoformat(d) for d in self.closed_days), **holidays)


def without_password(url: str) -> str:
    """A database URL fit to show: any password replaced by ``***``."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def config_path() -> Path:
    override = os.environ.get("SOP_CONFIG")
    if override:
        return Path(override)
    import typer

    return Path(typer.get_app_dir("sopcli")) / "config.toml"


def load(path: Path | None = None) -> Config:
    """Read and check the configuration; a missing file means the defaults.

    Raises:
        ConfigError: the file is not valid TOML or holds a bad value.
    """
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("cannot read the configuration {path}: {reason}").format(path=path, reason=_unreadable(exc)),
                          _("fix or remove the file")) from exc
    config = Config()
    for key, value in data.items():
        config = _with(config, key, value, path)
    return config


def _unreadable(exc: Exception) -> str:
    """Why the configuration file cannot be read, in the interface language, with where it goes wrong."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, UnicodeDecodeError):
        return _("not UTF-8 text")
    # tomllib words its errors "Expected ... (at line 3, column 7)" or "... (at end of document)"
    place = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
    if place:
        return _("not valid TOML at line {line}, column {column}").format(line=place[1], column=place[2])
    return _("not valid TOML at the end of the file")


def set_value(config: Config, key: str, raw: str) -> Config:
    """``key`` (``office_hours.fri`` for one weekday) set from command-line text.

    Raises:
        ConfigError: unknown key or bad value.
    """
    if key.startswith("office_hours."):
        day = key.split(".", 1)[1]
        if day not in WEEKDAYS:  # checked here too: closing a day that is not one would otherwise pass silently
            raise ConfigError(_("{where}bad value for {key}: {reason}").format(
                where="", key=key, reason=_("{day!r} is not one of {days}").format(day=day, days=", ".join(WEEKDAYS))))
        hours = dict(config.office_hours)
        if raw.strip().lower() in ("", "-", "closed", "tutup", "libur"):
            hours.pop(day, None)
        else:
            hours[day] = raw.strip()
        return _with(config, "office_hours", hours)
    if key == "closed_days":  # typed as anywhere else (31/12/2026 too), kept in the file as ISO dates
        from datetime import datetime, timezone

        from sopcli.errors import DateParseError
        from sopcli.timeparse import parse_day

        try:
            days = [parse_day(d, timezone.utc, datetime.now(timezone.utc)).isoformat() for d in raw.split(",") if d.strip()]
        except DateParseError as exc:
            raise ConfigError(_("{where}bad value for {key}: {reason}").format(where="", key=key, reason=exc.message),
                              exc.hint) from None
        return _with(config, key, days)
    if key == "enforce_roles":
        truthy = {"true": True, "yes": True, "ya": True, "1": True, "false": False, "no": False, "tidak": False, "0": False}
        if raw.strip().lower() not in truthy:
            raise ConfigError(_("enforce_roles is true or false, not {value!r}").format(value=raw))
        return _with(config, key, truthy[raw.strip().lower()])
    return _with(config, key, raw.strip() or None)


def _with(config: Config, key: str, value, path: Path | None = None) -> Config:
    known = {f.name for f in fields(Config)}
    where = f"{path}: " if path else ""
    if key not in known:
        raise ConfigError(_("{where}unknown configuration key {key!r}").format(where=where, key=key),
                          _("known keys: {keys}").format(keys=", ".join(sorted(known)) + ", office_hours.mon … office_hours.sun"))
    try:
        value = _checked(key, value)
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(_("{where}bad value for {key}: {reason}").format(where=where, key=key, reason=exc)) from exc
    return replace(config, **{key: value})


def _checked(key: str, value):
    if key == "office_hours":
        if not isinstance(value, dict):
            raise TypeError(_("a table of weekday = \"07:30-16:00\""))
        for day, span in value.items():
            if day not in WEEKDAYS:
                raise KeyError(_("{day!r} is not one of {days}").format(day=day, days=", ".join(WEEKDAYS)))
            _parse_hours(day, span)
        if not value:
            raise ValueError(_("at least one weekday must be open"))
        return dict(value)
    if key == "closed_days":
        if not isinstance(value, list):
            raise TypeError(_("a list of dates like 2026-12-31"))
        for day in value:
            try:
                date.fromisoformat(str(day))
            except ValueError:
                raise ValueError(_("{value!r} is not a date like 2026-12-31").format(value=day)) from None
        return tuple(str(d) for d in value)
    if key == "timezone":
        from sopcli.calendar import resolve_zone

        try:
            resolve_zone(str(value))
        except KeyError:
            raise ValueError(_("unknown time zone {name!r}: use WIB, WITA, WIT or a name like Asia/Makassar").format(name=value)) from None
        return str(value)
    if key == "language":
        if value is not None and str(value).lower() not in ("id", "en"):
            raise ValueError(_("choose id or en"))
        return None if value is None else str(value).lower()
    if key == "enforce_roles":
        if not isinstance(value, bool):
            raise TypeError(_("true or false"))
        return value
    return None if value is None else str(value)


def _parse_hours(day: str, span: str) -> tuple[time, time]:
    try:
        opening, closing = (time.fromisoformat(part.strip().replace(".", ":")) for part in str(span).split("-"))
    except ValueError:
        raise ValueError(_("office_hours.{day} = {span!r}: write it like 07:30-16:00").format(day=day, span=span)) from None
    if closing <= opening:
        raise ValueError(_("office_hours.{day}: closing comes before opening").format(day=day))
    return opening, closing


def dumps(config: Config) -> str:
    """The configuration as TOML (flat strings, a list and one table: no writer library needed)."""

    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = []
    for key in ("database_url", "timezone", "operator", "language", "office_name", "office_place", "signer_title",
                "signer_name", "signer_nip"):
        value = getattr(config, key)
        if value is not None:
            lines.append(f"{key} = {quote(value)}")
    lines.append(f"enforce_roles = {'true' if config.enforce_roles else 'false'}")
    lines.append("closed_days = [" + ", ".join(quote(d) for d in config.closed_days) + "]")
    lines.append("")
    lines.append("[office_hours]")
    lines += [f"{day} = {quote(config.office_hours[day])}" for day in WEEKDAYS if day in config.office_hours]
    return "\n".join(lines) + "\n"


def save(config: Config, path: Path | None = None) -> Path:
    """Write the configuration atomically (a half-written config never exists)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(dumps(config), encoding="utf-8")
    os.replace(temporary, path)
    return path
