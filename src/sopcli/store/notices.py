"""What ``sop notify`` reads and keeps: the complaints whose ``notify_at`` has come, the notices already sent,
and the lock that lets one run at a time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from sopcli.domain.vocabulary import Action
from sopcli.store.models import Complaint, JournalEntry, Operator

# pg_advisory_lock key of sop notify runs ("SOPN"), apart from the journal's transaction lock.
NOTIFY_LOCK = 0x534F504E


def due(session: Session, now: datetime) -> Sequence[Complaint]:
    """The complaints whose ``notify_at`` has come, earliest first: read through its index, nothing else."""
    notify_at = col(Complaint.notify_at)
    return session.exec(select(Complaint).where(notify_at.is_not(None), notify_at <= now).order_by(notify_at)).all()


def sent(session: Session, complaint_id: int | None) -> list[tuple[str | None, dict[str, str]]]:
    """(step, fields) of the ``notified`` entries of a complaint (None: those of no complaint, the seals')."""
    owner = col(JournalEntry.complaint_id)
    query = select(JournalEntry.step, JournalEntry.fields).where(
        owner.is_(None) if complaint_id is None else owner == complaint_id,
        JournalEntry.action == Action.NOTIFIED,
    )
    return [(step, json.loads(fields)) for step, fields in session.exec(query)]


def look_again(session: Session, complaint_id: int, revision: int, when: datetime | None) -> None:
    """Set when the complaint is next looked at, unless it changed meanwhile (its change set a moment already)."""
    session.execute(
        text("UPDATE complaint SET notify_at = :when WHERE id = :id AND revision = :revision"),
        {"when": _stored(when), "id": complaint_id, "revision": revision},
    )


def _stored(moment: datetime | None):
    from sopcli.store.models import UTCDateTime

    return UTCDateTime().process_bind_param(moment, None)


def addresses(session: Session) -> list[tuple[str, list[str], list[str]]]:
    """(name, roles, addresses) of every operator with an address."""
    query = select(Operator.name, Operator.roles, Operator.notify).where(Operator.notify != "[]")
    return [(name, json.loads(roles), json.loads(urls)) for name, roles, urls in session.exec(query)]


@contextmanager
def one_run_at_a_time(database) -> Iterator[None]:
    """Hold the notify lock until the block ends: a second ``sop notify`` waits, then finds the notices sent.

    The operating system (SQLite: a lock on a file beside the logbook) or the server (PostgreSQL: a session
    advisory lock) lets go when the process dies, so a killed run never leaves the lock behind.
    """
    if database.is_sqlite and database.path is not None:
        import fcntl

        descriptor = os.open(f"{database.path}.notify-lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing lets go of the lock
        return
    if database.is_sqlite:
        yield  # an in-memory logbook has one process
        return
    with database.engine.connect() as connection:
        connection.execute(text(f"SELECT pg_advisory_lock({NOTIFY_LOCK})"))
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text(f"SELECT pg_advisory_unlock({NOTIFY_LOCK})"))
            connection.commit()
