"""The SOP texts complaints pinned: each stored once, found by its digest or its id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from sopcli.store.models import SopVersion


def with_id(session: Session, version_id: int) -> SopVersion:
    """The pinned text a complaint refers to by ``sop_version_id``.

    Raises:
        LookupError: no such version (a complaint's foreign key makes that a damaged database).
    """
    version = session.get(SopVersion, version_id)
    if version is None:
        raise LookupError(f"sop_version {version_id} is missing")
    return version


def with_digest(session: Session, digest: str) -> SopVersion | None:
    """The pinned text whose digest is ``digest``, if a complaint has used it."""
    return session.exec(select(SopVersion).where(SopVersion.digest == digest)).first()


def named_in_use(session: Session, sop_id: str, version: str) -> bool:
    """Whether some text is already pinned as version ``version`` of ``sop_id``."""
    query = select(SopVersion.id).where(SopVersion.sop_id == sop_id, SopVersion.version == version)
    return session.exec(query).first() is not None


def pin(
    session: Session, *, sop_id: str, version: str, digest: str, source: str, origin: str, now: datetime
) -> SopVersion:
    """Store a text not pinned before; returns it with its id."""
    pinned = SopVersion(sop_id=sop_id, version=version, digest=digest, source=source, origin=origin, first_used_at=now)
    session.add(pinned)
    session.flush()
    return pinned


def recorded_sop_ids(session: Session) -> Sequence[str]:
    """Every SOP id some complaint pinned a text of."""
    return session.exec(select(SopVersion.sop_id).distinct()).all()


def newest_text(session: Session, sop_id: str) -> tuple[str, str] | None:
    """(source, origin) of the newest text pinned under ``sop_id``, if any."""
    query = select(SopVersion.source, SopVersion.origin).where(SopVersion.sop_id == sop_id)
    row = session.exec(query.order_by(col(SopVersion.id).desc())).first()
    return None if row is None else (row[0], row[1])


def all_texts(session: Session) -> Sequence[tuple[str, str]]:
    """(source, origin) of every pinned text."""
    return session.exec(select(SopVersion.source, SopVersion.origin)).all()


def newest_version_ids(session: Session) -> dict[str, int]:
    """SOP id → the id of its newest pinned text."""
    query = select(SopVersion.id, SopVersion.sop_id).order_by(col(SopVersion.id))
    return {sop_id: version_id for version_id, sop_id in session.exec(query) if version_id is not None}
