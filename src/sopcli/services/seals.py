"""Seals: a supervisor fixes a day of the jurnal harian, and ``sop verify`` holds the day to it.

A seal is a journal entry of its own (action ``seal``, in the same hash
chain) carrying the day, how many entries the day had and a digest over their
hashes. The digest is printed so it can be written on the signed, printed
journal. A seal covers the day as it stood when it was made: the day's
entries before it in the chain. Any change to those behind sop's back makes
the digest differ, and ``sop verify`` names the day as changed. Entries for
the day recorded after the seal (evening work, yesterday's phone complaint
entered this morning) change nothing that was signed: ``sop verify`` counts
them as added after sealing, and sealing the day again covers them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sopcli.domain import engine
from sopcli.domain.vocabulary import Action
from sopcli.errors import InputError
from sopcli.i18n import _
from sopcli.services.runtime import Runtime


def day_digest(hashes: list[str]) -> str:
    """sha256 over the day's entry hashes in chain order: the figure written on the paper."""
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


@dataclass
class Seal:
    day: date
    entries: int
    digest: str
    seq: int | None = None
    already: bool = False


@dataclass
class SealCheck:
    day: date
    sealed_entries: int  # as the seal recorded them
    entries_now: int  # the entries before the seal in the chain, as they are now
    unchanged: bool
    added_after: int  # the day's entries recorded after the seal: not on the signed journal, not a change


def _day_entries(session, rt: Runtime, day: date) -> list[tuple[int, str]]:
    """The seq and hash of ``day``'s entries (seals aside), in chain order."""
    from sopcli.store import journal

    start = datetime.combine(day, time(), rt.zone)
    return journal.hashes_between(session, start, start + timedelta(days=1))


def seal_day(rt: Runtime, day: date, actor: str) -> Seal:
    """Append the seal of ``day``; a day already sealed as it stands is not sealed twice."""
    import json

    from sopcli.store import journal

    if day > rt.now().astimezone(rt.zone).date():
        raise InputError(
            _("{day} has not come yet: only a day that has begun can be sealed").format(day=day.isoformat())
        )
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()  # under the lock: no entry written before the seal is later than it
        hashes = [hash_ for _seq, hash_ in _day_entries(session, rt, day)]
        digest = day_digest(hashes)
        for seq, fields in journal.seals(session, newest_first=True):
            recorded = json.loads(fields)
            if recorded.get("date") == day.isoformat():
                if recorded.get("digest") == digest:
                    return Seal(day, len(hashes), digest, seq, already=True)
                break
        entry = engine.Entry(
            Action.SEAL,
            now,
            actor,
            fields={"date": day.isoformat(), "entries": str(len(hashes)), "digest": digest},
            note=_("jurnal harian {day} sealed").format(day=day.isoformat()),
        )
        seq = journal.append(session, entry, now)
    return Seal(day, len(hashes), digest, seq)


def check_seals(rt: Runtime) -> list[SealCheck]:
    """Every seal against its day as the journal holds it now, oldest first."""
    import json

    from sopcli.store import journal

    checks = []
    with rt.ready_database().transaction() as session:
        for seq, fields in journal.seals(session):
            recorded = json.loads(fields)
            day = date.fromisoformat(recorded["date"])
            entries = _day_entries(session, rt, day)
            covered = [hash_ for entry_seq, hash_ in entries if entry_seq < seq]
            checks.append(
                SealCheck(
                    day,
                    int(recorded["entries"]),
                    len(covered),
                    day_digest(covered) == recorded["digest"],
                    added_after=len(entries) - len(covered),
                )
            )
    return checks
