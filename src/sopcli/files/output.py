"""Files a command writes: whole or not at all (written beside, then renamed into place), owner-only by default.

Exports, reports and rejects files hold reporters' names and what went wrong
in an office: readable by their owner only (0600) unless ``--mode`` says so.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from sopcli.errors import InputError, os_reason
from sopcli.i18n import _

OWNER_ONLY = 0o600


def file_mode(text: str | None) -> int:
    """The permissions ``--mode`` gives, in octal (``0640``, ``640``, ``0o640``); owner-only when not given.

    Raises:
        InputError: not an octal file mode.
    """
    if text is None:
        return OWNER_ONLY
    digits = text.strip().lower().removeprefix("0o")
    if not digits or len(digits) > 4 or any(c not in "01234567" for c in digits) or int(digits, 8) > 0o777:
        raise InputError(
            _("--mode {value!r} is not a file mode").format(value=text),
            _("give it in octal, e.g. 0600 (only you) or 0640 (your group may read it)"),
        )
    return int(digits, 8)


@contextmanager
def output_file(path: str, binary: bool = False, mode: int = OWNER_ONLY) -> Iterator[IO]:
    """Write beside ``path`` and rename into place, with permissions ``mode``: a failed write never leaves half a file.

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
        out: IO
        with os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.chmod(temporary, mode)  # mkstemp made it owner-only; a wider mode is the user's own --mode
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise cannot_write(exc) from None
    except BaseException:
        os.unlink(temporary)
        raise
