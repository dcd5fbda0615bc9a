"""sopcli benchmarks: each measurement side by side with its baseline, in one run.

    python benchmarks/run.py [--quick] [--only SECTION] [--json results.json]

Every command runs in turns with its baseline (A B A B …, or one round of several
commands), so drift of the machine falls on both alike; the ratio printed is the
median of the per-round ratios. Each line gives the median time, half the spread,
peak memory, the ratio, the target (from the issues) and the baseline's median.
This script reports, it does not fail; it writes the same figures as JSON.

Sections:
  startup  `sop --help`, `--version` against `import typer`; `sops list`, `list`
           (empty db), and on 10,000 complaints `show N`, `list`, `next N --json`
           and `new` against `import typer, sqlmodel`.
  notify   `sop notify` with nothing to send and `sop due` on 10,000 open
           complaints against `sop list --limit 1` on the same logbook.
  import   100,000 and 1,000,000 rows (--quick: 100,000), three rounds each: a
           stdlib csv + sqlite3.executemany load (the baseline), the floor (a
           stdlib script writing sop's very rows, benchmarks/import_floor.py, when
           present) and `sop import`, each into a fresh database.
  reports  `sop report --daily` and `--monthly` on 1,000,000 journal entries
           against the same figures in raw SQL plus the start-up floor.
  backlog  `sop report --daily` in every format on 100,000 open overdue complaints
           against the same figures in raw SQL (the overdue cases counted by SOP
           step and age band, the 20 most overdue read) in one interpreter that
           imports sopcli first: start-up and the database's own work.
  verify   `sop verify --full` and `sop db check --full` against a plain stdlib
           walk of the chain (walk_baseline.py), and their default runs from a
           head checked before 1,000 new entries, on 100,000 and 1,000,000
           entries (--quick: 100,000; --verify N, repeatable, e.g. 10,000,000).
  scale    the queue (`sop list`, by urgency and oldest first) and `sop due` on
           1,000,000 open complaints (--quick: 100,000; --scale N) against the
           same commands on 10,000.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
SOP = str(Path(PYTHON).with_name("sop"))
FIXED_NOW = "2026-11-24T16:00:00+07:00"
SOPS = ["kaltim-db", "cirebon-aplikasi", "ipas-pemulihan", "tanahbumbu-jaringan"]

# Each command runs under a tiny wrapper that reports its child's peak RSS (KiB).
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "elapsed = time.perf_counter() - t\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    "sys.stderr.write(r.stderr.decode(errors='replace')[-2000:] if r.returncode else '')\n"
)


def measure(argv: list[str], env: dict[str, str], setup=None) -> tuple[float, int]:
    """(seconds, peak KiB) of one run of ``argv``; ``setup()`` runs first, untimed."""
    if setup:
        setup()
    out = subprocess.run([PYTHON, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True, check=True)
    seconds, peak, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(argv)}\n{out.stderr}")
    return float(seconds), int(peak)


def summary(runs: list[tuple[float, int]]) -> dict:
    times = sorted(t for t, _ in runs)
    return {
        "median_s": statistics.median(times),
        "min_s": times[0],
        "max_s": times[-1],
        "peak_mb": max(p for _, p in runs) / 1024,
        "runs": len(runs),
    }


def series(argv, env, repeat, setup=None) -> dict:
    """``argv`` run ``repeat`` times, alone: for figures that are not compared."""
    return summary([measure(argv, env, setup) for _ in range(repeat)])


def in_turns(commands: dict[str, tuple], repeat: int) -> dict[str, list[tuple[float, int]]]:
    """Each round runs every command once, in turn: {name: (argv or callable, env, setup)} → {name: runs}."""
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (argv, env, setup) in commands.items():
            runs[name].append(measure(argv() if callable(argv) else argv, env, setup))
    return runs


def median_ratio(runs: list[tuple[float, int]], baseline: list[tuple[float, int]]) -> float:
    """The median of the per-round ratios: what one run costs against the baseline run beside it."""
    return statistics.median(ta / tb for (ta, _), (tb, _) in zip(runs, baseline, strict=True))


def paired(a, b, repeat: int, env: dict[str, str], env_b=None, setup_a=None, setup_b=None) -> dict:
    """``a`` and ``b`` run in turns (A B A B …), so drift of the machine falls on both alike.

    ``a`` and ``b`` are argv lists, or callables giving one for each run. Returns ``a``'s figures with
    ``baseline`` (``b``'s) and ``ratio``, the median of the per-pair ratios a/b.
    """
    runs = in_turns({"a": (a, env, setup_a), "b": (b, env_b or env, setup_b)}, repeat)
    result = summary(runs["a"])
    result["baseline"] = summary(runs["b"])
    result["ratio"] = median_ratio(runs["a"], runs["b"])
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms" if seconds < 10 else f"{seconds:8.2f} s "


def report(name: str, result: dict, target: str = "", against: str = "") -> dict:
    """One line: median, half the spread, peak memory; with a baseline, the median per-pair ratio and its median."""
    line = f"{name:<50} {_ms(result['median_s'])}  (±{(result['max_s'] - result['min_s']) * 500:7.1f})  {result['peak_mb']:6.1f} MB"
    if "ratio" in result:
        line += f"   ×{result['ratio']:.2f}"
    if target:
        line += f"   target {target}"
    if "baseline" in result:
        line += f"   [{against or 'baseline'}: {_ms(result['baseline']['median_s']).strip()}]"
    print(line, flush=True)
    return result


def environment(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOP_DATABASE_URL=str(db),
        SOP_NOW=FIXED_NOW,
        SOP_LANG="en",
        SOP_OPERATOR="bench",
        SOP_CONFIG=str(db.with_suffix(".toml")),
        NO_COLOR="1",
    )
    return env


def write_rows_csv(path: Path, count: int) -> None:
    rng = random.Random(20261124)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["ref", "received_at", "sop", "reporter", "unit", "system", "host", "channel", "priority", "description"]
        )
        for i in range(count):
            day = 1 + i % 28
            writer.writerow(
                [
                    f"BENCH-{i:08d}",
                    f"2026-10-{day:02d}T{8 + i % 8:02d}:{i % 60:02d}:00+07:00",
                    SOPS[i % 4],
                    f"Pelapor {rng.randrange(500)}",
                    f"Dinas {rng.randrange(60)}",
                    f"SISTEM-{rng.randrange(40)}",
                    f"host-{rng.randrange(90)}",
                    "telepon",
                    "sedang",
                    f"Gangguan layanan nomor {i}: aplikasi tidak dapat diakses sejak pagi",
                ]
            )


BASELINE_LOAD = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[2])
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("CREATE TABLE IF NOT EXISTS complaint (ref TEXT UNIQUE, received_at TEXT, sop TEXT, reporter TEXT, unit TEXT, system TEXT, host TEXT, channel TEXT, priority TEXT, description TEXT)")
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    next(rows)
    connection.executemany("INSERT INTO complaint VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
connection.commit()
"""

# The floor: the same CSV into a copy of an empty database made by sop, one complaint and one
# hash-chained "received" journal entry per row, with the least work a row can take: derived
# columns constant, the chain a sha256 over a few of the row's cells. Connection set up as sop
# sets up its own for a load (WAL, synchronous=NORMAL, foreign keys on, store.bulk's page cache),
# one transaction, closed at the end (closing checkpoints the WAL, as sop's close does).
FLOOR_LOAD = """
import csv, hashlib, itertools, sqlite3, sys
connection = sqlite3.connect(sys.argv[2], isolation_level=None)
connection.execute("PRAGMA foreign_keys = ON")
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("PRAGMA synchronous = NORMAL")
connection.execute("PRAGMA cache_size = -16384")
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO sop_version VALUES (1, 'bench', '1', 'digest', 'source', 'builtin', '2026-11-24 09:00:00.000000')")
previous, n = "0" * 64, 0
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    next(rows)
    while chunk := list(itertools.islice(rows, 2000)):  # in chunks, as sop does: memory stays flat
        complaints, entries = [], []
        for ref, at, sop, reporter, unit, system, host, channel, priority, description in chunk:
            n += 1
            number = f"ADU-2026-{n:05d}"
            complaints.append((n, number, 2026, n, ref, 1, sop, description, reporter, unit, system, host, channel, priority,
                               at, "open", "step-1", at, at, None, 0.0, 0.0, "{}", at, None, None, None, "bench", 1))
            digest = hashlib.sha256(f"{previous}\\n{n},{number},{at},{description}".encode()).hexdigest()
            entries.append((n, n, number, "received", None, None, "{}", "bench", at, at, description, None, None, None, None,
                            "step-1", previous, digest))
            previous = digest
        connection.executemany(f"INSERT INTO complaint VALUES ({','.join('?' * 29)})", complaints)
        connection.executemany(f"INSERT INTO journal_entry VALUES ({','.join('?' * 18)})", entries)
connection.execute("COMMIT")
connection.close()
"""


def byte_compile_sopcli() -> None:
    """Compile sopcli's modules the way ``pip install`` does.

    An editable install, or an environment with PYTHONDONTWRITEBYTECODE set (as some
    sandboxes and containers do), would otherwise compile every sopcli module from
    source on each run (about 25 ms) while the libraries it is compared with load theirs
    compiled, so the start-up figures would measure the checkout, not sop as installed.
    """
    import importlib.util

    package = importlib.util.find_spec("sopcli").submodule_search_locations[0]
    subprocess.run([PYTHON, "-m", "compileall", "-q", package], check=True)


def startup_section(work: Path, repeat: int) -> dict:
    print("\n== start-up (each row in turns with its baseline; ratio: median of per-pair ratios) ==")
    db = work / "startup.db"
    env = environment(db)
    subprocess.run(
        [SOP, "db", "upgrade"], env=env, check=True, capture_output=True
    )  # "empty", not "new": created untimed
    typer_only = [PYTHON, "-c", "import typer"]
    floor = [PYTHON, "-c", "import typer, sqlmodel"]
    pass_ = [PYTHON, "-c", "pass"]
    results = {}

    def row(key, name, command, baseline, against, target="", env_=env):
        results[key] = report(name, paired(command, baseline, repeat, env_), target, against)

    row("import typer", "python -c 'import typer'", typer_only, pass_, "python -c pass")
    row("import typer, sqlmodel", "python -c 'import typer, sqlmodel'", floor, pass_, "python -c pass")
    row("sop --help", "sop --help", [SOP, "--help"], typer_only, "import typer", "≤1.2×")
    row("sop --version", "sop --version", [SOP, "--version"], typer_only, "import typer", "≤1.2×")
    row("sop sops list", "sop sops list", [SOP, "sops", "list"], floor, "import typer, sqlmodel")
    row("sop list (empty)", "sop list (empty db)", [SOP, "list"], floor, "import typer, sqlmodel", "≤1.25×")

    big = work / "big.csv"
    write_rows_csv(big, 10_000)
    env_big = environment(work / "tenk.db")
    subprocess.run([SOP, "import", str(big)], env=env_big, check=True, capture_output=True)
    everyday = "≤1.0×"
    row(
        "sop show N",
        "sop show N (10,000 complaints)",
        [SOP, "show", "ADU-2026-05000"],
        floor,
        "import typer, sqlmodel",
        everyday,
        env_big,
    )
    row(
        "sop list table (10k)",
        "sop list, the first 100 (10,000)",
        [SOP, "list", "--format", "plain"],
        floor,
        "import typer, sqlmodel",
        everyday,
        env_big,
    )
    results["sop list (10k)"] = report(
        "sop list --sop kaltim-db --json (10,000)",
        paired([SOP, "list", "--sop", "kaltim-db", "--json"], floor, max(3, repeat // 3), env_big),
        against="import typer, sqlmodel",
    )

    counter = iter(range(10_000, 0, -1))

    def next_argv():
        # each run completes step 1 of another complaint, so every run does the same work
        return [SOP, "next", f"ADU-2026-{next(counter):05d}", "--json", "--at", "2026-11-24T15:00"]

    row("sop next N --json", "sop next N --json (10,000 complaints)", next_argv, floor, "import typer, sqlmodel",
        everyday, env_big)  # fmt: skip
    new_argv = [SOP, "new", "--sop", "kaltim-db", "--description", "Aplikasi SIMPEG tidak dapat diakses",
                "--reporter", "Sari", "--unit", "BKD", "--system", "SIMPEG", "--json"]  # fmt: skip
    row("sop new", "sop new (10,000 complaints)", new_argv, floor, "import typer, sqlmodel", everyday, env_big)
    return results


def notify_section(work: Path, repeat: int, size: int = 10_000) -> dict:
    """``sop notify`` with ``size`` open complaints and nothing to send, and ``sop due``, against ``sop list
    --limit 1`` on the same logbook."""
    print("\n== notify and due ==")
    rows = work / "notify.csv"
    write_rows_csv(rows, size)
    env = environment(work / "notify.db")
    subprocess.run([SOP, "import", str(rows)], env=env, check=True, capture_output=True)
    # The first run looks at every complaint once and sets when each next owes a notice; then nothing is due.
    subprocess.run([SOP, "notify"], env=env, check=True, capture_output=True)
    listing = [SOP, "list", "--limit", "1"]
    against = "sop list --limit 1"
    return {
        "sop notify": report(
            f"sop notify, nothing to send ({size:,} open)", paired([SOP, "notify"], listing, repeat, env), "≤1.5×",
            against,
        ),
        "sop due": report(
            f"sop due, the 100 due first ({size:,} late)", paired([SOP, "due"], listing, repeat, env), "",
            against,
        ),
    }  # fmt: skip


def floor_command(data: Path, db: Path) -> list[str]:
    """The import's floor: a stdlib load writing sop's rows (see FLOOR_LOAD, or benchmarks/import_floor.py)."""
    script = Path(__file__).with_name("import_floor.py")
    if script.exists():
        return [PYTHON, str(script), str(data), str(db), FIXED_NOW]
    return [PYTHON, "-c", FLOOR_LOAD, str(data), str(db)]


def import_section(work: Path, sizes: list[int], repeat: int) -> dict:
    """Each size: the stdlib baseline, the floor and sop import in turns, each into a fresh database."""
    print("\n== import (baseline, floor and sop in turns; ratios: medians of per-round ratios) ==")
    results = {}
    # An empty database as sop creates it, made once; the floor loads into a fresh copy each time.
    template = work / "template.db"
    subprocess.run([SOP, "db", "upgrade"], env=environment(template), check=True, capture_output=True)
    floor_db = work / "floor.db"
    for size in sizes:
        data = work / f"rows-{size}.csv"
        write_rows_csv(data, size)
        db = work / f"import-{size}.db"
        base_db = work / f"baseline-{size}.db"
        env = environment(db)

        def clean(*paths: Path):
            def remove():
                for p in paths:
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(p) + suffix).unlink(missing_ok=True)

            return remove

        def fresh_floor_db():
            clean(floor_db)()
            shutil.copyfile(template, floor_db)

        command = [SOP, "import", str(data), "--max-rows", str(size)]  # a million rows is over the default
        runs = in_turns(
            {
                "baseline": ([PYTHON, "-c", BASELINE_LOAD, str(data), str(base_db)], env, clean(base_db)),
                "floor": (floor_command(data, floor_db), env, fresh_floor_db),
                "sop": (command, env, clean(db)),
            },
            repeat,
        )
        baseline = report(f"stdlib csv + sqlite3.executemany, {size:,} rows", summary(runs["baseline"]))
        floor = summary(runs["floor"]) | {"ratio": median_ratio(runs["floor"], runs["baseline"])}
        report(f"floor: sop's rows by stdlib, {size:,} rows", floor, against="stdlib")
        ours = summary(runs["sop"]) | {"ratio": median_ratio(runs["sop"], runs["floor"])}
        report(f"sop import, {size:,} rows", ours, "≤1.15× the floor, peak < 150 MB", "floor")
        ours["ratio_to_stdlib"] = median_ratio(runs["sop"], runs["baseline"])
        ours["rows_per_s"] = size / ours["median_s"]
        print(f"{'':50} ×{ours['ratio_to_stdlib']:.2f} of stdlib; {ours['rows_per_s']:,.0f} rows/s")
        results[f"import {size}"] = {"sop": ours, "baseline": baseline, "floor": floor}
    return results


def reports_section(work: Path, repeat: int, entries: int) -> dict:
    import reports_bench

    print(f"\n== reports ({entries:,} journal entries; start-up floor, raw SQL and sop in turns) ==")
    db = work / "reports.db"
    env = environment(db)
    env["SOP_NOW"] = reports_bench.NOW.isoformat()
    built = time.perf_counter()
    count = reports_bench.build(SOP, env, db, entries)
    print(f"{'':50} built {count:,} entries in {time.perf_counter() - built:.0f} s")
    results: dict = {"entries": count}
    for kind in ("daily", "monthly"):
        args, bounds = reports_bench.period_bounds(kind)
        runs = in_turns(
            {
                "floor": ([PYTHON, "-c", "import typer, sqlmodel"], env, None),
                "raw": ([PYTHON, "-c", reports_bench.RAW_SQL, str(db), *bounds], env, None),
                "sop": ([SOP, *args], env, None),
            },
            repeat,
        )
        allowance = [(tf + tr, 0) for (tf, _), (tr, _) in zip(runs["floor"], runs["raw"], strict=True)]
        raw = report(f"raw SQL, {kind} figures (stdlib sqlite3)", summary(runs["raw"]))
        ours = summary(runs["sop"]) | {"ratio": median_ratio(runs["sop"], allowance)}
        report(f"sop report --{kind}", ours, "≤2×" if kind == "daily" else "", "raw SQL + import typer, sqlmodel")
        results[kind] = {"sop": ours, "raw_sql": raw, "import typer, sqlmodel": summary(runs["floor"])}
    return results


def backlog_raw_sql() -> str:
    """The figures of `sop report --daily` on a backlog, by hand, after importing sopcli (its start-up).

    reports_bench's queries, with the overdue cases counted per SOP version, step and age band and
    only the 20 most overdue read, as the report does.
    """
    import reports_bench

    return "import sopcli.cli, typer, sqlmodel\n" + (
        reports_bench.RAW_SQL.replace(
            """ "overdue": \"\"\"SELECT id, number, sop_version_id, sop_id, unit, system, current_step, due_at FROM complaint
    WHERE status = 'open' AND last_at < :c AND due_at < :c ORDER BY due_at, id\"\"\",""",
            """ "overdue": \"\"\"SELECT id, number, sop_version_id, sop_id, unit, system, current_step, due_at FROM complaint
    WHERE status = 'open' AND last_at < :c AND due_at < :c ORDER BY due_at, id LIMIT 20\"\"\",
 "bands": \"\"\"SELECT sop_version_id, current_step, CASE WHEN due_at > :c THEN 0 WHEN due_at > :s THEN 1
      WHEN due_at > :s THEN 2 ELSE 3 END b, count(*) FROM complaint
    WHERE status = 'open' AND last_at < :c AND due_at < :c GROUP BY 1, 2, 3\"\"\",
 "versions": \"\"\"SELECT DISTINCT sop_version_id FROM complaint WHERE status = 'open' AND last_at < :c AND due_at < :c\"\"\",""",
        )
    )


BACKLOG_FORMATS = ("table", "plain", "markdown", "csv", "json", "html")


def backlog_section(work: Path, repeat: int, size: int) -> dict:
    import reports_bench

    raw_sql = backlog_raw_sql()
    assert "LIMIT 20" in raw_sql, "reports_bench's overdue query changed: update backlog_raw_sql"
    print(f"\n== backlog ({size:,} open overdue complaints; each format in turns with raw SQL) ==")
    db = work / "backlog.db"
    env = environment(db)
    rows = work / f"backlog-{size}.csv"
    write_rows_csv(rows, size)  # received in October, open at their first step: all overdue by FIXED_NOW
    built = time.perf_counter()
    subprocess.run([SOP, "import", str(rows)], env=env, check=True, capture_output=True)
    print(f"{'':50} built by sop import in {time.perf_counter() - built:.0f} s")
    _args, bounds = reports_bench.period_bounds("daily")
    baseline = [PYTHON, "-c", raw_sql, str(db), *bounds]
    against = "raw SQL + import sopcli"
    results: dict = {"complaints": size}
    for fmt in BACKLOG_FORMATS:
        results[fmt] = report(
            f"sop report --daily --format {fmt}",
            paired([SOP, "report", "--daily", "--format", fmt], baseline, repeat, env),
            "≤2×, peak < 150 MB",
            against,
        )
    pdf = [SOP, "report", "--daily", "--format", "pdf", "-o", str(work / "backlog.pdf")]
    results["pdf"] = report(
        "sop report --daily --format pdf (WeasyPrint)", paired(pdf, baseline, max(1, repeat // 3), env), "", against
    )
    every = [SOP, "report", "--daily", "--overdue", "all", "--format", "json"]
    results["json --overdue all"] = report(
        "sop report --daily --overdue all --format json", paired(every, baseline, 1, env), "", against
    )
    return results


def scale_section(work: Path, repeat: int, size: int) -> dict:
    """The queue and what is due on ``size`` open complaints, against the same commands on 10,000."""
    print(f"\n== scale ({size:,} open complaints) ==")
    results: dict = {"complaints": size}
    big = logbook(work, size)
    small = logbook(work, 10_000)
    env_big, env_small = environment(big), environment(small)
    against = "the same on 10,000"
    for key, name, argv in (
        ("queue", "sop list, the first 100", [SOP, "list", "--format", "plain"]),
        ("queue oldest", "sop list --sort received", [SOP, "list", "--sort", "received", "--format", "plain"]),
        ("due", "sop due, the 100 due first", [SOP, "due"]),
    ):  # fmt: skip
        result = paired(argv, argv, repeat, env_big, env_small)
        result["extra_ms"] = (result["median_s"] - result["baseline"]["median_s"]) * 1000
        results[key] = report(f"{name} ({size:,} open)", result, "tens of ms more", against)
        print(f"{'':50} {result['extra_ms']:+.0f} ms against 10,000")
    return results


def verify_section(work: Path, repeat: int, sizes: list[int]) -> dict:
    """``sop verify`` and ``sop db check`` on logbooks of each size: ``--full`` against the plain stdlib walk
    (walk_baseline.py), and the default run from a head checked "yesterday" with 1,000 entries since."""
    print("\n== verify and db check (each in turns with its baseline) ==")
    walk = Path(__file__).with_name("walk_baseline.py")
    floor = [PYTHON, "-c", "import typer, sqlmodel"]
    results: dict = {}
    for size in sizes:
        db = logbook(work, size)
        env = environment(db)
        rounds = repeat if size <= 100_000 else 3
        baseline = [PYTHON, str(walk), str(db)]
        full = report(
            f"sop verify --full ({size:,} entries)",
            paired([SOP, "verify", "--full"], baseline, rounds, env),
            "≤1.3×",
            "stdlib walk",
        )
        check_full = report(
            f"sop db check --full ({size:,} entries)",
            paired([SOP, "db", "check", "--full"], baseline, rounds, env),
            "",
            "stdlib walk",
        )
        # The heads both record, then a day's work: 1,000 complaints imported, 1,000 entries since the heads.
        later = work / f"later-{size}.csv"
        write_rows_csv(later, 1_000)
        subprocess.run([SOP, "import", str(later)], env=env, check=True, capture_output=True)
        snapshot = work / f"snapshot-{size}.db"
        copy_logbook(db, snapshot)

        def restore(snapshot=snapshot, db=db):
            copy_logbook(snapshot, db)

        incremental = report(
            f"sop verify ({size:,} entries, 1,000 since its head)",
            paired([SOP, "verify"], floor, rounds, env, setup_a=restore),
            "seconds",
            "import typer, sqlmodel",
        )
        check = report(
            f"sop db check ({size:,}, 1,000 since its head)",
            paired([SOP, "db", "check"], floor, rounds, env, setup_a=restore),
            "seconds",
            "import typer, sqlmodel",
        )
        results[f"verify {size}"] = {
            "verify --full": full,
            "db check --full": check_full,
            "verify": incremental,
            "db check": check,
        }
    return results


def copy_logbook(source: Path, target: Path) -> None:
    """A SQLite logbook copied whole, its -wal and -shm with it (and a stale one at the target removed)."""
    for suffix in ("", "-wal", "-shm"):
        origin, copy = Path(str(source) + suffix), Path(str(target) + suffix)
        copy.unlink(missing_ok=True)
        if origin.exists():
            shutil.copyfile(origin, copy)


def logbook(work: Path, size: int) -> Path:
    """A logbook of ``size`` complaints imported by sop (the import section's, when it made one that size)."""
    db = work / f"logbook-{size}.db"
    if not db.exists():
        imported = work / f"import-{size}.db"
        if imported.exists():
            copy_logbook(imported, db)
        else:
            data = work / f"rows-{size}.csv"
            if not data.exists():
                write_rows_csv(data, size)
            env = environment(db)
            subprocess.run(
                [SOP, "import", str(data), "--max-rows", str(size)], env=env, check=True, capture_output=True
            )
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; skip the 1,000,000-row import")
    parser.add_argument("--json", default="benchmarks/results.json", help="where to write the results")
    parser.add_argument(
        "--only",
        choices=["startup", "notify", "import", "reports", "backlog", "scale", "verify"],
        help="run one section",
    )
    parser.add_argument("--backlog", type=int, default=100_000, help="open overdue complaints for the backlog section")
    parser.add_argument("--entries", type=int, default=1_000_000, help="journal entries for the reports section")
    parser.add_argument("--scale", type=int, help="open complaints for the scale section (default 1,000,000)")
    parser.add_argument(
        "--verify",
        type=int,
        action="append",
        metavar="ENTRIES",
        help="a logbook size for the verify section (repeatable; default 100,000 and 1,000,000, e.g. 10000000 too)",
    )
    args = parser.parse_args()
    repeat = 5 if args.quick else 10
    started = time.time()
    results = {"python": sys.version.split()[0], "quick": args.quick}
    byte_compile_sopcli()
    with tempfile.TemporaryDirectory(prefix="sop-bench-") as tmp:
        work = Path(tmp)
        if args.only in (None, "startup"):
            results["startup"] = startup_section(work, repeat)
        if args.only in (None, "notify"):
            results["notify"] = notify_section(work, repeat)
        if args.only in (None, "import"):
            results["import"] = import_section(work, [100_000] if args.quick else [100_000, 1_000_000], 3)
        if args.only in (None, "reports"):
            results["reports"] = reports_section(work, repeat, args.entries)
        if args.only in (None, "backlog"):
            results["backlog"] = backlog_section(work, repeat, args.backlog)
        if args.only in (None, "verify"):
            sizes = args.verify or ([100_000] if args.quick else [100_000, 1_000_000])
            results["verify"] = verify_section(work, repeat, sizes)
        if args.only in (None, "scale"):
            size = args.scale or (100_000 if args.quick else 1_000_000)
            results["scale"] = scale_section(work, repeat, size)
    results["seconds"] = time.time() - started
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {args.json} ({results['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
