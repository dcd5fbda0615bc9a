"""Report periods: a day, a working week, a calendar month, or any run of days.

Pure: days come in already parsed (``worktime.parse.parse_day``). A period covers
whole local days in the office time zone, from the first day's midnight to
the midnight after the last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sopcli.errors import InputError
from sopcli.i18n import _

DAILY, WEEKLY, MONTHLY, RANGE = "daily", "weekly", "monthly", "range"


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date  # inclusive
    tz: tzinfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.tz)

    @property
    def end(self) -> datetime:
        """The midnight after the last day (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.tz)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def daily(day: date, tz: tzinfo) -> Period:
    return Period(DAILY, day, day, tz)


def weekly(day: date, tz: tzinfo) -> Period:
    """The week (Monday to Sunday) holding ``day``: the working week and its weekend."""
    monday = day - timedelta(days=day.weekday())
    return Period(WEEKLY, monday, monday + timedelta(days=6), tz)


def monthly(day: date, tz: tzinfo) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(MONTHLY, first, following - timedelta(days=1), tz)


def between(first: date, last: date, tz: tzinfo) -> Period:
    """Raises:
    InputError: the range ends before it starts.
    """
    if last < first:
        raise InputError(
            _("--to {last} is before --from {first}").format(first=first.isoformat(), last=last.isoformat())
        )
    return Period(RANGE, first, last, tz)


def month_name(month: int) -> str:
    names = (
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    )
    return names[month - 1]


def weekday_name(day: date) -> str:
    names = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
    return names[day.weekday()]


def long_date(day: date) -> str:
    """``24 November 2026`` in the interface language, as a letter would write it."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def describe(period: Period) -> str:
    """The period as a heading: ``Tuesday, 24 November 2026``, ``November 2026``, ``23–29 November 2026``."""
    if period.kind == DAILY:
        return f"{weekday_name(period.first)}, {long_date(period.first)}"
    if period.kind == MONTHLY:
        return f"{month_name(period.first.month)} {period.first.year}"
    if period.first.year != period.last.year:
        return f"{long_date(period.first)} – {long_date(period.last)}"
    if period.first.month != period.last.month:
        return f"{period.first.day} {month_name(period.first.month)} – {long_date(period.last)}"
    if period.first == period.last:
        return long_date(period.first)
    return f"{period.first.day}–{long_date(period.last)}"
