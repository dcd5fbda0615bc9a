"""Who hears what, and when (``domain.alerts``): the thresholds of a step's time, escalation up the chain of
command, the latest threshold superseding the earlier ones, quiet hours. Pure: no database, no clock."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sopcli.definitions.schema import SopDefinition
from sopcli.domain import alerts
from sopcli.domain.alerts import Event, Party
from sopcli.domain.engine import CaseState
from sopcli.domain.vocabulary import Status
from sopcli.errors import TimeParseError
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.parse import parse_threshold

JKT = ZoneInfo("Asia/Jakarta")
OFFICE = WorkingCalendar(tz=JKT, holidays_of=lambda year: ())
RULES = alerts.Rules(
    reminders=(parse_threshold("50%"), parse_threshold("75%")),
    superior_at=parse_threshold("100%"),
    head_at=parse_threshold("200%"),
)

SOP = SopDefinition.model_validate(
    tomllib.loads(
        """
format = 2
id = "contoh"
version = "1"
nama = "Contoh"
instansi = "Diskominfo Contoh"

[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[roles]]
key = "jfu"
nama = "JFU"
atasan = "kasie"

[[roles]]
key = "kasie"
nama = "Kasie Aplikasi"
atasan = "kasubdit"

[[roles]]
key = "kasubdit"
nama = "Kasubdit"

[[steps]]
id = "1"
kegiatan = "Memeriksa gangguan"
pelaksana = ["jfu"]
waktu = "2 jam"

[[steps]]
id = "2"
kegiatan = "Memperbaiki"
pelaksana = ["jfu"]
waktu = "4 jam"
reminders = ["1 jam"]
escalate = [{ at = "100%", to = "kasubdit" }]
end = "selesai"
"""
    )
)


def at(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 12, d, hh, mm, tzinfo=JKT)


def case(step: str = "1", started: datetime | None = None, **changes) -> CaseState:
    started = started or at(21, 8)
    return replace(
        CaseState(Status.OPEN, step, started, started, started, priority="sedang"),
        **changes,
    )


def plan(state: CaseState) -> list[alerts.Alert]:
    return alerts.plan(SOP, state, OFFICE, RULES, "Bagian Umum")


def when(alerts_: list[alerts.Alert]) -> list[tuple[str, str, datetime]]:
    return [(a.event, a.mark, a.at) for a in alerts_]


def test_a_steps_notices_fall_at_the_thresholds_of_its_working_time():
    # Monday 21 December 08:00, two hours: 50% at 09:00, 75% at 09:30, 100% at 10:00, 200% at 12:00.
    assert when(plan(case())) == [
        (Event.NEW, "baru", at(21, 8)),
        (Event.REMINDER, "50%", at(21, 9)),
        (Event.REMINDER, "75%", at(21, 9, 30)),
        (Event.ESCALATION, "100%", at(21, 10)),
        (Event.ESCALATION, "200%", at(21, 12)),
    ]


def test_thresholds_count_working_time_only():
    # Friday 15:30, office until 16:30: one hour on Friday, the rest on Monday from 07:30.
    friday = plan(case(started=datetime(2026, 12, 18, 15, 30, tzinfo=JKT)))
    assert [a.at for a in friday][1:] == [
        datetime(2026, 12, 18, 16, 30, tzinfo=JKT),
        at(21, 8),
        at(21, 8, 30),
        at(21, 10, 30),
    ]


def test_escalations_reach_whoever_acts_and_the_chain_of_command():
    escalations = [a for a in plan(case()) if a.event == Event.ESCALATION]
    assert [a.to for a in escalations] == [
        (Party("role", "jfu"), Party("role", "kasie")),  # 100%: the superior (atasan) of the JFU
        (Party("role", "jfu"), alerts.HEAD_OF_OFFICE),  # 200%: the head of office
    ]


def test_a_steps_own_reminders_and_escalations_replace_the_offices():
    own = plan(case("2", at(21, 8)))
    assert when(own) == [
        (Event.HANDED_ON, "disposisi", at(21, 8)),
        (Event.REMINDER, "1 jam", at(21, 11)),  # an hour before the 12:00 deadline
        (Event.ESCALATION, "100%", at(21, 12)),
    ]
    assert own[-1].to == (Party("role", "jfu"), Party("role", "kasubdit"))


def test_only_the_latest_threshold_passed_is_owed():
    # Nobody ran sop notify all morning: at 10:05 the JFU hears of the 100% escalation only; the Kasie too.
    owed = alerts.latest_for_each(plan(case()), at(21, 10, 5))
    assert sorted((party.name, alert.mark) for party, alert in owed) == [("jfu", "100%"), ("kasie", "100%")]
    assert alerts.next_due(plan(case()), at(21, 10, 5)) == at(21, 12)


def test_a_paused_case_owes_no_reminder_and_a_pause_moves_the_thresholds():
    paused = plan(case(paused_since=at(21, 8, 30)))
    assert [a.event for a in paused] == [Event.NEW]
    resumed = plan(case(paused_minutes=60.0))  # an hour paused: every threshold an hour later
    assert [a.at for a in resumed][1:] == [at(21, 10), at(21, 10, 30), at(21, 11), at(21, 13)]


def test_a_closed_case_tells_its_unit_and_a_cancelled_one_nobody():
    closed = plan(case(status=Status.RESOLVED, current_step=None, closed_at=at(21, 11)))
    assert [(a.event, a.to) for a in closed] == [(Event.CLOSED, (Party("unit", "Bagian Umum"),))]
    assert plan(case(status=Status.CANCELLED, current_step=None, closed_at=at(21, 11))) == []


@pytest.mark.parametrize(
    ("priority", "calendar", "loud"),
    [("sedang", "office", False), ("tinggi", "office", True), ("kritis", "office", True), ("rendah", "24x7", True)],
)
def test_quiet_hours_hold_all_but_urgent_complaints_and_24x7_sops(priority, calendar, loud):
    assert alerts.loud(SOP.model_copy(update={"calendar": calendar}), priority) is loud


def test_the_office_opens_after_the_weekend_and_holidays():
    with_christmas = WorkingCalendar(
        tz=JKT, holidays_of=lambda year: {datetime(2026, 12, 24).date(), datetime(2026, 12, 25).date()}
    )
    assert with_christmas.next_open(datetime(2026, 12, 23, 22, tzinfo=JKT)) == datetime(2026, 12, 28, 7, 30, tzinfo=JKT)
    assert with_christmas.next_open(datetime(2026, 12, 23, 16, tzinfo=JKT)) == datetime(2026, 12, 23, 16, tzinfo=JKT)


@pytest.mark.parametrize("text", ["75", "0%", "1500%", "1-2 jam", "besok"])
def test_a_threshold_is_a_share_or_one_length_of_time(text):
    with pytest.raises(TimeParseError):
        parse_threshold(text)


def test_addresses_are_told_apart_without_being_kept():
    url = "tgram://123456:SECRET/-100"
    assert alerts.address_kind(url) == "tgram"
    assert "SECRET" not in alerts.address_id(url) and len(alerts.address_id(url)) == 12
