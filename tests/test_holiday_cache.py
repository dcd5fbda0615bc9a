"""Holiday dates kept on disk: the same dates as the ``holidays`` package, without loading it on every run."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import date

import pytest

from helpers import process_env
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.holidays import HolidayCache, indonesian_holidays


def test_cached_dates_are_the_packages_own(tmp_path):
    first = HolidayCache(tmp_path)
    for year in (2024, 2025, 2026, 2027):
        assert first(year) == indonesian_holidays(year)
    # A new run reads them back from the file.
    again = HolidayCache(tmp_path)
    assert again.path.is_file()
    assert {year: again(year) for year in (2024, 2025, 2026, 2027)} == {
        y: indonesian_holidays(y) for y in (2024, 2025, 2026, 2027)
    }


def test_known_indonesian_holidays_close_the_office(tmp_path):
    calendar = WorkingCalendar(holidays_of=HolidayCache(tmp_path))
    assert not calendar.is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert not calendar.is_working_day(date(2026, 12, 24))  # cuti bersama Natal, a Thursday
    assert calendar.is_working_day(date(2026, 8, 18))


def test_a_damaged_cache_file_is_recomputed_and_replaced(tmp_path):
    cache = HolidayCache(tmp_path)
    cache.path.write_text("{not json", encoding="utf-8")
    assert HolidayCache(tmp_path)(2026) == indonesian_holidays(2026)
    stored = json.loads(cache.path.read_text(encoding="utf-8"))
    assert "2026-08-17" in stored["2026"]


def test_a_forged_year_in_the_file_is_what_the_file_says(tmp_path):
    # The file is the package's answer remembered: what it holds is used as is (this is how we know it is read).
    cache = HolidayCache(tmp_path)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_text(json.dumps({"2031": ["2031-03-04"]}), encoding="utf-8")
    assert HolidayCache(tmp_path)(2031) == frozenset({date(2031, 3, 4)})


def test_an_unwritable_cache_directory_only_costs_time(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    cache = HolidayCache(blocked / "sopcli")
    assert cache(2026) == indonesian_holidays(2026)
    assert not (blocked / "sopcli").exists()


def test_a_warm_cache_keeps_the_holidays_package_out_of_sop_next(tmp_path, sop_env):
    """``sop next`` works out a deadline on the office calendar; after the first run it does not load ``holidays``."""
    env = process_env(XDG_CACHE_HOME=str(tmp_path / "cache"), NO_COLOR="1")
    new = subprocess.run(
        [
            sys.executable,
            "-m",
            "sopcli",
            "new",
            "--sop",
            "kaltim-db",
            "--reporter",
            "Rina",
            "--unit",
            "Bappeda",
            "--system",
            "SIMPEG",
            "--description",
            "Database tidak dapat diakses",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert new.returncode == 0, new.stderr
    probe = (
        "import sys; sys.argv=['sop','next','ADU-2026-00001','--json']; from sopcli.cli import main\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays')[:1])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"due_at": "2026-11-24T' in done.stdout or '"due_at": "2026-11-25T' in done.stdout
    assert ast.literal_eval(done.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("content", ["[]", '{"2026": 5}', '{"x": []}', '{"2026": ["17 Agustus"]}'])
def test_cache_files_of_the_wrong_shape_are_ignored(tmp_path, content):
    cache = HolidayCache(tmp_path)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_text(content, encoding="utf-8")
    assert HolidayCache(tmp_path)(2026) == indonesian_holidays(2026)
