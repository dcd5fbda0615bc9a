"""``operator_from = "database-role"``: the operator is the PostgreSQL role the logbook is opened as.

With the default (``flag``) anyone may name anyone with ``--as`` or SOP_OPERATOR. With
``database-role`` the server vouches for the name: two real roles, each connecting with its own
URL, are each recorded as themselves, and ``--as`` naming the other is refused.
"""

from __future__ import annotations

import os
import uuid

import pytest

from helpers import exported, ok

pytestmark = pytest.mark.usefixtures("sop_env")

NEW = ["new", "--sop", "kaltim-db", "--description", "Server mati", "--reporter", "Ani", "--unit", "BKD"]
NEW += ["--system", "SIMPEG"]


def database_role_config(tmp_path) -> None:
    (tmp_path / "config.toml").write_text('operator_from = "database-role"\n', encoding="utf-8")


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_config_takes_only_the_two_sources(sop):
    ok(sop("config", "set", "operator_from", "database-role"))
    assert "operator_from" in ok(sop("config", "show")).stdout
    refused = one_error_line(sop("config", "set", "operator_from", "login"))
    assert "choose flag or database-role" in refused


@pytest.mark.sqlite_only("a SQLite file has no roles: the setting is refused there")
def test_database_role_on_sqlite_is_one_line(sop, tmp_path):
    database_role_config(tmp_path)
    refused = one_error_line(sop(*NEW))
    assert 'operator_from = "database-role" needs a PostgreSQL logbook' in refused
    assert exported(sop) == []


@pytest.fixture
def two_roles(databases, postgres_admin, sop, monkeypatch):
    """Two login roles with their own URLs to the test's schema, which holds a logbook; dropped afterwards."""
    if postgres_admin is None:
        pytest.skip("needs PostgreSQL (SOP_TEST_DATABASE_URL): roles are a server's")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ProgrammingError

    url = make_url(os.environ["SOP_DATABASE_URL"])
    schema = url.query["options"].split("search_path=")[1].split()[0]
    names = [f"sop_{name}_{uuid.uuid4().hex[:8]}" for name in ("ani", "budi")]
    made: list[str] = []
    try:
        for name in names:
            try:
                postgres_admin.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{name}'")
            except ProgrammingError:
                pytest.skip(f"the test role {url.username} may not create roles: ALTER ROLE {url.username} CREATEROLE")
            made.append(name)
        ok(sop("db", "upgrade"))  # the logbook, made by the schema's owner
        for name in names:
            postgres_admin.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {name}")
            postgres_admin.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {name}")
            postgres_admin.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {name}")
        monkeypatch.delenv("SOP_OPERATOR")
        yield {name: url.set(username=name, password=name).render_as_string(hide_password=False) for name in names}
    finally:
        for name in made:  # a role holding privileges cannot be dropped (nor may sop's role DROP OWNED)
            postgres_admin.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}")
            postgres_admin.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}")
            postgres_admin.exec_driver_sql(f"REVOKE ALL ON SCHEMA {schema} FROM {name}")
            postgres_admin.exec_driver_sql(f"DROP ROLE {name}")


def test_each_role_is_recorded_as_itself_and_may_not_name_another(sop, tmp_path, two_roles, monkeypatch):
    database_role_config(tmp_path)
    (ani, ani_url), (budi, budi_url) = two_roles.items()
    ok(sop("--db", ani_url, *NEW))
    ok(sop("--db", budi_url, *NEW, "--as", budi))  # naming oneself is no lie
    assert [entry["actor"] for entry in exported(sop, "journal")] == [ani, budi]

    refused = one_error_line(sop("--db", ani_url, *NEW, "--as", budi))
    assert f"--as names {budi}, but this logbook records the database role {ani} as the operator" in refused
    monkeypatch.setenv("SOP_OPERATOR", budi)
    refused = one_error_line(sop("--db", ani_url, *NEW))
    assert f"SOP_OPERATOR names {budi}" in refused
    assert len(exported(sop, "journal")) == 2  # nothing written by either refusal
