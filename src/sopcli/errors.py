"""Every error a user can see. The CLI turns these into one line on stderr.

Domain code raises these; nothing else is shown to the user without
``--debug``. Messages are already translated when raised.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses scripts can rely on."""

    OK = 0
    ERROR = 1  # bad input, invalid data, failed validation
    USAGE = 2  # click's own code for a malformed command line
    CONFLICT = 3  # the case moved on, duplicate ref: retrying as-is will not help
    BUSY = 4  # the database stayed locked past the retry budget: try again
    INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT, as shells report it
    BROKEN_PIPE = 141  # the reader of stdout went away: 128 + SIGPIPE, as shells report git's or cat's
    INTERNAL = 70  # a bug: please report with --debug output


class SopError(Exception):
    """Base for user-facing errors: a message and, where useful, what to do next."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(SopError):
    """A value given by the user cannot be understood."""


class TimeParseError(InputError):
    """A time standard or duration such as ``1-2 hari`` cannot be parsed."""


class DateParseError(InputError):
    """A date or time such as ``20/11/2026 08:15`` cannot be parsed."""


class NotFoundError(SopError):
    """A complaint, SOP or operator that does not exist."""


class DefinitionError(SopError):
    """An SOP definition file is invalid; ``problems`` lists every problem."""

    def __init__(self, message: str, problems: list | None = None, hint: str | None = None):
        super().__init__(message, hint)
        self.problems = problems or []


class ConflictError(SopError):
    """The action clashes with what is already recorded."""

    exit_code = ExitCode.CONFLICT


class CaseMovedOn(ConflictError):
    """Someone else advanced the case between reading and writing it."""


class NotPermitted(SopError):
    """The operator does not hold a role the SOP allows for this step."""


class ActionError(SopError):
    """The action is not allowed in the case's current state."""


class DatabaseError(SopError):
    """The database cannot be opened, is outdated, or is damaged."""


class DatabaseDamaged(DatabaseError):
    """The database file is damaged: SQLite finds it malformed, not a database, or cannot read it."""


class NoLogbook(DatabaseError):
    """A command that only reads was pointed at a logbook that does not exist (yet)."""


class DatabaseBusy(DatabaseError):
    """The database stayed locked by other writers past the retry budget."""

    exit_code = ExitCode.BUSY


class NotInstalled(SopError):
    """An optional part of sop (an extra such as ``sopcli[pdf]``) is not installed."""


class ConfigError(SopError):
    """The configuration file or a configuration value is invalid."""


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the interface language.

    The operating system words it in English ("No such file or directory"); the
    reasons an operator meets are translated, any other is passed on as it is.
    """
    import errno

    from sopcli.i18n import _

    reasons: dict[int | None, str] = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.ENOSPC: _("the disk is full"),
        errno.EROFS: _("the disk is read-only"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.EEXIST: _("it already exists"),
    }
    return reasons.get(exc.errno) or exc.strerror or str(exc)
