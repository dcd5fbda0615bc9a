"""The operators and the pelaksana roles they hold."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from sopcli.store.models import Operator


def named(session: Session, name: str) -> Operator | None:
    """The operator registered as ``name``, if any."""
    return session.get(Operator, name)


def everyone(session: Session) -> Sequence[Operator]:
    """Every operator, by name."""
    return session.exec(select(Operator).order_by(col(Operator.name))).all()
