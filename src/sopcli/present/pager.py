"""Long output at a terminal goes through a pager, as git's does; short output, pipes and files never do.

The pager is ``SOP_PAGER``, else ``PAGER``, else ``less``; either set to "" or ``cat`` turns it off
(as ``--no-pager`` does). ``less`` gets ``LESS=FRX`` unless ``LESS`` is set: colours kept, and the
text stays on the screen after quitting.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout

from sopcli.services.terminal import Terminal


class _Screen(io.StringIO):
    """Standard output held back until its height is known; a terminal to whoever asks, so tables stay rich."""

    def isatty(self) -> bool:
        return True


def pager_command() -> str | None:
    """The pager the environment names; None when it turns paging off."""
    chosen = os.environ.get("SOP_PAGER", os.environ.get("PAGER"))
    if chosen is not None and chosen.strip() in ("", "cat"):
        return None
    return chosen or "less"


@contextmanager
def paged(terminal: Terminal, enabled: bool = True) -> Iterator[None]:
    """What the block writes to standard output, through the pager if it is taller than the terminal.

    Only when standard input and output are a terminal (someone can scroll) and paging is not
    turned off; otherwise the block writes straight through. If the block fails, what it wrote
    so far is printed as it is before the error goes on.
    """
    command = pager_command()
    if not (enabled and command and terminal.stdout_is_tty and terminal.stdin_is_tty):
        yield
        return
    screen = _Screen()
    try:
        with redirect_stdout(screen):
            yield
    except BaseException:
        sys.stdout.write(screen.getvalue())
        raise
    text = screen.getvalue()
    if text.count("\n") < shutil.get_terminal_size().lines:
        sys.stdout.write(text)
        return
    import click

    environment = {"PAGER": command}
    if "LESS" not in os.environ:
        environment["LESS"] = "-FRX"
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        sys.stdout.flush()
        click.echo_via_pager(text)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
