"""``sop db check``: is the logbook whole after a crash, a copy, or a suspicion?

Three checks: the database engine's own (SQLite ``PRAGMA integrity_check``),
the journal's hash chain, and the agreement between each complaint's stored
state and the state its journal leads to (``engine.replay``). The last one
catches a case whose row and journal drifted apart, which the chain alone
cannot see.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

from sopcli.domain import engine
from sopcli.i18n import _
from sopcli.services.runtime import Runtime

MAX_REPORTED = 20  # disagreements listed; the count covers all


@dataclass
class CheckResult:
    engine_ok: bool
    engine_detail: str
    entries: int
    broken_seq: int | None
    chain_problem: str | None
    complaints: int = 0
    disagreements: list[str] = field(default_factory=list)
    disagreeing: int = 0

    @property
    def ok(self) -> bool:
        return self.engine_ok and self.broken_seq is None and self.disagreeing == 0


def check(rt: Runtime) -> CheckResult:
    from sopcli.services.cases import verify

    database = rt.ready_database()
    with database.transaction() as session:
        engine_ok, engine_detail = _engine_check(session)
    chain = verify(rt)
    result = CheckResult(engine_ok, engine_detail, chain.checked, chain.broken_seq, chain.problem)
    with database.transaction() as session:
        _compare_states(rt, session, result)
    return result


def _engine_check(session) -> tuple[bool, str]:
    from sqlalchemy import text

    if session.bind.dialect.name != "sqlite":
        session.execute(text("SELECT 1"))  # PostgreSQL checks its pages itself; reaching it is the test here
        return True, session.bind.dialect.name
    rows = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
    return rows == ["ok"], "; ".join(rows[:5])


def _compare_states(rt: Runtime, session, result: CheckResult) -> None:
    """Walk complaints and their journals side by side, in id order, streaming both."""
    from sopcli.services.reports import PinnedDefinitions
    from sopcli.store import complaints
    from sopcli.store.journal import case_entries

    entries = case_entries(session)
    journals = itertools.groupby(entries, key=lambda row: row[0])
    pending = next(journals, None)
    definitions = PinnedDefinitions(session)
    for row in complaints.states_by_id(session):
        result.complaints += 1
        complaint_id, number = row[0], row[1]
        while pending is not None and pending[0] < complaint_id:  # entries of no complaint row
            _disagree(result, _("journal entries for a complaint id {id} that does not exist").format(id=pending[0]))
            pending = next(journals, None)
        if pending is None or pending[0] != complaint_id:
            _disagree(result, _("{number}: no journal entries").format(number=number))
            continue
        journal = list(pending[1])
        pending = next(journals, None)
        problem = _disagreement(rt, definitions.version(row[2]), row, journal, definitions.by_digest)
        if problem:
            _disagree(result, f"{number}: {problem}")


def _disagreement(rt: Runtime, definition, row, journal, by_digest=None) -> str | None:
    (
        _id,
        number,
        _version,
        status,
        current_step,
        step_started_at,
        paused_since,
        paused_minutes,
        closed_at,
        fields,
        received_at,
    ) = row
    if any(entry[1] != number for entry in journal):
        return _("journal entries carry another complaint number")
    try:
        state = engine.replay(
            definition,
            [
                engine.Entry(
                    action,
                    at,
                    actor,
                    step=step,
                    decision=decision,
                    fields=json.loads(recorded),
                    took_minutes=took,
                    next_step=next_step,
                )
                for _c, _n, action, at, actor, step, decision, recorded, took, next_step in journal
            ],
            rt.calendar_for(definition),
            by_digest,  # a case moved to another SOP closed its earlier steps under the one it left
        )
    except (ValueError, KeyError, engine.ActionError) as exc:
        return _("the journal cannot be replayed: {reason}").format(reason=exc)
    stored = {
        "status": status,
        "current_step": current_step,
        "step_started_at": step_started_at,
        "paused_since": paused_since,
        "closed_at": closed_at,
        "fields": json.loads(fields),
        "received_at": received_at,
    }
    replayed = {
        "status": state.status,
        "current_step": state.current_step,
        "step_started_at": state.step_started_at,
        "paused_since": state.paused_since,
        "closed_at": state.closed_at,
        "fields": dict(state.fields),
        "received_at": state.received_at,
    }
    differing = [key for key in stored if stored[key] != replayed[key]]
    if abs((paused_minutes or 0.0) - state.paused_minutes) > 0.01 * (1 + len(journal)):  # resumes round to 0.01
        differing.append("paused_minutes")
    if differing:
        return _("stored {fields} differ from what its journal records").format(fields=", ".join(differing))
    return None


def _disagree(result: CheckResult, message: str) -> None:
    result.disagreeing += 1
    if len(result.disagreements) < MAX_REPORTED:
        result.disagreements.append(message)
