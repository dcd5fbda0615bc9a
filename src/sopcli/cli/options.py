"""The options many commands share, declared once, and the one chooser of an output format.

A command's ``--format`` lists its own formats in its help (the help texts are
catalog messages, so each is written out), but every command picks and checks
the format through ``choose_format``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Annotated

import typer

from sopcli.errors import InputError
from sopcli.i18n import _

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OutputOption = Annotated[
    str | None, typer.Option("-o", "--output", help="Write to this file instead of standard output.", metavar="PATH")
]
ModeOption = Annotated[
    str | None,
    typer.Option(
        "--mode",
        help="Permissions of the file written, in octal (default 0600: only you may read it), e.g. 0640.",
        metavar="OCTAL",
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="When it really happened (default now): 2026-11-20T08:15 or 20/11/2026 08:15.", metavar="WHEN"
    ),
]
NoPagerOption = Annotated[
    bool,
    typer.Option("--no-pager", help="Print everything at once, without a pager (as SOP_PAGER=cat does)."),
]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="Operator name (default SOP_OPERATOR, then the config, then your login).", metavar="OPERATOR"
    ),
]


def format_option(help: str, *names: str) -> typer.models.OptionInfo:
    """``--format`` (and any short ``names``) with the help that lists this command's formats."""
    return typer.Option("--format", *names, help=help, metavar="FORMAT")


# Formats an output file's extension implies when --format is not given.
EXTENSION_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".csv": "csv",
    ".json": "json",
    ".txt": "plain",
}


def choose_format(
    given: str | None,
    allowed: Sequence[str],
    terminal,
    *,
    output: str | None = None,
    extensions: dict[str, str] | None = None,
    default: str | None = None,
) -> str:
    """``--format``, else what ``-o``'s extension says, else ``default``, else rich on a terminal and plain when piped.

    Args:
        given: the ``--format`` value, if any.
        allowed: the formats this command writes.
        terminal: the runtime's Terminal: a rich table only when standard output is one.
        output: the ``-o`` path, if any.
        extensions: extension → format for ``-o`` (default ``EXTENSION_FORMATS``).
        default: the format without ``--format`` or an extension (default: table or plain).

    Raises:
        InputError: a format not in ``allowed``; ``-o`` with an extension no format goes by.
    """
    if given is not None:
        fmt = given.lower()
        if fmt not in allowed:
            raise InputError(
                _("unknown format {fmt!r}").format(fmt=given), _("choose {formats}").format(formats=", ".join(allowed))
            )
        return "plain" if fmt == "table" and (output or not terminal.stdout_is_tty) else fmt
    fallback = default or ("table" if terminal.stdout_is_tty and not output else "plain")
    extension = os.path.splitext(output)[1].lower() if output else ""
    if not extension:
        return fallback
    extensions = EXTENSION_FORMATS if extensions is None else extensions
    if extension not in extensions:
        raise InputError(
            _("cannot tell the format of {path}").format(path=output),
            _("give --format, or a name ending in {extensions}").format(extensions="|".join(sorted(extensions))),
        )
    return extensions[extension]
