"""The SOP texts complaints pinned: each stored once, found by its digest or its id."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

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
