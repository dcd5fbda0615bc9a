"""The two-role deployment: ``sop db upgrade --grant ROLE`` gives an operator's PostgreSQL role what sop's
commands need, and nothing that could change or remove a journal line or the triggers that guard it."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from helpers import exited_ok

NEW = ["new", "--sop", "kaltim-db", "--description", "Server mati", "--reporter", "Ani", "--unit", "BKD"]
NEW += ["--system", "SIMPEG"]


@pytest.mark.sqlite_only("a SQLite file has no roles")
def test_grant_on_sqlite_is_one_line(sop):
    result = sop("db", "upgrade", "--grant", "petugas")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: --grant gives a PostgreSQL role its rights; a SQLite file has no roles "
        "(protect the file with its permissions instead)"
    )


@pytest.fixture
def operator_role(postgres_admin):
    """A login role of the server's, with no rights; dropped afterwards."""
    if postgres_admin is None:
        pytest.skip("needs PostgreSQL (SOP_TEST_DATABASE_URL): roles are a server's")
    url = make_url(os.environ["SOP_DATABASE_URL"])
    schema = url.query["options"].split("search_path=")[1].split()[0]
    name = f"sop_petugas_{uuid.uuid4().hex[:8]}"
    postgres_admin.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{name}'")
    try:
        yield name, url.set(username=name, password=name).render_as_string(hide_password=False)
    finally:  # a role holding privileges cannot be dropped
        postgres_admin.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}")
        postgres_admin.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}")
        postgres_admin.exec_driver_sql(f"REVOKE ALL ON SCHEMA {schema} FROM {name}")
        postgres_admin.exec_driver_sql(f"DROP ROLE {name}")


@pytest.mark.postgres_only
def test_an_operator_role_records_but_cannot_touch_the_journal(sop, operator_role):
    name, url = operator_role
    exited_ok(sop(*NEW))  # the owner's logbook
    granted = exited_ok(sop("db", "upgrade", "--grant", name))
    assert f"{name} may now record and read; it may not change or remove journal lines." in granted.stdout

    exited_ok(sop("--db", url, *NEW))  # the operator's everyday commands work
    exited_ok(sop("--db", url, "next", "ADU-2026-00002"))
    exited_ok(sop("--db", url, "note", "ADU-2026-00001", "Pelapor dihubungi"))
    assert exited_ok(sop("--db", url, "db", "check")).stdout.endswith("OK.\n")

    engine = create_engine(url)
    try:
        for attack, refusal in [
            ("UPDATE journal_entry SET note = 'diubah' WHERE seq = 1", "permission denied"),
            ("DELETE FROM journal_entry WHERE seq = 1", "permission denied"),
            ("TRUNCATE journal_entry", "permission denied"),
            ("DELETE FROM complaint", "permission denied"),
            ("DROP TRIGGER journal_entry_no_update ON journal_entry", "must be owner"),
            ("ALTER TABLE journal_entry DISABLE TRIGGER ALL", "must be owner"),
            ("DROP FUNCTION journal_entry_append_only() CASCADE", "must be owner"),
        ]:
            with engine.begin() as connection, pytest.raises(DBAPIError) as refused:
                connection.exec_driver_sql(attack)
            assert refusal in str(refused.value.orig), attack
    finally:
        engine.dispose()
    assert exited_ok(sop("db", "check")).stdout.endswith("OK.\n")  # the owner finds it all as it was


@pytest.mark.postgres_only
def test_grant_to_a_role_that_does_not_exist_is_one_line(sop):
    exited_ok(sop("db", "upgrade"))
    result = sop("db", "upgrade", "--grant", "tidak_ada_peran_ini")
    assert result.exit_code == 1
    line = result.stderr.splitlines()[-1]
    assert line.startswith("Error:") and "tidak_ada_peran_ini" in line and "does not exist" in line


@pytest.mark.postgres_only
def test_a_role_that_may_not_record_a_check_still_verifies(sop, operator_role, postgres_admin):
    """Granted before the verified heads existed, say: the role verifies, and nothing is recorded."""
    name, url = operator_role
    exited_ok(sop(*NEW))
    exited_ok(sop("db", "upgrade", "--grant", name))
    schema = make_url(os.environ["SOP_DATABASE_URL"]).query["options"].split("search_path=")[1].split()[0]
    postgres_admin.exec_driver_sql(f"REVOKE INSERT ON {schema}.verified_head FROM {name}")
    for _run in range(2):  # no head recorded: each run walks the whole chain
        assert exited_ok(sop("--db", url, "verify")).stdout == "OK: 1 journal entries, chain intact.\n"
    assert exited_ok(sop("verify")).stdout == "OK: 1 journal entries, chain intact.\n"  # the owner records one
    assert exited_ok(sop("--db", url, "verify")).stdout.startswith("OK: chain intact. New journal entries since")
