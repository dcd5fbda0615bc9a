"""Where an incremental ``sop verify`` or ``sop db check`` starts: the last verified head, proven again first.

A verified head (``store.verified``) says "entries 1..N were intact when
checked". It is never trusted on its own: ``start_point`` holds it to the
chain as it now stands (its entry, that entry's content, how many entries lead
up to it, every seal entry's own hash, and the record's own links), and any
difference is a tamper alarm. Nothing is recorded while a check fails, so an
alarm stays until the logbook is repaired and ``--full`` finds it intact.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sopcli.domain.chain import GENESIS, linked_hash
from sopcli.i18n import _
from sopcli.services.runtime import Runtime


class HeadTampered(Exception):
    """The last verified head no longer holds: the chain or its record was changed."""

    def __init__(self, head, problem: str) -> None:
        super().__init__(problem)
        self.head = head
        self.problem = problem


@dataclass(frozen=True)
class StartPoint:
    """Where an incremental run starts, proven; and when the whole chain was last walked."""

    seq: int
    hash: str
    entries: int
    checked_at: datetime
    last_full: datetime | None


def start_point(session, kind: str) -> StartPoint | None:
    """The last head of ``kind`` found intact, held to the chain again; None when there is none.

    Raises:
        HeadTampered: the head, or the record of it, does not match the chain as it is now.
    """
    from sopcli.store import journal, verified

    recorded = verified.heads(session)
    previous = GENESIS
    for head in recorded:  # the record's own links: a row edited behind sop's back shows here
        if head.prev_row != previous or head.row_hash != head.expected_row_hash():
            raise HeadTampered(head, _("the record of this check was changed"))
        previous = head.row_hash
    own = [head for head in recorded if head.kind == kind]
    if not own:
        return None
    for earlier, later in itertools.pairwise(own):
        if later.seq < earlier.seq:
            raise HeadTampered(later, _("it is behind an earlier check (entry {seq})").format(seq=earlier.seq))
    head = own[-1]
    found = list(journal.chain_rows(session, head.seq - 1, head.seq)) if head.seq else []
    if head.seq and not found:
        last, _hash = journal.head(session)
        if last < head.seq:
            problem = _("the journal ends at entry {last} (entries removed from the end)").format(last=last)
        else:
            problem = _("its entry is missing")
        raise HeadTampered(head, problem)
    if found:
        _seq, prev_hash, hash_, encoded = found[0]
        if hash_ != head.hash:
            raise HeadTampered(head, _("its entry is not the one checked (the chain was rewritten)"))
        if linked_hash(prev_hash, encoded) != hash_:
            raise HeadTampered(head, _("its entry's content does not match its hash (edited)"))
    entries = journal.entry_count(session, head.seq)
    if entries != head.entries:
        raise HeadTampered(
            head,
            _("{then} entries led up to it when checked, {now} now (an entry was removed)").format(
                then=head.entries, now=entries
            ),
        )
    for seq, prev_hash, hash_, encoded in journal.chain_rows(session, 0, head.seq, seals_only=True):
        if linked_hash(prev_hash, encoded) != hash_:
            raise HeadTampered(head, _("the seal at entry {seq} does not match its hash (edited)").format(seq=seq))
    fulls = [h.at for h in own if h.full]
    return StartPoint(head.seq, head.hash, head.entries, head.at, fulls[-1] if fulls else None)


@dataclass(frozen=True)
class Walk:
    """What a walk of the chain found, and the last entry it walked (the head a run records)."""

    checked: int
    broken_seq: int | None
    problem: str | None
    last_seq: int
    last_hash: str


def walk_from(session, origin: tuple[int, str], observe=None) -> Walk:
    """Walk the chain from the entry after ``origin`` (seq, hash; (0, GENESIS) for all of it) to its head."""
    from sopcli.domain.chain import verify_links
    from sopcli.store.journal import chain_rows

    last = origin

    def walked(rows):
        nonlocal last
        for row in rows:
            last = (row[0], row[2])
            yield row

    checked, broken, problem = verify_links(walked(chain_rows(session, origin[0])), origin, observe)
    return Walk(checked, broken, problem, *last)


def record(rt: Runtime, kind: str, seq: int, hash_: str, entries: int, full: bool) -> bool:
    """Record the head a run found intact, in a short write transaction of its own; whether it was.

    A logbook only readable, or a role that may not write, records nothing:
    the run's result stands, and the next run checks from the same point.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from sopcli.errors import SopError
    from sopcli.store import verified

    database = rt.ready_database()
    if database.read_only:
        return False
    try:
        with database.transaction(write=True) as session:
            verified.record(session, kind, seq, hash_, entries, rt.now(), full)
    except (SopError, SQLAlchemyError):
        return False
    return True
