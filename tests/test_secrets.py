"""Files and secrets: the config file and written files owner-only, and every password in a database URL hidden."""

from __future__ import annotations

import os
import socket
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import exited_ok
from sopcli.config import without_password

HOST = "db.kominfo.local:5432/sop"
passwords = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=24)
# Typed into a URL as they are: a parser can still tell where they end unless they hold ? or #.
typed_passwords = passwords.filter(lambda p: not set(p) & set("?#"))


def mode_of(path) -> int:
    return os.stat(path).st_mode & 0o777


@given(passwords)
def test_a_percent_encoded_password_is_hidden(password):
    url = f"postgresql+psycopg://petugas:{quote(password, safe='')}@{HOST}"
    assert without_password(url) == f"postgresql+psycopg://petugas:***@{HOST}"


@given(typed_passwords)
def test_a_password_typed_with_at_colon_or_slash_is_hidden(password):
    url = f"postgresql://petugas:{password}@{HOST}"
    assert without_password(url) == f"postgresql://petugas:***@{HOST}"


@given(passwords, st.sampled_from(["password", "PASSWORD"]))
def test_a_password_in_the_query_is_hidden(password, key):
    url = f"postgresql+psycopg://petugas@{HOST}?sslmode=require&{key}={quote_plus(password)}&connect_timeout=5"
    assert without_password(url) == (f"postgresql+psycopg://petugas@{HOST}?sslmode=require&{key}=***&connect_timeout=5")


@given(typed_passwords, typed_passwords)
def test_both_passwords_of_one_url_are_hidden(first, second):
    url = f"postgresql://petugas:{first}@{HOST}?password={quote_plus(second)}"
    assert without_password(url) == f"postgresql://petugas:***@{HOST}?password=***"


@pytest.mark.parametrize(
    "url",
    ["sqlite:////srv/sop/log:lama@2026.db", "/srv/sop/sop.db", "postgresql://petugas@db.kominfo.local/sop"],
)
def test_a_url_without_a_password_is_shown_as_it_is(url):
    assert without_password(url) == url


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://sop:p@ss:w0rd@127.0.0.1:{port}/sop",
        "postgresql+psycopg://sop:p%40ss%3Aw0rd@127.0.0.1:{port}/sop",
        "postgresql+psycopg://sop@127.0.0.1:{port}/sop?password=p%40ss%3Aw0rd",
        "postgresql+psycopg://sop@127.0.0.1:{port}/sop?password=p@ss:w0rd&bogus=1",
        "postgresql+psycopg://sop:p@ss:w0rd@127.0.0.1:notaport/sop",
    ],
)
def test_an_error_about_the_database_shows_no_password(sop, url):
    pytest.importorskip("psycopg")
    result = sop("--db", url.format(port=_unused_port()), "list")
    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    for secret in ("p@ss", "ss:w0rd", "p%40ss", "w0rd"):
        assert secret not in result.stderr + result.stdout


def test_the_config_file_is_written_owner_only(sop, sop_env):
    config = sop_env / "config.toml"
    config.write_text('timezone = "WIB"\n', encoding="utf-8")
    os.chmod(config, 0o644)
    exited_ok(sop("config", "set", "database_url", "postgresql+psycopg://sop:rahasia@db.kominfo.local/sop"))
    assert mode_of(config) == 0o600
    assert not (sop_env / "config.tmp").exists()


def test_a_password_others_may_read_is_warned_about_once(recorded, sop_env):
    sop = recorded
    config = sop_env / "config.toml"
    config.write_text('database_url = "postgresql+psycopg://sop:rahasia@db.kominfo.local/sop"\n', encoding="utf-8")
    os.chmod(config, 0o644)
    result = exited_ok(sop("list", "--json"))  # SOP_DATABASE_URL still names the test's own logbook
    assert result.stderr.splitlines()[0] == (
        f"Warning: {config} holds a database password and others may read it; run: chmod 600 {config}"
    )
    assert result.stderr.count("Warning:") == 1 and "rahasia" not in result.stderr

    os.chmod(config, 0o600)
    assert "Warning" not in exited_ok(sop("list", "--json")).stderr
    config.write_text('database_url = "postgresql+psycopg://sop@db.kominfo.local/sop"\n', encoding="utf-8")
    os.chmod(config, 0o644)  # no password in it: nothing to warn about
    assert "Warning" not in exited_ok(sop("list", "--json")).stderr


@pytest.fixture
def recorded(sop):
    exited_ok(
        sop(
            "new", "--sop", "kaltim-db", "--description", "Aplikasi SIMPEG tidak dapat diakses",
            "--reporter", "Sari", "--unit", "BKD", "--system", "SIMPEG",
        )
    )  # fmt: skip
    return sop


@pytest.mark.parametrize(
    "command",
    [
        ("export", "complaints", "--format", "csv"),
        ("export", "journal", "--format", "jsonl"),
        ("report", "--format", "markdown"),
        ("journal", "--format", "html"),
    ],
)
def test_written_files_are_owner_only_unless_mode_says_otherwise(recorded, sop_env, command):
    private, shared, refused = sop_env / "pribadi.out", sop_env / "bersama.out", sop_env / "ditolak.out"
    exited_ok(recorded(*command, "-o", str(private)))
    assert mode_of(private) == 0o600
    exited_ok(recorded(*command, "-o", str(shared), "--mode", "0640"))
    assert mode_of(shared) == 0o640
    result = recorded(*command, "-o", str(refused), "--mode", "0999")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --mode '0999' is not a file mode (give it in octal, e.g. 0600 (only you) or 0640 "
        "(your group may read it))\n"
    )
    assert not refused.exists()
    assert [p.name for p in sop_env.iterdir() if p.name.endswith(".part")] == []


def test_the_rejects_file_is_owner_only(sop, sop_env):
    rows = sop_env / "pengaduan.csv"
    rows.write_text(
        "received_at,sop,reporter,unit,system,description\n"
        "2026-11-23 08:00,kaltim-db,Sari,BKD,SIMPEG,Aplikasi lambat\n"
        "bukan-tanggal,kaltim-db,Budi,BKD,SIMPEG,Tidak bisa masuk\n",
        encoding="utf-8",
    )
    rejects = sop_env / "ditolak.csv"
    sop("import", str(rows), "--skip-invalid", "--rejects", str(rejects))
    assert mode_of(rejects) == 0o600
