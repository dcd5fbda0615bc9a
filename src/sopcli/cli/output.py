"""In which format a command writes: ``--format``, else ``-o``'s extension, else what the terminal suits."""

from __future__ import annotations

import os
import sys

from sopcli.errors import InputError
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
