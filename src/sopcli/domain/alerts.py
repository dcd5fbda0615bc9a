"""Who hears about a complaint, and when: the notices ``sop notify`` sends. Pure: no database, no clock.

A case's current steps each give a notice when they start (to the pelaksana: a new complaint, or the
disposisi from the step before), reminders at the thresholds of the step's time standard, and escalations
that tell someone more as well; a closed case gives one notice to the reporter's unit. Each falls at a
moment (``Alert.at``). Thresholds of the same step visit supersede one another: a party owed several at
once (an overdue complaint imported, a machine that was off for a week) hears only the latest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sopcli.definitions.schema import ESCALATE_HEAD, ESCALATE_SUPERIOR, SopDefinition
from sopcli.domain import engine
from sopcli.domain.vocabulary import Status
from sopcli.i18n import N_, _
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.parse import Threshold, parse_threshold

# A complaint of these priorities is told at night and on holidays too; others wait for the office to open.
LOUD_PRIORITIES = ("tinggi", "kritis")


class Event(StrEnum):
    """What a notice is about; the values are written in the journal (``peristiwa``)."""

    NEW = "baru"  # a complaint received: its first step's pelaksana
    HANDED_ON = "disposisi"  # a step done: the next step's pelaksana
    REMINDER = "pengingat"
    ESCALATION = "eskalasi"
    CLOSED = "selesai"  # the reporter's unit
    SEAL = "segel"  # a day's seal digest, off the machine
    REPORT = "laporan"  # a report sent with sop report --send


EVENT_LABELS: Mapping[str, str] = {
    Event.NEW: N_("new complaint"),
    Event.HANDED_ON: N_("handed on to you"),
    Event.REMINDER: N_("reminder"),
    Event.ESCALATION: N_("escalation"),
    Event.CLOSED: N_("closed"),
    Event.SEAL: N_("seal digest"),
    Event.REPORT: N_("report"),
}

# The journal fields of a ``notified`` entry.
EVENT, THRESHOLD, SINCE, RECIPIENT, CHANNEL, ADDRESS, DAY = (
    "peristiwa",
    "ambang",
    "mulai",
    "kepada",
    "saluran",
    "alamat",
    "tanggal",
)


@dataclass(frozen=True, order=True)
class Party:
    """Who a notice is for, before it is an address: a pelaksana role, the head of office, or a unit."""

    kind: str  # "role", "head" or "unit"
    name: str


HEAD_OF_OFFICE = Party("head", ESCALATE_HEAD)


@dataclass(frozen=True)
class Rules:
    """The office's rules (the configuration's), for steps that name none: reminders to whoever acts, and
    at two thresholds an escalation to their superior (``atasan``), then to the head of office."""

    reminders: tuple[Threshold, ...]
    superior_at: Threshold | None
    head_at: Threshold | None


@dataclass(frozen=True)
class Alert:
    """One notice a case owes, from ``at`` on."""

    event: Event
    at: datetime
    to: tuple[Party, ...]
    step: str | None = None
    since: datetime | None = None  # the start of the step's visit (a step done twice owes its notices twice)
    threshold: str | None = None  # "75%", "1 jam": as the rule wrote it
    rank: tuple[float, int] = (-1.0, 0)  # later supersedes earlier, for one party and one visit

    @property
    def mark(self) -> str:
        """What tells this notice apart from the others of its visit: its threshold, or its event."""
        return self.threshold or self.event


def plan(
    sop: SopDefinition, state: engine.CaseState, calendar: WorkingCalendar, rules: Rules, unit: str
) -> list[Alert]:
    """Every notice the case owes in its present state, due or not yet, over all its current steps."""
    if state.status != Status.OPEN:
        if state.status == Status.CANCELLED or state.closed_at is None:
            return []  # a duplicate or a withdrawn complaint: nobody waits for word of it
        return [Alert(Event.CLOSED, state.closed_at, (Party("unit", unit),), since=state.closed_at)]
    alerts: list[Alert] = []
    for step_id in state.current_steps:
        alerts += _step_alerts(sop, engine.focus(state, step_id), calendar, rules)
    return alerts


def _step_alerts(sop: SopDefinition, state: engine.CaseState, calendar: WorkingCalendar, rules: Rules) -> list[Alert]:
    assert state.current_step is not None and state.step_started_at is not None
    step = sop.step(state.current_step)
    acting = tuple(Party("role", role) for role in step.pelaksana)
    start = state.step_started_at
    opened = Event.NEW if step.id == sop.steps[0].id else Event.HANDED_ON
    alerts = [Alert(opened, start, acting, step.id, start)]
    standard = engine.standard_for(sop, step, state.fields, state.priority)
    since = engine.counts_from(sop, step, state)
    if standard is None or since is None or state.paused_since is not None:
        return alerts  # no clock running: nothing falls due
    hours = engine.hours_for(step, calendar)
    minutes = standard.deadline_minutes(hours.day_minutes)

    def alert(event: Event, threshold: Threshold, to: tuple[Party, ...]) -> Alert:
        offset = threshold.offset(minutes, hours.day_minutes)
        at = hours.add(since, offset + state.paused_minutes)
        return Alert(event, at, to, step.id, start, threshold.text, (offset, 1 if event == Event.ESCALATION else 0))

    reminders = rules.reminders if step.reminders is None else tuple(map(parse_threshold, step.reminders))
    alerts += [alert(Event.REMINDER, threshold, acting) for threshold in reminders]
    for threshold, to in escalations(sop, step, rules):
        told = tuple(dict.fromkeys((*acting, *_parties(sop, step.pelaksana, to))))
        alerts.append(alert(Event.ESCALATION, threshold, told))
    return alerts


def escalations(sop: SopDefinition, step, rules: Rules) -> list[tuple[Threshold, str]]:
    """The step's escalations as (threshold, whom): its own ``escalate``, else the office's defaults."""
    if step.escalate is not None:
        return [(parse_threshold(e.at), e.to) for e in step.escalate]
    defaults = [(rules.superior_at, ESCALATE_SUPERIOR), (rules.head_at, ESCALATE_HEAD)]
    return [(threshold, to) for threshold, to in defaults if threshold is not None]


def _parties(sop: SopDefinition, acting: Sequence[str], to: str) -> tuple[Party, ...]:
    if to == ESCALATE_HEAD:
        return (HEAD_OF_OFFICE,)
    if to == ESCALATE_SUPERIOR:
        superiors = (next((r.atasan for r in sop.roles if r.key == key), None) for key in acting)
        return tuple(Party("role", key) for key in dict.fromkeys(superiors) if key)
    return (Party("role", to),)


def loud(sop: SopDefinition, priority: str | None) -> bool:
    """Whether the case's notices go out at any hour: a 24x7 SOP, or a complaint of high priority."""
    return sop.calendar == "24x7" or priority in LOUD_PRIORITIES


def latest_for_each(alerts: Iterable[Alert], now: datetime) -> list[tuple[Party, Alert]]:
    """The notices due at ``now``, one per party and step visit: the latest threshold passed."""
    latest: dict[tuple[Party, str | None, datetime | None], Alert] = {}
    for alert in alerts:
        if alert.at > now:
            continue
        for party in alert.to:
            key = (party, alert.step, alert.since)
            if key not in latest or alert.rank > latest[key].rank:
                latest[key] = alert
    return [(party, alert) for (party, _step, _since), alert in latest.items()]


def next_due(alerts: Iterable[Alert], now: datetime) -> datetime | None:
    """When the case next owes a notice (None: it owes none in this state)."""
    return min((alert.at for alert in alerts if alert.at > now), default=None)


def address_kind(url: str) -> str:
    """An address's kind (``mailtos``, ``tgram``, ``json``): all the journal records of it besides its id."""
    scheme, sep, _rest = url.strip().partition("://")
    return scheme.lower() if sep else "?"


def address_id(url: str) -> str:
    """A short digest that tells two addresses apart in the journal without holding either (they hold secrets)."""
    return hashlib.sha256(url.strip().encode()).hexdigest()[:12]


def event_text(fields: Mapping[str, str]) -> str:
    """A ``notified`` entry's notice as an operator reads it: "reminder 75%", "new complaint"."""
    event = fields.get(EVENT, "")
    label = EVENT_LABELS.get(event)
    text = _(label) if label else event
    if threshold := fields.get(THRESHOLD):
        text += f" {threshold}"
    if day := fields.get(DAY):
        text += f" {day}"
    return text
