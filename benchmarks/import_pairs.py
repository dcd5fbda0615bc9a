"""`sop import` against its full-fidelity floor (import_floor.py), in turns.

    python benchmarks/import_pairs.py SIZE [PAIRS] [--work DIR]

Writes run.py's benchmark CSV of SIZE rows, makes an empty logbook with ``sop db upgrade``, then
runs floor, sop, floor, sop, … each into a fresh copy of it (the machine's load drifts: pairs
taken in turns compare like with like). Prints each pair, the median of the per-pair ratios
and sop's peak RSS, by wall-clock and by CPU time. Both get the same SOP_NOW and operator.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run  # (the benchmark's CSV, clock, environment and measuring wrapper)

FLOOR = str(Path(__file__).with_name("import_floor.py"))


def measure(argv: list[str], env: dict[str, str], setup) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one run of ``argv``, ``setup()`` first and untimed.

    CPU time (user + system) is the steadier figure on a shared machine: others' load stretches
    the wall-clock time of both sides, not the work each does.
    """
    setup()
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(argv)}\n{error[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", type=int)
    parser.add_argument("pairs", type=int, nargs="?", default=3)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sop-import-pairs-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"rows-{args.size}.csv"
    if not data.exists():
        run.write_rows_csv(data, args.size)
    template = work / "template.db"
    if not template.exists():
        subprocess.run([run.SOP, "db", "upgrade"], env=run.environment(template), check=True, capture_output=True)
    target = work / "target.db"
    env = run.environment(target)

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, target)

    floor_cmd = [run.PYTHON, FLOOR, str(data), str(target), run.FIXED_NOW, "bench"]
    sop_cmd = [run.SOP, "import", str(data), "--max-rows", str(args.size)]
    wall_ratios, cpu_ratios, peaks = [], [], []
    for pair in range(args.pairs):
        floor_wall, floor_cpu, floor_mb = measure(floor_cmd, env, fresh)
        sop_wall, sop_cpu, sop_mb = measure(sop_cmd, env, fresh)
        wall_ratios.append(sop_wall / floor_wall)
        cpu_ratios.append(sop_cpu / floor_cpu)
        peaks.append(sop_mb)
        print(
            f"pair {pair + 1}: floor {floor_wall:6.2f} s wall {floor_cpu:6.2f} s cpu {floor_mb:5.1f} MB   "
            f"sop {sop_wall:6.2f} s wall {sop_cpu:6.2f} s cpu {sop_mb:5.1f} MB   "
            f"×{wall_ratios[-1]:.3f} wall ×{cpu_ratios[-1]:.3f} cpu",
            flush=True,
        )
    print(
        f"{args.size:,} rows, median of {args.pairs} pairs: ×{statistics.median(wall_ratios):.3f} wall, "
        f"×{statistics.median(cpu_ratios):.3f} cpu of the floor; sop's peak {max(peaks):.1f} MB"
    )


if __name__ == "__main__":
    main()
