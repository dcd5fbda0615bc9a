"""``sop verify --full`` against the plain stdlib walk (``walk_baseline.py``), in turns on one logbook.

    python benchmarks/verify_walk.py LOGBOOK.db [PAIRS]

Runs A (sop verify --full) and B (the stdlib walk) one after the other PAIRS
times (default 5) and prints each median and the median of the per-pair
ratios: the machine's load drifts, so the pairs are what is compared. Then
times the incremental ``sop verify`` (from the head the full runs recorded,
so the walk is empty: its cost is start-up and proving the head again).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    logbook = Path(sys.argv[1]).resolve()
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    env = dict(os.environ, SOP_DATABASE_URL=str(logbook), SOP_LANG="en", NO_COLOR="1")
    env.setdefault("SOP_OPERATOR", "bench")
    sop = [sys.executable, "-m", "sopcli", "verify"]
    baseline = [sys.executable, str(HERE / "walk_baseline.py"), str(logbook)]

    def timed(command: list[str]) -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        took = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        return took, done.stdout.splitlines()[0]

    ours, theirs, ratios = [], [], []
    for _pair in range(pairs):
        a, said = timed([*sop, "--full"])
        b, counted = timed(baseline)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    print(f"sop verify --full   {statistics.median(ours):7.2f} s   {said}")
    print(f"stdlib walk         {statistics.median(theirs):7.2f} s   {counted}")
    print(f"median of per-pair ratios ×{statistics.median(ratios):.2f}  ({', '.join(f'{r:.2f}' for r in ratios)})")
    incremental = [timed(sop)[0] for _run in range(3)]
    print(f"sop verify (incremental, nothing new) {statistics.median(incremental):.2f} s")


if __name__ == "__main__":
    main()
