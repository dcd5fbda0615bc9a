"""The import benchmark's floor (benchmarks/import_floor.py) writes exactly what `sop import` writes.

The floor is what sop's import is measured against; it is only a fair floor if the
database it leaves is sop's own, column for column, and one ``sop verify`` accepts.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import process_env, run_sop

FLOOR = Path(__file__).parents[1] / "benchmarks" / "import_floor.py"
SOPS = ("kaltim-db", "cirebon-aplikasi", "ipas-pemulihan", "tanahbumbu-jaringan")
PRIORITIES = ("rendah", "sedang", "tinggi", "kritis")
CHANNELS = ("telepon", "email", "whatsapp", "langsung")
NOW = "2026-11-24T16:00:00+07:00"


def write_rows(path: Path, count: int) -> None:
    """Rows across the four built-in SOPs and their priorities, over two years, weekends and nights;
    some without a ref or a host, some with untidy spacing, some received-at without an offset."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["ref", "received_at", "sop", "reporter", "unit", "system", "host", "channel", "priority", "description"]
        )
        for i in range(count):
            moment = f"{2025 + i % 2}-{1 + i % 10:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 7:02d}"
            writer.writerow(
                [
                    "" if i % 10 == 3 else f"REF-{i:05d}",
                    moment if i % 5 == 0 else moment + ("+07:00" if i % 3 else "+08:00"),
                    SOPS[i % 4],
                    f"  Pelapor   {i % 37} " if i % 11 == 0 else f"Pelapor {i % 37}",
                    f"Dinas {i % 13}",
                    f"SISTEM-{i % 9}",
                    "" if i % 6 == 0 else f"host-{i % 17}",
                    CHANNELS[i % 4],
                    PRIORITIES[i % 7 % 4],
                    f"Gangguan layanan nomor {i}: aplikasi tidak dapat diakses " + ("  \n" if i % 8 == 0 else ""),
                ]
            )


def table(database: Path, name: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()


@pytest.mark.slow
@pytest.mark.sqlite_only("the floor is a stdlib sqlite3 load")
def test_the_floor_writes_sops_rows_and_passes_verify(tmp_path):
    data = tmp_path / "rows.csv"
    write_rows(data, 300)
    empty, by_sop, by_floor = tmp_path / "empty.db", tmp_path / "sop.db", tmp_path / "floor.db"
    env = process_env(SOP_NOW=NOW, SOP_LANG="en", SOP_OPERATOR="bench", SOP_CONFIG=str(tmp_path / "config.toml"))
    assert run_sop(env | {"SOP_DATABASE_URL": str(empty)}, "db", "upgrade").returncode == 0
    shutil.copyfile(empty, by_sop)
    shutil.copyfile(empty, by_floor)

    imported = run_sop(env | {"SOP_DATABASE_URL": str(by_sop)}, "import", str(data))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "300 new" in imported.stdout
    floor = subprocess.run([sys.executable, str(FLOOR), str(data), str(by_floor), NOW, "bench"], env=env)
    assert floor.returncode == 0

    # Every column of every row, nothing excluded: ids, numbers, moments, deadlines, JSON and hashes.
    for name in ("sop_version", "complaint", "journal_entry"):
        rows = table(by_sop, name)
        assert rows, name
        assert table(by_floor, name) == rows, name
    with sqlite3.connect(by_floor) as connection:  # the indexes dropped for the load are all back
        indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        assert connection.execute(indexes).fetchall() == sqlite3.connect(by_sop).execute(indexes).fetchall()
    floor_env = env | {"SOP_DATABASE_URL": str(by_floor)}
    verified = run_sop(floor_env, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "300 journal entries, chain intact" in verified.stdout
    checked = run_sop(floor_env, "db", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
