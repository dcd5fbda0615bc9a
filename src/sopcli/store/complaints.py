"""Complaint queries, and the mapping between a complaint's row and the engine's ``CaseState``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from sopcli.domain.engine import CaseState
from sopcli.domain.vocabulary import Status
from sopcli.store.models import Complaint, JournalEntry


def with_ref(session: Session, ref: str) -> Complaint | None:
    """The complaint recorded with the reporter's ``ref`` (letter or ticket number)."""
    return session.exec(select(Complaint).where(Complaint.ref == ref)).first()


def with_number(session: Session, year: int, serial: int) -> Complaint | None:
    """The complaint numbered ``serial`` in ``year``."""
    return session.exec(select(Complaint).where(Complaint.year == year, Complaint.serial == serial)).first()


def number_with_ref(session: Session, ref: str) -> str | None:
    """The number of the complaint already recorded with ``ref``, if any."""
    return session.exec(select(Complaint.number).where(Complaint.ref == ref)).first()


def last_serial(session: Session, year: int) -> int:
    """The highest serial given in ``year`` (0: none yet)."""
    return session.exec(select(func.max(Complaint.serial)).where(Complaint.year == year)).one() or 0


def journal_of(session: Session, complaint_id: int) -> Sequence[JournalEntry]:
    """A complaint's journal entries in chain order."""
    query = select(JournalEntry).where(JournalEntry.complaint_id == complaint_id).order_by(col(JournalEntry.seq))
    return session.exec(query).all()


def state_of(complaint: Complaint) -> CaseState:
    """The engine's state of the case ``complaint`` holds."""
    return CaseState(
        status=Status(complaint.status),
        current_step=complaint.current_step,
        step_started_at=complaint.step_started_at,
        last_at=complaint.last_at,
        received_at=complaint.received_at,
        fields=json.loads(complaint.fields),
        paused_since=complaint.paused_since,
        paused_minutes=complaint.paused_minutes,
        total_paused_minutes=complaint.total_paused_minutes,
        closed_at=complaint.closed_at,
    )


def store_state(complaint: Complaint, state: CaseState, due: datetime | None) -> None:
    """Write ``state`` and its deadline ``due`` into the row, and count the change in ``revision``."""
    complaint.status = state.status
    complaint.current_step = state.current_step
    complaint.step_started_at = state.step_started_at
    complaint.paused_since = state.paused_since
    complaint.paused_minutes = state.paused_minutes
    complaint.total_paused_minutes = state.total_paused_minutes
    complaint.fields = json.dumps(dict(state.fields), ensure_ascii=False, sort_keys=True)
    complaint.last_at = state.last_at
    complaint.closed_at = state.closed_at
    complaint.due_at = due
    complaint.revision += 1


@dataclass(frozen=True)
class CaseFilter:
    """The filters of ``sop list`` (``status`` None: every status; ``overdue``: open and past due at ``now``)."""

    now: datetime
    status: Status | None = Status.OPEN
    sop: str | None = None
    overdue: bool = False
    mine: str | None = None  # an operator who wrote in the complaint's journal
    since: datetime | None = None

    def clauses(self) -> list:
        clauses = []
        if self.status is not None:
            clauses.append(col(Complaint.status) == self.status)
        if self.sop:
            clauses.append(col(Complaint.sop_id) == self.sop)
        if self.overdue:
            due = col(Complaint.due_at)
            clauses += [col(Complaint.status) == Status.OPEN, due.is_not(None), due < self.now]
        if self.since:
            clauses.append(col(Complaint.received_at) >= self.since)
        if self.mine:
            wrote = select(JournalEntry.complaint_id).where(JournalEntry.actor == self.mine)
            clauses.append(col(Complaint.id).in_(wrote))
        return clauses


def count_matching(session: Session, wanted: CaseFilter) -> int:
    """How many complaints ``wanted`` lets through."""
    return session.exec(select(func.count()).select_from(Complaint).where(*wanted.clauses())).one()


def matching(session: Session, wanted: CaseFilter, limit: int | None = None) -> Sequence[Complaint]:
    """The complaints ``wanted`` lets through, oldest first, at most ``limit``."""
    query = select(Complaint).where(*wanted.clauses()).order_by(col(Complaint.received_at), col(Complaint.id))
    if limit:
        query = query.limit(limit)
    return session.exec(query).all()
