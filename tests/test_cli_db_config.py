"""``sop db`` and ``sop config``, and the database's schema against the models.

Through Typer's CliRunner (the ``sop`` fixture) with a private database and
configuration file per test. The database is inspected with plain SQL through
SQLAlchemy, as an administrator would; what only a SQLite file has (its mode,
WAL, its directory) with the stdlib ``sqlite3`` module.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from helpers import no_traceback, ok
from sopcli.config import Config, key_names
from sopcli.store.database import HEAD_REVISION

NOW = "2026-11-24T16:00:00+07:00"
COMPLAINT = [
    "--sop",
    "kaltim-db",
    "--description",
    "Database SIMPEG down",
    "--reporter",
    "Ani",
    "--unit",
    "BKD",
    "--system",
    "SIMPEG",
]


def assert_error(result, *fragments: str, code: int | None = None) -> str:
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    no_traceback(result)
    return lines[0]


def revision_of(databases, database: str) -> str | None:
    with databases.connect(database) as con:
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()


def mode_of(path) -> int:
    return os.stat(path).st_mode & 0o777


def set_revision(databases, database: str, revision: str) -> None:
    with databases.connect(database) as con:
        con.execute(text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})


def shown_as(database: str) -> str:
    """How ``sop db current`` names a database: a file's path, a URL without its password."""
    from sopcli.store.database import Database, resolve_url

    resolved = Database(resolve_url(database))
    return str(resolved.path) if resolved.path else resolved.display()


# --- sop db current / upgrade ------------------------------------------------------


def test_db_current_on_a_new_database_does_not_create_it(sop, databases):
    database = databases.new("baru.db")
    result = ok(sop("--db", database, "db", "current"))
    assert shown_as(database) in result.stdout
    assert HEAD_REVISION in result.stdout
    assert databases.tables(database) == set()


def test_db_upgrade_creates_the_schema_once(sop, databases):
    database = databases.new("baru.db")
    result = ok(sop("--db", database, "db", "upgrade"))
    assert HEAD_REVISION in result.stdout
    assert revision_of(databases, database) == HEAD_REVISION
    assert {"complaint", "journal_entry", "sop_version", "operator", "alembic_version"} <= databases.tables(database)

    current = ok(sop("--db", database, "db", "current"))
    assert f"schema {HEAD_REVISION} (current)" in current.stdout
    again = ok(sop("--db", database, "db", "upgrade"))
    assert f"Already at schema {HEAD_REVISION}" in again.stdout
    assert revision_of(databases, database) == HEAD_REVISION


@pytest.mark.sqlite_only("a file's mode and WAL journal")
def test_db_upgrade_creates_a_private_database_in_wal_mode(sop, tmp_path):
    path = tmp_path / "baru.db"
    ok(sop("--db", str(path), "db", "upgrade"))
    assert path.is_file()
    assert mode_of(path) == 0o600
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for sidecar in (tmp_path / "baru.db-wal", tmp_path / "baru.db-shm"):
        if sidecar.exists():
            assert mode_of(sidecar) == 0o600


def test_first_use_creates_the_database_at_the_newest_schema(sop, databases, database):
    assert databases.tables(database) == set()
    ok(sop("new", *COMPLAINT))
    assert revision_of(databases, database) == HEAD_REVISION


@pytest.mark.sqlite_only("a file's mode and WAL journal")
def test_first_use_creates_a_private_file_in_wal_mode(sop, sop_env):
    path = sop_env / "sop.db"  # SOP_DATABASE_URL from the fixture
    assert not path.exists()
    ok(sop("new", *COMPLAINT))
    assert mode_of(path) == 0o600
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_older_schema_is_refused_with_a_pointer_to_upgrade(sop, databases, database):
    ok(sop("db", "upgrade"))
    set_revision(databases, database, "0000")
    assert_error(sop("list"), "sop db upgrade", code=1)
    assert_error(sop("new", *COMPLAINT), "sop db upgrade", code=1)
    with databases.connect(database) as con:
        assert con.execute(text("SELECT count(*) FROM complaint")).scalar() == 0
    current = ok(sop("db", "current"))
    assert "0000" in current.stdout and "sop db upgrade" in current.stdout


def test_newer_schema_is_refused(sop, databases, database):
    ok(sop("db", "upgrade"))
    set_revision(databases, database, "9999")
    assert_error(sop("list"), "newer", code=1)


def test_db_current_on_a_newer_schema_does_not_advise_upgrading_the_database(sop, databases, database):
    ok(sop("db", "upgrade"))
    set_revision(databases, database, "9999")
    result = ok(sop("db", "current"))
    # 'sop db upgrade' cannot help a database made by a newer sop; upgrading sop does.
    assert "needs 'sop db upgrade'" not in result.stdout, result.stdout
    assert "newer" in result.stdout


def test_db_upgrade_on_a_newer_schema_is_a_one_line_error_not_a_crash(sop, databases, database):
    ok(sop("db", "upgrade"))
    set_revision(databases, database, "9999")
    result = sop("db", "upgrade")
    line = assert_error(result, "9999")
    assert "internal error" not in line, line
    assert result.exit_code == 1, result.exit_code
    assert revision_of(databases, database) == "9999"


@pytest.mark.sqlite_only("a file that is not a database")
@pytest.mark.parametrize("command", [["list"], ["db", "current"], ["db", "upgrade"], ["new", *COMPLAINT]])
def test_a_file_that_is_not_a_database(sop, tmp_path, command):
    path = tmp_path / "catatan.db"
    path.write_text("Ini bukan basis data, hanya catatan.\n" * 100, encoding="utf-8")
    before = path.read_bytes()
    assert_error(sop("--db", str(path), *command), "catatan.db", code=1)
    assert path.read_bytes() == before


@pytest.mark.sqlite_only("a database file in a missing directory")
@pytest.mark.parametrize("command", [["list"], ["db", "upgrade"], ["new", *COMPLAINT]])
def test_db_in_a_missing_directory(sop, tmp_path, command):
    path = tmp_path / "tidak-ada" / "sop.db"
    assert_error(sop("--db", str(path), *command), "tidak-ada", code=1)
    assert not path.parent.exists()


@pytest.mark.sqlite_only("a plain path names a SQLite file")
def test_database_url_as_a_plain_path(sop, sop_env, monkeypatch):
    path = sop_env / "jalur.db"
    monkeypatch.setenv("SOP_DATABASE_URL", str(path))
    ok(sop("new", *COMPLAINT))
    assert path.is_file() and mode_of(path) == 0o600
    assert not (sop_env / "sop.db").exists()
    assert str(path) in ok(sop("db", "current")).stdout


@pytest.mark.sqlite_only("a sqlite:/// URL")
def test_database_url_as_a_sqlalchemy_url(sop, sop_env, databases, monkeypatch):
    path = sop_env / "url.db"
    monkeypatch.setenv("SOP_DATABASE_URL", f"sqlite:///{path}")
    ok(sop("new", *COMPLAINT))
    assert path.is_file() and mode_of(path) == 0o600
    assert revision_of(databases, str(path)) == HEAD_REVISION
    assert not (sop_env / "sop.db").exists()


def test_db_option_overrides_the_environment(sop, databases, monkeypatch):
    from_env = databases.new("env.db")
    from_option = databases.new("option.db")
    monkeypatch.setenv("SOP_DATABASE_URL", from_env)
    ok(sop("--db", from_option, "new", *COMPLAINT))
    assert "complaint" in databases.tables(from_option)
    assert databases.tables(from_env) == set()
    listed = json.loads(ok(sop("--db", from_option, "list", "--json")).stdout)
    assert [r["number"] for r in listed] == ["ADU-2026-00001"]
    assert sop("list", "--json").stderr.startswith("Error: no logbook at ")  # the env database: never made
    assert databases.tables(from_env) == set()  # reading it did not create it


@pytest.mark.sqlite_only("a sqlite:/// URL")
def test_db_option_as_url_overrides_the_environment(sop, sop_env, monkeypatch):
    monkeypatch.setenv("SOP_DATABASE_URL", str(sop_env / "env.db"))
    ok(sop("--db", f"sqlite:///{sop_env / 'url-option.db'}", "db", "upgrade"))
    assert (sop_env / "url-option.db").is_file()
    assert not (sop_env / "env.db").exists()


# --- Alembic and the models -----------------------------------------------------------


def test_head_revision_constant_matches_the_migrations():
    from alembic.script import ScriptDirectory

    from sopcli.store import database

    script = ScriptDirectory.from_config(database.alembic_config())
    assert script.get_current_head() == database.HEAD_REVISION
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_models(sop, databases):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import sopcli.store.models  # noqa: F401  (registers the tables)

    database = databases.new("migrated.db")
    ok(sop("--db", database, "db", "upgrade"))
    with databases.connect(database) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


# --- sop config -----------------------------------------------------------------------


def test_config_path_is_sop_config(sop, sop_env):
    assert ok(sop("config", "path")).stdout.strip() == str(sop_env / "config.toml")


def test_config_show_defaults(sop, sop_env):
    out = ok(sop("config", "show")).stdout
    assert 'timezone = "WIB"' in out
    assert 'fri = "07:30-16:30"' in out and 'mon = "07:30-16:00"' in out
    assert not (sop_env / "config.toml").exists()  # showing writes nothing
    data = json.loads(ok(sop("config", "show", "--json")).stdout)
    assert data["timezone"] == "WIB" and data["closed_days"] == []


def test_config_show_hides_the_database_password(sop, sop_env):
    url = "postgresql+psycopg://petugas:Rahasia%40Kominfo@db.kominfo.local/sop"
    (sop_env / "config.toml").write_text(f'database_url = "{url}"\n', encoding="utf-8")
    shown = ok(sop("config", "show")).stdout + ok(sop("config", "show", "--json")).stdout
    assert "Rahasia" not in shown
    assert "postgresql+psycopg://petugas:***@db.kominfo.local/sop" in shown
    assert url in (sop_env / "config.toml").read_text(encoding="utf-8")  # only the display hides it


def test_config_set_timezone(sop, sop_env):
    result = ok(sop("config", "set", "timezone", "WITA"))
    assert "timezone" in result.stderr
    assert (sop_env / "config.toml").is_file()
    assert 'timezone = "WITA"' in ok(sop("config", "show")).stdout
    assert json.loads(ok(sop("config", "show", "--json")).stdout)["timezone"] == "WITA"
    # Times are now shown in WITA (+08:00).
    view = json.loads(ok(sop("new", *COMPLAINT, "--json")).stdout)
    assert view["received_at"] == "2026-11-24T17:00:00+08:00"


def test_config_set_office_hours_of_one_day(sop):
    ok(sop("config", "set", "office_hours.fri", "08:00-17:00"))
    out = ok(sop("config", "show")).stdout
    assert 'fri = "08:00-17:00"' in out
    assert 'mon = "07:30-16:00"' in out  # the other days untouched
    data = json.loads(ok(sop("config", "show", "--json")).stdout)
    assert data["office_hours"]["fri"] == "08:00-17:00"


@pytest.mark.parametrize("value", ["closed", "08:00-17:00"])
def test_config_set_office_hours_of_a_day_that_is_not_a_weekday_is_refused(sop, value):
    # "sabtu" for "sat": closing it used to report success and save nothing.
    result = sop("config", "set", "office_hours.sabtu", value)
    assert result.exit_code != 0
    assert result.stderr == (
        "Error: bad value for office_hours.sabtu: 'sabtu' is not one of mon, tue, wed, thu, fri, sat, sun\n"
    )
    assert "sabtu" not in ok(sop("config", "show")).stdout


def test_config_closed_day_moves_deadlines_past_it(sop):
    # Step 1 of kaltim-db is 30 menit; received Tuesday 15:50: 10 minutes left that day.
    before = json.loads(ok(sop("new", *COMPLAINT, "--received-at", "2026-11-24T15:50", "--json")).stdout)
    assert before["due_at"] == "2026-11-25T07:50:00+07:00"
    ok(sop("config", "set", "closed_days", "2026-11-25"))
    assert "2026-11-25" in ok(sop("config", "show")).stdout
    after = json.loads(ok(sop("new", *COMPLAINT, "--received-at", "2026-11-24T15:50", "--json")).stdout)
    assert after["due_at"] == "2026-11-26T07:50:00+07:00"


def test_config_several_closed_days(sop):
    ok(sop("config", "set", "closed_days", "2026-11-25, 26/11/2026"))  # day-first too, as everywhere; kept as ISO
    data = json.loads(ok(sop("config", "show", "--json")).stdout)
    assert data["closed_days"] == ["2026-11-25", "2026-11-26"]
    view = json.loads(ok(sop("new", *COMPLAINT, "--received-at", "2026-11-24T15:50", "--json")).stdout)
    assert view["due_at"] == "2026-11-27T07:50:00+07:00"


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("zona_waktu", "WITA", "zona_waktu"),
        ("office_hours.jum", "08:00-17:00", "jum"),
        ("timezone", "Mars/Olympus", "Mars/Olympus"),
        ("office_hours.fri", "17:00-08:00", "fri"),
        ("office_hours.fri", "pagi-sore", "fri"),
        ("closed_days", "2026-13-45", "closed_days"),
        ("closed_days", "31/13/2026", "closed_days"),
        ("language", "fr", "language"),
        ("enforce_roles", "mungkin", "enforce_roles"),
        ("timezone", "", "timezone"),
        ("office_hours", "07:00-15:00", "office_hours"),
        ("signer_nip", "abc", "signer_nip"),
        ("closed_days", "2026-12-31,x", "closed_days"),
    ],
)
def test_config_bad_key_or_value_leaves_the_file_unchanged(sop, sop_env, key, value, fragment):
    ok(sop("config", "set", "timezone", "WITA"))
    path = sop_env / "config.toml"
    before = path.read_bytes()
    assert_error(sop("config", "set", key, value), fragment, code=1)
    assert path.read_bytes() == before
    assert not path.with_suffix(".tmp").exists()


def written(sop_env) -> str:
    return (sop_env / "config.toml").read_text(encoding="utf-8")


def test_config_file_holds_only_what_was_set(sop, sop_env):
    ok(sop("config", "set", "timezone", "WITA"))
    assert written(sop_env) == 'timezone = "WITA"\n'  # the defaults stay out: unset can tell them apart


def test_config_unset_removes_one_key_and_keeps_the_rest(sop, sop_env):
    for key, value in [
        ("timezone", "WITA"),
        ("operator", "andi"),
        ("office_name", "Diskominfo Kota Cirebon"),
        ("closed_days", "2026-12-31"),
        ("office_hours.sat", "08:00-12:00"),
    ]:
        ok(sop("config", "set", key, value))
    before = written(sop_env)
    result = ok(sop("config", "unset", "operator"))
    assert result.stderr == f"Removed operator from {sop_env / 'config.toml'}: its default applies again.\n"
    assert written(sop_env) == before.replace('operator = "andi"\n', "")
    data = json.loads(ok(sop("config", "show", "--json")).stdout)
    assert data["operator"] is None
    assert (data["timezone"], data["office_name"], data["closed_days"]) == (
        "WITA",
        "Diskominfo Kota Cirebon",
        ["2026-12-31"],
    )
    assert data["office_hours"]["sat"] == "08:00-12:00"


def test_config_unset_timezone_brings_back_the_default(sop, sop_env):
    ok(sop("config", "set", "timezone", "WITA"))
    ok(sop("config", "unset", "timezone"))
    assert json.loads(ok(sop("config", "show", "--json")).stdout)["timezone"] == "WIB"
    view = json.loads(ok(sop("new", *COMPLAINT, "--json")).stdout)
    assert view["received_at"] == "2026-11-24T16:00:00+07:00"


def test_config_unset_one_weekday_closes_it_and_office_hours_brings_back_the_defaults(sop, sop_env):
    ok(sop("config", "set", "office_hours.sat", "08:00-12:00"))
    ok(sop("config", "set", "office_hours.fri", "08:00-17:00"))
    result = ok(sop("config", "unset", "office_hours.sat"))
    assert "the office is closed that day" in result.stderr
    hours = json.loads(ok(sop("config", "show", "--json")).stdout)["office_hours"]
    assert "sat" not in hours and hours["fri"] == "08:00-17:00" and hours["mon"] == "07:30-16:00"
    ok(sop("config", "unset", "office_hours"))
    hours = json.loads(ok(sop("config", "show", "--json")).stdout)["office_hours"]
    assert hours == {
        "mon": "07:30-16:00",
        "tue": "07:30-16:00",
        "wed": "07:30-16:00",
        "thu": "07:30-16:00",
        "fri": "07:30-16:30",
    }
    assert "office_hours" not in written(sop_env)


@pytest.mark.parametrize("key", ["operator", "closed_days", "office_hours", "office_hours.sat", "signer_nip"])
def test_config_unset_a_key_that_is_not_set_says_so_and_succeeds(sop, sop_env, key):
    result = ok(sop("config", "unset", key))
    assert result.stderr == f"{key} is not set in {sop_env / 'config.toml'}: nothing to remove.\n"
    assert not (sop_env / "config.toml").exists()  # nothing written
    ok(sop("config", "set", "timezone", "WITA"))
    ok(sop("config", "unset", key))
    assert written(sop_env) == 'timezone = "WITA"\n'


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("zona_waktu", "unknown configuration key 'zona_waktu'"),
        ("office_hours.sabtu", "'sabtu' is not one of mon"),
        ("timezone.x", "unknown configuration key 'timezone.x'"),
    ],
)
def test_config_unset_an_unknown_key_is_a_one_line_error(sop, sop_env, key, fragment):
    ok(sop("config", "set", "timezone", "WITA"))
    assert_error(sop("config", "unset", key), fragment, code=1)
    assert written(sop_env) == 'timezone = "WITA"\n'


def test_config_unset_of_the_last_open_day_is_refused(sop, sop_env):
    (sop_env / "config.toml").write_text('[office_hours]\nmon = "08:00-12:00"\n', encoding="utf-8")
    assert_error(
        sop("config", "unset", "office_hours.mon"),
        "at least one weekday must be open",
        "sop config unset office_hours",
        code=1,
    )
    assert written(sop_env) == '[office_hours]\nmon = "08:00-12:00"\n'


def test_config_unset_or_set_repairs_a_bad_value_in_the_file(sop, sop_env):
    # A value every command refuses (here an NIP saved before NIPs were checked) is mended without editing by hand.
    (sop_env / "config.toml").write_text('operator = "andi"\nsigner_nip = "abc"\n', encoding="utf-8")
    assert_error(sop("config", "show"), "signer_nip", code=1)
    ok(sop("config", "set", "signer_nip", "19800101 200501 1 001"))
    assert written(sop_env) == 'operator = "andi"\nsigner_nip = "19800101 200501 1 001"\n'
    (sop_env / "config.toml").write_text('operator = "andi"\nsigner_nip = "abc"\n', encoding="utf-8")
    ok(sop("config", "unset", "signer_nip"))
    assert written(sop_env) == 'operator = "andi"\n'


def test_config_file_with_only_office_hours_starts_with_the_table(sop, sop_env):
    ok(sop("config", "set", "office_hours.sat", "08:00-12:00"))
    assert written(sop_env).startswith("[office_hours]\nmon = ")


@pytest.mark.parametrize("key", [f.name for f in fields(Config) if f.name != "office_hours"] + ["office_hours.fri"])
@pytest.mark.parametrize("value", ["", "   "])
def test_config_set_an_empty_value_is_refused_for_every_key(sop, sop_env, key, value):
    # One rule for all keys (it used to vary: 'zona waktu None tidak dikenal', a silent unset, a closed day).
    ok(sop("config", "set", "timezone", "WITA"))
    line = assert_error(sop("config", "set", key, value), f"empty value for {key}", f"sop config unset {key}", code=1)
    assert "None" not in line
    assert written(sop_env) == 'timezone = "WITA"\n'


def test_config_set_only_commas_as_closed_days_is_an_empty_value(sop):
    assert_error(sop("config", "set", "closed_days", " , ,"), "empty value for closed_days", code=1)


def _help_of(sop, *command) -> str:
    return " ".join(ok(sop("--lang", "en", "config", *command, "--help")).stdout.split())


@pytest.mark.parametrize("command", ["set", "unset"])
def test_config_help_lists_every_key_from_the_config(sop, command):
    shown = _help_of(sop, command)
    assert "One of: " + ", ".join(key_names()) in shown
    for field in fields(Config):  # the help lists what Config defines, README's office_name and signer_* included
        assert (field.name if field.name != "office_hours" else "office_hours.mon … office_hours.sun") in shown
    assert "An empty value is refused" in _help_of(sop, "set")


def test_config_unknown_key_names_every_known_key(sop):
    assert_error(sop("config", "set", "zona_waktu", "WITA"), "known keys: " + ", ".join(key_names()), code=1)


def test_config_set_office_hours_as_a_whole_shows_the_form_that_works(sop, sop_env):
    line = assert_error(
        sop("config", "set", "office_hours", "07:00-15:00"),
        "one day at a time",
        "sop config set office_hours.mon 07:30-16:00",
        "sop config set office_hours.sat closed",
        code=1,
    )
    assert "table" not in line
    assert not (sop_env / "config.toml").exists()
    ok(sop("config", "set", "office_hours.mon", "07:30-16:00"))
    ok(sop("config", "set", "office_hours.sat", "closed"))


def _readme_nip() -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return re.search(r"sop config set signer_nip (\S+)", readme)[1]


@pytest.mark.parametrize("nip", [_readme_nip(), "19800101 200501 1 001", " 198001012005011001 "])
def test_config_signer_nip_of_18_digits_is_kept_as_written(sop, nip):
    ok(sop("config", "set", "signer_nip", nip))
    assert json.loads(ok(sop("config", "show", "--json")).stdout)["signer_nip"] == nip.strip()


@pytest.mark.parametrize(
    "nip",
    [
        "abc",
        "19800101200501100",
        "1980010120050110011",
        "19800101-200501-1-001",
        "NIP. 198001012005011001",
        "١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١",
    ],
)
def test_config_signer_nip_that_is_not_18_digits_is_refused(sop, sop_env, nip):
    assert_error(sop("config", "set", "signer_nip", nip), "signer_nip", "18 digits", code=1)
    assert not (sop_env / "config.toml").exists()
    (sop_env / "config.toml").write_text(f'signer_nip = "{nip}"\n', encoding="utf-8")  # written by hand: refused too
    assert_error(sop("config", "show"), "signer_nip", "18 digits", code=1)


def test_config_closed_days_are_deduplicated_and_sorted(sop, sop_env):
    ok(sop("config", "set", "closed_days", "2026-12-31,2026-12-31, 25/12/2026,31/12/2026"))
    assert json.loads(ok(sop("config", "show", "--json")).stdout)["closed_days"] == ["2026-12-25", "2026-12-31"]
    assert written(sop_env) == 'closed_days = ["2026-12-25", "2026-12-31"]\n'
    (sop_env / "config.toml").write_text('closed_days = ["2027-01-02", "2026-12-31", "2027-01-02"]\n', encoding="utf-8")
    assert json.loads(ok(sop("config", "show", "--json")).stdout)["closed_days"] == ["2026-12-31", "2027-01-02"]


@pytest.mark.parametrize("value", ["31/13/2026", "besok lusa", "2026-12-31,kemarin dulu"])
def test_config_closed_days_error_hints_a_date_without_a_time(sop, value):
    line = assert_error(sop("config", "set", "closed_days", value), "closed_days", "31/12/2026 or 2026-12-31", code=1)
    assert "08:15" not in line and "T08" not in line


def test_config_bad_value_does_not_create_the_file(sop, sop_env):
    assert_error(sop("config", "set", "timezone", "Nowhere/Atall"), code=1)
    assert not (sop_env / "config.toml").exists()


def test_config_file_that_is_not_toml_is_refused_with_where_it_goes_wrong(sop, sop_env):
    (sop_env / "config.toml").write_text('language = "id"\ntimezone = WITA [\n', encoding="utf-8")
    assert_error(sop("config", "show"), "config.toml", "not valid TOML at line 2, column 12", code=1)
    assert_error(sop("list"), "config.toml", "line 2, column 12", code=1)
    indonesian = sop("--lang", "id", "list")
    assert indonesian.stderr.strip() == (
        f"Kesalahan: konfigurasi {sop_env / 'config.toml'} tidak dapat dibaca: "
        "bukan TOML yang sah di baris 2, kolom 12 (perbaiki atau hapus berkas tersebut)"
    )


def test_files_that_cannot_be_opened_are_explained_in_the_interface_language(sop, sop_env):
    missing = sop_env / "tidak-ada.csv"
    assert_error(sop("import", str(missing)), "cannot open", "no such file or folder", code=1)
    folder = sop_env / "folder.csv"
    folder.mkdir()
    assert_error(sop("import", str(folder)), "it is a folder, not a file", code=1)
    assert_error(
        sop("export", "complaints", "-o", str(sop_env / "tidak-ada" / "x.csv")),
        "cannot write",
        "no such file or folder",
        code=1,
    )
    assert sop("--lang", "id", "import", str(missing)).stderr.strip() == (
        f"Kesalahan: {missing} tidak dapat dibuka: berkas atau folder tidak ada"
    )


def test_a_database_at_the_first_schema_upgrades_and_keeps_its_data(sop, databases, database):
    """A logbook made by the first release: `sop db upgrade` migrates it, nothing lost."""
    from alembic import command

    from sopcli.store.database import alembic_config

    with databases.connect(database) as conn:
        command.upgrade(alembic_config(conn), "0001")
    assert revision_of(databases, database) == "0001"
    assert_error(sop("list"), "sop db upgrade", code=1)

    upgraded = ok(sop("db", "upgrade"))
    assert f"from schema 0001 to {HEAD_REVISION}" in upgraded.stdout
    ok(sop("new", *COMPLAINT))
    assert revision_of(databases, database) == HEAD_REVISION
    assert "OK: 1 " in ok(sop("verify")).stdout


@pytest.mark.parametrize(
    "statement", ["UPDATE journal_entry SET note = 'diubah' WHERE seq = 1", "DELETE FROM journal_entry WHERE seq = 1"]
)
def test_the_database_refuses_to_edit_or_delete_journal_rows(sop, databases, database, statement):
    ok(sop("new", *COMPLAINT))
    with pytest.raises(IntegrityError, match="append-only"), databases.connect(database) as con:
        con.execute(text(statement))
    with databases.connect(database) as con:
        assert con.execute(text("SELECT count(*) FROM journal_entry")).scalar() == 1
    assert "OK: 1 " in ok(sop("verify")).stdout


def test_a_logbook_from_before_case_moments_upgrades_and_verifies(sop, databases):
    # Complaints recorded before the moments column follow texts that name none: "{}" is what they replay to.
    from alembic import command
    from sqlalchemy import inspect

    from sopcli.store import database as store

    url = databases.new("older.db")
    ok(
        sop(
            "--db",
            url,
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "DB lambat",
            "--reporter",
            "Sari",
            "--unit",
            "Dinkes",
            "--system",
            "SIMPEG",
            "--channel",
            "telepon",
            "--priority",
            "tinggi",
            "--received-at",
            "2026-11-24T08:00",
        )
    )
    ok(sop("--db", url, "next", "ADU-2026-00001", "--at", "2026-11-24T08:10"))
    with databases.connect(url) as conn:
        command.downgrade(store.alembic_config(conn), "0002")
    with databases.connect(url) as conn:
        assert "moments" not in {c["name"] for c in inspect(conn).get_columns("complaint")}

    ok(sop("--db", url, "db", "upgrade"))
    assert "OK" in ok(sop("--db", url, "db", "check")).stdout
    ok(sop("--db", url, "next", "ADU-2026-00001", "--at", "2026-11-24T08:20"))
    ok(sop("--db", url, "db", "check"))
