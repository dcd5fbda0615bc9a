"""The reports' figures as SQL aggregates, on SQLite and PostgreSQL alike.

Every function takes a session and a half-open period ``[start, end)`` of
aware datetimes, and returns plain rows: the database counts and ranks, Python
only arranges the (small) result. Medians and 90th percentiles are computed
with window functions: the median averages the two middle values of an even
count; p90 is the nearest-rank value (the ⌈0.9·n⌉-th smallest), the same rules
as ``sopcli.domain.figures.median`` and ``p90``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import col

from sopcli.domain.vocabulary import Action, ActivityColumn, Status, actions_counted_in
from sopcli.store.models import Complaint, JournalEntry


def _within(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def complaint_counts(
    session, start: datetime, end: datetime, as_of: datetime, group: str | None = None, sop: str | None = None
) -> list[tuple]:
    """(group value, received, resolved, no fault found, referred, rejected, cancelled, open at ``end``,
    overdue untouched) per ``group``.

    ``group`` is ``sop_id``, ``unit``, ``system`` or None for the totals (one
    row, group value None). Received counts arrivals in the period; the five
    closing statuses count cases closed in it; open counts cases received before the
    end and not closed by it. The last figure counts the open cases past their
    deadline at ``as_of`` whose stored state is their state then (``overdue_now``);
    cases changed since are judged by replaying them.
    """
    closed_in = _within(col(Complaint.closed_at), start, end)
    key = getattr(Complaint, group) if group else None
    figures = (
        func.count().filter(col(Complaint.received_at) >= start),
        *(
            func.count().filter(and_(col(Complaint.status) == status, closed_in))
            for status in (Status.RESOLVED, Status.NO_FAULT_FOUND, Status.REFERRED, Status.REJECTED, Status.CANCELLED)
        ),
        func.count().filter(or_(col(Complaint.closed_at).is_(None), col(Complaint.closed_at) >= end)),
        func.count().filter(_untouched_overdue(as_of)),
    )
    query = select(*([key] if key is not None else []), *figures).where(
        col(Complaint.received_at) < end, or_(col(Complaint.closed_at).is_(None), col(Complaint.closed_at) >= start)
    )
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    if key is None:
        return [(None, *session.execute(query).one())]
    return [tuple(row) for row in session.execute(query.group_by(key).order_by(key))]


def _ranked(value, partition, query):
    """``query`` with each row's rank by ``value`` within its partition, and the partition's size."""
    return query.add_columns(
        func.row_number().over(partition_by=partition, order_by=value).label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()


def _median(ranked, value):
    n = ranked.c.n
    middle = or_(ranked.c.rank == (n + 1) // 2, ranked.c.rank == (n + 2) // 2)
    return func.avg(case((middle, value)))


def _p90(ranked, value):
    n = ranked.c.n
    return func.max(case((ranked.c.rank == (9 * n + 9) // 10, value)))


def _journal_in(start: datetime, end: datetime, sop: str | None, *actions: Action):
    conditions = [_within(col(JournalEntry.at), start, end)]
    if actions:
        conditions.append(col(JournalEntry.action).in_(actions))
    if sop:
        conditions.append(col(Complaint.sop_id) == sop)
    return and_(*conditions)


def step_figures(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(sop, step, done, on time, late, median, p90, smallest and largest standard) per SOP step done in the period.

    A step without a time standard is neither on time nor late.
    """
    base = (
        select(
            col(Complaint.sop_id),
            col(JournalEntry.step),
            col(JournalEntry.took_minutes),
            col(JournalEntry.on_time),
            col(JournalEntry.standard_minutes),
        )
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_journal_in(start, end, sop, Action.STEP))
    )
    ranked = _ranked(col(JournalEntry.took_minutes), (col(Complaint.sop_id), col(JournalEntry.step)), base)
    took = ranked.c.took_minutes
    query = select(
        ranked.c.sop_id,
        ranked.c.step,
        func.count(),
        func.count().filter(ranked.c.on_time.is_(True)),
        func.count().filter(ranked.c.on_time.is_(False)),
        _median(ranked, took),
        _p90(ranked, took),
        func.min(ranked.c.standard_minutes),
        func.max(ranked.c.standard_minutes),
    ).group_by(ranked.c.sop_id, ranked.c.step)
    return [tuple(row) for row in session.execute(query)]


def resolution_figures(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(sop, resolved, within the SOP's overall standard, median, p90, judged) over cases resolved in the period.

    ``judged`` counts the cases that had an overall standard to be within (their
    pinned SOP version had one): with none, "within" means nothing.
    """
    base = select(col(Complaint.sop_id), col(Complaint.resolution_minutes), col(Complaint.overall_on_time)).where(
        col(Complaint.status) == Status.RESOLVED, _within(col(Complaint.closed_at), start, end)
    )
    if sop:
        base = base.where(col(Complaint.sop_id) == sop)
    ranked = _ranked(col(Complaint.resolution_minutes), (col(Complaint.sop_id),), base)
    value = ranked.c.resolution_minutes
    query = (
        select(
            ranked.c.sop_id,
            func.count(),
            func.count().filter(ranked.c.overall_on_time.is_(True)),
            _median(ranked, value),
            _p90(ranked, value),
            func.count(ranked.c.overall_on_time),
        )
        .group_by(ranked.c.sop_id)
        .order_by(ranked.c.sop_id)
    )
    return [tuple(row) for row in session.execute(query)]


def step_moves(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(sop, step, next step, times) for every move between steps made in the period."""
    query = (
        select(col(Complaint.sop_id), col(JournalEntry.step), col(JournalEntry.next_step), func.count())
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_journal_in(start, end, sop, Action.STEP), col(JournalEntry.next_step).is_not(None))
        .group_by(col(Complaint.sop_id), col(JournalEntry.step), col(JournalEntry.next_step))
    )
    return [tuple(row) for row in session.execute(query)]


def decision_and_check_fields(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(sop, action, fields as stored) of every decision taken (a step entry with one) and every check run in the
    period: the report counts which decisions a check proposed and which were taken by hand."""
    query = (
        select(col(Complaint.sop_id), col(JournalEntry.action), col(JournalEntry.fields))
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(
            _journal_in(start, end, sop, Action.STEP, Action.CHECKED),
            or_(col(JournalEntry.action) == Action.CHECKED, col(JournalEntry.decision).is_not(None)),
        )
    )
    return [tuple(row) for row in session.execute(query)]


def pause_reasons(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(reason, pauses) for pauses begun in the period, most frequent first."""
    query = (
        select(col(JournalEntry.note), func.count())
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_journal_in(start, end, sop, Action.PAUSE))
        .group_by(col(JournalEntry.note))
        .order_by(func.count().desc(), col(JournalEntry.note))
    )
    return [tuple(row) for row in session.execute(query)]


def paused_minutes(session, start: datetime, end: datetime, sop: str | None = None) -> float:
    """Working minutes of the pauses ended (resumed) in the period."""
    query = (
        select(func.coalesce(func.sum(col(JournalEntry.took_minutes)), 0.0))
        .join(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_journal_in(start, end, sop, Action.RESUME))
    )
    return float(session.execute(query).scalar_one())


def operator_activity(session, start: datetime, end: datetime, sop: str | None = None) -> list[tuple]:
    """(actor, complaints recorded, steps done, of them late, notes, pauses and resumes, cancellations,
    corrections (corrected, undone, reopened, moved to another SOP), all entries).

    Which actions each column counts is the vocabulary's ``ACTION_TABLE``.
    """

    def counted_in(column: ActivityColumn):
        return func.count().filter(col(JournalEntry.action).in_(actions_counted_in(column)))

    query = (
        select(
            col(JournalEntry.actor),
            counted_in(ActivityColumn.RECORDED),
            counted_in(ActivityColumn.STEPS),
            func.count().filter(and_(col(JournalEntry.action) == Action.STEP, col(JournalEntry.on_time).is_(False))),
            counted_in(ActivityColumn.NOTES),
            counted_in(ActivityColumn.PAUSES),
            counted_in(ActivityColumn.CANCELLATIONS),
            counted_in(ActivityColumn.CORRECTIONS),
            func.count(),
        )
        .outerjoin(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_journal_in(start, end, sop))
        .group_by(col(JournalEntry.actor))
        .order_by(col(JournalEntry.actor))
    )
    return [tuple(row) for row in session.execute(query)]


_CASE_COLUMNS = (
    col(Complaint.id),
    col(Complaint.number),
    col(Complaint.sop_version_id),
    col(Complaint.sop_id),
    col(Complaint.unit),
    col(Complaint.system),
)


def _untouched_overdue(cutoff: datetime):
    """Open, nothing recorded since ``cutoff`` (the stored state is the state then), and past its deadline then."""
    return and_(col(Complaint.status) == Status.OPEN, col(Complaint.last_at) < cutoff, col(Complaint.due_at) < cutoff)


def _overdue_where(query, cutoff: datetime, sop: str | None, versions: list[int] | None):
    query = query.where(_untouched_overdue(cutoff))
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    if versions is not None:
        query = query.where(col(Complaint.sop_version_id).in_(versions))
    return query


def overdue_now(
    session, cutoff: datetime, sop: str | None = None, versions: list[int] | None = None, limit: int | None = None
) -> list[tuple]:
    """Open cases whose stored state is the state at ``cutoff`` (nothing happened since) and whose deadline passed.

    Longest overdue first (earliest deadline), at most ``limit``; only of the SOP ``versions`` when given.
    Rows: id, number, sop version, sop, unit, system, current step, due at.
    """
    query = select(*_CASE_COLUMNS, col(Complaint.current_step), col(Complaint.due_at))
    query = _overdue_where(query, cutoff, sop, versions).order_by(col(Complaint.due_at), col(Complaint.id))
    if limit is not None:
        query = query.limit(limit)
    return [tuple(row) for row in session.execute(query)]


def overdue_versions(session, cutoff: datetime, sop: str | None = None) -> list[int]:
    """The SOP versions of the cases ``overdue_now`` finds: their calendars say how late each is."""
    query = _overdue_where(select(col(Complaint.sop_version_id)).distinct(), cutoff, sop, None)
    return [row[0] for row in session.execute(query)]


def overdue_by_band(
    session, cutoff: datetime, band_starts: list[datetime], versions: list[int], sop: str | None = None
) -> list[tuple]:
    """(sop version, step, band, cases) over the cases ``overdue_now`` finds among ``versions``.

    ``band_starts`` are moments, latest first: a case due after the first is in band 0, one due after the
    second (and not the first) in band 1, and so on; the calendar that makes them is the versions' own.
    """
    due = col(Complaint.due_at)
    band = case(*((due > moment, index) for index, moment in enumerate(band_starts)), else_=len(band_starts))
    query = select(col(Complaint.sop_version_id), col(Complaint.current_step), band.label("band"), func.count())
    query = _overdue_where(query, cutoff, sop, versions).group_by(
        col(Complaint.sop_version_id), col(Complaint.current_step), band
    )
    return [tuple(row) for row in session.execute(query)]


def daily_flow(session, days: list[datetime], end: datetime, sop: str | None = None) -> list[tuple]:
    """(day index, received, resolved) per day starting at ``days`` (the last ending at ``end``), days with either.

    A CASE over the day boundaries buckets each row: the same on SQLite and PostgreSQL, one pass each.
    """

    def day_of(column):
        return case(*((column < bound, index) for index, bound in enumerate([*days[1:], end])), else_=len(days))

    def per_day(column, *conditions) -> dict[int, int]:
        bucket = day_of(column).label("day")
        query = select(bucket, func.count()).where(column >= days[0], column < end, *conditions)
        if sop:
            query = query.where(col(Complaint.sop_id) == sop)
        return {day: count for day, count in session.execute(query.group_by(bucket))}

    received = per_day(col(Complaint.received_at))
    resolved = per_day(col(Complaint.closed_at), col(Complaint.status) == Status.RESOLVED)
    return [(index, received.get(index, 0), resolved.get(index, 0)) for index in sorted(received.keys() | resolved)]


def open_then_changed(session, cutoff: datetime, sop: str | None = None) -> list[tuple]:
    """Cases open at ``cutoff`` that have journal entries since: their state then must be rebuilt.

    Found from the journal's entries since ``cutoff`` (its ``at`` index), not by reading every
    complaint: a daily report on a logbook of a million complaints reads the day's entries only.
    Rows: id, number, sop version, sop, unit, system.
    """
    since = select(col(JournalEntry.complaint_id)).where(col(JournalEntry.at) >= cutoff)
    query = (
        select(*_CASE_COLUMNS)
        .where(
            col(Complaint.id).in_(since),
            col(Complaint.received_at) < cutoff,
            or_(col(Complaint.closed_at).is_(None), col(Complaint.closed_at) >= cutoff),
        )
        .order_by(col(Complaint.id))
    )
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    return [tuple(row) for row in session.execute(query)]


def entries_before(session, complaint_ids: list[int], cutoff: datetime) -> list[tuple]:
    """The journal of these cases up to ``cutoff``, in order.

    Rows: complaint id, action, at, actor, step, decision, fields (JSON), took minutes, next step.
    """
    if not complaint_ids:
        return []
    j = JournalEntry
    query = (
        select(
            col(j.complaint_id),
            col(j.action),
            col(j.at),
            col(j.actor),
            col(j.step),
            col(j.decision),
            col(j.fields),
            col(j.took_minutes),
            col(j.next_step),
        )
        .where(col(j.complaint_id).in_(complaint_ids), col(j.at) < cutoff)
        .order_by(col(j.complaint_id), col(j.seq))
    )
    return [tuple(row) for row in session.execute(query)]


def journal_entries(
    session, start: datetime, end: datetime, actor: str | None = None, sop: str | None = None
) -> list[tuple]:
    """(entry, sop version) for the journal of the period, in time order; entries of no case have version None."""
    query = (
        select(JournalEntry, col(Complaint.sop_version_id))
        .outerjoin(Complaint, col(Complaint.id) == col(JournalEntry.complaint_id))
        .where(_within(col(JournalEntry.at), start, end))
        .order_by(col(JournalEntry.at), col(JournalEntry.seq))
    )
    if actor:
        query = query.where(col(JournalEntry.actor) == actor)
    if sop:
        query = query.where(col(Complaint.sop_id) == sop)
    return [tuple(row) for row in session.execute(query)]
