"""Seals: a supervisor fixes a day of the jurnal harian, and ``sop verify`` holds the day to it.

A seal is a journal entry of its own (action ``seal``, in the same hash
chain) carrying the day, the office's time zone, how many entries the day had
and a digest over their content. The digest is printed so it can be written on the signed, printed
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
from zoneinfo import ZoneInfo

from sopcli.domain import engine
from sopcli.domain.chain import content_digest, entry_encoding
from sopcli.domain.vocabulary import Action
from sopcli.errors import InputError
from sopcli.i18n import _
from sopcli.services.runtime import Runtime


def day_digest(digests: list[str]) -> str:
    """sha256 over the day's entry digests in chain order: the figure written on the paper."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


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


def _content_digests(session, day: date, zone: ZoneInfo) -> list[str]:
    """The content digest of each of ``day``'s entries (seals aside) in chain order, the day as ``zone`` bounds it."""
    from sopcli.store import journal

    start = datetime.combine(day, time(), zone)
    happened = (start, datetime.combine(day + timedelta(days=1), time(), zone))
    return [content_digest(entry_encoding(entry)) for entry in journal.hashed_entries(session, happened)]


def seal_day(rt: Runtime, day: date, actor: str) -> Seal:
    """Append the seal of ``day``; a day already sealed as it stands is not sealed twice.

    The seal records the office's time zone: the day it covers is that zone's day, whatever the zone of
    whoever verifies it later.
    """
    import json

    from sopcli.store import journal

    if day > rt.now().astimezone(rt.zone).date():
        raise InputError(
            _("{day} has not come yet: only a day that has begun can be sealed").format(day=day.isoformat())
        )
    zone = rt.zone
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()  # under the lock: no entry written before the seal is later than it
        digests = _content_digests(session, day, zone)
        digest = day_digest(digests)
        for seq, fields in journal.seals(session, newest_first=True):
            recorded = json.loads(fields)
            if recorded.get("date") == day.isoformat() and recorded.get("zone") == zone.key:
                if recorded.get("digest") == digest:
                    return Seal(day, len(digests), digest, seq, already=True)
                break
        entry = engine.Entry(
            Action.SEAL,
            now,
            actor,
            fields={"date": day.isoformat(), "entries": str(len(digests)), "digest": digest, "zone": zone.key},
            note=_("jurnal harian {day} sealed").format(day=day.isoformat()),
        )
        seq = journal.append(session, entry, now)
    return Seal(day, len(digests), digest, seq)


def recorded_digests(rt: Runtime, day: date) -> list[str]:
    """The digests the journal's seals of ``day`` record, oldest first (a day sealed again has several)."""
    import json

    from sopcli.store import journal

    with rt.ready_database().transaction() as session:
        found = [json.loads(fields) for _seq, fields in journal.seals(session)]
    return [seal["digest"] for seal in found if seal.get("date") == day.isoformat()]


class SealWatch:
    """Holds every seal to its day, on the one walk ``sop verify`` makes of the chain.

    A seal that records its time zone covers that zone's day, by its entries' content: a day edited and
    re-chained changes that day's digest only. A seal from before seals recorded either covers the
    office's day as now configured, by its entries' hashes, as it was made. Which entries a day holds is
    asked of the database; the walk only hands over the content digests of those.
    """

    def __init__(self, session, office_zone: ZoneInfo, since: int = 0) -> None:
        """Watch every seal after entry ``since`` (an incremental walk starts after it; 0: every seal).

        A seal after ``since`` may cover entries before it, which the walk does
        not pass: their digests are read here.
        """
        import json

        from sopcli.store import journal

        self._seals: list[tuple[int, dict, bool, list[tuple[int, str]]]] = []
        self._content: dict[int, str] = {}  # seq → content digest, of the entries content seals cover
        days: dict[tuple[str, date], list[tuple[int, str]]] = {}  # a day sealed again is asked for once
        for seq, fields in journal.seals(session):
            if seq <= since:
                continue
            recorded = json.loads(fields)
            by_content = "zone" in recorded
            zone = ZoneInfo(recorded["zone"]) if by_content else office_zone
            day = date.fromisoformat(recorded["date"])
            if (zone.key, day) not in days:
                start = datetime.combine(day, time(), zone)
                end = datetime.combine(day + timedelta(days=1), time(), zone)
                days[zone.key, day] = journal.hashes_between(session, start, end)
            entries = days[zone.key, day]
            if by_content:
                self._content.update((entry_seq, "") for entry_seq, _hash in entries)
            self._seals.append((seq, recorded, by_content, entries))
        before = sorted(entry_seq for entry_seq in self._content if entry_seq <= since)
        if before:
            wanted = set(before)
            for entry_seq, _prev, _hash, encoded in journal.chain_rows(session, before[0] - 1, before[-1]):
                if entry_seq in wanted:
                    self._content[entry_seq] = content_digest(encoded)

    def __bool__(self) -> bool:
        return bool(self._content)  # seals by hashes alone need nothing from the walk

    def observe(self, seq: int, _hash: str, encoded: str) -> None:
        """Keep the content digest of entry ``seq`` (from its ``entry_encoding``) if a seal covers it."""
        if seq in self._content:
            self._content[seq] = content_digest(encoded)

    def checks(self) -> list[SealCheck]:
        """Every seal against its day as the walk found it, oldest first."""
        checks = []
        for seq, recorded, by_content, entries in self._seals:
            covered = [
                self._content[entry_seq] if by_content else hash_ for entry_seq, hash_ in entries if entry_seq < seq
            ]
            checks.append(
                SealCheck(
                    date.fromisoformat(recorded["date"]),
                    int(recorded["entries"]),
                    len(covered),
                    day_digest(covered) == recorded["digest"],
                    added_after=len(entries) - len(covered),
                )
            )
        return checks
