"""``sop notify``: tell people what the logbook owes them, once each, in office hours, and journal every send.

A run, under a lock that lets one run at a time (``store.notices.one_run_at_a_time``):

1. reads the complaints whose ``notify_at`` has come (nothing else: ten thousand open complaints with
   nothing due cost one index lookup);
2. asks ``domain.alerts`` what each owes now, finds who is reached at which address (operators holding a
   pelaksana role, and the ``notify`` table of the configuration for roles, the head of office and units),
   and leaves out what the journal says was sent;
3. sends one message per address with everything owed to it (no flood of one message per complaint);
4. journals each notice delivered (``notified``: recipient, address kind, threshold; never the address),
   right after its message went, and moves each complaint's ``notify_at`` to its next threshold.

A delivery that fails is reported and not journaled: its complaint stays due and the next run sends it.
A run killed between a send and its journal entry sends that message again on the next run; the lock
keeps two runs from sending the same notice at once. Quiet hours are the office's closed hours: a notice
falling then waits for the next opening, unless the SOP runs 24x7 or the complaint's priority is high.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sopcli.definitions.schema import ESCALATE_HEAD
from sopcli.domain import alerts, engine
from sopcli.domain.alerts import Alert, Event, Party
from sopcli.domain.chain import canonical_moment
from sopcli.domain.urgency import minutes_left
from sopcli.domain.vocabulary import Action
from sopcli.errors import InputError
from sopcli.i18n import _
from sopcli.limits import check_entry
from sopcli.services.runtime import Runtime

# Seals older than this are not sent any more: a digest is worth its copy off the machine on the day.
SEALS_SENT_FOR_DAYS = 7


@dataclass(frozen=True)
class Notice:
    """One thing owed to one recipient: a line of their message, and a ``notified`` entry once it went."""

    event: Event
    complaint_id: int | None
    number: str | None
    sop_id: str | None = None
    step: str | None = None
    kegiatan: str | None = None
    who: str | None = None  # the step's pelaksana by name
    threshold: str | None = None
    since: datetime | None = None
    due_at: datetime | None = None
    minutes_left: float | None = None
    day_minutes: int = 0
    unit: str | None = None
    outcome: str | None = None  # a closed complaint's status
    seal: Mapping[str, str] | None = None  # a seal's fields (date, zone, entries, digest)

    def journal_fields(self, recipient: str, kind: str, address: str) -> dict[str, str]:
        fields = {alerts.EVENT: str(self.event), alerts.RECIPIENT: recipient, alerts.CHANNEL: kind}
        fields[alerts.ADDRESS] = address
        if self.threshold:
            fields[alerts.THRESHOLD] = self.threshold
        if self.since:
            fields[alerts.SINCE] = canonical_moment(self.since)
        if self.seal:
            fields[alerts.DAY] = self.seal["date"]
        return fields


@dataclass
class Message:
    """Everything owed to one address in this run, sent as one message."""

    recipient: str
    address: str  # the Apprise URL: a secret, never shown
    kind: str
    address_id: str
    notices: list[Notice] = field(default_factory=list)


@dataclass
class NotifyResult:
    looked_at: int = 0  # complaints whose notify_at had come
    messages: list[Message] = field(default_factory=list)
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)
    held: int = 0  # notices waiting for the office to open
    opens_at: datetime | None = None
    unreachable: dict[str, int] = field(default_factory=dict)  # a party nobody is reached at → notices lost to it


@dataclass(frozen=True)
class _Looked:
    complaint_id: int
    revision: int
    next_look: datetime | None
    messages: tuple[tuple[str, str], ...]  # (recipient, address id) of each message carrying a notice of it


class _AddressBook:
    """Who is reached where: operators by the roles they hold, and the configuration's ``notify`` names."""

    def __init__(self, rt: Runtime, session) -> None:
        from sopcli.store import notices

        self.configured = rt.config.notify
        self.head = rt.config.head_of_office
        self.by_role: dict[str, list[tuple[str, str]]] = {}
        for name, roles, urls in notices.addresses(session):
            for role in roles:
                self.by_role.setdefault(role, []).extend((name, url) for url in urls)

    def reach(self, party: Party) -> list[tuple[str, str]]:
        """(recipient name, address) of everyone ``party`` stands for."""
        name = self.head if party.name == ESCALATE_HEAD and party.kind == "head" else party.name
        found = [] if party.kind == "unit" else list(self.by_role.get(name, []))
        found += [(name, url) for url in self.configured.get(name, ())]
        return list(dict.fromkeys(found))


def notify(
    rt: Runtime,
    *,
    dry_run: bool,
    compose: Callable[[Message], tuple[str, str]],
    sender: Callable[[str, str, str], Any] | None,
    actor: str,
) -> NotifyResult:
    """One run: what is owed, sent (unless ``dry_run``) and journaled. See the module's notes.

    ``compose`` makes a message's (title, body); ``sender(url, title, body)`` delivers it and returns an
    ``integrations.notify.Delivery``.
    """
    from sopcli.store import notices

    database = rt.ready_database()
    if dry_run:
        return _owed(rt, rt.now())[0]
    with notices.one_run_at_a_time(database):
        now = rt.now()  # under the lock: what the run before wrote is read
        result, looked = _owed(rt, now)
        assert sender is not None
        undelivered: set[tuple[str, str]] = set()
        for message in result.messages:
            title, body = compose(message)
            delivery = sender(message.address, title, body)
            if delivery.ok:
                _journal(rt, message, actor)
                result.sent.append(message)
            else:
                result.failed.append((message, delivery.reason or ""))
                undelivered.add((message.recipient, message.address_id))
        with database.transaction(write=True) as session:
            for case in looked:
                if not undelivered.intersection(case.messages):  # else it stays due: the next run tries again
                    notices.look_again(session, case.complaint_id, case.revision, case.next_look)
    return result


def _owed(rt: Runtime, now: datetime) -> tuple[NotifyResult, list[_Looked]]:
    from sopcli.services.cases import _definition
    from sopcli.store import complaints, notices

    result = NotifyResult()
    looked: list[_Looked] = []
    messages: dict[tuple[str, str], Message] = {}
    rules = _rules(rt)
    with rt.ready_database().transaction() as session:
        book = _AddressBook(rt, session)
        definitions: dict[int, Any] = {}
        for complaint in notices.due(session, now):
            result.looked_at += 1
            if complaint.sop_version_id not in definitions:
                definitions[complaint.sop_version_id] = _definition(session, complaint.sop_version_id)
            sop = definitions[complaint.sop_version_id]
            calendar = rt.calendar_for(sop)
            state = complaints.state_of(complaint)
            owed = alerts.plan(sop, state, calendar, rules, complaint.unit)
            done = _sent_keys(notices.sent(session, complaint.id))
            carried: list[tuple[str, str]] = []
            opens = now if alerts.loud(sop, complaint.priority) else rt.office_calendar.next_open(now)
            held = False
            for party, alert in alerts.latest_for_each(owed, now):
                reached = book.reach(party)
                if not reached and party.kind != "unit":  # a unit is told only where an address is known
                    result.unreachable[party.name] = result.unreachable.get(party.name, 0) + 1
                notice = _notice(sop, state, calendar, complaint, alert, now)
                for recipient, url in reached:
                    if _key(notice, recipient, url) in done:
                        continue
                    if opens > now:
                        held = True
                        result.held += 1
                        continue
                    _add(messages, recipient, url, notice)
                    carried.append((recipient, alerts.address_id(url)))
            next_look = alerts.next_due(owed, now)
            if held:
                result.opens_at = opens
                next_look = min(next_look, opens) if next_look else opens
            assert complaint.id is not None  # a stored row
            looked.append(_Looked(complaint.id, complaint.revision, next_look, tuple(carried)))
        seals_sent = _sent_keys(notices.sent(session, None))
        for notice, party in _seals(rt, session, now):
            for recipient, url in book.reach(party):
                if _key(notice, recipient, url) not in seals_sent:
                    _add(messages, recipient, url, notice)
    result.messages = list(messages.values())
    return result, looked


def _rules(rt: Runtime) -> alerts.Rules:
    from sopcli.worktime.parse import parse_threshold

    config = rt.config
    return alerts.Rules(
        reminders=tuple(map(parse_threshold, config.reminders)),
        superior_at=parse_threshold(config.escalate_superior) if config.escalate_superior else None,
        head_at=parse_threshold(config.escalate_head) if config.escalate_head else None,
    )


def _notice(sop, state, calendar, complaint, alert: Alert, now: datetime) -> Notice:
    if alert.step is None:
        return Notice(
            alert.event, complaint.id, complaint.number, complaint.sop_id, unit=complaint.unit, outcome=state.status
        )
    step = sop.step(alert.step)
    at_step = engine.focus(state, alert.step)
    due = engine.due_at(sop, at_step, calendar)
    return Notice(
        alert.event,
        complaint.id,
        complaint.number,
        complaint.sop_id,
        step.id,
        step.kegiatan,
        sop.who_acts(step),
        alert.threshold,
        alert.since,
        due,
        minutes_left(due, now, calendar),
        calendar.day_minutes,
    )


def _key(notice: Notice, recipient: str, url: str) -> tuple:
    fields = notice.journal_fields(recipient, alerts.address_kind(url), alerts.address_id(url))
    return (notice.step, *sorted(fields.items()))


def _sent_keys(entries: Iterable[tuple[str | None, dict[str, str]]]) -> set[tuple]:
    return {(step, *sorted(fields.items())) for step, fields in entries}


def _add(messages: dict[tuple[str, str], Message], recipient: str, url: str, notice: Notice) -> None:
    key = (recipient, alerts.address_id(url))
    if key not in messages:
        messages[key] = Message(recipient, url, alerts.address_kind(url), key[1])
    messages[key].notices.append(notice)


def _seals(rt: Runtime, session, now: datetime) -> list[tuple[Notice, Party]]:
    """The seals of the last days, each once to the configured ``seal_digest_to``: the chain's day off the
    machine, so a journal rewritten after its seal is caught by the copy (``sop verify --digest``)."""
    from sopcli.store import journal

    to = rt.config.seal_digest_to
    if not to:
        return []
    oldest = now.astimezone(rt.zone).date() - timedelta(days=SEALS_SENT_FOR_DAYS)
    found: dict[str, Mapping[str, str]] = {}
    for _seq, text in journal.seals(session, newest_first=True):
        fields = json.loads(text)
        if date.fromisoformat(fields["date"]) >= oldest:
            found.setdefault(fields["date"], fields)  # the newest seal of a day is the one that holds
    return [(Notice(Event.SEAL, None, None, seal=fields), Party("role", to)) for fields in found.values()]


def _journal(rt: Runtime, message: Message, actor: str) -> None:
    from sopcli.store import journal

    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()
        for notice in message.notices:
            entry = engine.Entry(
                Action.NOTIFIED,
                now,
                actor,
                step=notice.step,
                fields=notice.journal_fields(message.recipient, message.kind, message.address_id),
            )
            check_entry(entry)
            journal.append(session, entry, now, complaint_id=notice.complaint_id, complaint_number=notice.number)


def addresses_of(rt: Runtime, name: str) -> list[tuple[str, str]]:
    """(recipient, address) of whoever ``name`` is: an Apprise URL itself, an operator, or a ``notify`` name
    of the configuration (a role, the head of office, a unit).

    Raises:
        InputError: nobody is reached by that name.
    """
    from sopcli.store import operators

    wanted = name.strip()
    if "://" in wanted:
        return [(alerts.address_kind(wanted), wanted)]
    with rt.ready_database().transaction() as session:
        operator = operators.named(session, wanted)
        found = [(wanted, url) for url in json.loads(operator.notify)] if operator else []
        found += _AddressBook(rt, session).reach(Party("role", wanted))
    if not found:
        raise InputError(
            _("no address for {name}").format(name=wanted),
            _("give an operator with --notify, a name set with sop config set notify.NAME URL, or an Apprise URL"),
        )
    return list(dict.fromkeys(found))


def record_report_sent(rt: Runtime, recipient: str, url: str, period: str, actor: str) -> None:
    """Journal a report delivered (``sop report --send``), as every notice is."""
    notice = Notice(Event.REPORT, None, None, seal={"date": period})
    _journal(rt, Message(recipient, url, alerts.address_kind(url), alerts.address_id(url), [notice]), actor)


def check_digest(text: str) -> tuple[date, str]:
    """The day and the 64-hex digest a seal message (or a copy of it) holds.

    Raises:
        InputError: no date or no digest in ``text``.
    """
    import re

    day = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    rest = text.replace(day[1], " ") if day else text
    found = re.search(r"[0-9a-f]{64}", re.sub(r"(?<=[0-9a-f])\s+(?=[0-9a-f])", "", rest.lower()))
    if not day or not found:
        raise InputError(
            _("no seal digest in {text!r}").format(text=text[:60]),
            _("paste the seal message: its date (2026-12-03) and its 64-character digest"),
        )
    return date.fromisoformat(day[1]), found[0]
