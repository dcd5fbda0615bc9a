"""Time standards (``15 menit``, ``1-2 hari``) and typed moments (``20/11/2026 08:15``).

Pure functions: the zone and the current time are always passed in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopcli.errors import DateParseError, InputError, TimeParseError
from sopcli.worktime.parse import (
    TimeStandard,
    format_minutes,
    format_standard_range,
    parse_day,
    parse_duration,
    parse_when,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
# A fixed "now": Friday 20 November 2026, 10:00 WIB.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=JAKARTA)
DAY = 510  # Mon–Thu 07:30–16:00 = 8.5 h


# Messages are asserted in English whatever language an earlier test (or another xdist worker's order) left set.
pytestmark = pytest.mark.usefixtures("english_messages")


# --- time standards ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("15 menit", 15, 15, "minutes"),
        ("1 jam", 60, 60, "minutes"),
        ("1jam", 60, 60, "minutes"),
        ("1 Jam", 60, 60, "minutes"),
        ("120 menit", 120, 120, "minutes"),
        ("1 hari", 1, 1, "days"),
        ("1-2 hari", 1, 2, "days"),
        ("3 (tiga) hari kerja", 3, 3, "days"),
        ("15 min", 15, 15, "minutes"),
        ("2 hours", 120, 120, "minutes"),
        ("1-2 days", 1, 2, "days"),
        ("  30 MENIT  ", 30, 30, "minutes"),
        ("1,5 jam", 90, 90, "minutes"),
        ("1 s.d. 2 hari", 1, 2, "days"),
        ("2 hari kerja", 2, 2, "days"),
        ("1 minggu", 5, 5, "days"),
        ("1x24 jam", 1440, 1440, "minutes"),  # as regulations write a clock-hour limit
        ("3 × 24 jam", 4320, 4320, "minutes"),
        ("2 X 24 Jam", 2880, 2880, "minutes"),
    ],
)
def test_parse_duration_forms(text, low, high, unit):
    standard = parse_duration(text)
    assert standard == TimeStandard(text.strip(), low, high, unit)


def test_text_is_kept_as_written():
    assert parse_duration("3 (tiga) hari kerja").text == "3 (tiga) hari kerja"
    assert parse_duration("1 Jam").text == "1 Jam"


@pytest.mark.parametrize("text", ["-", "", "   ", None, "–", "tidak ada"])
def test_no_standard_is_none(text):
    assert parse_duration(text) is None


def test_range_keeps_both_ends_and_deadline_uses_upper_end():
    standard = parse_duration("1-2 hari")
    assert (standard.low, standard.high) == (1, 2)
    # A working day of 510 minutes: 1 day = 510, 2 days = 1020.
    assert standard.minutes(DAY) == (510, 1020)
    assert standard.deadline_minutes(DAY) == 1020
    # On a 24x7 calendar a day is 1440 minutes.
    assert standard.deadline_minutes(1440) == 2880


def test_minutes_standard_ignores_day_length():
    standard = parse_duration("120 menit")
    assert standard.minutes(DAY) == (120, 120)
    assert standard.deadline_minutes(1440) == 120


def test_spelled_out_working_days():
    # 3 working days of 510 minutes = 1530.
    assert parse_duration("3 (tiga) hari kerja").deadline_minutes(DAY) == 1530


@pytest.mark.parametrize(
    "text",
    [
        "sebentar",
        "abc",
        "15",
        "menit",
        "15 parsec",
        "0 menit",
        "2-1 hari",
        "1 jam - 2 hari",
        "1--2 hari",
        "15 menit lagi ya",
        "-5 menit",
    ],
)
def test_bad_time_text_raises(text):
    with pytest.raises(TimeParseError) as info:
        parse_duration(text)
    # A user-facing error: it names the text it could not read.
    assert isinstance(info.value, InputError)
    assert text.strip() in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_duration_never_raises_anything_else(text):
    try:
        standard = parse_duration(text)
    except TimeParseError:
        return
    if standard is not None:
        assert 0 < standard.low <= standard.high
        assert standard.unit in ("minutes", "days")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=0, max_value=500),
    st.sampled_from(["menit", "jam", "hari", "hari kerja", "min", "hours", "days"]),
    st.sampled_from(["", " "]),
)
def test_parse_duration_ranges_round_trip(low, extra, unit, space):
    high = low + extra
    text = f"{low}-{high}{space}{unit}" if extra else f"{low}{space}{unit}"
    standard = parse_duration(text)
    factor = 60 if unit in ("jam", "hours") else 1
    assert standard.low == low * factor
    assert standard.high == high * factor


# --- moments and dates ---------------------------------------------------------


def local(*args) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T08:15", local(2026, 11, 20, 8, 15)),
        ("2026-11-20 08:15:30", local(2026, 11, 20, 8, 15, 30)),
        ("2026-11-20", local(2026, 11, 20)),
        ("20/11/2026 08:15", local(2026, 11, 20, 8, 15)),
        ("20-11-2026", local(2026, 11, 20)),
        ("20 Nov 2026 8.15", local(2026, 11, 20, 8, 15)),
        ("20 Agustus 2026", local(2026, 8, 20)),
        ("20.11.2026 14.30", local(2026, 11, 20, 14, 30)),
        ("5/3/2026", local(2026, 3, 5)),  # day first: 5 March, not May 3
        ("Senin, 23 Nopember 2026", local(2026, 11, 23)),
        ("17 Agt 2026 pukul 9.05", local(2026, 8, 17, 9, 5)),
    ],
)
def test_parse_when_naive_forms_are_office_local(text, expected):
    moment = parse_when(text, JAKARTA, NOW)
    assert moment.tzinfo is not None
    assert moment == expected
    assert moment.utcoffset() == timedelta(hours=7)


def test_iso_with_offset_keeps_the_offset():
    moment = parse_when("2026-11-20T08:15+08:00", JAKARTA, NOW)
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment == datetime(2026, 11, 20, 0, 15, tzinfo=UTC)
    utc = parse_when("2026-11-20T01:15Z", JAKARTA, NOW)
    assert utc == local(2026, 11, 20, 8, 15)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("20 Agustus 2026 pukul 08.15 WIB", 7),
        ("20/08/2026 pukul 08.15 WITA", 8),
        ("20/08/2026 08:15 WIT", 9),
    ],
)
def test_indonesian_zone_names(text, hours):
    moment = parse_when(text, JAKARTA, NOW)
    assert moment.utcoffset() == timedelta(hours=hours)
    assert moment.replace(tzinfo=None) == datetime(2026, 8, 20, 8, 15)


def test_naive_time_taken_in_the_given_zone():
    makassar = ZoneInfo("Asia/Makassar")
    moment = parse_when("20/11/2026 08:15", makassar, NOW)
    assert moment == datetime(2026, 11, 20, 0, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", local(2026, 11, 20)),
        ("hari ini", local(2026, 11, 20)),
        ("Hari  Ini", local(2026, 11, 20)),
        ("kemarin", local(2026, 11, 19)),
        ("yesterday", local(2026, 11, 19)),
        ("besok", local(2026, 11, 21)),
        ("tomorrow", local(2026, 11, 21)),
    ],
)
def test_relative_days_mean_start_of_local_day(text, expected):
    assert parse_when(text, JAKARTA, NOW) == expected


def test_relative_day_uses_local_date_of_now():
    # 23:30 UTC on the 19th is already 06:30 on the 20th in Jakarta.
    now_utc = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    assert parse_when("today", JAKARTA, now_utc) == local(2026, 11, 20)
    assert parse_when("kemarin", JAKARTA, now_utc) == local(2026, 11, 19)


@pytest.mark.parametrize("text", ["now", "sekarang", "NOW"])
def test_now_is_now(text):
    assert parse_when(text, JAKARTA, NOW) == NOW


def test_time_only_falls_on_today():
    assert parse_when("14.30", JAKARTA, NOW) == local(2026, 11, 20, 14, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kemarin 16:00", local(2026, 11, 19, 16)),
        ("Kemarin pukul 16.30", local(2026, 11, 19, 16, 30)),
        ("hari ini 07.45", local(2026, 11, 20, 7, 45)),
        ("yesterday 23:59", local(2026, 11, 19, 23, 59)),
        ("20/11 08:15", local(2026, 11, 20, 8, 15)),  # day and month given: this year
        ("31 Des", local(2026, 12, 31)),
    ],
)
def test_a_relative_day_with_a_time_and_a_date_without_its_year(text, expected):
    assert parse_when(text, JAKARTA, NOW) == expected


@pytest.mark.parametrize(
    "text", ["15", "-1", "-15", "Nov 2026", "2026-11", "November", "Senin", "senin 08:00", "kemarin 20/11/2026"]
)
def test_part_of_a_date_is_refused_not_filled_in_from_today(text):
    # dateutil alone reads "15" as the 15th of this month and "Senin" as next Monday.
    with pytest.raises(DateParseError) as info:
        parse_when(text, JAKARTA, NOW)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    "text", ["garbage", "", "   ", "32/13/2026", "20/11/2026 25:00", "kemarin lusa dulu", "99.99", "not a date"]
)
def test_garbage_dates_raise(text):
    with pytest.raises(DateParseError):
        parse_when(text, JAKARTA, NOW)


def test_parse_day():
    assert parse_day("20/11/2026 23:30", JAKARTA, NOW).isoformat() == "2026-11-20"
    assert parse_day("kemarin", JAKARTA, NOW).isoformat() == "2026-11-19"
    # 20:00 UTC is 03:00 the next morning in Jakarta.
    assert parse_day("2026-11-20T20:00+00:00", JAKARTA, NOW).isoformat() == "2026-11-21"


@pytest.mark.parametrize("text", ["garbage", "", "32/13/2026", "2026-13-01", "kemarin lusa dulu"])
def test_parse_day_errors_hint_a_date_without_a_time(text):
    # A day is asked for: the hint must not suggest typing a time ("20/11/2026 08:15").
    with pytest.raises(DateParseError) as raised:
        parse_day(text, JAKARTA, NOW)
    assert raised.value.hint == "write it like 31/12/2026 or 2026-12-31"
    with pytest.raises(DateParseError) as raised:
        parse_when(text, JAKARTA, NOW)
    assert "08:15" in raised.value.hint  # a moment's hint keeps its time


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_when_never_raises_anything_else(text):
    try:
        moment = parse_when(text, JAKARTA, NOW)
    except DateParseError:
        return
    assert moment.tzinfo is not None and moment.utcoffset() is not None


_SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", ""])
_OFFSETS = st.one_of(st.none(), st.timezones(), st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m))))


@st.composite
def _iso_texts(draw):
    """ISO 8601 as programs write it, then roughed up with whitespace anywhere."""
    moment = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=_OFFSETS))
    text = moment.isoformat(
        sep=draw(st.sampled_from("T \tx")),
        timespec=draw(st.sampled_from(["auto", "hours", "minutes", "seconds", "milliseconds"])),
    )
    if draw(st.booleans()):
        text = text.replace("+00:00", "Z")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(_SPACES) + text[i:]
    return text


@settings(max_examples=500, deadline=None)
@given(_iso_texts())
def test_iso_read_as_written_is_read_as_tidied(text):
    # ISO text is tried as it comes before it is tidied (imports parse a moment per row):
    # whatever that reads must be what the tidied text reads, down to the zone, and a
    # refusal must quote the tidied text.
    tidied = " ".join(text.split())
    try:
        expected = parse_when(tidied, JAKARTA, NOW)
    except DateParseError as exc:
        with pytest.raises(DateParseError) as raised:
            parse_when(text, JAKARTA, NOW)
        assert raised.value.message == exc.message
        return
    moment = parse_when(text, JAKARTA, NOW)
    assert (moment, moment.tzinfo, moment.utcoffset(), moment.fold) == (
        expected,
        expected.tzinfo,
        expected.utcoffset(),
        expected.fold,
    )
    assert moment.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.mark.parametrize("text", ["2026-11-03T08:15:00+20:00", "2026-11-03\t08:15+20:00", "2026-11-03 08:15:00-15:00"])
def test_an_iso_offset_no_zone_has_is_not_a_date(text):
    with pytest.raises(DateParseError) as raised:
        parse_when(text, JAKARTA, NOW)
    assert repr(" ".join(text.split())) in raised.value.message


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_day_first_form_round_trips(moment):
    moment = moment.replace(second=0, microsecond=0)
    text = moment.strftime("%d/%m/%Y %H:%M")
    assert parse_when(text, JAKARTA, NOW) == moment.replace(tzinfo=JAKARTA)


# --- formatting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "day_minutes", "expected"),
    [
        (0, None, "0 min"),
        (5, None, "5 min"),
        (60, None, "1 h"),
        (65, None, "1 h 5 min"),
        (510, None, "8 h 30 min"),
        (510, 510, "1 d"),
        (525, 510, "1 d 15 min"),
        (1440, 510, "2 d 7 h"),  # 1440 = 2×510 + 420
        (1440, 1440, "1 d"),
        (825, 510, "1 d 5 h 15 min"),  # 825 = 510 + 315
        (-30, None, "-30 min"),
        (29.6, None, "30 min"),
    ],
)
def test_format_minutes(minutes, day_minutes, expected):
    assert format_minutes(minutes, day_minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (825, "1 d 5 h"),  # the minutes left off: read at a glance
        (525, "1 d"),  # 1 d 15 min: minutes are not next to days
        (65, "1 h 5 min"),
        (5, "5 min"),
        (-825, "-1 d 5 h"),
    ],
)
def test_format_minutes_to_its_two_largest_units(minutes, expected):
    assert format_minutes(minutes, 510, largest=2) == expected


def test_format_standard_range():
    assert format_standard_range(60, 60) == "1 h"
    assert format_standard_range(510, 1020, 510) == "1 d – 2 d"
