"""The moment of every action is read while the journal's write lock is held.

An action's moment read before the lock could be older than an entry a racing
writer commits first, so the chain would hold moments out of order (and a
note could be refused as "before the case's latest entry"). Here the clock
itself looks: every reading asks the database, from a connection of its own,
whether the journal lock is free, and is a moment of its own (a second after
the one before), so each entry's ``at`` and ``recorded_at`` name the reading
they came from. The race of real processes is in ``test_concurrency``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from helpers import exited_ok
from sopcli.services import runtime
from sopcli.store.database import JOURNAL_LOCK, Database, resolve_url

START = datetime.fromisoformat("2026-11-24T15:00:00+07:00")


class LockWatchingClock:
    """A clock that remembers, for every moment it gives, whether the journal's write lock was held then."""

    def __init__(self, url: str):
        self.url = url
        self.path = Database(url).path
        self.held: dict[datetime, bool] = {}
        self._engine = None

    def __call__(self) -> datetime:
        moment = START + timedelta(seconds=len(self.held) + 1)
        self.held[moment] = self._lock_held()
        return moment

    def _lock_held(self) -> bool:
        if self.path is not None:
            if not self.path.exists():
                return False  # no logbook yet: nobody can hold its lock (and looking must not create it)
            probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # what every writer begins with
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc), exc
                return True
            else:
                probe.execute("ROLLBACK")
                return False
            finally:
                probe.close()
        from sqlalchemy import create_engine

        self._engine = self._engine or create_engine(self.url)
        with self._engine.connect() as probe:
            free = probe.exec_driver_sql(f"SELECT pg_try_advisory_lock({JOURNAL_LOCK})").scalar()
            if free:
                probe.exec_driver_sql(f"SELECT pg_advisory_unlock({JOURNAL_LOCK})")
            return not free

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


@pytest.fixture
def clock(database, monkeypatch):
    watching = LockWatchingClock(resolve_url(database))
    monkeypatch.setattr(runtime, "clock_from_environment", lambda: watching)
    yield watching
    watching.close()


def _when(clock: LockWatchingClock, moment: datetime) -> str:
    """'locked' or 'unlocked': what the lock was when the clock gave ``moment``; 'given' for a moment it never gave."""
    if moment not in clock.held:
        return "given"
    return "locked" if clock.held[moment] else "unlocked"


def test_every_action_reads_its_moment_under_the_write_lock(sop, clock, database, tmp_path):
    new = ["new", "--sop", "kaltim-db", "--reporter", "Sari", "--unit", "BKD", "--system", "SIMPEG"]
    exited_ok(sop(*new, "--description", "SIMPEG lambat", "--received-at", "2026-11-24 14:00"))
    first = "ADU-2026-00001"
    exited_ok(sop("note", first, "Dari catatan telepon", "--at", "2026-11-24 14:30"))
    exited_ok(sop("note", first, "Pelapor dihubungi"))
    exited_ok(sop("next", first, "--step", "1"))
    exited_ok(sop("pause", first, "--reason", "Menunggu vendor"))
    exited_ok(sop("resume", first))
    exited_ok(sop("cancel", first, "--reason", "Dobel"))
    exited_ok(sop(*new, "--description", "SIMPEG mati"))
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "ref,received_at,sop,reporter,unit,system,description\n"
        "M-1,2026-11-24T13:00:00+07:00,kaltim-db,Ani,BKD,SIMPEG,Tidak bisa login\n",
        encoding="utf-8",
    )
    exited_ok(sop("import", str(rows)))
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    assert sop("next", "ADU-2026-00002", "--as", "siti").exit_code == 1  # refused, and the refusal journaled
    exited_ok(sop("journal", "seal"))

    with Database(resolve_url(database)).transaction() as session:
        from sopcli.store import journal

        entries = list(journal.hashed_entries(session))
    # (action, the lock when its recorded_at was read, the lock when its at was read)
    assert [(e["action"], _when(clock, e["recorded_at"]), _when(clock, e["at"])) for e in entries] == [
        ("received", "locked", "given"),
        ("note", "locked", "given"),
        ("note", "locked", "locked"),
        ("step", "locked", "locked"),
        ("pause", "locked", "locked"),
        ("resume", "locked", "locked"),
        ("cancel", "locked", "locked"),
        ("received", "locked", "locked"),
        ("received", "locked", "given"),
        ("refused", "locked", "locked"),
        ("seal", "locked", "locked"),
    ]
    recorded = [e["recorded_at"] for e in entries]
    assert recorded == sorted(recorded)
