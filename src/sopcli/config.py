"""The configuration file: a small TOML file in the app directory (or ``SOP_CONFIG``).

Keys:
    database_url   SQLAlchemy URL or file path of the logbook
    timezone       WIB, WITA, WIT or an IANA name (default WIB)
    office_hours   per weekday, ``07:30-16:00``; a day left out is closed
                   (set one day at a time: ``office_hours.mon`` … ``office_hours.sun``)
    closed_days    extra closed days (ISO dates, sorted, no repeats) beyond national holidays
    operator       default operator name for ``--as``
    operator_from  who the operator is: ``flag`` (``--as``, SOP_OPERATOR, ``operator``, the login;
                   the default) or ``database-role`` (the PostgreSQL role the logbook is opened as)
    default_sop    the SOP ``sop new`` offers first (an id or a .toml file), used when ``--sop`` is not given
    language       interface language, ``id`` or ``en``
    enforce_roles  only operators holding a step's pelaksana role may complete it
    command_checks  false: a step's ``command`` checks are never run (ping, http and the rest still are)
    check_nameserver  the name server ``dns`` checks ask (HOST or HOST:PORT; default: /etc/resolv.conf's)
    supervisor_roles  with enforce_roles: the roles that may correct, undo, reopen and move a complaint
                   to another SOP (none set: any of the SOP's roles, as for cancelling)
    admin_role     with enforce_roles: the role that may add and remove operators and change their roles
                   (default ``admin``)
    office_name    the instansi named at the top of printed reports
    office_place   the town written above the signature (``Samarinda, 24 November 2026``)
    office_address the address under the office's name on a document's letterhead (kop surat)
    office_logo    an image file (PNG, JPEG, SVG) printed at the left of the kop surat
    signer_title   who signs printed reports (``Kepala Seksi Infrastruktur TIK``)
    signer_name    their name, and signer_nip their NIP (18 digits, spaces allowed)
    notify         where ``sop notify`` reaches a role, the head of office or a unit: a table of
                   name = Apprise URL (or a list of them); set one at a time: ``notify.kepala``
    reminders      when whoever acts on a step is reminded (default ``50%, 75%`` of its time standard;
                   ``1 jam``: an hour before the deadline); a step's own ``reminders`` replace them
    escalate_superior  when the superior (the role's ``atasan``) is told too (default ``100%``)
    escalate_head  when the head of office is told (default ``200%``)
    head_of_office the ``notify`` name the head of office is reached at (default ``kepala``)
    seal_digest_to the ``notify`` name each sealed day's digest is sent to (none: not sent)

The keys are the fields of ``Config``: ``key_names()`` lists them for help
texts and errors, so the list cannot drift. The file holds only the keys that
were set; ``unset`` removes one and its default applies again.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, time
from pathlib import Path

from sopcli import limits
from sopcli.errors import ConfigError, os_reason
from sopcli.i18n import _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# With enforce_roles: the role that may add and remove operators and change their roles.
DEFAULT_ADMIN_ROLE = "admin"
# Where the operator's name comes from (see services.runtime.Runtime.operator).
OPERATOR_SOURCES = ("flag", "database-role")
# The tables ``sop config set`` fills one entry at a time (``office_hours.mon``, ``notify.kepala``).
TABLE_KEYS = ("office_hours", "notify")
DEFAULT_REMINDERS = ("50%", "75%")
DEFAULT_OFFICE_HOURS = {
    "mon": "07:30-16:00",
    "tue": "07:30-16:00",
    "wed": "07:30-16:00",
    "thu": "07:30-16:00",
    "fri": "07:30-16:30",
}


@dataclass(frozen=True)
class Config:
    database_url: str | None = None
    timezone: str = "WIB"
    office_hours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OFFICE_HOURS))
    closed_days: tuple[str, ...] = ()
    operator: str | None = None
    operator_from: str = "flag"
    default_sop: str | None = None
    language: str | None = None
    enforce_roles: bool = False
    command_checks: bool = True
    check_nameserver: str | None = None
    supervisor_roles: tuple[str, ...] = ()
    admin_role: str = DEFAULT_ADMIN_ROLE
    office_name: str | None = None
    office_place: str | None = None
    office_address: str | None = None
    office_logo: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    signer_nip: str | None = None
    notify: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reminders: tuple[str, ...] = DEFAULT_REMINDERS
    escalate_superior: str | None = "100%"
    escalate_head: str | None = "200%"
    head_of_office: str = "kepala"
    seal_digest_to: str | None = None

    def zone(self):
        from sopcli.worktime.calendar import resolve_zone

        return resolve_zone(self.timezone)

    def calendar(self, holidays_of=None):
        """The office's working calendar; ``holidays_of`` (year → dates) replaces the ``holidays`` package."""
        from sopcli.worktime.calendar import WorkingCalendar

        hours = {WEEKDAYS.index(day): _parse_hours(day, span) for day, span in self.office_hours.items()}
        holidays = {} if holidays_of is None else {"holidays_of": holidays_of}
        return WorkingCalendar(
            tz=self.zone(),
            hours=hours,
            closed_days=frozenset(date.fromisoformat(d) for d in self.closed_days),
            **holidays,
        )


def _password_spans(url: str) -> list[tuple[int, int]]:
    """Where ``url`` holds a password: after ``user:`` up to the last ``@`` before the query, and each
    ``password=`` of the query.

    The last ``@``, not the first: a password typed with an unencoded ``@`` still ends at the host. A
    password may be percent-encoded or not; unencoded, it cannot hold ``?`` or ``#`` (no parser could
    tell where it ends).
    """
    spans = []
    start = url.find("://")
    query = url.find("?", start + 3 if start >= 0 else 0)
    before_query = url if query < 0 else url[:query]
    if start >= 0 and not url.startswith("/", start + 3):  # sqlite:///PATH has no one to log in as
        at = before_query.rfind("@")
        colon = before_query.find(":", start + 3, at) if at > start else -1
        if colon >= 0:
            spans.append((colon + 1, at))
    if query >= 0:
        for match in re.finditer(r"(?:^|&)password=([^&#]*)", url[query + 1 :], flags=re.IGNORECASE):
            spans.append((query + 1 + match.start(1), query + 1 + match.end(1)))
    return spans


def without_password(url: str) -> str:
    """A database URL fit to show: every password in it (``user:pass@``, ``?password=``) replaced by ``***``."""
    for begin, end in reversed(_password_spans(url)):
        url = url[:begin] + "***" + url[end:]
    return url


def passwords_in(url: str) -> set[str]:
    """The passwords ``url`` holds, as written and decoded: to blank them in a driver's message that echoes one."""
    from urllib.parse import unquote, unquote_plus

    written = {url[begin:end] for begin, end in _password_spans(url)}
    return {form for text in written for form in (text, unquote(text), unquote_plus(text)) if form}


def config_path() -> Path:
    override = os.environ.get("SOP_CONFIG")
    if override:
        return Path(override)
    import typer

    return Path(typer.get_app_dir("sopcli")) / "config.toml"


def key_names() -> list[str]:
    """Every key ``sop config set`` takes, in ``Config``'s order; office_hours as its weekdays."""
    shown = {"office_hours": f"office_hours.{WEEKDAYS[0]} … office_hours.{WEEKDAYS[-1]}", "notify": "notify.NAME"}
    return [shown.get(f.name, f.name) for f in fields(Config)]


def masked_address(url: str) -> str:
    """A notification address fit to show: its kind and host, never a password, token or chat id.

    ``mailtos://budi:rahasia@mail.go.id?to=x`` → ``mailtos://budi@mail.go.id/…``; ``tgram://123:ABC/456`` →
    ``tgram://***/…``: a host without a dot (a bot token) is a secret too.
    """
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        return "***"
    authority, _slash, tail = rest.partition("/")
    authority, _query, query = authority.partition("?")
    user, at, host = authority.rpartition("@")
    user = user.split(":", 1)[0]
    host_shown = host if ("." in host or host.startswith("localhost") or host.startswith("[")) else "***"
    shown = f"{scheme}://" + (f"{user}@" if at and user else "") + host_shown
    return shown + ("/…" if tail or query or _query else "")


def load(path: Path | None = None) -> Config:
    """Read and check the configuration; a missing file means the defaults.

    Raises:
        ConfigError: the file is not valid TOML or holds a bad value.
    """
    path = path or config_path()
    return _from_data(_read(path), path)


def _read(path: Path) -> dict:
    """The file's TOML as it is ({} for no file)."""
    try:
        if path.stat().st_size > limits.CONFIG_FILE_BYTES:
            raise ConfigError(
                _("the configuration {path} is larger than the {size} it may be").format(
                    path=path, size=limits.size_text(limits.CONFIG_FILE_BYTES)
                ),
                _("fix or remove the file"),
            )
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            _("cannot read the configuration {path}: {reason}").format(path=path, reason=_unreadable(exc)),
            _("fix or remove the file"),
        ) from exc


def _from_data(data: dict, path: Path) -> Config:
    config = Config()
    for key, value in data.items():
        config = _with(config, key, value, path)
    return config


def set_in_file(key: str, raw: str, path: Path | None = None) -> Path:
    """``sop config set``: one key changed, every other key of the file kept.

    Raises:
        ConfigError: unknown key, bad value, or a file that cannot be read.
    """
    path = path or config_path()
    data = _read(path)
    # The key's old value is not checked: setting a good value mends a bad one.
    config = set_value(_from_data({name: value for name, value in data.items() if name != key}, path), key, raw)
    return save(config, path, keys={*data, key.split(".", 1)[0]})


def unset_in_file(key: str, path: Path | None = None) -> tuple[Path, bool]:
    """``sop config unset``: ``key`` removed from the file, its default applying again.

    ``office_hours.sat`` removes that day (the office is closed then);
    ``office_hours`` brings back the default hours of every day.

    Returns:
        The file's path, and whether the key was set at all (if not, nothing is written).

    Raises:
        ConfigError: unknown key, a file that cannot be read, or no open day left.
    """
    path = path or config_path()
    _known_key(key)
    data = _read(path)
    top, _dot, day = key.partition(".")
    if day and top in data and not isinstance(data[top], dict):
        _from_data(data, path)  # the file's office_hours is no table: say so, as every command would
    if top not in data or (day and day not in data[top]):
        return path, False
    if day:
        data[top] = {name: span for name, span in data[top].items() if name != day}
        if not data[top] and top == "notify":
            del data[top]
        elif not data[top]:
            raise ConfigError(
                _("at least one weekday must be open"), _("sop config unset office_hours brings back the default hours")
            )
    else:
        del data[top]
    return save(_from_data(data, path), path, keys=set(data)), True


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


def _known_key(key: str, where: str = "") -> None:
    """Refuse a key no setting has (``office_hours.DAY`` only for a weekday)."""
    top, dot, day = key.partition(".")
    if top == "notify" and dot:
        if not day.strip() or len(day) > limits.CONFIG_TEXT:
            raise ConfigError(_("{where}notify.NAME needs a name, like notify.kepala").format(where=where))
        return
    if top == "office_hours" and dot:
        if day not in WEEKDAYS:  # checked here: closing a day that is not one would otherwise pass silently
            raise ConfigError(
                _("{where}bad value for {key}: {reason}").format(
                    where=where,
                    key=key,
                    reason=_("{day!r} is not one of {days}").format(day=day, days=", ".join(WEEKDAYS)),
                )
            )
        return
    if key not in {f.name for f in fields(Config)}:
        raise ConfigError(
            _("{where}unknown configuration key {key!r}").format(where=where, key=key),
            _("known keys: {keys}").format(keys=", ".join(key_names())),
        )


def set_value(config: Config, key: str, raw: str) -> Config:
    """``key`` (``office_hours.fri`` for one weekday) set from command-line text.

    An empty value is refused for every key: ``unset_in_file`` removes a setting.

    Raises:
        ConfigError: unknown key or bad value.
    """
    _known_key(key)
    if key == "office_hours":  # a whole table cannot be typed: one day at a time, as the README shows
        raise ConfigError(
            _("office_hours is set one day at a time"),
            _("for example: sop config set office_hours.mon 07:30-16:00 or sop config set office_hours.sat closed"),
        )
    value = raw.strip()
    if not value:  # one rule for every key, so an empty shell variable never wipes or half-sets a setting
        raise ConfigError(
            _("empty value for {key}").format(key=key),
            _("to remove the setting: sop config unset {key}").format(key=key),
        )
    if key == "notify":
        raise ConfigError(
            _("notify is set one name at a time"),
            _("for example: sop config set notify.kepala 'mailtos://user:password@mail.example.go.id'"),
        )
    if key.startswith("notify."):
        name = key.split(".", 1)[1].strip()
        return _with(config, "notify", {**config.notify, name: value.split()})
    if key == "reminders":  # thresholds, comma-separated
        return _with(config, key, [part.strip() for part in value.split(",") if part.strip()])
    if key.startswith("office_hours."):
        day = key.split(".", 1)[1]
        hours = dict(config.office_hours)
        if value.lower() in ("-", "closed", "tutup", "libur"):
            hours.pop(day, None)
        else:
            hours[day] = value
        return _with(config, "office_hours", hours)
    if key == "supervisor_roles":  # role keys, comma-separated
        roles = tuple(sorted({r.strip() for r in value.split(",") if r.strip()}))
        if not roles:
            raise ConfigError(
                _("empty value for {key}").format(key=key),
                _("to remove the setting: sop config unset {key}").format(key=key),
            )
        return _with(config, key, list(roles))
    if key == "closed_days":  # typed as anywhere else (31/12/2026 too), kept in the file as ISO dates
        from datetime import datetime

        from sopcli.errors import DateParseError
        from sopcli.worktime.parse import parse_day

        try:
            days = [parse_day(d, UTC, datetime.now(UTC)).isoformat() for d in value.split(",") if d.strip()]
        except DateParseError as exc:
            raise ConfigError(
                _("{where}bad value for {key}: {reason}").format(where="", key=key, reason=exc.message), exc.hint
            ) from None
        if not days:  # only commas: as empty as ''
            raise ConfigError(
                _("empty value for {key}").format(key=key),
                _("to remove the setting: sop config unset {key}").format(key=key),
            )
        return _with(config, key, days)
    if key in ("enforce_roles", "command_checks"):
        truthy = {
            "true": True,
            "yes": True,
            "ya": True,
            "1": True,
            "false": False,
            "no": False,
            "tidak": False,
            "0": False,
        }
        if value.lower() not in truthy:
            raise ConfigError(_("{key} is true or false, not {value!r}").format(key=key, value=raw))
        return _with(config, key, truthy[value.lower()])
    return _with(config, key, value)


def _with(config: Config, key: str, value, path: Path | None = None) -> Config:
    where = f"{path}: " if path else ""
    if "." in key:  # a dotted key in the file is no setting; only `sop config set` takes office_hours.DAY
        raise ConfigError(
            _("{where}unknown configuration key {key!r}").format(where=where, key=key),
            _("known keys: {keys}").format(keys=", ".join(key_names())),
        )
    _known_key(key, where)
    try:
        value = _checked(key, value)
        _within_limits(value)
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(_("{where}bad value for {key}: {reason}").format(where=where, key=key, reason=exc)) from exc
    return replace(config, **{key: value})


def _within_limits(value) -> None:
    """Refuse a text value or a list longer than any setting needs (a pasted file, a stuck key)."""
    texts = value if isinstance(value, (tuple, list)) else list(value.values()) if isinstance(value, dict) else [value]
    if isinstance(value, (tuple, list)) and len(value) > limits.CONFIG_LIST_VALUES:
        raise ValueError(
            _("{n} values, more than the {limit} allowed").format(n=len(value), limit=limits.CONFIG_LIST_VALUES)
        )
    for text in texts:
        if isinstance(text, str) and len(text) > limits.CONFIG_TEXT:
            raise ValueError(
                _("{n} characters, more than the {limit} allowed").format(n=len(text), limit=limits.CONFIG_TEXT)
            )


def _checked(key: str, value):
    if key == "office_hours":
        if not isinstance(value, dict):
            raise TypeError(_('a table of weekday = "07:30-16:00"'))
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
        days = set()
        for day in value:
            try:
                days.add(date.fromisoformat(str(day)).isoformat())
            except ValueError:
                raise ValueError(_("{value!r} is not a date like 2026-12-31").format(value=day)) from None
        return tuple(sorted(days))  # a day twice is one closed day
    if key == "notify":
        if not isinstance(value, dict):
            raise TypeError(_('a table of name = "Apprise URL"'))
        return {str(name): _addresses(name, urls) for name, urls in value.items()}
    if key == "reminders":
        if not isinstance(value, list):
            raise TypeError(_('a list of thresholds like ["50%", "75%", "1 jam"]'))
        return tuple(_threshold(str(text)) for text in value)
    if key in ("escalate_superior", "escalate_head"):
        return None if value is None else _threshold(str(value))
    if key == "supervisor_roles":
        if not isinstance(value, list) or not all(isinstance(r, str) and r.strip() for r in value):
            raise TypeError(_('a list of role keys like ["kabid", "kasi"]'))
        return tuple(sorted({r.strip() for r in value}))
    if key == "timezone":
        from sopcli.worktime.calendar import resolve_zone

        try:
            resolve_zone(str(value))
        except KeyError:
            raise ValueError(
                _("unknown time zone {name!r}: use WIB, WITA, WIT or a name like Asia/Makassar").format(name=value)
            ) from None
        return str(value)
    if key == "operator_from":
        if value not in OPERATOR_SOURCES:
            raise ValueError(
                _("choose {choices}, not {value!r}").format(choices=" or ".join(OPERATOR_SOURCES), value=value)
            )
        return value
    if key == "language":
        if value is not None and str(value).lower() not in ("id", "en"):
            raise ValueError(_("choose id or en"))
        return None if value is None else str(value).lower()
    if key in ("enforce_roles", "command_checks"):
        if not isinstance(value, bool):
            raise TypeError(_("true or false"))
        return value
    if key == "signer_nip" and value is not None:
        nip = str(value).strip()
        if problem := nip_problem(nip):
            raise ValueError(problem)
        return nip
    return None if value is None else str(value)


def nip_problem(text: str) -> str | None:
    """Why ``text`` is no NIP (Nomor Induk Pegawai: 18 digits, often written in groups, 19800101 200501 1 001);
    None if it is one. The signer's in the configuration and each operator's are held to it alike."""
    if re.fullmatch(r"[0-9]{18}", text.replace(" ", "")):
        return None
    return _("an NIP is 18 digits (spaces allowed, as in 19800101 200501 1 001), not {value!r}").format(value=text)


def _addresses(name, urls) -> tuple[str, ...]:
    """A ``notify`` entry's addresses: one URL, several separated by blanks, or a list of them."""
    listed = urls.split() if isinstance(urls, str) else urls
    if (
        not isinstance(listed, (list, tuple))
        or not listed
        or not all(isinstance(u, str) and "://" in u for u in listed)
    ):
        raise ValueError(
            _("notify.{name}: an Apprise URL like mailtos://… or tgram://…, or a list of them").format(name=name)
        )
    return tuple(listed)


def _threshold(text: str) -> str:
    from sopcli.errors import TimeParseError
    from sopcli.worktime.parse import parse_threshold

    try:
        return parse_threshold(text).text
    except TimeParseError as exc:
        raise ValueError(exc.message) from None


def _parse_hours(day: str, span: str) -> tuple[time, time]:
    try:
        opening, closing = (time.fromisoformat(part.strip().replace(".", ":")) for part in str(span).split("-"))
    except ValueError:
        raise ValueError(
            _("office_hours.{day} = {span!r}: write it like 07:30-16:00").format(day=day, span=span)
        ) from None
    if closing <= opening:
        raise ValueError(_("office_hours.{day}: closing comes before opening").format(day=day))
    return opening, closing


def dumps(config: Config, keys=None) -> str:
    """The configuration as TOML (flat strings, a list and one table: no writer library needed).

    ``keys`` limits it to those keys (what the file holds); by default every key, defaults included.
    """

    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def wanted(key: str) -> bool:
        return keys is None or key in keys

    lines = []
    for key in (
        "database_url",
        "timezone",
        "operator",
        "operator_from",
        "default_sop",
        "language",
        "office_name",
        "office_place",
        "office_address",
        "office_logo",
        "signer_title",
        "signer_name",
        "signer_nip",
        "check_nameserver",
        "escalate_superior",
        "escalate_head",
        "seal_digest_to",
    ):
        value = getattr(config, key)
        if value is not None and wanted(key):
            lines.append(f"{key} = {quote(value)}")
    if wanted("enforce_roles"):
        lines.append(f"enforce_roles = {'true' if config.enforce_roles else 'false'}")
    if wanted("command_checks") and not config.command_checks:
        lines.append("command_checks = false")
    if wanted("admin_role") and config.admin_role != DEFAULT_ADMIN_ROLE:
        lines.append(f"admin_role = {quote(config.admin_role)}")
    if wanted("head_of_office") and config.head_of_office != Config.head_of_office:
        lines.append(f"head_of_office = {quote(config.head_of_office)}")
    if wanted("reminders") and config.reminders != DEFAULT_REMINDERS:
        lines.append("reminders = [" + ", ".join(quote(r) for r in config.reminders) + "]")
    if wanted("supervisor_roles") and config.supervisor_roles:
        lines.append("supervisor_roles = [" + ", ".join(quote(r) for r in config.supervisor_roles) + "]")
    if wanted("closed_days"):
        lines.append("closed_days = [" + ", ".join(quote(d) for d in config.closed_days) + "]")
    if wanted("office_hours"):
        lines += [""] if lines else []
        lines.append("[office_hours]")
        lines += [f"{day} = {quote(config.office_hours[day])}" for day in WEEKDAYS if day in config.office_hours]
    if wanted("notify") and config.notify:
        lines += ["", "[notify]"] if lines else ["[notify]"]
        for name, urls in sorted(config.notify.items()):
            written = quote(urls[0]) if len(urls) == 1 else "[" + ", ".join(map(quote, urls)) + "]"
            lines.append(f"{quote(name)} = {written}")
    return "\n".join(lines) + "\n" if lines else ""


def save(config: Config, path: Path | None = None, keys=None) -> Path:
    """Write the configuration atomically (a half-written config never exists); ``keys`` as for ``dumps``."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)  # created anew below: owner-only from its first byte
    with os.fdopen(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w", encoding="utf-8") as out:
        out.write(dumps(config, keys))  # the file may hold a database password
    os.replace(temporary, path)
    return path


def password_exposed(config: Config, path: Path | None = None) -> Path | None:
    """The configuration file, if its database URL holds a password and others than its owner may read it."""
    if not config.database_url or not passwords_in(config.database_url):
        return None
    path = path or config_path()
    try:
        return path if path.stat().st_mode & 0o077 else None
    except OSError:
        return None
