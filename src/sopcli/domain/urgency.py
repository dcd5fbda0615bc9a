"""Which open step needs attention first: working time left to its deadline, and the queue order it gives.

One ordering for every queue people act from (``sop board``, and ``sop list`` when it sorts by urgency):
late steps first, the latest at the top; then the rest by working time left; then steps whose clock is
stopped (paused) or that have no time standard, oldest complaint first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class _Calendar(Protocol):
    def working_minutes(self, start: datetime, end: datetime) -> float: ...


def minutes_left(due: datetime | None, now: datetime, calendar: _Calendar) -> float | None:
    """Working minutes from ``now`` to ``due``; negative: how late; None without a deadline."""
    if due is None:
        return None
    return calendar.working_minutes(now, due) if now <= due else -calendar.working_minutes(due, now)


def urgency(minutes_left: float | None, paused: bool, received_at: datetime) -> tuple[bool, float, datetime]:
    """Sort key of an open step: ``sorted(steps, key=lambda s: urgency(s.minutes_left, s.paused, s.received_at))``."""
    untimed = paused or minutes_left is None
    return untimed, 0.0 if untimed or minutes_left is None else minutes_left, received_at
