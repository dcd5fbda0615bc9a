"""sopcli benchmarks: each measurement side by side with its baseline, in one run.

    python benchmarks/run.py [--quick] [--json results.json]

Prints median and spread of several repetitions, the ratio to the baseline, and
peak memory; writes the same as JSON. Targets (from the issues) are printed
next to each ratio; this script reports, it does not fail.

Sections:
  startup  `sop --help`, `--version`, `sops list`, `list` (empty db), `show N`,
           `list` and `next N --json` (10,000 complaints) against `python -c pass`,
           `import typer` and `import typer, sqlmodel`.
  import   100,000 rows (and 1,000,000 without --quick) against a stdlib
           csv + sqlite3.executemany load of the same file (the baseline), and
           against a stdlib load of the same file into sop's own tables (the
           floor: what the schema costs before sop does any work of its own).
  reports  `sop report --daily` and `--monthly` on 1,000,000 journal entries
           against the same figures in raw SQL (see reports_bench.py).
  backlog  `sop report --daily` in every format on 100,000 open overdue complaints
           against the same figures in raw SQL (the overdue cases counted by SOP
           step and age band, the 20 most overdue read) in one interpreter that
           imports sopcli first: start-up and the database's own work.
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


def series(argv, env, repeat, setup=None) -> dict:
    runs = [measure(argv, env, setup) for _ in range(repeat)]
    times = sorted(t for t, _ in runs)
    return {
        "median_s": statistics.median(times),
        "min_s": times[0],
        "max_s": times[-1],
        "peak_mb": max(p for _, p in runs) / 1024,
        "runs": len(runs),
    }


def report(name: str, result: dict, baseline: dict | None = None, target: str = "") -> dict:
    line = f"{name:<44} {result['median_s'] * 1000:8.1f} ms  (±{(result['max_s'] - result['min_s']) * 500:6.1f})  {result['peak_mb']:6.1f} MB"
    if baseline:
        result["ratio"] = result["median_s"] / baseline["median_s"]
        line += f"   ×{result['ratio']:.2f}"
    if target:
        line += f"   target {target}"
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
    print("\n== start-up ==")
    db = work / "startup.db"
    env = environment(db)
    subprocess.run(
        [SOP, "db", "upgrade"], env=env, check=True, capture_output=True
    )  # "empty", not "new": created untimed
    results = {}
    results["python -c pass"] = base_pass = report("python -c pass", series([PYTHON, "-c", "pass"], env, repeat))
    results["import typer"] = base_typer = report(
        "python -c 'import typer'", series([PYTHON, "-c", "import typer"], env, repeat), base_pass
    )
    results["import typer, sqlmodel"] = base_db = report(
        "python -c 'import typer, sqlmodel'", series([PYTHON, "-c", "import typer, sqlmodel"], env, repeat), base_pass
    )
    results["sop --help"] = report("sop --help", series([SOP, "--help"], env, repeat), base_typer, "≤1.2× import typer")
    results["sop --version"] = report(
        "sop --version", series([SOP, "--version"], env, repeat), base_typer, "≤1.2× import typer"
    )
    results["sop sops list"] = report("sop sops list", series([SOP, "sops", "list"], env, repeat), base_db)
    results["sop list (empty)"] = report(
        "sop list (empty db)", series([SOP, "list"], env, repeat), base_db, "≤1.25× import typer, sqlmodel"
    )

    big = work / "big.csv"
    write_rows_csv(big, 10_000)
    env_big = environment(work / "tenk.db")
    subprocess.run([SOP, "import", str(big)], env=env_big, check=True, capture_output=True)
    results["sop show N"] = report(
        "sop show N (10,000 complaints)",
        series([SOP, "show", "ADU-2026-05000"], env_big, repeat),
        base_db,
        "≤1.25× import typer, sqlmodel",
    )
    results["sop list (10k)"] = report(
        "sop list --sop kaltim-db --json (10,000)",
        series([SOP, "list", "--sop", "kaltim-db", "--json"], env_big, max(3, repeat // 3)),
        base_db,
    )
    results["sop list table (10k)"] = report(
        "sop list, the first 100 (10,000)",
        series([SOP, "list", "--format", "plain"], env_big, repeat),
        base_db,
        "≤1.25× import typer, sqlmodel",
    )

    counter = iter(range(10_000, 0, -1))

    def fresh_case():
        # each run completes step 1 of another complaint, so every run does the same work
        fresh_case.number = f"ADU-2026-{next(counter):05d}"

    def next_argv():
        return [SOP, "next", fresh_case.number, "--json", "--at", "2026-11-24T15:00"]

    runs = []
    for _ in range(repeat):
        fresh_case()
        runs.append(measure(next_argv(), env_big))
    times = sorted(t for t, _ in runs)
    results["sop next N --json"] = report(
        "sop next N --json (10,000 complaints)",
        {
            "median_s": statistics.median(times),
            "min_s": times[0],
            "max_s": times[-1],
            "peak_mb": max(p for _, p in runs) / 1024,
            "runs": len(runs),
        },
        base_db,
        "≤1.25× import typer, sqlmodel",
    )
    return results


def paired(a: list[str], b: list[str], env: dict[str, str], repeat: int) -> tuple[dict, dict, float]:
    """``a`` and ``b`` run in turns (A B A B …), so drift of the machine falls on both alike: their series and
    the median of the per-pair ratios a/b."""
    runs_a, runs_b = [], []
    for _ in range(repeat):
        runs_a.append(measure(a, env))
        runs_b.append(measure(b, env))

    def summary(runs):
        times = sorted(t for t, _ in runs)
        peak = max(p for _, p in runs) / 1024
        return {"median_s": statistics.median(times), "min_s": times[0], "max_s": times[-1], "peak_mb": peak}

    ratio = statistics.median(ta / tb for (ta, _), (tb, _) in zip(runs_a, runs_b))
    return summary(runs_a), summary(runs_b), ratio


def notify_section(work: Path, repeat: int, size: int = 10_000) -> dict:
    """``sop notify`` with ``size`` open complaints and nothing to send, against ``sop list --limit 1``."""
    print("\n== notify ==")
    rows = work / "notify.csv"
    write_rows_csv(rows, size)
    env = environment(work / "notify.db")
    subprocess.run([SOP, "import", str(rows)], env=env, check=True, capture_output=True)
    # The first run looks at every complaint once and sets when each next owes a notice; then nothing is due.
    subprocess.run([SOP, "notify"], env=env, check=True, capture_output=True)
    notify, listing, ratio = paired([SOP, "notify"], [SOP, "list", "--limit", "1"], env, repeat)
    report(f"sop list --limit 1 ({size:,} open)", listing)
    report(f"sop notify, nothing to send ({size:,} open)", notify, target="≤1.5× sop list --limit 1")
    print(f"{'  median of per-pair ratios':<44} ×{ratio:.2f}", flush=True)
    return {"sop list --limit 1": listing, "sop notify": notify | {"ratio": ratio}}


def import_section(work: Path, sizes: list[int], repeat: int) -> dict:
    print("\n== import ==")
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

        reps = repeat if size <= 100_000 else 1
        baseline = report(
            f"stdlib csv + sqlite3.executemany, {size:,} rows",
            series([PYTHON, "-c", BASELINE_LOAD, str(data), str(base_db)], env, reps, clean(base_db)),
        )
        floor = report(
            f"floor (stdlib, sop's schema), {size:,} rows",
            series([PYTHON, "-c", FLOOR_LOAD, str(data), str(floor_db)], env, reps, fresh_floor_db),
            baseline,
        )
        target = "≤3× stdlib" if size <= 100_000 else "peak < 150 MB"
        command = [SOP, "import", str(data), "--max-rows", str(size)]  # a million rows is over the default
        ours = report(f"sop import, {size:,} rows", series(command, env, reps, clean(db)), baseline, target)
        ours["ratio_to_floor"] = ours["median_s"] / floor["median_s"]
        ours["rows_per_s"] = size / ours["median_s"]
        print(f"{'':44} ×{ours['ratio_to_floor']:.2f} of the floor")
        print(f"{'':44} {ours['rows_per_s']:,.0f} rows/s (stdlib: {size / baseline['median_s']:,.0f} rows/s)")
        results[f"import {size}"] = {"sop": ours, "baseline": baseline, "floor": floor}
    return results


def reports_section(work: Path, repeat: int, entries: int) -> dict:
    import reports_bench

    print(f"\n== reports ({entries:,} journal entries) ==")
    db = work / "reports.db"
    env = environment(db)
    env["SOP_NOW"] = reports_bench.NOW.isoformat()
    built = time.perf_counter()
    count = reports_bench.build(SOP, env, db, entries)
    print(f"{'':44} built {count:,} entries in {time.perf_counter() - built:.0f} s")
    results = {"entries": count}
    floor = report("python -c 'import typer, sqlmodel'", series([PYTHON, "-c", "import typer, sqlmodel"], env, repeat))
    results["import typer, sqlmodel"] = floor
    for kind in ("daily", "monthly"):
        args, bounds = reports_bench.period_bounds(kind)
        raw = report(
            f"raw SQL, {kind} figures (stdlib sqlite3)",
            series([PYTHON, "-c", reports_bench.RAW_SQL, str(db), *bounds], env, repeat),
        )
        ours = report(f"sop report --{kind}", series([SOP, *args], env, repeat))
        allowance = raw["median_s"] + floor["median_s"]
        ours["ratio_to_raw_plus_floor"] = ours["median_s"] / allowance
        print(
            f"{'':44} ×{ours['ratio_to_raw_plus_floor']:.2f} of raw SQL + start-up floor ({allowance * 1000:.0f} ms)"
            + ("   target ≤2×" if kind == "daily" else "")
        )
        results[kind] = {"sop": ours, "raw_sql": raw}
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
    print(f"\n== backlog ({size:,} open overdue complaints) ==")
    db = work / "backlog.db"
    env = environment(db)
    rows = work / f"backlog-{size}.csv"
    write_rows_csv(rows, size)  # received in October, open at their first step: all overdue by FIXED_NOW
    built = time.perf_counter()
    subprocess.run([SOP, "import", str(rows)], env=env, check=True, capture_output=True)
    print(f"{'':44} built by sop import in {time.perf_counter() - built:.0f} s")
    _args, bounds = reports_bench.period_bounds("daily")
    baseline = report(
        "raw SQL + import sopcli (daily figures)",
        series([PYTHON, "-c", raw_sql, str(db), *bounds], env, repeat),
    )
    results: dict = {"complaints": size, "raw_sql_plus_startup": baseline}
    for fmt in BACKLOG_FORMATS:
        results[fmt] = report(
            f"sop report --daily --format {fmt}",
            series([SOP, "report", "--daily", "--format", fmt], env, repeat),
            baseline,
            "≤2×, peak < 150 MB",
        )
    results["pdf"] = report(
        "sop report --daily --format pdf (WeasyPrint)",
        series(
            [SOP, "report", "--daily", "--format", "pdf", "-o", str(work / "backlog.pdf")], env, max(1, repeat // 3)
        ),
        baseline,
    )
    results["json --overdue all"] = report(
        "sop report --daily --overdue all --format json",
        series([SOP, "report", "--daily", "--overdue", "all", "--format", "json"], env, 1),
        baseline,
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; skip the 1,000,000-row import")
    parser.add_argument("--json", default="benchmarks/results.json", help="where to write the results")
    parser.add_argument("--only", choices=["startup", "notify", "import", "reports", "backlog"], help="run one section")
    parser.add_argument("--backlog", type=int, default=100_000, help="open overdue complaints for the backlog section")
    parser.add_argument("--entries", type=int, default=1_000_000, help="journal entries for the reports section")
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
            results["import"] = import_section(
                work, [100_000] if args.quick else [100_000, 1_000_000], 3 if not args.quick else 1
            )
        if args.only in (None, "reports"):
            results["reports"] = reports_section(work, repeat, args.entries)
        if args.only in (None, "backlog"):
            results["backlog"] = backlog_section(work, repeat, args.backlog)
    results["seconds"] = time.time() - started
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {args.json} ({results['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
