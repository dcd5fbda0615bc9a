"""Where a command's document goes: standard output, or a file written whole or not at all."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from sopcli.errors import InputError, os_reason
from sopcli.i18n import _

# Formats implied by an output file's extension when --format is not given.
EXTENSION_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".csv": "csv",
    ".json": "json",
    ".txt": "plain",
}


def format_of_output(output: str | None, extensions: dict[str, str], default: str) -> str:
    """The format ``-o``'s extension names; ``default`` without ``-o`` or for a name with no extension.

    Raises:
        InputError: an extension that names none of ``extensions`` (x.pdf): writing
            some other format under that name would mislead whoever opens it.
    """
    extension = os.path.splitext(output)[1].lower() if output else ""
    if not extension:
        return default
    if extension not in extensions:
        raise InputError(
            _("cannot tell the format of {path}").format(path=output),
            _("give --format, or a name ending in {extensions}").format(extensions="|".join(sorted(extensions))),
        )
    return extensions[extension]


def choose_format(given: str | None, output: str | None, allowed: tuple[str, ...]) -> str:
    """``--format``, else what ``-o``'s extension says, else rich on a terminal and plain text when piped.

    Raises:
        InputError: a format not in ``allowed``; ``-o`` with an extension no format goes by.
    """
    if given is not None:
        fmt = given.lower()
        if fmt not in allowed:
            raise InputError(
                _("unknown format {fmt!r}").format(fmt=given), _("choose {formats}").format(formats=", ".join(allowed))
            )
        return "plain" if fmt == "table" and (output or not sys.stdout.isatty()) else fmt
    if output:
        return format_of_output(output, EXTENSION_FORMATS, "plain")
    return "table" if sys.stdout.isatty() else "plain"


@contextmanager
def output_file(path: str, binary: bool = False) -> Iterator[IO]:
    """Write beside ``path`` and rename into place: a failed write never leaves half a file.

    Raises:
        InputError: the directory does not exist or is not writable.
    """

    def cannot_write(exc: OSError) -> InputError:
        return InputError(_("cannot write {path}: {reason}").format(path=path, reason=os_reason(exc)))

    if os.path.isdir(path):  # found now, not after the whole report is made
        raise cannot_write(IsADirectoryError(errno.EISDIR, path)) from None
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
    except OSError as exc:
        raise cannot_write(exc) from None
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(handle, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as out:
            yield out
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise cannot_write(exc) from None
    except BaseException:
        os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
