"""The tables. Changing one means a new Alembic migration in ``migrations/versions``.

Every timestamp is stored in UTC (``UTCDateTime``) and comes back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every engine.

    SQLite keeps no zone, so values are normalised to naive UTC on the way in.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _utc(nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class SopVersion(SQLModel, table=True):
    """An SOP definition exactly as a complaint started with it (pinned by digest)."""

    __tablename__ = "sop_version"

    id: int | None = Field(default=None, primary_key=True)
    sop_id: str = Field(index=True)
    version: str
    digest: str = Field(unique=True)
    source: str = Field(sa_column=Column(Text, nullable=False))
    origin: str
    first_used_at: datetime = Field(sa_column=_utc())


class Complaint(SQLModel, table=True):
    """A pengaduan gangguan and where it stands in its SOP."""

    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("year", "serial", name="uq_complaint_year_serial"),
        # the queue oldest first: the database reads the first rows of one status and stops, sorting nothing
        Index("ix_complaint_status_received", "status", "received_at", "id"),
        # open complaints by deadline (the most overdue first); every query by status alone reads it too
        Index("ix_complaint_status_due", "status", "due_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    serial: int
    ref: str | None = Field(default=None, unique=True)
    sop_version_id: int = Field(foreign_key="sop_version.id")
    sop_id: str = Field(index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    reporter: str
    unit: str
    system: str
    host: str | None = None
    channel: str
    priority: str
    received_at: datetime = Field(sa_column=_utc(index=True))
    status: str
    current_step: str | None = None
    step_started_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    due_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True, index=True))
    paused_since: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    paused_minutes: float = 0.0
    total_paused_minutes: float = 0.0
    fields: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object
    # JSON object: the step starts and ends the SOP's waktu_sejak names (engine.CaseState.moments)
    moments: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    # JSON array: the steps current beside current_step after a fork (engine.Branch), each with its clock
    branches: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    # JSON array: the roles that have signed off the current step (a step with persetujuan)
    approvals: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    last_at: datetime = Field(sa_column=_utc())
    closed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True, index=True))
    resolution_minutes: float | None = None
    overall_on_time: bool | None = None
    created_by: str
    revision: int = 0  # bumped on every change: a stale writer finds it moved and stops
    # when sop notify next looks at the complaint (a threshold falls, a step began, it closed); None: it owes
    # nothing. Every change of state sets it to the change's moment.
    notify_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True, index=True))


class JournalEntry(SQLModel, table=True):
    """One line of the jurnal harian. Append-only; ``hash`` chains it to the line before.

    Indexes are few on purpose: every imported complaint writes a row here.
    """

    __tablename__ = "journal_entry"
    __table_args__ = (
        Index("ix_journal_entry_at", "at"),
        Index("ix_journal_entry_complaint", "complaint_id", "seq"),
        # the seals alone (migration 0008); a query must name the action as this literal to use it
        Index(
            "ix_journal_entry_seal",
            "seq",
            sqlite_where=text("action = 'seal'"),
            postgresql_where=text("action = 'seal'"),
        ),
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    complaint_number: str | None = None
    action: str
    step: str | None = None
    decision: str | None = None
    fields: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON object
    actor: str
    at: datetime = Field(sa_column=_utc())
    recorded_at: datetime = Field(sa_column=_utc())
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    output: str | None = None
    on_time: bool | None = None
    took_minutes: float | None = None
    standard_minutes: int | None = None
    next_step: str | None = None
    prev_hash: str
    hash: str  # not indexed: the chain, not an index, is what makes it trustworthy


class Operator(SQLModel, table=True):
    """A technician or officer who acts on complaints, with the pelaksana roles they hold."""

    __tablename__ = "operator"

    name: str = Field(primary_key=True)
    display_name: str | None = None
    roles: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON array of role keys
    # JSON array of Apprise URLs where the operator is told of the steps they act on (secrets: never shown)
    notify: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    nip: str | None = None  # Nomor Induk Pegawai, under the name where they sign a document
    created_at: datetime = Field(sa_column=_utc())


class VerifiedHeadRecord(SQLModel, table=True):
    """A head ``sop verify`` or ``sop db check`` found intact (append-only; see ``store.verified``)."""

    __tablename__ = "verified_head"
    __table_args__ = (Index("ix_verified_head_kind", "kind", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # "verify" or "check"
    seq: int  # the last entry found intact
    hash: str
    entries: int  # how many entries led up to it
    at: datetime = Field(sa_column=_utc())
    whole: bool  # the whole chain walked, or only what was new
    prev_row: str
    row_hash: str
