"""The wheel: it ships the migrations and the built-in SOPs, and a clean install works.

Builds the wheel with ``python -m build`` (isolated: hatchling comes from the
package index), installs it into a fresh virtual environment without the
system site-packages, and runs ``sop new`` from another directory. Needs the
package index to be reachable; takes some tens of seconds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sopcli.store.database import HEAD_REVISION

# Both tests share one wheel (a module fixture): the group keeps them on one worker, so it is built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

ROOT = Path(__file__).resolve().parents[1]
BUILTIN_SOPS = ("cirebon-aplikasi", "ipas-pemulihan", "kaltim-db", "tanahbumbu-jaringan")
EXPECTED = (
    "sopcli/migrations/env.py",
    "sopcli/migrations/versions/0001_initial_schema.py",
    "sopcli/migrations/versions/0002_journal_append_only.py",
    *(f"sopcli/definitions/builtin/{name}.toml" for name in BUILTIN_SOPS),
)


def run(args: list[str], *, timeout: int, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{args}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done


def clean_environment(**extra: str) -> dict[str, str]:
    """The caller's environment minus anything that could point at the checkout or the test database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SOP_", "PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE", "__PYVENV"))
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        timeout=600,
        env=clean_environment(),
    )
    [built] = out.glob("sopcli-*.whl")
    return built


def test_wheel_contains_migrations_and_builtin_sops(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in EXPECTED if name not in names]
    assert not missing, missing
    builtin = sorted(n for n in names if n.startswith("sopcli/definitions/builtin/") and n.endswith(".toml"))
    assert builtin == [f"sopcli/definitions/builtin/{name}.toml" for name in BUILTIN_SOPS]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "sop = sopcli.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Provides-Extra: postgres" in metadata  # pip install 'sopcli[postgres]' brings the driver
    assert "psycopg[binary]>=3.1; extra == 'postgres'" in metadata.replace('"', "'")


def test_installed_wheel_records_a_complaint(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], timeout=300, env=clean_environment())
    python, sop = venv / "bin" / "python", venv / "bin" / "sop"
    run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(wheel)],
        timeout=900,
        env=clean_environment(),
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = clean_environment(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        SOP_LANG="en",
        SOP_NOW="2026-11-24T16:00:00+07:00",
        SOP_OPERATOR="budi",
        NO_COLOR="1",
    )

    # The installed package is the one that runs, with its migrations inside it.
    where = run(
        [
            str(python),
            "-c",
            "import sopcli, sopcli.store.database as d; print(sopcli.__file__); print(d.migrations_dir())",
        ],
        timeout=120,
        cwd=elsewhere,
        env=env,
    ).stdout.splitlines()
    assert all(line.startswith(str(venv)) for line in where), where
    assert where[1].endswith(os.path.join("sopcli", "migrations"))

    database = tmp_path / "x.db"
    done = run(
        [
            str(sop),
            "--db",
            str(database),
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "d",
            "--reporter",
            "r",
            "--unit",
            "u",
            "--system",
            "s",
        ],
        timeout=120,
        cwd=elsewhere,
        env=env,
    )
    assert "ADU-2026-00001" in done.stdout
    assert "Traceback" not in done.stderr
    assert database.is_file()
    assert os.stat(database).st_mode & 0o777 == 0o600
    with sqlite3.connect(database) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
        assert con.execute("SELECT number, sop_id FROM complaint").fetchall() == [("ADU-2026-00001", "kaltim-db")]
    assert list(elsewhere.iterdir()) == []  # nothing written to the working directory
