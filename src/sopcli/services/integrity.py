"""``sop db check``: is the logbook whole after a crash, a copy, or a suspicion?

Four checks: the database engine's own (SQLite ``PRAGMA quick_check``, then
``integrity_check``, run first and read-only, so a damaged file is reported
rather than crashed on), the journal's append-only triggers (exactly as sop
installs them, none added), the journal's hash chain, and the agreement between
each complaint's stored state and the state its journal leads to
(``engine.replay``), its own details included (description, reporter, unit…,
as its ``received`` entry and later corrections record them). The last one
catches a case whose row was edited or erased behind sop's back, which the
chain alone cannot see: the chain covers the entries, not the rows they describe.

``salvage`` copies what can still be read from a damaged SQLite logbook into a
new file, checks the chain of what it copied, and says what was lost.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopcli.domain import engine
from sopcli.errors import DatabaseDamaged, DatabaseError, InputError, os_reason
from sopcli.i18n import _
from sopcli.services.runtime import Runtime

if TYPE_CHECKING:
    from sopcli.services.verified import HeadTampered, StartPoint

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
    unreadable: str | None = None  # the journal and complaints could not be read: why
    protections: list[str] = field(default_factory=list)  # how the append-only triggers differ from sop's
    engine_checked: bool = True  # False: an incremental run leaves the file's engine checks to --full
    since: StartPoint | None = None  # where an incremental run started; None: everything was checked
    checked: int = 0  # entries walked: all, or those since the start point
    tampered: HeadTampered | None = None  # the last check's head no longer holds

    @property
    def ok(self) -> bool:
        return (
            self.engine_ok
            and self.broken_seq is None
            and self.disagreeing == 0
            and self.unreadable is None
            and not self.protections
            and self.tampered is None
        )


def check(rt: Runtime, full: bool = False) -> CheckResult:
    """Run the checks; on a damaged SQLite file, report the engine's findings and what could still be read.

    Incremental by default, from the head the last successful check recorded
    (held to the chain again first): the chain after it, and the complaints
    with journal entries after it replayed. ``full``, or a first run, checks
    everything, SQLite's engine checks of the whole file included.

    Raises:
        NoLogbook: there is no logbook at this path (nothing is created).
    """
    database = rt.database
    whole = full
    if database.path is not None:
        database.require_logbook()  # before SQLite is asked anything: connecting would create the file
        whole = full or not _has_check_head(rt)
    if database.path is not None and not whole:
        result = CheckResult(True, "", 0, None, None, engine_checked=False)
    elif database.path is not None:
        problems = _engine_problems(database.path)
        result = CheckResult(not problems, "; ".join(problems[:5]) or "ok", 0, None, None)
        if problems:
            database.open_read_only()  # read what can be read, and change nothing in the damaged file
            if database.path.with_name(f"{database.path.name}-wal").exists():
                result.unreadable = problems[0]  # reading it would drop the -wal's damaged tail
                return result
    else:
        result = CheckResult(True, database.url.split(":", 1)[0].split("+", 1)[0], 0, None, None)
    try:
        _check_logbook(rt, result, whole)
    except DatabaseDamaged as exc:
        if result.engine_ok:  # the engine found nothing, yet reading failed: that is its finding too
            result.engine_ok, result.engine_detail = False, exc.message
        result.unreadable = exc.message
    return result


def _engine_problems(path: Path) -> list[str]:
    from sopcli.store.damage import file_problems

    return file_problems(path)


def _has_check_head(rt: Runtime) -> bool:
    """Whether a check was recorded to start from (a file that cannot even say is checked whole)."""
    from sqlalchemy.exc import SQLAlchemyError

    from sopcli.errors import SopError
    from sopcli.store import verified

    try:
        with rt.ready_database().transaction() as session:
            return any(head.kind == verified.CHECK for head in verified.heads(session))
    except (SopError, SQLAlchemyError):
        return False


def _check_logbook(rt: Runtime, result: CheckResult, whole: bool = True) -> None:
    from sopcli.domain.chain import GENESIS
    from sopcli.services.verified import HeadTampered, record, start_point, walk_from
    from sopcli.store.protections import trigger_problems
    from sopcli.store.verified import CHECK

    database = rt.ready_database()
    with database.transaction() as session:
        result.protections = trigger_problems(session.connection())
    start = None
    with database.transaction() as session:
        try:
            start = start_point(session, CHECK)
        except HeadTampered as exc:
            result.tampered, whole = exc, True  # nothing to start from: everything is checked
    if start is None:
        whole = True
    origin = (0, GENESIS, 0) if whole or start is None else (start.seq, start.hash, start.entries)
    result.since = None if whole else start
    with database.transaction() as session:
        walk = walk_from(session, (origin[0], origin[1]))
    result.checked, result.broken_seq, result.chain_problem = walk.checked, walk.broken_seq, walk.problem
    result.entries = origin[2] + result.checked
    with database.transaction() as session:
        _compare_states(rt, session, result, None if whole else origin[0])
    if result.ok and (whole or walk.last_seq != origin[0]):
        record(rt, CHECK, walk.last_seq, walk.last_hash, result.entries, full=whole)


def _compare_states(rt: Runtime, session, result: CheckResult, since: int | None = None) -> None:
    """Walk complaints and their journals side by side, in id order, streaming both (with ``since``: only the
    complaints with journal entries after that seq)."""
    from sopcli.services.reports import PinnedDefinitions
    from sopcli.store import complaints
    from sopcli.store.journal import case_entries

    entries = case_entries(session, since)
    journals = itertools.groupby(entries, key=lambda row: row[0])
    pending = next(journals, None)
    definitions = PinnedDefinitions(session)
    for row in complaints.states_by_id(session, since):
        result.complaints += 1
        complaint_id, number = row[0], row[1]
        while pending is not None and pending[0] < complaint_id:
            pending = _erased(result, pending, journals)
        if pending is None or pending[0] != complaint_id:
            _disagree(result, _("{number}: no journal entries").format(number=number))
            continue
        journal = list(pending[1])
        pending = next(journals, None)
        problem = _disagreement(rt, definitions.version(row[2]), row, journal, definitions.by_digest)
        if problem:
            _disagree(result, f"{number}: {problem}")
    while pending is not None:  # the last complaints erased: their journals still name them
        pending = _erased(result, pending, journals)


def _erased(result: CheckResult, pending, journals):
    """Report the journal ``pending`` holds of a complaint whose row is gone; returns the next journal."""
    number = next(pending[1])[1]
    _disagree(result, _("{number}: the complaint is gone, yet its journal records it").format(number=number))
    return next(journals, None)


def _disagreement(rt: Runtime, definition, row, journal, by_digest=None) -> str | None:
    from sopcli.store.journal import replay_entry

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
        moments,
        branches,
        approvals,
        details,
    ) = row
    if any(entry[1] != number for entry in journal):
        return _("journal entries carry another complaint number")
    try:
        entries = [replay_entry(*columns) for _c, _n, *columns in journal]
        state = engine.replay(
            definition,
            entries,
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
        "moments": engine.moments_from(moments),
        "branches": _branch_clocks(engine.branches_from(branches)),
        "approvals": tuple(json.loads(approvals)),
    }
    replayed = {
        "status": state.status,
        "current_step": state.current_step,
        "step_started_at": state.step_started_at,
        "paused_since": state.paused_since,
        "closed_at": state.closed_at,
        "fields": dict(state.fields),
        "received_at": state.received_at,
        "moments": dict(state.moments),
        "branches": _branch_clocks(state.branches),
        "approvals": state.approvals,
    }
    recorded = engine.recorded_details(entries)
    differing = [key for key in stored if stored[key] != replayed[key]]
    differing += [key for key in details if details[key] != recorded.get(key)]
    if abs((paused_minutes or 0.0) - state.paused_minutes) > 0.01 * (1 + len(journal)):  # resumes round to 0.01
        differing.append("paused_minutes")
    if differing:
        return _("stored {fields} differ from what its journal records").format(fields=", ".join(differing))
    return None


def _branch_clocks(branches) -> list[tuple[str, Any, tuple[str, ...], float]]:
    """The branches as compared: paused minutes to the hundredth, as a resume entry rounds them."""
    return [(b.step, b.started_at, b.approvals, round(b.paused_minutes, 2)) for b in branches]


def _disagree(result: CheckResult, message: str) -> None:
    result.disagreeing += 1
    if len(result.disagreements) < MAX_REPORTED:
        result.disagreements.append(message)


# --- salvage -----------------------------------------------------------------------


@dataclass
class SalvageResult:
    path: Path
    engine_problems: list[str]
    copied: dict[str, int]  # table → rows copied
    lost_entries: list[int]  # seq numbers
    lost_entry_complaints: list[str]  # complaints those entries belonged to, where an index still says
    lost_complaints: list[str]  # numbers, or "id N" where no index names them
    lost_other: dict[str, int]  # SOP texts and operators not readable
    runs: int  # runs of consecutive recovered entries
    chain_breaks: list[tuple[int, str]]  # within a run: seq and what is wrong

    @property
    def whole(self) -> bool:
        return not (self.lost_entries or self.lost_complaints or any(self.lost_other.values()) or self.chain_breaks)


def salvage(rt: Runtime, out: Path) -> SalvageResult:
    """Copy what can be read of the SQLite logbook into the new file ``out``; check and report it.

    ``out`` is never overwritten: it must not exist, and it appears only when the copy is complete.

    Raises:
        NoLogbook: there is no logbook to salvage.
        InputError: ``out`` exists or cannot be written.
        DatabaseError: the logbook is not a SQLite file.
    """
    import sqlite3
    from contextlib import closing

    from sopcli.store import damage
    from sopcli.store.database import Database

    database = rt.database
    if database.path is None:
        raise DatabaseError(
            _("sop salvages SQLite logbooks only; this one is {url}").format(url=database.display()),
            _("use the server's tools, e.g. pg_dump -Fc"),
        )
    database.require_logbook()
    source = database.path
    if out.exists() or out.is_symlink():
        raise InputError(_("{path} already exists").format(path=out), _("choose a new file name"))
    problems = _engine_problems(source)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)  # owner-only
    except OSError as exc:
        raise InputError(_("cannot write {path}: {reason}").format(path=out, reason=os_reason(exc))) from None
    os.close(handle)
    partial = Path(name)
    try:
        made = Database(f"sqlite:///{partial.resolve()}")
        try:
            made.upgrade()  # an empty logbook at this sop's schema
        finally:
            made.close()
        with damage.reading(source) as src, closing(sqlite3.connect(partial)) as dst:
            rescued = damage.rescue(src, dst)
            dst.commit()
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, like a backup
        runs, breaks = _recovered_chain(rt, partial)
        os.link(partial, out)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise InputError(_("{path} already exists").format(path=out), _("choose a new file name")) from None
    except OSError as exc:
        raise InputError(_("cannot write {path}: {reason}").format(path=out, reason=os_reason(exc))) from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm"), Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return SalvageResult(
        path=out,
        engine_problems=problems,
        copied={table: part.copied for table, part in rescued.tables.items()},
        lost_entries=rescued.lost("journal_entry"),
        lost_entry_complaints=rescued.lost_entry_complaints,
        lost_complaints=rescued.lost_complaints,
        lost_other={"sop_version": len(rescued.lost("sop_version")), "operator": len(rescued.lost("operator"))},
        runs=runs,
        chain_breaks=breaks,
    )


def _recovered_chain(rt: Runtime, path: Path) -> tuple[int, list[tuple[int, str]]]:
    """Verify each run of consecutive recovered entries: each links to the one before and matches its hash.

    A run starting at entry 1 starts from the chain's beginning; a later run from
    its first entry's recorded predecessor (which was lost).
    """
    from sopcli.domain.chain import verify_chain
    from sopcli.store.journal import hashed_entries

    copy = Runtime(config=rt.config, db_option=str(path), clock=rt.clock)
    runs: list[list[dict]] = []
    try:
        with copy.ready_database().transaction() as session:
            for entry in hashed_entries(session):
                if runs and runs[-1][-1]["seq"] + 1 == entry["seq"]:
                    runs[-1].append(entry)
                else:
                    runs.append([entry])
    finally:
        copy.close()
    breaks = []
    for run in runs:
        _checked, broken, problem = verify_chain(run, partial=run[0]["seq"] != 1)
        if broken is not None:
            breaks.append((broken, problem or ""))
    return len(runs), breaks
