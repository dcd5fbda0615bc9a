"""Shared fixtures: every CLI test runs against its own temporary database and config."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sopcli.cli import app

# A fixed "now" for every test: Tuesday 24 November 2026, 16:00 WIB.
FIXED_NOW = "2026-11-24T16:00:00+07:00"


@pytest.fixture
def sop_env(tmp_path, monkeypatch):
    """A private database, config and operator; English messages; a fixed clock."""
    monkeypatch.setenv("SOP_DATABASE_URL", str(tmp_path / "sop.db"))
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
def sop(sop_env):
    """Run ``sop ARGS...`` in-process; returns the click Result (stdout/stderr separate)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run
