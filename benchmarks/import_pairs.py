"""`sop import` against its full-fidelity floor (import_floor.py), in turns.

    python benchmarks/import_pairs.py SIZE [PAIRS] [--work DIR]

Writes run.py's benchmark CSV of SIZE rows, makes an empty logbook with ``sop db upgrade``, then
runs floor, sop, floor, sop, … each into a fresh copy of it (the machine's load drifts: pairs
taken in turns compare like with like). Prints each pair, the median of the per-pair ratios
and sop's peak RSS. Both get the same SOP_NOW and operator.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run  # (the benchmark's CSV, clock, environment and measuring wrapper)

FLOOR = str(Path(__file__).with_name("import_floor.py"))


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
    ratios, peaks = [], []
    for pair in range(args.pairs):
        floor_s, floor_kib = run.measure(floor_cmd, env, fresh)
        sop_s, sop_kib = run.measure(sop_cmd, env, fresh)
        ratios.append(sop_s / floor_s)
        peaks.append(sop_kib / 1024)
        print(
            f"pair {pair + 1}: floor {floor_s:7.2f} s ({floor_kib / 1024:5.1f} MB)   "
            f"sop {sop_s:7.2f} s ({sop_kib / 1024:5.1f} MB)   ×{sop_s / floor_s:.3f}",
            flush=True,
        )
    print(f"{args.size:,} rows: median ×{statistics.median(ratios):.3f} of the floor; sop's peak {max(peaks):.1f} MB")


if __name__ == "__main__":
    main()
