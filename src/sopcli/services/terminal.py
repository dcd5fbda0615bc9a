"""What a command's standard streams are attached to: the one place that asks.

Commands prompt only when standard input is a terminal, draw rich tables and
cards only when someone watches, and keep colour off under ``NO_COLOR``.
Each answer is read from the process when asked (a test runner swaps the
streams between commands) unless it was given: a test hands the runtime a
``Terminal(stdin_is_tty=True)`` to drive a prompt flow in-process.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass
class Terminal:
    """The standard streams as a command sees them; a field left ``None`` is asked of the process."""

    stdin_tty: bool | None = None
    stdout_tty: bool | None = None
    stderr_tty: bool | None = None
    columns: int | None = None  # None: rich measures the terminal (or reads COLUMNS)

    @property
    def stdin_is_tty(self) -> bool:
        """Someone can answer a prompt."""
        return sys.stdin.isatty() if self.stdin_tty is None else self.stdin_tty

    @property
    def stdout_is_tty(self) -> bool:
        """Data goes to a screen, not a pipe or a file: worth a rich table."""
        return sys.stdout.isatty() if self.stdout_tty is None else self.stdout_tty

    @property
    def stderr_is_tty(self) -> bool:
        """Messages go to a screen: worth a live progress counter."""
        return sys.stderr.isatty() if self.stderr_tty is None else self.stderr_tty

    @property
    def watched(self) -> bool:
        """Someone is watching (typing or reading): worth drawing the step card."""
        return self.stdin_is_tty or self.stdout_is_tty

    @property
    def colour(self) -> bool:
        """Colour is allowed: ``NO_COLOR`` is unset or empty (https://no-color.org)."""
        return not os.environ.get("NO_COLOR")

    @property
    def width(self) -> int | None:
        """Columns to lay out for; None lets rich measure the terminal."""
        return self.columns
