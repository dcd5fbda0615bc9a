"""Files a command writes: whole or not at all (written beside, then renamed into place)."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from sopcli.errors import InputError, os_reason
from sopcli.i18n import _


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
        out: IO
        with os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
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
