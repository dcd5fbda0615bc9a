"""Complaint queries, and the mapping between a complaint's row and the engine's ``CaseState``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from sopcli.domain.engine import CaseState, branches_from, branches_text, moments_from, moments_text
from sopcli.domain.vocabulary import Status
from sopcli.store.bulk import insert_rows, placeholders
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
        moments=moments_from(complaint.moments),
        priority=complaint.priority,
        branches=branches_from(complaint.branches),
        approvals=tuple(json.loads(complaint.approvals)),
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
    complaint.moments = moments_text(state.moments)
    complaint.branches = branches_text(state.branches)
    complaint.approvals = json.dumps(list(state.approvals))
    complaint.last_at = state.last_at
    complaint.closed_at = state.closed_at
    complaint.due_at = due
    complaint.notify_at = state.last_at  # a step began, a pause ended, the case closed: sop notify looks again
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

    def clauses(self, status_index: bool = True) -> list:
        """The WHERE clauses; without ``status_index`` the status is compared through an expression no index
        serves, so the database walks another index in its order instead (see ``matching``)."""
        clauses = []
        if self.status is not None:
            status = col(Complaint.status)
            clauses.append((status if status_index else func.coalesce(status, "")) == self.status)
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


def matching(
    session: Session, wanted: CaseFilter, limit: int | None = None, order: str = "received"
) -> list[Complaint]:
    """The complaints ``wanted`` lets through, at most ``limit``, in ``order``: ``received`` (oldest first),
    ``number``, or ``urgency`` (the earliest deadline first, so the latest are the most overdue; then those
    without a deadline, oldest first).

    ``urgency`` orders by the stored deadline, a moment, so that the database can walk its index and stop at
    ``limit``; working time is worked out for the rows returned only. Across SOPs on different calendars
    (office hours, 24x7) the one further past its deadline in working time may therefore come second.
    """
    query = select(Complaint).where(*wanted.clauses())
    if order == "number":
        return _first(session, query.order_by(col(Complaint.year), col(Complaint.serial)), limit)
    oldest_first = (col(Complaint.received_at), col(Complaint.id))
    if order != "urgency":
        return _first(session, query.order_by(*oldest_first), limit)
    due = col(Complaint.due_at)
    # Only open complaints have a deadline: read in the deadline index's order, the first ``limit`` rows are
    # the answer. Left to choose, SQLite takes the status index and sorts every open complaint first.
    by_deadline = select(Complaint).where(*wanted.clauses(status_index=False), due.is_not(None))
    rows = _first(session, by_deadline.order_by(due, col(Complaint.id)), limit)
    if limit is None or len(rows) < limit:
        rest = None if limit is None else limit - len(rows)
        rows += _first(session, query.where(due.is_(None)).order_by(*oldest_first), rest)
    return rows


def open_due_by(session: Session, until: datetime, sop: str | None = None) -> Iterator[Complaint]:
    """Open complaints due at or before ``until`` (late ones included), the earliest deadline first, streamed.

    A complaint's stored deadline is the earliest of its current steps', so one whose deadline is later has
    no step due by ``until``. The status is compared through an expression no index serves, so that the
    database walks the deadline index over the range instead of reading every open complaint by status.
    """
    due = col(Complaint.due_at)
    query = select(Complaint).where(
        due.is_not(None), due <= until, func.coalesce(col(Complaint.status), "") == Status.OPEN
    )
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    yield from session.exec(query.order_by(due, col(Complaint.id)).execution_options(yield_per=500))


def _first(session: Session, query, limit: int | None) -> list[Complaint]:
    return list(session.exec(query.limit(limit) if limit else query))


def received_between(
    session: Session, since: datetime | None, until: datetime | None, sop: str | None, status: Status | None
) -> Iterator[Complaint]:
    """Complaints received in [``since``, ``until``), of one SOP and status if given, oldest first, streamed."""
    received = col(Complaint.received_at)
    query = select(Complaint).order_by(received, col(Complaint.id))
    if since:
        query = query.where(received >= since)
    if until:
        query = query.where(received < until)
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    if status:
        query = query.where(col(Complaint.status) == status)
    yield from session.exec(query.execution_options(yield_per=1000))


# A complaint's own details, as its row holds them: its ``received`` entry and later corrections record each.
OWN_DETAILS = (
    "description",
    "reporter",
    "unit",
    "system",
    "host",
    "channel",
    "priority",
    "ref",
    "sop_id",
    "created_by",
)


def states_by_id(session: Session, since: int | None = None) -> Iterator[Sequence[Any]]:
    """What ``sop db check`` compares with a replay of each journal, by complaint id, streamed, as (id, number,
    sop_version_id, status, current_step, step_started_at, paused_since, paused_minutes, closed_at, fields,
    received_at, moments, branches, approvals, details) where details maps each of ``OWN_DETAILS`` to its value.

    With ``since`` (a seq): only the complaints with a journal entry after it."""
    c = Complaint
    query = (
        sa.select(
            col(c.id),
            col(c.number),
            col(c.sop_version_id),
            col(c.status),
            col(c.current_step),
            col(c.step_started_at),
            col(c.paused_since),
            col(c.paused_minutes),
            col(c.closed_at),
            col(c.fields),
        )
        # select() is typed for at most ten columns: the rest are added
        .add_columns(
            col(c.received_at),
            col(c.moments),
            col(c.branches),
            col(c.approvals),
            *(getattr(c, name) for name in OWN_DETAILS),
        )
        .order_by(col(c.id))
        .execution_options(yield_per=2000)
    )
    if since is not None:
        from sopcli.store.journal import complaints_since

        query = query.where(col(c.id).in_(complaints_since(since)))
    for row in session.execute(query):
        yield (*row[:14], dict(zip(OWN_DETAILS, row[14:], strict=True)))


# --- the bulk path of an import --------------------------------------------------

# The complaint table's columns in the order ``insert_many`` takes them (a test holds them to the table).
COMPLAINT_COLUMNS = (
    "id",
    "number",
    "year",
    "serial",
    "ref",
    "sop_version_id",
    "sop_id",
    "description",
    "reporter",
    "unit",
    "system",
    "host",
    "channel",
    "priority",
    "received_at",
    "status",
    "current_step",
    "step_started_at",
    "due_at",
    "paused_since",
    "paused_minutes",
    "total_paused_minutes",
    "fields",
    "moments",
    "last_at",
    "closed_at",
    "resolution_minutes",
    "overall_on_time",
    "created_by",
    "revision",
    "branches",
    "approvals",
    "notify_at",
)
# Values looked up with one IN (...) each: well under every engine's limit on parameters.
LOOKUP_BATCH = 500


def last_id(session: Session) -> int:
    """The highest complaint id (0: none). Complaints are never deleted, so it also counts them."""
    return session.exec(select(func.max(Complaint.id))).one() or 0


def insert_many(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Insert complaints given as driver-ready tuples in ``COMPLAINT_COLUMNS`` order (``bulk.insert_rows``)."""
    insert_rows(session.connection(), Complaint.metadata.tables["complaint"], COMPLAINT_COLUMNS, rows)


def with_refs(session: Session, refs: Sequence[str]) -> dict[str, tuple[int, str]]:
    """ref → (id, number) of the complaints recorded with one of ``refs``."""
    connection = session.connection()
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(refs), LOOKUP_BATCH):
        part = refs[start : start + LOOKUP_BATCH]
        query = f"SELECT ref, id, number FROM complaint WHERE ref IN ({placeholders(connection.dialect, len(part))})"
        found.update({ref: (cid, number) for ref, cid, number in connection.exec_driver_sql(query, tuple(part))})
    return found


def received_with_numbers(session: Session, numbers: Sequence[str]) -> Iterator[tuple[str, datetime, str]]:
    """(number, received_at, description) of the complaints numbered one of ``numbers``."""
    connection = session.connection()
    for start in range(0, len(numbers), LOOKUP_BATCH):
        part = numbers[start : start + LOOKUP_BATCH]
        query = (
            f"SELECT number, received_at, description FROM complaint "
            f"WHERE number IN ({placeholders(connection.dialect, len(part))})"
        )
        for number, received_at, description in connection.exec_driver_sql(query, tuple(part)):
            yield number, _as_utc(received_at), description


def _as_utc(stored: Any) -> datetime:
    """A moment as the driver returns it (SQLite: text; PostgreSQL: a naive datetime), both UTC."""
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def year_rows(session: Session, start: datetime, end: datetime) -> list[tuple[int, str, str, Any, Any, int]]:
    """(id, number, status, due_at, paused_since, sop_version_id) of the complaints received in [start, end)."""
    c = Complaint
    received = col(c.received_at)
    query = (
        sa.select(col(c.id), col(c.number), col(c.status), col(c.due_at), col(c.paused_since), col(c.sop_version_id))
        .where(received >= start, received < end)
        .order_by(received, col(c.id))
    )
    return [
        (row[0], row[1], row[2], None if row[3] is None else _as_utc(row[3]), row[4], row[5])
        for row in session.execute(query)
    ]


def ids_with_late_steps(session: Session, start: datetime, end: datetime) -> set[int]:
    """The ids of the complaints received in [start, end) that have a step done late."""
    received = col(Complaint.received_at)
    late = (
        sa.select(col(JournalEntry.complaint_id))
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(col(JournalEntry.on_time) == sa.false(), received >= start, received < end)
        .distinct()
    )
    return {row[0] for row in session.execute(late)}


def analyze(session: Session) -> None:
    """Refresh the complaint table's statistics (this table only: a bare ANALYZE on PostgreSQL takes every schema's)."""
    session.connection().exec_driver_sql("ANALYZE complaint")
