"""The one place that parses what people type or write about time.

Two kinds of text come in:

* time standards (mutu baku waktu) as SOP documents write them:
  ``15 menit``, ``1jam``, ``1-2 hari``, ``3 (tiga) hari kerja``, ``-``;
* moments and dates as operators type them: ISO 8601, day-first Indonesian
  forms (``20/11/2026 08:15``, ``20 Agustus 2026 8.15``), ``today``/``hari ini``.

Everything here is pure: the current time and the zone are passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal

from sopcli.errors import DateParseError, TimeParseError
from sopcli.i18n import _

Unit = Literal["minutes", "days"]

# Unit words, lower-case, mapped to (unit, factor). "hari kerja" and
# "working days" are the same working-day unit: the calendar decides what a
# day of work is.
_UNIT_WORDS: tuple[tuple[tuple[str, ...], Unit, float], ...] = (
    (("menit", "mnt", "min", "mins", "minute", "minutes", "m"), "minutes", 1),
    (("jam", "j", "hour", "hours", "hr", "hrs", "h"), "minutes", 60),
    (("hari", "hari kerja", "hk", "day", "days", "working day", "working days", "d"), "days", 1),
    (("minggu", "minggu kerja", "pekan", "week", "weeks", "working week", "working weeks"), "days", 5),
)
_UNITS: dict[str, tuple[Unit, float]] = {}
for _words, _unit_name, _factor in _UNIT_WORDS:
    for _w in _words:
        _UNITS[_w] = (_unit_name, _factor)

_NUMBER = r"\d+(?:[.,]\d+)?"
_RANGE_SEP = r"(?:-|–|—|s\.?\s?d\.?|sampai|hingga|to)"
_SINGLE_RE = re.compile(rf"^(?P<low>{_NUMBER})\s*(?P<unit>[a-z][a-z ]*)$")
_RANGE_RE = re.compile(
    rf"^(?P<low>{_NUMBER})\s*(?P<low_unit>[a-z][a-z ]*?)?\s*{_RANGE_SEP}\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<unit>[a-z][a-z ]*)$"
)
# "3 (tiga) hari kerja": the number spelled out in brackets, as legal texts do.
_SPELLED_OUT = re.compile(r"\([a-z\s]+\)")
# "1x24 jam", "3 × 24 jam": how regulations write a limit in clock hours (Peraturan BSSN 1/2024, UU 27/2022).
_TIMES_24_HOURS = re.compile(r"^(\d{1,3})\s*[x×]\s*24\s*jam$")
_NO_STANDARD = {"", "-", "–", "—", "=<", "tidak ada", "none", "n/a"}


@dataclass(frozen=True)
class TimeStandard:
    """A time standard as written, with both ends of its range kept.

    ``unit`` is ``days`` for standards written in (working) days: how many
    minutes a day holds is the calendar's business, not the text's.
    """

    text: str
    low: float
    high: float
    unit: Unit

    def minutes(self, day_minutes: int) -> tuple[int, int]:
        """Both ends in minutes, given how many minutes one (working) day holds."""
        factor = day_minutes if self.unit == "days" else 1
        return round(self.low * factor), round(self.high * factor)

    def deadline_minutes(self, day_minutes: int) -> int:
        """The upper end in minutes: deadlines allow the whole range."""
        return self.minutes(day_minutes)[1]


@lru_cache(maxsize=1024)
def parse_duration(text: str | None) -> TimeStandard | None:
    """Parse a time standard as written in an SOP; ``None`` when there is none.

    >>> parse_duration("1-2 hari")
    TimeStandard(text='1-2 hari', low=1.0, high=2.0, unit='days')

    Raises:
        TimeParseError: the text is not a time standard.
    """
    original = (text or "").strip()
    cleaned = " ".join(_SPELLED_OUT.sub(" ", original.lower()).split())
    if cleaned in _NO_STANDARD:
        return None
    if times := _TIMES_24_HOURS.match(cleaned):
        cleaned = f"{int(times[1]) * 24} jam"
    match = _RANGE_RE.match(cleaned) or _SINGLE_RE.match(cleaned)
    if not match:
        raise TimeParseError(
            _("not a length of time: {text!r}").format(text=original),
            _("write it like '15 menit', '1 jam' or '1-2 hari'"),
        )
    unit, factor = _unit(match["unit"], original)
    low = _number(match["low"]) * factor
    high = _number(match["high"]) * factor if "high" in match.groupdict() else low
    if match.groupdict().get("low_unit"):
        # "1 jam - 2 hari" mixes units; real SOPs never do, so refuse rather than guess.
        low_unit, low_factor = _unit(match["low_unit"], original)
        if low_unit != unit:
            raise TimeParseError(_("a range must use one unit: {text!r}").format(text=original))
        low = _number(match["low"]) * low_factor
    if low > high:
        raise TimeParseError(_("range runs backwards: {text!r}").format(text=original))
    if high <= 0:
        raise TimeParseError(_("a length of time must be longer than zero: {text!r}").format(text=original))
    return TimeStandard(original, low, high, unit)


_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
# A reminder past this share of the standard would come weeks after the breach: a typo (750% for 75%).
MOST_PERCENT = 1000


@dataclass(frozen=True)
class Threshold:
    """When a reminder or an escalation falls: a share of a step's time standard (``75%``), or a working time
    before the step's deadline (``1 jam``: an hour before it is due)."""

    text: str
    percent: float | None = None
    before: TimeStandard | None = None

    def offset(self, standard_minutes: float, day_minutes: int) -> float:
        """Working minutes after the standard starts counting at which it falls (pauses aside)."""
        if self.percent is not None:
            return standard_minutes * self.percent / 100
        assert self.before is not None
        return max(standard_minutes - self.before.deadline_minutes(day_minutes), 0.0)


@lru_cache(maxsize=256)
def parse_threshold(text: str) -> Threshold:
    """``50%`` or ``1 jam`` (before the deadline), as reminders and escalations are written.

    Raises:
        TimeParseError: neither a share nor a single length of time.
    """
    cleaned = " ".join(str(text).strip().lower().split())
    if share := _PERCENT.match(cleaned):
        percent = _number(share[1])
        if not 0 < percent <= MOST_PERCENT:
            raise TimeParseError(_("{text!r} is not a share from 1% to {most}%").format(text=text, most=MOST_PERCENT))
        return Threshold(f"{share[1]}%", percent=percent)
    try:
        before = parse_duration(cleaned)
    except TimeParseError:
        before = None
    if before is None or before.low != before.high:
        raise TimeParseError(
            _("not a reminder time: {text!r}").format(text=text),
            _("write a share of the step's time like '75%' or a time before its deadline like '1 jam'"),
        )
    return Threshold(before.text, before=before)


def _unit(word: str, original: str) -> tuple[Unit, float]:
    word = word.strip()
    if word not in _UNITS:
        raise TimeParseError(
            _("unknown time unit {unit!r} in {text!r}").format(unit=word, text=original),
            _("use menit, jam, hari or minggu"),
        )
    return _UNITS[word]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def format_minutes(minutes: float, day_minutes: int | None = None, largest: int | None = None) -> str:
    """Write a span of minutes the way an Indonesian officer would: ``1 hari 2 jam 5 menit``.

    With ``day_minutes`` whole working days are counted as ``hari``. With ``largest``, only that many
    of the largest units, and only units next to each other (``1 hari 2 jam``; ``29 hari``, not ``29 hari
    10 menit``), for a column read at a glance.
    """
    total = round(abs(minutes))
    parts: list[tuple[int, str]] = []  # (unit: 0 days, 1 hours, 2 minutes; its text)
    if day_minutes:
        days, total = divmod(total, day_minutes)
        if days:
            parts.append((0, _("{n} d").format(n=days)))
    hours, mins = divmod(total, 60)
    if hours:
        parts.append((1, _("{n} h").format(n=hours)))
    if mins or not parts:
        parts.append((2, _("{n} min").format(n=mins)))
    if largest is not None:
        kept = parts[:1]
        for unit, text in parts[1:largest]:
            if unit != kept[-1][0] + 1:
                break
            kept.append((unit, text))
        parts = kept
    return ("-" if minutes < 0 else "") + " ".join(text for _unit, text in parts)


def format_standard_range(low: int, high: int, day_minutes: int | None = None) -> str:
    """``1 jam`` or ``1 jam – 2 jam`` for a min–max pair of minutes."""
    if low == high:
        return format_minutes(low, day_minutes)
    return f"{format_minutes(low, day_minutes)} – {format_minutes(high, day_minutes)}"


# --- moments and dates -------------------------------------------------------

_RELATIVE_DAYS = {
    "today": 0,
    "hari ini": 0,
    "now": 0,
    "sekarang": 0,
    "yesterday": -1,
    "kemarin": -1,
    "tomorrow": 1,
    "besok": 1,
}
# The common spreadsheet form, parsed without dateutil (imports parse a date per row):
# 20/11/2026, 20-11-2026 or 20.11.2026, optionally with 08:15[:30] or 8.15.
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
# "8.15" as a time of day (Indonesian style), but not "20.11.2026" as a date.
_DOTTED_TIME = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_MAX_OFFSET = timedelta(hours=14)
# Years a logbook date can have: earlier is a typo ("0026" for 2026); near 9999, moving a
# moment between zones or adding working time overflows the datetime range.
YEARS = range(1970, 9999)
_ZONE_OFFSETS = {"WIB": 7 * 3600, "WITA": 8 * 3600, "WIT": 9 * 3600}


def _parserinfo():
    # dateutil is imported here, not at module level: parsing dates is not on
    # the path of `sop --help`.
    from dateutil import parser

    weekdays: list[tuple[str, ...]] = [
        ("Mon", "Monday", "Sen", "Senin"),
        ("Tue", "Tuesday", "Sel", "Selasa"),
        ("Wed", "Wednesday", "Rab", "Rabu"),
        ("Thu", "Thursday", "Kam", "Kamis"),
        ("Fri", "Friday", "Jum", "Jumat", "Jum'at"),
        ("Sat", "Saturday", "Sab", "Sabtu"),
        ("Sun", "Sunday", "Min", "Minggu", "Ahad"),
    ]
    months: list[tuple[str, ...]] = [
        ("Jan", "January", "Januari"),
        ("Feb", "February", "Februari", "Peb", "Pebruari"),
        ("Mar", "March", "Maret"),
        ("Apr", "April"),
        ("May", "Mei"),
        ("Jun", "June", "Juni"),
        ("Jul", "July", "Juli"),
        ("Aug", "August", "Agu", "Agt", "Ags", "Agustus"),
        ("Sep", "Sept", "September"),
        ("Oct", "October", "Okt", "Oktober"),
        ("Nov", "November", "Nop", "Nopember"),
        ("Dec", "December", "Des", "Desember"),
    ]

    class IndonesianParserInfo(parser.parserinfo):
        """English and Indonesian month/day names, day-first like Indonesian forms."""

        JUMP = [*parser.parserinfo.JUMP, "pukul", "pk", "jam", "tgl", "tanggal"]
        # dateutil takes any number of names per day or month; its type stubs allow two (three for a month).
        WEEKDAYS = weekdays  # type: ignore[assignment]
        MONTHS = months  # type: ignore[assignment]

        def __init__(self):
            super().__init__(dayfirst=True)

    return IndonesianParserInfo()


def parse_when(text: str, tz: tzinfo, now: datetime) -> datetime:
    """Parse a moment typed by a user; naive times are taken in ``tz``.

    Accepts ``now``/``sekarang``, ISO 8601, and day-first forms such as
    ``20/11/2026 08:15``, ``20-11-2026``, ``20 Nov 2026 8.15`` or
    ``20 Agustus 2026 pukul 08.15 WIB``. A bare ``today``/``kemarin`` means
    the start of that day.

    Returns:
        A timezone-aware datetime.

    Raises:
        DateParseError: the text is not a date or time.
    """
    try:
        return _parse_moment(text, tz, now)
    except _Unreadable as exc:
        if not exc.text:
            raise DateParseError(_("empty date"), _("give a date like 20/11/2026 08:15")) from None
        raise _not_a_date(exc.text) from None


class _Unreadable(Exception):
    """Text that is no date at all, or nothing: the caller words it, as a moment or as a day."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _parse_moment(text: str, tz: tzinfo, now: datetime) -> datetime:
    """``parse_when``, raising ``_Unreadable`` for text that is not a date at all."""
    # The common case first (an import parses a moment per row): clean ISO 8601.
    # Whatever fromisoformat takes as it is, it reads the same once tidied below.
    moment = parse_iso(text, tz)
    if moment is not None:
        return moment
    cleaned = " ".join((text or "").strip().split())
    key = cleaned.lower()
    if key in ("now", "sekarang"):
        return now
    relative = _relative_day(key)
    if relative is not None:
        word, offset = relative
        day = now.astimezone(tz).date() + timedelta(days=offset)
        start = datetime.combine(day, datetime.min.time())
        rest = cleaned[len(word) :].strip()
        # "kemarin 16:00": the rest may only be a time of day on that day.
        moment = start if not rest else _parse_free_form(rest, start, time_only=True, shown=cleaned)
        return _with_zone(moment, tz, cleaned)
    if not cleaned:
        raise _Unreadable("")
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        if _ISO_LIKE.match(cleaned):
            # "2026-13-01" is a broken ISO date, not a day-first one to be guessed at.
            raise _Unreadable(cleaned) from None
        moment = _parse_day_first(cleaned) or _parse_free_form(cleaned, now.astimezone(tz))
    return _with_zone(moment, tz, cleaned)


def parse_iso(text: str, tz: tzinfo) -> datetime | None:
    """``parse_when`` of clean ISO 8601 text (naive means ``tz``), or None for any other text.

    It needs no ``now``: the same text in the same zone is always the same moment.

    Raises:
        DateParseError: an offset no zone has.
    """
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return _with_zone(moment, tz, text)


def _with_zone(moment: datetime, tz: tzinfo, text: str) -> datetime:
    """A parsed moment made aware (naive means ``tz``); an impossible offset or year is not a date."""
    if moment.year not in YEARS:
        raise DateParseError(
            _("year {year} is out of range: {text!r}").format(year=moment.year, text=" ".join(text.split())),
            _("check the year"),
        )
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    try:
        offset = moment.utcoffset()
    except ValueError:  # dateutil accepts offsets such as +99:00 that no zone has
        raise _not_a_date(" ".join(text.split())) from None
    if offset is None or abs(offset) > _MAX_OFFSET:
        raise _not_a_date(" ".join(text.split()))
    return moment


def _not_a_date(text: str) -> DateParseError:
    return DateParseError(
        _("not a date or time: {text!r}").format(text=text), _("write it like 20/11/2026 08:15 or 2026-11-20T08:15")
    )


def _parse_day_first(text: str) -> datetime | None:
    match = _DAY_FIRST.match(text)
    if not match:
        return None
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise _Unreadable(text) from exc


def _relative_day(key: str) -> tuple[str, int] | None:
    """``("kemarin", -1)`` for "kemarin" or "kemarin 16:00"; None when the text starts with no such word."""
    for word, offset in _RELATIVE_DAYS.items():
        if key == word or key.startswith(word + " "):
            return word, offset
    return None


def _parse_free_form(text: str, local_now: datetime, *, time_only: bool = False, shown: str | None = None) -> datetime:
    """dateutil's reading of ``text``, if it names a whole date (the year may be left out) or only a time.

    dateutil fills whatever the text leaves out from a default moment, so "15",
    "-1" or "Nov 2026" would quietly become a day of this month, and "Senin" next
    Monday. Parsing against two different defaults shows which parts the text
    really gave: a date needs its day and month; a bare time means ``local_now``'s day.
    """
    import warnings

    from dateutil import parser

    normalised = _DOTTED_TIME.sub(r"\1:\2", text)
    default = local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)

    def read(base: datetime) -> datetime:
        return parser.parse(normalised, parserinfo=_parserinfo(), default=base, tzinfos=_ZONE_OFFSETS)

    try:
        with warnings.catch_warnings():
            # An unknown zone name ("08:15 CET") would silently become office time: refuse it.
            warnings.simplefilter("error", parser.UnknownTimezoneWarning)
            # Two defaults in 31-day months, apart in every field, so that a given "31" still fits both.
            first, second = read(datetime(2001, 1, 1)), read(datetime(2002, 3, 3))
            given = {
                "day": first.day == second.day,
                "month": first.month == second.month,
                "year": first.year == second.year,
            }
            whole_date = given["day"] and given["month"] and not time_only
            moment = read(default)
            # Not a whole date, and not a bare time either: part of a date, or a weekday ("Senin").
            if not whole_date and (any(given.values()) or moment.date() != default.date()):
                raise DateParseError(
                    _("not a whole date: {text!r}").format(text=shown or text),
                    _("give the day and the month, like 20/11/2026 08:15 or 20 Nov 08:15"),
                )
            return moment
    except (ValueError, OverflowError, TypeError, parser.UnknownTimezoneWarning) as exc:
        raise _Unreadable(shown or text) from exc


def parse_day(text: str, tz: tzinfo, now: datetime) -> date:
    """Parse a calendar day (``today``, ``kemarin``, ``2026-11-20``, ``20/11/2026``).

    Raises:
        DateParseError: the text is not a date; the hint shows a date without a time.
    """
    try:
        moment = _parse_moment(text, tz, now)
    except _Unreadable as exc:
        if not exc.text:
            raise DateParseError(_("empty date"), _("write it like 31/12/2026 or 2026-12-31")) from None
        raise DateParseError(
            _("not a date: {text!r}").format(text=exc.text), _("write it like 31/12/2026 or 2026-12-31")
        ) from None
    return moment.astimezone(tz).date()
