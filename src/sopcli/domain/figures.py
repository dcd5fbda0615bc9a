"""The rules behind report figures, pure: percentiles, rework, compliance.

The SQL in ``store.aggregates`` computes the same percentiles in the
database; these functions state the rule once in Python, for tests and for
the few figures computed on small results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sopcli.definitions.schema import SopDefinition


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values of an even count."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def p90(values: Sequence[float]) -> float | None:
    """The nearest-rank 90th percentile: the ⌈0.9·n⌉-th smallest value."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is nothing to judge."""
    return None if whole == 0 else round(100 * part / whole, 1)


# How late an overdue case is, in working days: the reports count the backlog in these bands.
AGE_BAND_DAYS = (1, 3, 10)


def age_band(late_minutes: float, day_minutes: int) -> int:
    """The band of ``late_minutes``: 0 for under 1 working day, 1 for 1–3, 2 for 3–10, 3 for 10 or more."""
    return sum(late_minutes >= days * day_minutes for days in AGE_BAND_DAYS)


def is_rework(sop: SopDefinition, step: str, next_step: str) -> bool:
    """A move back to the same or an earlier step: the SOP's loop was taken (kaltim-db 7 → 5)."""
    try:
        return sop.step_number(next_step) <= sop.step_number(step)
    except ValueError:  # a step the current definition no longer has
        return False
