"""The reports benchmark: `sop report` on 1,000,000 journal entries against raw SQL.

A year of synthetic casework (about 100,000 complaints walked through the four
built-in SOPs, ~10 journal entries each) is written straight into a database
that `sop` created, with the driver's executemany: the reports read stored
columns only, so the entries need not come from the engine (their hash chain
is not valid, and `sop verify` would say so).

The baseline runs the same figures as hand-written SQL through the stdlib
`sqlite3` module in a fresh interpreter: what the report costs beyond the
database's own work is `sop`'s overhead. Target: the daily report within 2× of
(raw SQL + the start-up floor `python -c "import typer, sqlmodel"`).
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

WIB = timezone(timedelta(hours=7))
FIRST_DAY = datetime(2025, 11, 25, 8, 0, tzinfo=WIB)
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=WIB)
# Built-in SOPs and how often each is used.
MIX = [("kaltim-db", 4), ("cirebon-aplikasi", 2), ("ipas-pemulihan", 2), ("tanahbumbu-jaringan", 2)]
UNITS = [
    f"Dinas {name}"
    for name in (
        "Kesehatan",
        "Pendidikan",
        "Sosial",
        "Perhubungan",
        "Kominfo",
        "Pertanian",
        "Pariwisata",
        "Koperasi",
        "Perikanan",
        "Lingkungan Hidup",
    )
] + [f"Kecamatan {n}" for n in range(1, 21)]
SYSTEMS = [
    "SIMPEG",
    "SIMPUS",
    "Dapodik",
    "SIPD",
    "LPSE",
    "e-Kinerja",
    "Portal PPID",
    "Jaringan Intranet",
    "IPAS",
    "Email Dinas",
]
ACTORS = [f"teknisi{n}" for n in range(1, 13)]
PAUSE_REASONS = ["Menunggu konfirmasi pelapor", "Menunggu vendor", "Menunggu suku cadang", "Listrik padam"]


def _stamp(moment: datetime) -> str:
    """How SQLAlchemy stores an aware datetime on SQLite: naive UTC text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _walk(definition, rng: random.Random) -> list[tuple[str, str | None, str | None, str | None]]:
    """(step, decision, next step, end) along the SOP, taking a loop back now and then."""
    path, step_id = [], definition.steps[0].id
    for _ in range(30):
        step = definition.step(step_id)
        if step.decision:
            options = list(step.decision.options)
            backward = [
                o for o in options if o.goto and definition.step_number(o.goto) <= definition.step_number(step_id)
            ]
            forward = [o for o in options if o not in backward and (o.goto or o.end == "resolved")]
            rejecting = [o for o in options if o.end == "rejected"]
            roll = rng.random()
            option = (
                backward[0]
                if backward and roll < 0.1
                else rejecting[0]
                if rejecting and roll > 0.97
                else forward[0]
                if forward
                else options[0]
            )
            path.append((step_id, option.label, option.goto, option.end))
            if option.end:
                return path
            step_id = option.goto
        elif step.end:
            path.append((step_id, None, None, step.end))
            return path
        else:
            following = definition.following(step_id)
            path.append((step_id, None, following, None))
            step_id = following
    path[-1] = (*path[-1][:2], None, "resolved")
    return path


def build(sop_binary: str, env: dict[str, str], db: Path, target_entries: int) -> int:
    """Fill ``db`` with about ``target_entries`` journal entries; returns how many."""
    from sopcli.definitions.loader import load

    # `sop` creates the schema and pins the four SOP versions (one complaint each).
    for sop_id, _ in MIX:
        subprocess.run(
            [
                sop_binary,
                "new",
                "--sop",
                sop_id,
                "--description",
                "Benchmark",
                "--reporter",
                "Pelapor",
                "--unit",
                UNITS[0],
                "--system",
                SYSTEMS[0],
                "--received-at",
                "2025-11-24 08:00",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    connection = sqlite3.connect(db)
    versions = dict(connection.execute("SELECT sop_id, id FROM sop_version"))
    complaint_id, seq = (
        connection.execute("SELECT MAX(id) FROM complaint").fetchone()[0],
        connection.execute("SELECT MAX(seq) FROM journal_entry").fetchone()[0],
    )
    definitions = {sop_id: load(sop_id).definition for sop_id, _ in MIX}
    weighted = [sop_id for sop_id, weight in MIX for _ in range(weight)]
    rng = random.Random(20261124)
    span = (NOW - FIRST_DAY).total_seconds()
    # Spread the complaints evenly over the year: estimate entries per complaint from sample walks.
    sample = random.Random(1)
    steps = sum(len(_walk(definitions[sample.choice(weighted)], sample)) for _ in range(2000)) / 2000
    complaints_wanted = (target_entries - seq) / (1 + steps * 1.1)
    complaints, entries = [], []
    serial_by_year: dict[int, int] = dict(connection.execute("SELECT year, MAX(serial) FROM complaint GROUP BY year"))
    written, made = seq, 0
    while written < target_entries:
        complaint_id += 1
        sop_id = rng.choice(weighted)
        definition = definitions[sop_id]
        made += 1
        received = FIRST_DAY + timedelta(seconds=span * made / complaints_wanted)
        if received > NOW - timedelta(hours=1):
            received = NOW - timedelta(hours=rng.randrange(1, 200))
        year = received.year
        serial_by_year[year] = serial_by_year.get(year, 0) + 1
        number = f"ADU-{year}-{serial_by_year[year]:05d}"
        actor = rng.choice(ACTORS)
        unit, system = rng.choice(UNITS), rng.choice(SYSTEMS)
        seq += 1
        entries.append(
            (
                seq,
                complaint_id,
                number,
                "received",
                None,
                None,
                json.dumps({"sop": sop_id, "unit": unit}),
                actor,
                _stamp(received),
                _stamp(received),
                "Gangguan layanan",
                None,
                None,
                None,
                None,
                definition.steps[0].id,
                "-",
                "-",
            )
        )
        moment, status, current, closed, step_started = received, "open", definition.steps[0].id, None, received
        still_open = (received > NOW - timedelta(days=3) and rng.random() < 0.5) or rng.random() < 0.004
        path = _walk(definition, rng)
        stop_at = rng.randrange(len(path)) if still_open else len(path)
        for index, (step_id, decision, next_step, end) in enumerate(path):
            if index == stop_at:
                break
            if rng.random() < 0.05:  # a pause on the way
                seq += 1
                entries.append(
                    (
                        seq,
                        complaint_id,
                        number,
                        "pause",
                        step_id,
                        None,
                        "{}",
                        actor,
                        _stamp(moment),
                        _stamp(moment),
                        rng.choice(PAUSE_REASONS),
                        None,
                        None,
                        None,
                        None,
                        None,
                        "-",
                        "-",
                    )
                )
                paused = min(rng.randrange(10, 240), int((NOW - moment).total_seconds() // 60))
                moment += timedelta(minutes=paused)
                seq += 1
                entries.append(
                    (
                        seq,
                        complaint_id,
                        number,
                        "resume",
                        step_id,
                        None,
                        "{}",
                        actor,
                        _stamp(moment),
                        _stamp(moment),
                        None,
                        None,
                        None,
                        float(paused),
                        None,
                        None,
                        "-",
                        "-",
                    )
                )
            standard = definition.step(step_id).standard
            limit = standard.deadline_minutes(510) if standard else None
            took = round(rng.expovariate(1 / (limit or 60)) * 0.8, 2)
            if moment + timedelta(minutes=took) > NOW:
                break
            moment += timedelta(minutes=took)
            seq += 1
            entries.append(
                (
                    seq,
                    complaint_id,
                    number,
                    "step",
                    step_id,
                    decision,
                    "{}",
                    rng.choice(ACTORS),
                    _stamp(moment),
                    _stamp(moment),
                    None,
                    None,
                    None if limit is None else took <= limit,
                    took,
                    limit,
                    next_step,
                    "-",
                    "-",
                )
            )
            step_started = moment
            current = next_step
            if end:
                status, closed, current = end, moment, None
        if status == "open" and rng.random() < 0.05:
            seq += 1
            entries.append(
                (
                    seq,
                    complaint_id,
                    number,
                    "cancel",
                    current,
                    None,
                    "{}",
                    actor,
                    _stamp(moment),
                    _stamp(moment),
                    "Duplikat",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "-",
                    "-",
                )
            )
            status, closed, current = "cancelled", moment, None
        due = None
        if status == "open":
            standard = definition.step(current).standard if current else None
            due = _stamp(step_started + timedelta(minutes=standard.deadline_minutes(510))) if standard else None
        resolution = (closed - received).total_seconds() / 60 if status == "resolved" else None
        overall = definition.standard
        complaints.append(
            (
                complaint_id,
                number,
                year,
                serial_by_year[year],
                None,
                versions[sop_id],
                sop_id,
                "Gangguan layanan",
                "Pelapor",
                unit,
                system,
                None,
                "telepon",
                "sedang",
                _stamp(received),
                status,
                current,
                _stamp(step_started) if status == "open" else None,
                due,
                None,
                0.0,
                0.0,
                "{}",
                _stamp(moment),
                _stamp(closed) if closed else None,
                resolution,
                None if resolution is None or overall is None else resolution <= overall.deadline_minutes(510),
                actor,
                0,
            )
        )
        written = seq
        if len(entries) > 50_000:
            _flush(connection, complaints, entries)
    _flush(connection, complaints, entries)
    connection.execute("ANALYZE")
    connection.close()
    return written


COMPLAINT_COLUMNS = (
    "id", "number", "year", "serial", "ref", "sop_version_id", "sop_id", "description", "reporter", "unit",
    "system", "host", "channel", "priority", "received_at", "status", "current_step", "step_started_at", "due_at",
    "paused_since", "paused_minutes", "total_paused_minutes", "fields", "last_at", "closed_at",
    "resolution_minutes", "overall_on_time", "created_by", "revision",
)  # fmt: skip


def _flush(connection, complaints: list, entries: list) -> None:
    # the columns named: those added since (moments, branches, approvals, notify_at) take their defaults
    connection.executemany(
        f"INSERT INTO complaint ({', '.join(COMPLAINT_COLUMNS)}) VALUES ({','.join('?' * len(COMPLAINT_COLUMNS))})",
        complaints,
    )
    connection.executemany(
        f"INSERT INTO journal_entry (seq, complaint_id, complaint_number, action, step, decision, "
        f"fields, actor, at, recorded_at, note, output, on_time, took_minutes, standard_minutes, "
        f"next_step, prev_hash, hash) VALUES ({','.join('?' * 18)})",
        entries,
    )
    connection.commit()
    complaints.clear()
    entries.clear()


# The same figures as `sop report`, by hand, for the stdlib sqlite3 module.
RAW_SQL = r'''
import sqlite3, sys
db, start, end, cutoff = sys.argv[1:5]
c = sqlite3.connect(db)
queries = {
 "counts": """SELECT {g} count(*) FILTER (WHERE received_at >= :s),
      count(*) FILTER (WHERE status='resolved' AND closed_at >= :s AND closed_at < :e),
      count(*) FILTER (WHERE status='rejected' AND closed_at >= :s AND closed_at < :e),
      count(*) FILTER (WHERE status='cancelled' AND closed_at >= :s AND closed_at < :e),
      count(*) FILTER (WHERE closed_at IS NULL OR closed_at >= :e)
    FROM complaint WHERE received_at < :e AND (closed_at IS NULL OR closed_at >= :s) {group}""",
 "steps": """SELECT sop_id, step, count(*), count(*) FILTER (WHERE on_time IS 1), count(*) FILTER (WHERE on_time IS 0),
      avg(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN took_minutes END),
      max(CASE WHEN rn = (9 * n + 9) / 10 THEN took_minutes END), min(standard_minutes), max(standard_minutes)
    FROM (SELECT c.sop_id, j.step, j.took_minutes, j.on_time, j.standard_minutes,
                 row_number() OVER (PARTITION BY c.sop_id, j.step ORDER BY j.took_minutes) rn,
                 count(*) OVER (PARTITION BY c.sop_id, j.step) n
          FROM journal_entry j JOIN complaint c ON c.id = j.complaint_id
          WHERE j.at >= :s AND j.at < :e AND j.action = 'step') GROUP BY sop_id, step""",
 "resolution": """SELECT sop_id, count(*), count(*) FILTER (WHERE overall_on_time IS 1),
      avg(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN resolution_minutes END),
      max(CASE WHEN rn = (9 * n + 9) / 10 THEN resolution_minutes END)
    FROM (SELECT sop_id, resolution_minutes, overall_on_time,
                 row_number() OVER (PARTITION BY sop_id ORDER BY resolution_minutes) rn,
                 count(*) OVER (PARTITION BY sop_id) n
          FROM complaint WHERE status = 'resolved' AND closed_at >= :s AND closed_at < :e) GROUP BY sop_id""",
 "moves": """SELECT c.sop_id, j.step, j.next_step, count(*) FROM journal_entry j JOIN complaint c ON c.id = j.complaint_id
    WHERE j.at >= :s AND j.at < :e AND j.action = 'step' AND j.next_step IS NOT NULL GROUP BY 1, 2, 3""",
 "pauses": """SELECT j.note, count(*) FROM journal_entry j JOIN complaint c ON c.id = j.complaint_id
    WHERE j.at >= :s AND j.at < :e AND j.action = 'pause' GROUP BY j.note ORDER BY 2 DESC, 1""",
 "paused": """SELECT coalesce(sum(j.took_minutes), 0) FROM journal_entry j JOIN complaint c ON c.id = j.complaint_id
    WHERE j.at >= :s AND j.at < :e AND j.action = 'resume'""",
 "operators": """SELECT j.actor, count(*) FILTER (WHERE action = 'received'), count(*) FILTER (WHERE action = 'step'),
      count(*) FILTER (WHERE action = 'step' AND on_time IS 0), count(*) FILTER (WHERE action = 'note'),
      count(*) FILTER (WHERE action IN ('pause', 'resume')), count(*) FILTER (WHERE action = 'cancel'), count(*)
    FROM journal_entry j LEFT JOIN complaint c ON c.id = j.complaint_id WHERE j.at >= :s AND j.at < :e GROUP BY 1 ORDER BY 1""",
 "overdue": """SELECT id, number, sop_version_id, sop_id, unit, system, current_step, due_at FROM complaint
    WHERE status = 'open' AND last_at < :c AND due_at < :c ORDER BY due_at, id""",
 "changed": """SELECT id FROM complaint WHERE received_at < :c AND last_at >= :c AND (closed_at IS NULL OR closed_at >= :c)""",
}
params = {"s": start, "e": end, "c": cutoff}
rows = 0
for name, sql in queries.items():
    if name == "counts":
        for g in (None, "sop_id", "unit", "system"):
            q = sql.format(g=f"{g}," if g else "", group=f"GROUP BY {g}" if g else "")
            rows += len(c.execute(q, params).fetchall())
    else:
        rows += len(c.execute(sql, params).fetchall())
print(rows)
'''


def period_bounds(kind: str) -> tuple[list[str], tuple[str, str, str]]:
    """(sop report arguments, raw SQL start/end/cutoff) for the daily or monthly report of the benchmark's today."""
    if kind == "daily":
        first, last = datetime(2026, 11, 24, tzinfo=WIB), datetime(2026, 11, 25, tzinfo=WIB)
        args = ["report", "--daily", "--format", "json"]
    else:
        first, last = datetime(2026, 11, 1, tzinfo=WIB), datetime(2026, 12, 1, tzinfo=WIB)
        args = ["report", "--monthly", "--format", "json"]
    return args, (_stamp(first), _stamp(last), _stamp(min(last, NOW)))
