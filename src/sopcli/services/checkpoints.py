"""Checkpoints of the journal's head: taken, written to a witness, read back, and held to the chain.

``sop verify`` checks them on its one walk of the chain (``CheckpointWatch``), so
it is no slower with them than without.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sopcli.domain.checkpoint import Checkpoint, format_text, parse_code, parse_file, short_code
from sopcli.errors import InputError, os_reason
from sopcli.i18n import _
from sopcli.services.runtime import Runtime

MAX_CHECKPOINT_BYTES = 65_536  # a checkpoint is a few lines; anything larger is not one


def take(rt: Runtime) -> Checkpoint:
    """The journal's head now: its last entry's seq and hash, and how many entries lead up to it."""
    from sopcli.store import journal

    with rt.ready_database().transaction() as session:
        seq, hash_ = journal.head(session)
        entries = journal.entry_count(session)
    return Checkpoint(seq, hash_, entries, rt.now(), rt.config.office_name)


def head_code(session) -> tuple[int, str]:
    """The journal head's seq and short code, for a document printed from ``session``."""
    from sopcli.store import journal

    seq, hash_ = journal.head(session)
    return seq, short_code(seq, hash_)


def write_witness(rt: Runtime, directory: str) -> tuple[Checkpoint, Path]:
    """Take a checkpoint and write it into ``directory``, named by its date and entry, whole or not at all."""
    from sopcli.files.output import output_file

    if not Path(directory).is_dir():
        raise InputError(_("{path} is not a directory").format(path=directory))
    checkpoint = take(rt)
    assert checkpoint.at is not None
    day = checkpoint.at.astimezone(rt.zone).date().isoformat()
    path = Path(directory) / f"titik-periksa-{day}-entri-{checkpoint.seq}.txt"
    with output_file(str(path)) as out:
        out.write(format_text(checkpoint, rt.zone))
    return checkpoint, path


@dataclass(frozen=True)
class Named:
    """A checkpoint and what it is called in messages: its file, or its code as given."""

    name: str
    checkpoint: Checkpoint


def load(given: str) -> Named:
    """The checkpoint a ``--checkpoint`` names: a checkpoint file, else a short code.

    Raises:
        InputError: it is neither, or the file cannot be read.
    """
    path = Path(given)
    if path.is_file():
        checkpoint = _read(path)
        if checkpoint is None:
            raise InputError(_("{path} holds no sop checkpoint").format(path=given))
        return Named(given, checkpoint)
    checkpoint = parse_code(given)
    if checkpoint is None:
        raise InputError(
            _("{given!r} is neither a checkpoint file nor a checkpoint code").format(given=given),
            _("a code looks like 42/ab12-cd34-ef56"),
        )
    return Named(given, checkpoint)


def witnessed(directory: str) -> tuple[list[Named], list[str]]:
    """Every checkpoint file in ``directory``, by name; and the names of the files in it that hold none.

    Raises:
        InputError: it is not a readable directory, or holds no checkpoint at all.
    """
    folder = Path(directory)
    try:
        files = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())
    except OSError as exc:
        raise InputError(_("cannot read {path}: {reason}").format(path=directory, reason=os_reason(exc))) from None
    found, others = [], []
    for path in files:
        checkpoint = _read(path)
        if checkpoint is None:
            others.append(path.name)
        else:
            found.append(Named(str(path), checkpoint))
    if not found:
        raise InputError(_("no sop checkpoint in {path}").format(path=directory))
    return found, others


def _read(path: Path) -> Checkpoint | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CHECKPOINT_BYTES + 1)
    except OSError as exc:
        raise InputError(_("cannot read {path}: {reason}").format(path=path, reason=os_reason(exc))) from None
    if len(data) > MAX_CHECKPOINT_BYTES:
        return None
    return parse_file(data.decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class CheckpointResult:
    named: Named
    problem: str | None  # None: the journal still extends it


class CheckpointWatch:
    """Holds the chain to checkpoints, on the one walk ``sop verify`` makes of it."""

    def __init__(self, checkpoints: list[Named]) -> None:
        self._checkpoints = checkpoints
        self._wanted = {named.checkpoint.seq for named in checkpoints}
        self._found: dict[int, tuple[str, int]] = {}  # seq → (hash, entries up to it)
        self._entries = 0

    def __bool__(self) -> bool:
        return bool(self._checkpoints)

    def observe(self, seq: int, hash_: str, _encoded: str) -> None:
        self._entries += 1
        if seq in self._wanted:
            self._found[seq] = (hash_, self._entries)

    def results(self) -> list[CheckpointResult]:
        """Each checkpoint, whether the journal walked still extends it and if not, why not."""
        return [CheckpointResult(named, self._problem(named.checkpoint)) for named in self._checkpoints]

    def _problem(self, checkpoint: Checkpoint) -> str | None:
        if checkpoint.seq == 0:
            return None  # taken of an empty journal: every journal extends it
        if checkpoint.seq not in self._found:
            if self._entries == 0:
                return _("the journal is empty; it had entry {seq}").format(seq=checkpoint.seq)
            return _("the journal ends at entry {last}; it had entry {seq} (entries removed from the end)").format(
                last=self._entries, seq=checkpoint.seq
            )
        hash_, entries = self._found[checkpoint.seq]
        if not hash_.startswith(checkpoint.hash):
            return _("entry {seq} is not the one it recorded (the chain was rewritten)").format(seq=checkpoint.seq)
        if checkpoint.entries is not None and checkpoint.entries != entries:
            return _("{then} entries led up to entry {seq} when it was taken, {now} now").format(
                then=checkpoint.entries, seq=checkpoint.seq, now=entries
            )
        return None
