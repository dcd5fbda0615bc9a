"""Working-time arithmetic: how much of a span was office time, and when a deadline falls.

Government time standards count working time (Perpres 21/2023): by default
Mon–Thu 07:30–16:00 and Fri 07:30–16:30 in Asia/Jakarta, minus national
holidays and cuti bersama (the ``holidays`` package, country ID, categories
public and government) and any extra closed days. An SOP may run on a 24x7
calendar instead. Breaks are not deducted.

Pure: no clock, no configuration file. Callers build a calendar and pass times in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sopcli.worktime.holidays import indonesian_holidays

OfficeHours = Mapping[int, tuple[time, time]]  # weekday (Mon=0) → opening, closing

DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_HOURS: dict[int, tuple[time, time]] = {
    0: (time(7, 30), time(16, 0)),
    1: (time(7, 30), time(16, 0)),
    2: (time(7, 30), time(16, 0)),
    3: (time(7, 30), time(16, 0)),
    4: (time(7, 30), time(16, 30)),
}
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

# Spans longer than this are a data error, not a case; stop walking days.
_MAX_DAYS = 366 * 20
_ONE_DAY = timedelta(days=1)


def resolve_zone(name: str) -> ZoneInfo:
    """``WIB``/``WITA``/``WIT`` or an IANA name such as ``Asia/Makassar``.

    Raises:
        KeyError: not a known time zone (ZoneInfoNotFoundError is a KeyError).
    """
    from zoneinfo import ZoneInfoNotFoundError

    key = ZONE_ALIASES.get(name.strip().upper(), name.strip())
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise KeyError(name) from exc


@dataclass(frozen=True)
class WorkingCalendar:
    """When the office works. ``always_open`` makes it a 24x7 calendar."""

    tz: tzinfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    hours: OfficeHours = field(default_factory=lambda: dict(DEFAULT_HOURS))
    closed_days: frozenset[date] = frozenset()
    national_holidays: bool = True
    always_open: bool = False
    # year → its national holidays; the configured calendar passes a HolidayCache
    holidays_of: Callable[[int], Collection[date]] = field(default=indonesian_holidays, compare=False, repr=False)

    @classmethod
    def twenty_four_seven(cls, tz: tzinfo) -> WorkingCalendar:
        return cls(tz=tz, always_open=True)

    @property
    def day_minutes(self) -> int:
        """Minutes in one working day, for standards written in days.

        The most common day length of the week (Mon–Thu's 8.5 hours by default),
        1440 on a 24x7 calendar.
        """
        if self.always_open:
            return 1440
        lengths = [_minutes_between(o, c) for o, c in self.hours.values()]
        return max(set(lengths), key=lengths.count) if lengths else 0

    _working: dict = field(default_factory=dict, compare=False, repr=False)  # memo: day → working?
    _windows: dict = field(default_factory=dict, compare=False, repr=False)  # memo: day → office hours that day

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if self.always_open:
            return True
        if day.weekday() not in self.hours or day in self.closed_days:
            return False
        return not (self.national_holidays and day in self.holidays_of(day.year))

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        # Memoised: an import asks for the same few days once per row.
        try:
            return self._windows[day]
        except KeyError:
            window = self._windows[day] = self._compute_window(day)
            return window

    def _compute_window(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.is_working_day(day):
            return None
        if self.always_open:
            start = datetime.combine(day, time(0), self.tz)
            return start, start + timedelta(days=1)
        opening, closing = self.hours[day.weekday()]
        return datetime.combine(day, opening, self.tz), datetime.combine(day, closing, self.tz)

    def closing(self, day: date) -> datetime | None:
        """When the office closes on ``day`` (on a 24x7 calendar: the day's end); None on a closed day."""
        window = self._window(day)
        return window[1] if window else None

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes between two moments (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds() / 60
        first = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        total = self._overlap(first, start, end)
        if last > first:
            # Whole days in between from per-year running totals: a case open for months costs no more.
            total += self._full_days(first + timedelta(days=1), last) + self._overlap(last, start, end)
        return total

    def _overlap(self, day: date, start: datetime, end: datetime) -> float:
        window = self._window(day)
        if not window:
            return 0.0
        return max((min(window[1], end) - max(window[0], start)).total_seconds(), 0) / 60

    _running: dict = field(default_factory=dict, compare=False, repr=False)  # memo: year → running totals

    def _full_days(self, first: date, stop: date) -> float:
        """Working minutes of the whole days ``first`` ≤ day < ``stop``."""
        if (stop - first).days > _MAX_DAYS:
            raise ValueError("a span of more than twenty years: check the dates")
        total = 0.0
        while first < stop:
            running = self._running_totals(first.year)
            end_of_year = date(first.year + 1, 1, 1)
            upto = min(stop, end_of_year)
            total += (
                running[upto.timetuple().tm_yday - 1 if upto < end_of_year else len(running) - 1]
                - running[first.timetuple().tm_yday - 1]
            )
            first = upto
        return total

    def _running_totals(self, year: int) -> list[float]:
        """``totals[i]``: working minutes of the year's first ``i`` days."""
        totals = self._running.get(year)
        if totals is None:
            totals, day = [0.0], date(year, 1, 1)
            while day.year == year:
                window = self._window(day)
                totals.append(totals[-1] + ((window[1] - window[0]).total_seconds() / 60 if window else 0.0))
                day += timedelta(days=1)
            self._running[year] = totals
        return totals

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` of working time after ``start``.

        A start outside office hours begins counting at the next opening.
        """
        if minutes <= 0:
            return start
        if self.always_open:
            return start + timedelta(minutes=minutes)
        remaining = timedelta(minutes=minutes)
        day = start.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window and window[1] > start:
                begin = max(window[0], start)
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += _ONE_DAY
        raise ValueError("no working time within twenty years: check the office hours")

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` itself when the office is open then (its closing minute included), else its next opening."""
        if self.always_open:
            return moment
        day = moment.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window and window[1] >= moment:
                return max(window[0], moment)
            day += _ONE_DAY
        raise ValueError("no working time within twenty years: check the office hours")

    def before(self, end: datetime, minutes: float) -> datetime:
        """The latest moment with ``minutes`` of working time between it and ``end``: ``add`` run backwards.

        A case due after it is less than ``minutes`` late at ``end``: the reports band overdue cases in SQL by it.
        """
        if minutes <= 0:
            return end
        if self.always_open:
            return end - timedelta(minutes=minutes)
        remaining = timedelta(minutes=minutes)
        day = end.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window and window[0] < end:
                finish = min(window[1], end)
                available = finish - window[0]
                if remaining <= available:
                    return finish - remaining
                remaining -= available
            day -= _ONE_DAY
        raise ValueError("no working time within twenty years: check the office hours")


def _minutes_between(opening: time, closing: time) -> int:
    return (closing.hour * 60 + closing.minute) - (opening.hour * 60 + opening.minute)
