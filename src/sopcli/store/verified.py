"""The heads ``sop verify`` and ``sop db check`` last found intact ("verified heads"), so the next run starts there.

Not to be confused with checkpoints kept elsewhere (``sop checkpoint``): those
are written off the machine; a verified head lives in the logbook itself.

Why a table of its own, append-only (migration 0008): a run that finds the
chain intact up to entry N has proven entries 1..N, and the chain only grows,
so the next run need only walk what came after N. Writing that fact as a
journal entry would add an entry on every run (and a read-only role could not
run at all); a row in a plain table could be moved forward by anyone with SQL
access to skip a tampered stretch. So each row is never changed or removed
(triggers refuse it, as the journal's do), each row's own hash links it to the
row before it (an edit shows), and a row is never trusted on its own: before
an incremental run its entry must still be in the chain with that very hash,
its content must still hash to it, as many entries as then must lead up to it,
and every seal entry must still match its own hash. What only a full walk
proves is said in the README: ``sop verify --full`` walks everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session

from sopcli.domain.chain import GENESIS, canonical_moment, linked_hash
from sopcli.store.models import UTCDateTime

VERIFY = "verify"  # sop verify's heads
CHECK = "check"  # sop db check's


@dataclass(frozen=True)
class VerifiedHead:
    kind: str
    seq: int
    hash: str
    entries: int
    at: datetime
    full: bool
    prev_row: str
    row_hash: str

    def expected_row_hash(self) -> str:
        """What ``row_hash`` must be: this row's content linked to the row before it."""
        return row_hash(self.prev_row, self.kind, self.seq, self.hash, self.entries, self.at, self.full)


def row_hash(prev_row: str, kind: str, seq: int, hash_: str, entries: int, at: datetime, full: bool) -> str:
    content = f"{kind}|{seq}|{hash_}|{entries}|{canonical_moment(at)}|{int(full)}"
    return linked_hash(prev_row, content)  # linked as the journal's entries are


def heads(session: Session) -> list[VerifiedHead]:
    """Every recorded head, oldest first (a handful a day: one per run that found something new)."""
    rows = session.execute(
        text("SELECT kind, seq, hash, entries, at, whole, prev_row, row_hash FROM verified_head ORDER BY id").columns(
            at=UTCDateTime()
        )
    )
    return [
        VerifiedHead(kind, seq, hash_, entries, at, bool(full), prev, own)
        for kind, seq, hash_, entries, at, full, prev, own in rows
    ]


def record(session: Session, kind: str, seq: int, hash_: str, entries: int, at: datetime, full: bool) -> None:
    """Append the head a run found intact, linked to the last row."""
    last = session.execute(text("SELECT row_hash FROM verified_head ORDER BY id DESC LIMIT 1")).scalar()
    prev = last or GENESIS
    session.execute(
        text(
            "INSERT INTO verified_head (kind, seq, hash, entries, at, whole, prev_row, row_hash) "
            "VALUES (:kind, :seq, :hash, :entries, :at, :whole, :prev, :own)"
        ).bindparams(sa.bindparam("at", type_=UTCDateTime()), sa.bindparam("whole", type_=sa.Boolean())),
        {
            "kind": kind,
            "seq": seq,
            "hash": hash_,
            "entries": entries,
            "at": at,
            "whole": full,
            "prev": prev,
            "own": row_hash(prev, kind, seq, hash_, entries, at, full),
        },
    )
