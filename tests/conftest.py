"""Shared fixtures: every CLI test runs against its own empty database and config.

By default each database is a SQLite file in the test's temporary directory.
With ``SOP_TEST_DATABASE_URL`` set to a PostgreSQL database (for example
``postgresql+psycopg://sop:sop@localhost/soptest``) the whole suite runs there
instead: each database is a fresh schema in it, dropped after the test.
Tests of what only a SQLite file has (its mode, WAL, its directory) carry
``@pytest.mark.sqlite_only("why")`` and skip on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

from sopcli.cli import app

# A fixed "now" for every test: Tuesday 24 November 2026, 16:00 WIB.
FIXED_NOW = "2026-11-24T16:00:00+07:00"

TEST_DATABASE_URL = os.environ.get("SOP_TEST_DATABASE_URL") or None
NO_SERVER = (
    "no PostgreSQL server to test against: set SOP_TEST_DATABASE_URL="
    "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE (.ci/run does)"
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(why): tests a property only a SQLite file has; skipped on PostgreSQL"
    )
    config.addinivalue_line("markers", "postgres_only: needs the PostgreSQL server of SOP_TEST_DATABASE_URL")
    config.addinivalue_line(
        "markers", "slow: runs child processes for seconds (wheel build, SIGKILL, races); -m 'not slow' skips them"
    )


def pytest_report_header(config):
    if TEST_DATABASE_URL is None:
        return "database: SQLite files (set SOP_TEST_DATABASE_URL to run on PostgreSQL)"
    from sopcli.store.database import Database

    return f"database: {Database(TEST_DATABASE_URL).display()} (a schema per test)"


def pytest_collection_modifyitems(config, items):
    for item in items:
        sqlite_only = item.get_closest_marker("sqlite_only")
        if sqlite_only and TEST_DATABASE_URL:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {sqlite_only.args[0]}"))
        if item.get_closest_marker("postgres_only") and not TEST_DATABASE_URL:
            item.add_marker(pytest.mark.skip(reason=NO_SERVER))
    # Slow tests first (a stable sort: the same order in every xdist worker), so the parallel run does not end
    # with one worker still busy with a long test while the other waits.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True, scope="session")
def private_cache_directory(tmp_path_factory):
    """sop caches holiday dates on disk: the tests keep theirs out of the user's home."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def postgres_admin():
    """A connection to SOP_TEST_DATABASE_URL for making and dropping schemas; None on SQLite."""
    if TEST_DATABASE_URL is None:
        yield None
        return
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from sopcli.store.database import Database

    try:
        engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        connection = engine.connect()
    except (SQLAlchemyError, ImportError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        pytest.exit(
            f"SOP_TEST_DATABASE_URL={Database(TEST_DATABASE_URL).display()}: cannot connect: {reason}", returncode=1
        )
    connection.exec_driver_sql("SET lock_timeout = '20s'")  # a leaked transaction fails the drop, not hangs it
    connection.exec_driver_sql("SET synchronous_commit = off")
    yield connection
    connection.close()
    engine.dispose()


class TestDatabases:
    """Fresh, empty databases for one test, named by what ``--db`` / ``SOP_DATABASE_URL`` take."""

    __test__ = False  # not a test class

    def __init__(self, tmp_path, admin):
        self.tmp_path = tmp_path
        self.admin = admin
        self.schemas: list[str] = []

    @property
    def is_postgres(self) -> bool:
        return self.admin is not None

    def new(self, name: str = "sop.db") -> str:
        """A database nobody has used yet: a file path, or a URL whose search_path is a new schema."""
        if not self.is_postgres:
            return str(self.tmp_path / name)
        from sqlalchemy.engine import make_url

        schema = f"sop_test_{uuid.uuid4().hex[:12]}"
        self.admin.exec_driver_sql(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        # Commits not flushed to disk: the tests kill clients, never the server, and run twice as fast.
        options = f"-csearch_path={schema} -csynchronous_commit=off"
        url = make_url(TEST_DATABASE_URL).update_query_dict({"options": options})
        return url.render_as_string(hide_password=False)

    @contextmanager
    def connect(self, value: str):
        """A SQLAlchemy connection to the database ``value`` names, in a transaction committed at the end."""
        from sqlalchemy import create_engine

        from sopcli.store.database import resolve_url

        engine = create_engine(resolve_url(value))
        try:
            with engine.begin() as connection:
                yield connection
        finally:
            engine.dispose()

    def tables(self, value: str) -> set[str]:
        """The tables in a database; empty for a SQLite file that does not exist (without creating it)."""
        from sqlalchemy import inspect

        from sopcli.store.database import resolve_url, sqlite_path

        path = sqlite_path(resolve_url(value))
        if path is not None and not path.exists():
            return set()
        with self.connect(value) as connection:
            return set(inspect(connection).get_table_names())

    def drop_all(self) -> None:
        for schema in self.schemas:
            self.admin.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def databases(tmp_path, postgres_admin):
    """Make more fresh databases for a test (``databases.new(name)``); removed afterwards."""
    made = TestDatabases(tmp_path, postgres_admin)
    yield made
    if made.is_postgres:
        made.drop_all()


@pytest.fixture
def sop_env(tmp_path, monkeypatch, databases):
    """A private database, config and operator; English messages; a fixed clock."""
    monkeypatch.setenv("SOP_DATABASE_URL", databases.new("sop.db"))
    monkeypatch.setenv("SOP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SOP_OPERATOR", "budi")
    monkeypatch.setenv("SOP_LANG", "en")
    monkeypatch.setenv("SOP_NOW", FIXED_NOW)
    monkeypatch.delenv("SOP_DEBUG", raising=False)
    from sopcli import i18n

    i18n.set_language("en")
    yield tmp_path
    i18n.set_language("en")


@pytest.fixture
def english_messages(monkeypatch):
    """English messages for this test only, with no database or config; the previous language comes back afterwards."""
    from sopcli import i18n

    monkeypatch.setenv("SOP_LANG", "en")
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)


@pytest.fixture
def database(sop_env):
    """The value of ``SOP_DATABASE_URL`` that ``sop_env`` chose: the test's own database."""
    return os.environ["SOP_DATABASE_URL"]


@pytest.fixture
def sop(sop_env):
    """Run ``sop ARGS...`` in-process; returns the click Result (stdout/stderr separate)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run
