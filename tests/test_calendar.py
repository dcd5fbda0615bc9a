"""Working-time arithmetic on the default government calendar (Perpres 21/2023).

Default office hours: Mon–Thu 07:30–16:00 (510 min), Fri 07:30–16:30 (540 min),
Asia/Jakarta, minus Indonesian national holidays and cuti bersama.

Dates used (2026):
    Fri 2026-11-20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25 — ordinary days.
    Mon 2026-08-17 — Independence Day.
    Thu 2026-12-24 — Christmas joint holiday (cuti bersama); Fri 25 — Christmas.
    Wed 2026-03-18 Nyepi joint holiday, Thu 19 Nyepi, Fri 20 Eid al-Fitr joint holiday,
    Sat 21/Sun 22 Eid al-Fitr, Mon 23 and Tue 24 Eid al-Fitr joint holidays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sopcli.worktime.calendar import DEFAULT_HOURS, WorkingCalendar, resolve_zone

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE = WorkingCalendar()
ALWAYS = WorkingCalendar.twenty_four_seven(JAKARTA)


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=JAKARTA)


# --- day length ------------------------------------------------------------------


def test_day_minutes():
    # Mon–Thu 07:30–16:00 = 8 h 30 min = 510; Friday's 540 is the odd one out.
    assert OFFICE.day_minutes == 510
    assert ALWAYS.day_minutes == 1440


def test_day_minutes_with_custom_hours():
    # 08:00–16:00 every weekday = 480.
    hours = {d: (time(8), time(16)) for d in range(5)}
    assert WorkingCalendar(hours=hours).day_minutes == 480


# --- ordinary days and weekends --------------------------------------------------------


def test_whole_ordinary_days():
    # Mon 2026-11-23 07:30–16:00 = 510.
    assert OFFICE.working_minutes(at(2026, 11, 23, 7, 30), at(2026, 11, 23, 16)) == 510
    # Fri 2026-11-20 07:30–16:30 = 540: Friday is longer.
    assert OFFICE.working_minutes(at(2026, 11, 20, 7, 30), at(2026, 11, 20, 16, 30)) == 540
    # Whole week Mon 23 00:00 → Mon 30 00:00: 4×510 + 540 = 2580.
    assert OFFICE.working_minutes(at(2026, 11, 23), at(2026, 11, 30)) == 2580


def test_across_a_weekend():
    # Fri 2026-11-20 15:30 → 16:30 is 60 min, Sat/Sun closed, Mon 23 07:30 → 08:30 is 60: total 120.
    start = at(2026, 11, 20, 15, 30)
    assert OFFICE.add(start, 120) == at(2026, 11, 23, 8, 30)
    assert OFFICE.working_minutes(start, at(2026, 11, 23, 8, 30)) == 120
    # Nothing counts during the weekend itself.
    assert OFFICE.working_minutes(at(2026, 11, 21, 9), at(2026, 11, 22, 15)) == 0


def test_fridays_longer_hours():
    # Fri 16:00 + 30 min = 16:30, still Friday (a Thursday would have closed at 16:00).
    assert OFFICE.add(at(2026, 11, 20, 16), 30) == at(2026, 11, 20, 16, 30)
    # Thu 2026-11-19 15:45 + 30: 15 min to 16:00, then Fri 07:30 + 15 = 07:45.
    assert OFFICE.add(at(2026, 11, 19, 15, 45), 30) == at(2026, 11, 20, 7, 45)
    # Fri 16:00 → Mon 08:00: 30 (Fri 16:00–16:30) + 30 (Mon 07:30–08:00) = 60.
    assert OFFICE.working_minutes(at(2026, 11, 20, 16), at(2026, 11, 23, 8)) == 60


def test_a_full_day_from_opening_ends_at_closing():
    # Mon 07:30 + 510 = Mon 16:00, exactly closing time.
    assert OFFICE.add(at(2026, 11, 23, 7, 30), 510) == at(2026, 11, 23, 16)
    # One more minute rolls over to Tue 07:31.
    assert OFFICE.add(at(2026, 11, 23, 7, 30), 511) == at(2026, 11, 24, 7, 31)


def test_standard_in_days_from_mid_morning():
    # "1-2 hari" deadline = 2×510 = 1020 from Mon 2026-11-23 10:00:
    # Mon 10:00–16:00 = 360, Tue 510 (870 so far), Wed 07:30 + 150 = 10:00.
    assert OFFICE.add(at(2026, 11, 23, 10), 1020) == at(2026, 11, 25, 10)


# --- holidays ----------------------------------------------------------------------------


def test_national_holiday_independence_day():
    assert not OFFICE.is_working_day(date(2026, 8, 17))
    # Fri 2026-08-14 16:00 + 60: 30 min to 16:30, Sat/Sun closed, Mon 17 holiday, Tue 18 07:30 + 30 = 08:00.
    assert OFFICE.add(at(2026, 8, 14, 16), 60) == at(2026, 8, 18, 8)
    # Fri 14 07:30 → Tue 18 16:00: 540 (Fri) + 0 + 0 + 0 (holiday) + 510 (Tue) = 1050.
    assert OFFICE.working_minutes(at(2026, 8, 14, 7, 30), at(2026, 8, 18, 16)) == 1050
    # The holiday itself counts nothing.
    assert OFFICE.working_minutes(at(2026, 8, 17, 7), at(2026, 8, 17, 17)) == 0


def test_christmas_cuti_bersama():
    # Thu 2026-12-24 is a joint holiday (cuti bersama), Fri 25 is Christmas.
    assert not OFFICE.is_working_day(date(2026, 12, 24))
    assert not OFFICE.is_working_day(date(2026, 12, 25))
    assert OFFICE.is_working_day(date(2026, 12, 23))
    # Wed 2026-12-23 15:00 + 120: 60 min to 16:00, Thu/Fri/Sat/Sun closed, Mon 28 07:30 + 60 = 08:30.
    assert OFFICE.add(at(2026, 12, 23, 15), 120) == at(2026, 12, 28, 8, 30)
    # Wed 23 16:00 → Mon 28 07:30: nothing.
    assert OFFICE.working_minutes(at(2026, 12, 23, 16), at(2026, 12, 28, 7, 30)) == 0


@pytest.mark.parametrize("day", [date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)])
def test_eid_al_fitr_joint_days_are_closed(day):
    assert day.weekday() < 5  # a weekday that would otherwise be worked
    assert not OFFICE.is_working_day(day)
    assert WorkingCalendar(national_holidays=False).is_working_day(day)


def test_across_the_eid_al_fitr_holidays():
    # Tue 2026-03-17 is the last working day; Wed 18 (Nyepi joint) … Tue 24 (Eid joint) are all closed.
    # Tue 17 15:00 + 90: 60 min to 16:00, then Wed 25 07:30 + 30 = 08:00.
    assert OFFICE.add(at(2026, 3, 17, 15), 90) == at(2026, 3, 25, 8)
    # Tue 17 16:00 → Wed 25 07:30: a whole week with no working time.
    assert OFFICE.working_minutes(at(2026, 3, 17, 16), at(2026, 3, 25, 7, 30)) == 0
    # Without national holidays the Wed 18 07:30 → Tue 24 16:00 span would be
    # Wed 510 + Thu 510 + Fri 540 + Mon 510 + Tue 510 = 2580.
    plain = WorkingCalendar(national_holidays=False)
    assert plain.working_minutes(at(2026, 3, 18, 7, 30), at(2026, 3, 24, 16)) == 2580
    assert OFFICE.working_minutes(at(2026, 3, 18, 7, 30), at(2026, 3, 24, 16)) == 0


def test_closed_days_around_a_long_weekend():
    # Sat 2026-08-15, Sun 16, Mon 17 (holiday); Fri 14 and Tue 18 are worked.
    days = [date(2026, 8, 14) + timedelta(days=n) for n in range(5)]
    closed = [day for day in days if not OFFICE.is_working_day(day)]
    assert closed == [date(2026, 8, 15), date(2026, 8, 16), date(2026, 8, 17)]


# --- starts outside office hours -----------------------------------------------------------


def test_start_before_opening():
    # Mon 2026-11-23 06:00: counting starts at 07:30, so +30 = 08:00.
    assert OFFICE.add(at(2026, 11, 23, 6), 30) == at(2026, 11, 23, 8)
    # 06:00 → 08:00 contains only 07:30–08:00 = 30.
    assert OFFICE.working_minutes(at(2026, 11, 23, 6), at(2026, 11, 23, 8)) == 30


def test_start_after_closing():
    # Mon 2026-11-23 17:00: next opening is Tue 07:30, +30 = 08:00.
    assert OFFICE.add(at(2026, 11, 23, 17), 30) == at(2026, 11, 24, 8)
    # Mon 17:00 → Tue 07:00: the office was shut the whole time.
    assert OFFICE.working_minutes(at(2026, 11, 23, 17), at(2026, 11, 24, 7)) == 0
    # Fri 2026-11-20 17:00 + 30: Sat/Sun closed, Mon 07:30 + 30 = 08:00.
    assert OFFICE.add(at(2026, 11, 20, 17), 30) == at(2026, 11, 23, 8)


def test_start_at_closing_time_rolls_over():
    # Mon 16:00 is closing time: +1 lands on Tue 07:31.
    assert OFFICE.add(at(2026, 11, 23, 16), 1) == at(2026, 11, 24, 7, 31)


def test_times_in_other_zones_are_converted():
    # 00:30 UTC = 07:30 WIB on Mon 2026-11-23; +60 = 08:30 WIB = 01:30 UTC.
    start = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert OFFICE.add(start, 60) == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert OFFICE.working_minutes(start, start + timedelta(hours=1)) == 60


def test_zero_and_backwards_spans():
    start = at(2026, 11, 23, 10)
    assert OFFICE.add(start, 0) == start
    assert OFFICE.working_minutes(start, start) == 0
    assert OFFICE.working_minutes(start, start - timedelta(hours=3)) == 0


# --- configuration -------------------------------------------------------------------------


def test_extra_closed_days():
    # Tue 2026-11-24 declared closed: Mon 23 15:30 + 60 = 30 (Mon) + Wed 25 07:30 + 30 = 08:00.
    calendar = WorkingCalendar(closed_days=frozenset({date(2026, 11, 24)}))
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.add(at(2026, 11, 23, 15, 30), 60) == at(2026, 11, 25, 8)
    # Mon 23 00:00 → Thu 26 00:00: 510 + 0 + 510 = 1020.
    assert calendar.working_minutes(at(2026, 11, 23), at(2026, 11, 26)) == 1020
    assert OFFICE.working_minutes(at(2026, 11, 23), at(2026, 11, 26)) == 1530


def test_other_zone_and_hours():
    # A WITA office open 08:00–16:00 Mon–Fri: 08:00 WITA = 07:00 WIB.
    wita = resolve_zone("WITA")
    hours = {d: (time(8), time(16)) for d in range(5)}
    calendar = WorkingCalendar(tz=wita, hours=hours)
    start = datetime(2026, 11, 23, 8, tzinfo=wita)
    assert calendar.add(start, 480) == datetime(2026, 11, 23, 16, tzinfo=wita)
    assert calendar.add(start, 481) == datetime(2026, 11, 24, 8, 1, tzinfo=wita)
    assert calendar.working_minutes(at(2026, 11, 23, 7), at(2026, 11, 23, 8)) == 60


def test_resolve_zone():
    assert resolve_zone("wib") == ZoneInfo("Asia/Jakarta")
    assert resolve_zone("WIT") == ZoneInfo("Asia/Jayapura")
    assert resolve_zone("Asia/Makassar") == ZoneInfo("Asia/Makassar")
    with pytest.raises(KeyError):
        resolve_zone("Mars/Olympus")


def test_twenty_four_seven():
    # Sat 2026-11-21 23:00 + 120 = Sun 01:00: weekends and nights count.
    assert ALWAYS.add(at(2026, 11, 21, 23), 120) == at(2026, 11, 22, 1)
    # Independence Day counts in full: 1440.
    assert ALWAYS.working_minutes(at(2026, 8, 17), at(2026, 8, 18)) == 1440
    assert ALWAYS.is_working_day(date(2026, 12, 25))
    # "1-2 hari" on 24x7 is 2×1440 = 2880 minutes: exactly two calendar days.
    assert ALWAYS.add(at(2026, 12, 24, 9), 2880) == at(2026, 12, 26, 9)


def test_default_hours_are_the_perpres_hours():
    assert DEFAULT_HOURS[0] == (time(7, 30), time(16))
    assert DEFAULT_HOURS[4] == (time(7, 30), time(16, 30))
    assert 5 not in DEFAULT_HOURS and 6 not in DEFAULT_HOURS


# --- property ----------------------------------------------------------------------------------


@st.composite
def office_moments(draw):
    """A moment in 2026 inside the default office hours of a working day."""
    day = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
    assume(OFFICE.is_working_day(day))
    opening, closing = DEFAULT_HOURS[day.weekday()]
    length = (closing.hour * 60 + closing.minute) - (opening.hour * 60 + opening.minute)
    offset = draw(st.floats(min_value=0, max_value=length, exclude_max=True))
    return datetime.combine(day, opening, JAKARTA) + timedelta(minutes=offset)


minutes = st.floats(min_value=0, max_value=5000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(office_moments(), minutes)
def test_add_then_measure_round_trips_inside_office_hours(start, m):
    assert OFFICE.working_minutes(start, OFFICE.add(start, m)) == pytest.approx(m, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)), minutes)
def test_add_then_measure_round_trips_from_any_moment(naive, m):
    start = naive.replace(tzinfo=JAKARTA)
    end = OFFICE.add(start, m)
    assert end >= start
    assert OFFICE.working_minutes(start, end) == pytest.approx(m, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)), minutes)
def test_before_is_the_latest_moment_that_far_back(naive, m):
    # The reports band overdue cases by it: due after it is less than m late, due at or before it at least m.
    end = naive.replace(tzinfo=JAKARTA)
    start = OFFICE.before(end, m)
    assert OFFICE.working_minutes(start, end) == pytest.approx(m, abs=1e-6)
    assert m == 0 or OFFICE.working_minutes(start + timedelta(seconds=1), end) < m
    assert ALWAYS.before(end, m) == end - timedelta(minutes=m)


def test_before_skips_nights_weekends_and_holidays():
    assert OFFICE.before(at(2026, 11, 23, 9, 0), 120) == at(
        2026, 11, 20, 16, 0
    )  # Monday 9:00 back to Friday, open to 16:30
    assert OFFICE.before(at(2026, 11, 24, 0, 0), 510) == at(2026, 11, 23, 7, 30)  # a whole Monday
    assert OFFICE.before(at(2026, 11, 24, 0, 0), 0) == at(2026, 11, 24, 0, 0)


def _day_by_day(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """The definition, walked one day at a time: the overlap of each day's office hours with the span."""
    total, day = 0.0, start.astimezone(calendar.tz).date()
    while day <= end.astimezone(calendar.tz).date():
        if calendar.is_working_day(day):
            opening, closing = calendar.hours[day.weekday()]
            window = (datetime.combine(day, opening, calendar.tz), datetime.combine(day, closing, calendar.tz))
            total += max((min(window[1], end) - max(window[0], start)).total_seconds(), 0) / 60
        day += timedelta(days=1)
    return total


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1200)),
)
def test_working_minutes_over_long_spans_equal_the_day_by_day_sum(start, length):
    # Spans across year ends and leap days use running totals; they must agree with the plain walk.
    calendar = WorkingCalendar(closed_days=frozenset({date(2025, 12, 31)}))
    start = start.replace(tzinfo=calendar.tz)
    assert calendar.working_minutes(start, start + length) == pytest.approx(
        _day_by_day(calendar, start, start + length)
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)), minutes),
        min_size=1,
        max_size=8,
    )
)
def test_a_calendar_used_many_times_answers_like_a_fresh_one(calls):
    # Office hours are memoised per day; a calendar that has answered before must not answer differently.
    for naive, m in calls:
        start = naive.replace(tzinfo=JAKARTA)
        assert OFFICE.add(start, m) == WorkingCalendar().add(start, m)
        assert OFFICE.working_minutes(start, start + timedelta(minutes=m)) == WorkingCalendar().working_minutes(
            start, start + timedelta(minutes=m)
        )


def test_memoised_hours_belong_to_their_calendar():
    monday = at(2026, 11, 23, 7, 30)
    early = WorkingCalendar(hours={d: (time(6), time(14)) for d in range(5)})
    assert OFFICE.add(monday, 60) == at(2026, 11, 23, 8, 30)
    assert early.add(monday, 60) == at(2026, 11, 23, 8, 30)
    assert early.add(at(2026, 11, 23, 6), 60) == at(2026, 11, 23, 7)
    assert OFFICE.add(at(2026, 11, 23, 6), 60) == at(2026, 11, 23, 8, 30)
