"""What every use case needs: the database, the configuration, the clock, the operator."""

from __future__ import annotations

import getpass
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sopcli.config import Config
from sopcli.errors import InputError
from sopcli.i18n import _
from sopcli.limits import OPERATOR
from sopcli.services.terminal import Terminal


def _say_waiting() -> None:
    """One line on stderr while a writer waits for another command's lock (then it keeps waiting)."""
    import sys

    print(_("waiting for the logbook, in use by another command …"), file=sys.stderr, flush=True)


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from_environment() -> Callable[[], datetime]:
    """The real clock, or a fixed one from ``SOP_NOW`` (demos, training, reproducible tests)."""
    fixed = os.environ.get("SOP_NOW")
    if not fixed:
        return system_clock
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise InputError(_("SOP_NOW={value!r} is not an ISO 8601 time").format(value=fixed)) from None
    if moment.tzinfo is None:
        raise InputError(_("SOP_NOW needs a UTC offset, like 2026-11-20T08:00+07:00"))
    return lambda: moment


MAX_OPERATOR_NAME = OPERATOR


def operator_name(raw: str, source: str) -> str:
    """An operator name as recorded in the journal: ``raw`` without surrounding whitespace.

    ``source`` says where it came from (``--as``, ``SOP_OPERATOR``, ``NAME``) for the message.
    Spaces inside are kept ("Budi Santoso").

    Raises:
        InputError: blank, a control character or whitespace other than a space, or too long.
    """
    name = raw.strip()
    if (
        not name
        or len(name) > MAX_OPERATOR_NAME
        or any(unicodedata.category(ch) == "Cc" or (ch.isspace() and ch != " ") for ch in name)
    ):
        raise InputError(
            _("{source} {name!r} is not a usable operator name").format(source=source, name=raw),
            _(
                "use a name that is not blank, with no tabs, line breaks or other control characters, "
                "of at most {n} characters"
            ).format(n=MAX_OPERATOR_NAME),
        )
    return name


def default_operator(config: Config) -> str:
    """``SOP_OPERATOR``, then the configured operator, then the login name.

    Raises:
        InputError: the one that applies is not a usable operator name.
    """
    from sopcli.config import config_path

    if os.environ.get("SOP_OPERATOR"):
        return operator_name(os.environ["SOP_OPERATOR"], "SOP_OPERATOR")
    if config.operator:
        return operator_name(config.operator, f"{config_path()}: operator")
    try:
        return operator_name(getpass.getuser(), "login")
    except (KeyError, OSError):
        return "operator"


@dataclass
class Runtime:
    """The environment of one command run."""

    config: Config
    db_option: str | None = None
    clock: Callable[[], datetime] = system_clock
    terminal: Terminal = field(default_factory=Terminal)
    # Runs one of a step's checks (``integrations.probes.run``), given by the command line so that services
    # never import the network code and everyday commands never load it.
    prober: Callable[..., Any] | None = None

    @cached_property
    def database(self):
        from sopcli.store.database import Database, resolve_url

        database = Database(resolve_url(self.db_option, self.config.database_url))
        database.on_wait = _say_waiting
        return database

    def ready_database(self):
        """The database, checked to be at the current schema.

        A logbook that does not exist yet is made by the first write transaction;
        a read transaction there is refused (``NoLogbook``), so a command that
        only reads never creates one.
        """
        self.database.ensure_ready()
        return self.database

    def database_to_try_on(self):
        """For a dry run: ``ready_database()``, or when its file does not exist yet an empty
        database in memory at the newest schema, so that trying creates no file."""
        from sopcli.store.database import Database

        if self.database.path is None or self.database.path.exists():
            return self.ready_database()
        scratch = Database("sqlite://")
        scratch.ensure_ready()
        return scratch

    @property
    def saved_anything(self) -> bool:
        """Whether this run has committed a write (so an interrupt now cannot undo it)."""
        return "database" in self.__dict__ and self.database.commits > 0

    def close(self) -> None:
        """Release the database connections, if any were opened."""
        if "database" in self.__dict__:
            self.database.close()

    @cached_property
    def zone(self):
        return self.config.zone()

    @cached_property
    def office_calendar(self):
        from sopcli.worktime.holidays import HolidayCache, cache_directory

        return self.config.calendar(holidays_of=HolidayCache(cache_directory()))

    def calendar_for(self, sop):
        """The SOP's calendar: the office's, or 24x7. One instance each per run, so their memos last."""
        if sop.calendar == "24x7":
            return self._always_open_calendar
        return self.office_calendar

    @cached_property
    def _always_open_calendar(self):
        from sopcli.worktime.calendar import WorkingCalendar

        return WorkingCalendar.twenty_four_seven(self.zone)

    def now(self) -> datetime:
        return self.clock()

    def operator(self, given: str | None = None) -> str:
        """Who is acting: the one rule for every command that writes or filters by operator.

        With ``operator_from = "flag"`` (the default), ``--as`` (``given``), then SOP_OPERATOR, the
        configuration and the login name: anyone may name anyone. With ``"database-role"`` the
        PostgreSQL role the logbook is opened as, which the server vouches for: an ``--as`` or
        SOP_OPERATOR naming anyone else is refused.

        Raises:
            InputError: not a usable operator name; a name other than the database role; or
                ``database-role`` on a SQLite logbook, which has no roles.
        """
        if self.config.operator_from != "database-role":
            return operator_name(given, "--as") if given is not None else default_operator(self.config)
        if self.database.is_sqlite:
            raise InputError(
                _('operator_from = "database-role" needs a PostgreSQL logbook; a SQLite file has no roles'),
                _("sop config unset operator_from, or use a PostgreSQL logbook"),
            )
        role = self.database.session_user()
        named = [(given, "--as"), (os.environ.get("SOP_OPERATOR") or None, "SOP_OPERATOR")]
        for name, source in named:
            if name is not None and operator_name(name, source) != role:
                raise InputError(
                    _(
                        "{source} names {name}, but this logbook records the database role {role} as the operator"
                    ).format(source=source, name=name.strip(), role=role),
                    _("connect with {name}'s own database role, or leave out {source}").format(
                        name=name.strip(), source=source
                    ),
                )
        return role

    def parse_when(self, text: str | None) -> datetime:
        """A user's ``--at``/``--received-at``; ``None`` means now."""
        from sopcli.worktime.parse import parse_when

        if text is None:
            return self.now()
        return parse_when(text, self.zone, self.now())
