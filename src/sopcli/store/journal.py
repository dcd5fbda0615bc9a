"""The journal's hash chain: the only code that appends to it, and the reading ``sop verify`` checks.

Every entry's hash covers the one before it (``domain.chain``), so appending
is: take the journal lock, read the head (last seq and hash), write the next
entry chained to it. Writers hold the lock until their transaction ends, so
two never chain to the same head. Nothing here updates or deletes an entry;
triggers in the schema refuse that too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from sopcli.domain.chain import GENESIS, HASHED_KEYS, canonical_moment, canonical_value, entry_hash, received_entry_hash
from sopcli.domain.engine import Entry, describe
from sopcli.domain.vocabulary import Action
from sopcli.store.bulk import insert_rows, moment_parameter
from sopcli.store.database import JOURNAL_LOCK
from sopcli.store.models import JournalEntry, UTCDateTime

# The journal's columns in the order ``append_received`` writes them (a test holds them to the table):
# the hashed keys, with the complaint's id beside its number, then the chain's two links.
ENTRY_COLUMNS = ("seq", "complaint_id", *HASHED_KEYS[1:], "prev_hash", "hash")


def lock(session: Session) -> None:
    """Serialise writers of the chain until this transaction ends.

    SQLite's BEGIN IMMEDIATE already did; PostgreSQL takes a transaction-scoped advisory lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})"))


def head(session: Session) -> tuple[int, str]:
    """The last entry's seq and hash; (0, ``GENESIS``) for an empty journal."""
    last = session.execute(text("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def entry_count(session: Session, through: int | None = None) -> int:
    """How many entries the journal holds (up to seq ``through``)."""
    total = session.execute(text("SELECT count(*) FROM journal_entry")).scalar_one()
    if through is None:
        return total
    # The whole count reads the smallest index; a range of seq (the rowid on SQLite) would read the table itself.
    after = session.execute(text("SELECT count(*) FROM journal_entry WHERE seq > :seq"), {"seq": through}).scalar_one()
    return total - after


def append(
    session: Session,
    entry: Entry,
    recorded_at: datetime,
    *,
    complaint_id: int | None = None,
    complaint_number: str | None = None,
) -> int:
    """Add ``entry`` at the head of the chain (no complaint: a seal); returns its seq.

    The caller holds the lock (``lock``) from before it read what the entry is based on.
    """
    last_seq, prev_hash = head(session)
    seq = last_seq + 1
    data = describe(entry) | {"seq": seq, "complaint_number": complaint_number, "recorded_at": recorded_at}
    session.add(
        JournalEntry(
            seq=seq,
            complaint_id=complaint_id,
            complaint_number=complaint_number,
            action=entry.action,
            step=entry.step,
            decision=entry.decision,
            fields=json.dumps(dict(entry.fields), ensure_ascii=False, sort_keys=True),
            actor=entry.actor,
            at=entry.at,
            recorded_at=recorded_at,
            note=entry.note,
            output=entry.output,
            on_time=entry.on_time,
            took_minutes=entry.took_minutes,
            standard_minutes=entry.standard_minutes,
            next_step=entry.next_step,
            prev_hash=prev_hash,
            hash=entry_hash(prev_hash, data),
        )
    )
    return seq


# One ``received`` entry of a bulk import: (complaint id, complaint number, fields as canonical JSON,
# fields as stored JSON, actor, at as the driver takes it, at as canonical_moment, note, next step).
ReceivedParts = tuple[int, str, str, str, str, Any, str, str | None, str | None]


def append_received(
    session: Session, head_now: tuple[int, str], recorded_at: datetime, parts: Sequence[ReceivedParts]
) -> tuple[int, str]:
    """Append the ``received`` entries of newly imported complaints in one executemany; returns the new head.

    The bulk path of an import: each entry is hashed from its parts (``received_entry_hash``, which the
    tests hold to ``entry_hash``) and written as a driver-ready row. ``head_now`` is the head this
    transaction read under the lock, or the one the previous call returned.
    """
    connection = session.connection()
    recorded_value, recorded_text = moment_parameter(connection.dialect)(recorded_at), canonical_moment(recorded_at)
    seq, prev_hash = head_now
    received = str(Action.RECEIVED)
    rows = []
    for complaint_id, number, hashed_fields, stored_fields, actor, at, at_text, note, next_step in parts:
        seq += 1
        digest = received_entry_hash(
            prev_hash, seq, number, hashed_fields, actor, at_text, recorded_text, note, next_step
        )
        rows.append(
            (
                seq,
                complaint_id,
                number,
                received,
                None,
                None,
                stored_fields,
                actor,
                at,
                recorded_value,
                note,
                None,
                None,
                None,
                None,
                next_step,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    insert_rows(connection, JournalEntry.metadata.tables["journal_entry"], ENTRY_COLUMNS, rows)
    return seq, prev_hash


def hashed_entries(session: Session, happened: tuple[datetime, datetime] | None = None) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, as ``chain.verify_chain`` reads it: the hashed keys, ``prev_hash`` and ``hash``.

    With ``happened`` (start, end): only the entries that happened in [start, end), seals aside (a day a seal covers).
    Read as raw rows, not through the model: a row edited behind sop's back (a
    field that is not JSON, a moment in another form) must come back to be
    reported as edited, not fail to load.
    """
    query = text(
        "SELECT seq, complaint_number, action, step, decision, fields, actor, at, recorded_at, note, output, "
        "on_time, took_minutes, standard_minutes, next_step, prev_hash, hash FROM journal_entry "
        + ("WHERE at >= :start AND at < :end AND action != :seal " if happened else "")
        + "ORDER BY seq"
    )
    if happened:
        query = query.bindparams(
            sa.bindparam("start", happened[0], type_=UTCDateTime()),
            sa.bindparam("end", happened[1], type_=UTCDateTime()),
            sa.bindparam("seal", str(Action.SEAL)),
        )
    result = session.execute(query)
    as_utc = UTCDateTime().process_result_value
    for row in result.mappings():
        data = dict(row)
        try:
            data["fields"] = json.loads(data["fields"])
        except (TypeError, ValueError):
            data["fields"] = {"undecodable": str(data["fields"])}  # cannot match its hash: reported as edited
        data["at"] = None if data["at"] is None else as_utc(_as_datetime(data["at"]), None)
        data["recorded_at"] = None if data["recorded_at"] is None else as_utc(_as_datetime(data["recorded_at"]), None)
        data["on_time"] = None if data["on_time"] is None else bool(data["on_time"])
        yield data


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# A moment exactly as UTCDateTime and store.bulk write it on SQLite (naive UTC, microseconds always there):
# its canonical form is the same text with a T and a Z. A year before 1000 takes the general path.
_STORED_MOMENT = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_PLAIN = frozenset((str, int, bool, type(None)))  # chain._canonical leaves these as they are
_IS_SEAL = f"action = '{Action.SEAL}'"  # as the partial index ix_journal_entry_seal names it (migration 0008)
_AS_STORED = (0, 1, 2, 3, 4, 6, 9, 10, 12, 13, 14)  # chain_rows's columns encoded as the database returns them
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode  # entry_encoding's


@lru_cache(maxsize=8192)  # an import's entries share a few thousand moments
def _stored_moment(value: Any) -> str | None:
    if value is None:
        return None  # as entry_encoding has it (null): a moment the hash could not have covered
    if type(value) is str and _STORED_MOMENT.fullmatch(value):
        return f"{value[:10]}T{value[11:]}Z"
    try:
        return canonical_moment(UTCDateTime().process_result_value(_as_datetime(value), None))
    except (TypeError, ValueError, OverflowError):
        return f"unreadable {value!r}"  # not a moment: cannot match its hash


def _stored_fields(value: Any) -> Any:
    try:
        fields = json.loads(value)
    except (TypeError, ValueError):
        return {"undecodable": str(value)}  # cannot match its hash: reported as edited
    if type(fields) is dict and all(type(v) is str for v in fields.values()):
        return fields  # what sop writes: text to text, sorted by the encoder
    return canonical_value(fields)


def chain_rows(
    session: Session, after: int = 0, through: int | None = None, *, seals_only: bool = False
) -> Iterator[tuple[int, str, str, str]]:
    """(seq, prev_hash, hash, ``entry_encoding``) of every entry after seq ``after`` (up to ``through``), in order.

    ``seals_only``: the seal entries alone.

    The fast reading of the chain for ``sop verify``: a plain driver cursor, and
    each entry's encoding built from the stored text (a moment in the form sop
    stores it is sliced, not parsed; fields go straight from JSON to the
    encoder). Anything in another form takes the general conversion, so the
    encoding is the one ``hashed_entries`` + ``entry_encoding`` give, and a row
    edited into something unreadable comes back to be reported as edited.
    """
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    bounds: tuple[Any, ...] = (after,) if through is None else (after, through)
    query = (
        "SELECT seq, complaint_number, action, step, decision, fields, actor, at, recorded_at, note, output, "
        f"on_time, took_minutes, standard_minutes, next_step, prev_hash, hash FROM journal_entry "
        f"WHERE seq > {marker}"
        + ("" if through is None else f" AND seq <= {marker}")
        + (f" AND {_IS_SEAL}" if seals_only else "")
        + " ORDER BY seq"
    )
    driver_error = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        cursor.execute(query, bounds)
        plain, encode, moment, load = _PLAIN, _ENCODE, _stored_moment, _stored_fields
        while batch := cursor.fetchmany(2000):
            for row in batch:
                (seq, number, action, step, decision, fields, actor, at, recorded_at, note, output, on_time, took,
                 standard, next_step) = row[:15]  # fmt: skip
                body = [seq, number, action, step, decision, load(fields), actor, moment(at), moment(recorded_at),
                        note, output, None if on_time is None else bool(on_time), took, standard, next_step]  # fmt: skip
                if not (
                    took is None
                    and type(seq) in plain
                    and type(number) in plain
                    and type(action) in plain
                    and type(step) in plain
                    and type(decision) in plain
                    and type(actor) in plain
                    and type(note) in plain
                    and type(output) in plain
                    and type(standard) in plain
                    and type(next_step) in plain
                ):
                    for index in _AS_STORED:
                        if type(body[index]) not in plain:
                            body[index] = canonical_value(body[index])  # an amount of minutes, or a row edited
                try:
                    encoded = encode(body)
                except (TypeError, ValueError):
                    encoded = f"unencodable {body!r}"  # bytes where text belongs: cannot match its hash
                yield row[0], row[15], row[16], encoded
    except driver_error as exc:  # as SQLAlchemy would raise it: the database layer tells damage from other faults
        raise sa.exc.DBAPIError.instance(query, bounds, exc, driver_error) from exc
    finally:
        cursor.close()


# --- reading ---------------------------------------------------------------------


def recorded_between(session: Session, since: datetime | None, until: datetime | None) -> Iterator[JournalEntry]:
    """Entries in chain order, from the first recorded at or after ``since`` to the last recorded before ``until``.

    The bounds are turned into a range of seq, never applied entry by entry:
    recorded_at follows seq only as closely as the writers' clocks agree, and a
    gap in seq is exactly what 'sop verify --file' reports as a missing entry.
    """
    seq = col(JournalEntry.seq)
    query = select(JournalEntry).order_by(seq)
    if since:
        first = select(func.min(JournalEntry.seq)).where(col(JournalEntry.recorded_at) >= since)
        query = query.where(seq >= first.scalar_subquery())
    if until:
        last = select(func.max(JournalEntry.seq)).where(col(JournalEntry.recorded_at) < until)
        query = query.where(seq <= last.scalar_subquery())
    yield from session.exec(query.execution_options(yield_per=1000))


def hashes_between(session: Session, start: datetime, end: datetime) -> list[tuple[int, str]]:
    """The seq and hash of the entries that happened in [``start``, ``end``), seals aside, in chain order."""
    at = col(JournalEntry.at)
    query = (
        select(JournalEntry.seq, JournalEntry.hash)
        .where(at >= start, at < end, col(JournalEntry.action) != Action.SEAL)
        .order_by(col(JournalEntry.seq))
    )
    return [(seq, hash_) for seq, hash_ in session.exec(query)]


def seals(session: Session, *, newest_first: bool = False) -> Sequence[tuple[int, str]]:
    """The seq and fields (JSON) of every seal, in chain order or newest first."""
    order = "DESC" if newest_first else "ASC"
    # The action as a literal, not a parameter: so SQLite uses the partial index of the seals.
    rows = session.execute(text(f"SELECT seq, fields FROM journal_entry WHERE {_IS_SEAL} ORDER BY seq {order}"))
    return [(seq, fields) for seq, fields in rows]


def replay_entry(
    action: str,
    at: datetime,
    actor: str,
    step: str | None,
    decision: str | None,
    fields: str,
    took_minutes: float | None,
    next_step: str | None,
    note: str | None = None,
) -> Entry:
    """A stored entry as ``engine.replay`` reads it, from the columns ``case_entries`` and the reports select."""
    return Entry(
        Action(action),  # an unknown action is a ValueError here, as it would be in replay
        at,
        actor,
        step=step,
        decision=decision,
        fields=json.loads(fields),
        took_minutes=took_minutes,
        next_step=next_step,
        note=note,
    )


def complaints_since(since: int):
    """A subquery: the ids of the complaints with an entry after seq ``since``."""
    j = JournalEntry
    return sa.select(col(j.complaint_id)).where(col(j.seq) > since, col(j.complaint_id).is_not(None)).distinct()


def case_entries(session: Session, since: int | None = None) -> Iterator[Sequence[Any]]:
    """The entries of complaints (seals aside), by complaint id then chain order, streamed, as
    (complaint_id, complaint_number, action, at, actor, step, decision, fields, took_minutes, next_step, note).

    With ``since`` (a seq): all the entries of the complaints with an entry after it."""
    j = JournalEntry
    query = (
        sa.select(
            col(j.complaint_id),
            col(j.complaint_number),
            col(j.action),
            col(j.at),
            col(j.actor),
            col(j.step),
            col(j.decision),
            col(j.fields),
            col(j.took_minutes),
            col(j.next_step),
        )
        .add_columns(col(j.note))  # select() is typed for at most ten columns
        .where(col(j.complaint_id).is_not(None))
        .order_by(col(j.complaint_id), col(j.seq))
        .execution_options(yield_per=2000)
    )
    if since is not None:
        query = query.where(col(j.complaint_id).in_(complaints_since(since)))
    yield from session.execute(query)


def with_action(session: Session, action: str) -> Iterator[tuple[int, str | None, dict[str, str], datetime, str]]:
    """(seq, complaint number, fields, at, actor) of every entry recording ``action``, in chain order."""
    query = text(
        "SELECT seq, complaint_number, fields, at, actor FROM journal_entry WHERE action = :action ORDER BY seq"
    )
    for seq, number, fields, at, actor in session.execute(query, {"action": action}):
        moment = _as_datetime(at)
        yield seq, number, json.loads(fields), moment if moment.tzinfo else moment.replace(tzinfo=UTC), actor
