"""PostgreSQL as such: connection errors, the driver, time zones, triggers, locks.

The rest of the suite runs on PostgreSQL too when ``SOP_TEST_DATABASE_URL`` is
set (see conftest). The tests here are about what only a server database has.
Those marked ``postgres_only`` need that server and skip, naming the variable,
without it; the others need no server at all.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from conftest import TEST_DATABASE_URL
from helpers import SOP

PASSWORD = "rahasia-8f3a"  # must never appear in anything sop prints
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
COMMANDS = [["list"], ["db", "current"], ["db", "upgrade"], ["new", *COMPLAINT]]


def one_error_line(result, *fragments: str) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_url(**changes) -> str:
    """SOP_TEST_DATABASE_URL with some parts changed (password, database, query)."""
    return make_url(TEST_DATABASE_URL).set(**changes).render_as_string(hide_password=False)


# --- no server needed -----------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_refused_connection_is_one_line_without_the_password(sop, command):
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://sop:{PASSWORD}@127.0.0.1:{unused_port()}/sop"
    line = one_error_line(sop("--db", url, *command), "cannot use the database", "sop:***@127.0.0.1", "refused")
    assert "internal error" not in line


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "postgresql"])
def test_a_missing_driver_is_one_line_naming_the_extra(sop, monkeypatch, scheme):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails, as without the extra
    url = f"{scheme}://sop:{PASSWORD}@127.0.0.1/sop"
    for command in COMMANDS:
        one_error_line(sop("--db", url, *command), "driver psycopg is not installed", "pip install 'sopcli[postgres]'")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("nosuchengine://sop@localhost/sop", "nosuchengine"),
        (f"postgresql+psycopg://sop:{PASSWORD}@localhost:port/sop", "sop:***@localhost:port/sop"),
        (f"postgresql+psycopg://sop:{PASSWORD}@localhost:99999/sop", "sop:***@localhost:99999/sop"),
    ],
)
def test_a_url_sop_cannot_use_is_one_line(sop, url, fragment):
    for command in COMMANDS:
        one_error_line(sop("--db", url, *command), fragment)


# --- on the server of SOP_TEST_DATABASE_URL -------------------------------------------


@pytest.mark.postgres_only
def test_a_wrong_password_is_one_line_without_either_password(sop):
    url = server_url(password=PASSWORD)
    try:
        create_engine(url).connect().close()
        pytest.skip("this server does not check passwords on SOP_TEST_DATABASE_URL's connection")
    except OperationalError:
        pass
    real = make_url(TEST_DATABASE_URL).password
    line = one_error_line(sop("--db", url, "list"), "cannot use the database", "password")
    assert not real or f":{real}@" not in line


@pytest.mark.postgres_only
def test_a_missing_database_is_one_line_naming_it(sop):
    one_error_line(
        sop("--db", server_url(database="sop_tidak_ada"), "new", *COMPLAINT), "sop_tidak_ada", "does not exist"
    )


@pytest.mark.postgres_only
def test_the_database_refuses_to_truncate_the_journal(sop, databases, database):
    assert sop("new", *COMPLAINT).exit_code == 0
    with pytest.raises(IntegrityError, match="append-only"), databases.connect(database) as con:
        con.execute(text("TRUNCATE journal_entry CASCADE"))
    assert "OK: 1 " in sop("verify").stdout


@pytest.mark.postgres_only
def test_times_round_trip_whatever_the_session_time_zone(sop, databases, database, monkeypatch):
    """Stored as UTC without a zone: a session in another zone neither shifts them nor breaks the chain."""
    options = make_url(database).query["options"]
    far_east = make_url(database).update_query_dict({"options": f"{options} -cTimeZone=Pacific/Kiritimati"})
    monkeypatch.setenv("SOP_DATABASE_URL", far_east.render_as_string(hide_password=False))
    made = json.loads(sop("new", *COMPLAINT, "--received-at", "20/11/2026 08:15", "--json").stdout)
    assert sop("next", made["number"], "--at", "20/11/2026 08:40:30.250000").exit_code == 0

    monkeypatch.setenv("SOP_DATABASE_URL", database)  # the server's own zone
    shown = json.loads(sop("show", made["number"], "--json").stdout)
    assert shown["received_at"] == "2026-11-20T08:15:00+07:00"
    assert [e["at"] for e in shown["journal"]] == ["2026-11-20T08:15:00+07:00", "2026-11-20T08:40:30.250000+07:00"]
    assert shown["journal"][0]["hash"] == made["journal"][0]["hash"]
    assert sop("verify").stdout.startswith("OK: 2 ")
    with databases.connect(database) as con:
        stored = con.execute(text("SELECT received_at FROM complaint")).scalar()
    assert str(stored) == "2026-11-20 01:15:00"


@pytest.mark.postgres_only
def test_db_upgrade_waits_for_a_writer_in_flight(sop, databases, database):
    """`sop db upgrade` takes the writers' lock: it changes the schema only once no write is under way."""
    from alembic import command

    from sopcli.store.database import JOURNAL_LOCK, alembic_config

    with databases.connect(database) as con:
        command.upgrade(alembic_config(con), "0001")
    engine = create_engine(database)
    try:
        with engine.connect() as writer:
            writer.execute(text(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})"))  # a write under way
            upgrade = subprocess.Popen(
                [SOP, "db", "upgrade"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=os.environ.copy(),
            )
            try:
                waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND NOT granted"
                deadline = time.monotonic() + 30
                while writer.execute(text(waiting), {"key": JOURNAL_LOCK}).scalar() == 0:
                    assert upgrade.poll() is None, upgrade.communicate()
                    assert time.monotonic() < deadline, "sop db upgrade never waited for the lock"
                    time.sleep(0.02)
                assert writer.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
                writer.rollback()  # the write ends; the upgrade goes ahead
                out, err = upgrade.communicate(timeout=60)
            finally:
                if upgrade.poll() is None:
                    upgrade.kill()
                    upgrade.communicate()
    finally:
        engine.dispose()
    assert upgrade.returncode == 0, err
    assert "from schema 0001 to" in out
    assert sop("new", *COMPLAINT).exit_code == 0
