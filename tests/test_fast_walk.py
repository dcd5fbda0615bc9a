"""The fast reading of the chain (``journal.chain_rows``) encodes every entry exactly as ``entry_encoding`` does.

``sop verify`` reads the chain with a plain cursor and builds each entry's
encoding from the stored text; the general reading (``hashed_entries``) and
``entry_encoding`` are the definition. Rows here are written straight into the
table, as anyone holding the file could: any text, odd numbers, nulls, moments
and fields in other forms than sop's own.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlmodel import Session, SQLModel

from sopcli.domain.chain import GENESIS, entry_encoding, linked_hash, verify_links
from sopcli.store import journal
from sopcli.store.models import JournalEntry

COLUMNS = (
    "seq, complaint_id, complaint_number, action, step, decision, fields, actor, at, recorded_at, note, output, "
    "on_time, took_minutes, standard_minutes, next_step, prev_hash, hash"
)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """The journal's table with the model's column types, its NOT NULLs dropped (a table rebuilt by an insider)."""
    path = tmp_path_factory.mktemp("walk") / "walk.db"
    SQLModel.metadata.create_all(create_engine(f"sqlite:///{path}"), tables=[JournalEntry.__table__])
    connection = sqlite3.connect(path)
    (ddl,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'journal_entry'").fetchone()
    with connection:
        connection.execute("DROP TABLE journal_entry")
        connection.execute(ddl.replace("NOT NULL", ""))
    connection.close()
    return path


moments = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))


@st.composite
def stored_moment(draw):
    """A moment as sop stores it, or as another writer (or an insider) might have."""
    moment = draw(moments).replace(tzinfo=None)
    shape = draw(st.sampled_from(["sop", "T", "seconds", "offset", "null"]))
    if shape == "sop":
        return f"{moment.year:04d}-{moment:%m-%d %H:%M:%S}.{moment.microsecond:06d}"
    if shape == "T":
        return moment.isoformat(timespec="microseconds")
    if shape == "seconds":
        return moment.isoformat(sep=" ", timespec="seconds")
    if shape == "offset":
        return moment.replace(tzinfo=UTC).isoformat()
    return None


texts = st.text(max_size=12)
any_value = st.one_of(st.none(), texts, st.integers(-(2**63), 2**63 - 1), st.floats(), st.booleans())


@st.composite
def stored_fields(draw):
    mapping = draw(st.dictionaries(texts, texts, max_size=4))
    shape = draw(st.sampled_from(["sop", "compact", "ascii", "odd values", "not json", "list", "null"]))
    if shape == "sop":
        return json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    if shape == "compact":
        return json.dumps(mapping, ensure_ascii=False, separators=(",", ":"))
    if shape == "ascii":
        return json.dumps(mapping)
    if shape == "odd values":
        return json.dumps(draw(st.dictionaries(texts, any_value | st.dictionaries(texts, any_value), max_size=3)))
    if shape == "not json":
        return draw(texts)
    if shape == "list":
        return json.dumps(draw(st.lists(any_value, max_size=3)))
    return None


row = st.tuples(
    texts,  # complaint_number
    st.sampled_from(["received", "step", "seal", "note"]) | texts,
    any_value,  # step
    any_value,  # decision
    stored_fields(),
    texts,  # actor
    stored_moment(),
    stored_moment(),
    st.none() | texts,  # note
    st.none() | texts,  # output
    st.none() | st.sampled_from([0, 1, 2, "1", 1.0]),  # on_time
    st.none() | st.floats(),  # took_minutes
    st.none() | st.integers(-(2**63), 2**63 - 1) | st.floats(),  # standard_minutes
    st.none() | texts,  # next_step
)


def _write(path, rows) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM journal_entry")
        connection.executemany(
            f"INSERT INTO journal_entry ({COLUMNS}) VALUES ({', '.join(['?'] * 18)})",
            [(seq, None, *cells, "p", "h") for seq, cells in enumerate(rows, start=1)],
        )
    connection.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row, min_size=1, max_size=6))
@example([("ADU-1", "step", "1", None, "{}", "a", "0999-01-02 03:04:05.000006", None, None, None, 1, 20.5, 30, None)])
def test_the_fast_reading_encodes_every_entry_as_entry_encoding_does(table, rows):
    _write(table, rows)
    with Session(create_engine(f"sqlite:///{table}")) as session:
        fast = [encoded for _seq, _prev, _hash, encoded in journal.chain_rows(session)]
        try:
            general = [entry_encoding(entry) for entry in journal.hashed_entries(session)]
        except ValueError:  # a moment the general reading cannot parse at all: the fast one must not crash
            return
    assert fast == general


def test_an_edited_row_that_cannot_be_read_is_reported_as_edited_not_a_crash(table, english_messages):
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    cells = ["ADU-1", "received", None, None, '{"a": "b"}', "op", at, at, "n", None, None, None, None, None]
    entry = dict(zip(("complaint_number", "action", "step", "decision", "fields", "actor", "at"), cells))
    encoded = entry_encoding({**entry, "seq": 1, "fields": {"a": "b"}, "recorded_at": at, "note": "n", "on_time": None})
    good = linked_hash(GENESIS, encoded)
    stored = "2026-11-24 09:00:00.000000"
    for fields, moment in [('{"a": "b"}', stored), ("not json {", stored), ('{"a": "b"}', "yesterday"), ("{}", None)]:
        connection = sqlite3.connect(table)
        with connection:
            connection.execute("DELETE FROM journal_entry")
            connection.execute(
                f"INSERT INTO journal_entry ({COLUMNS}) VALUES ({', '.join(['?'] * 18)})",
                (
                    1,
                    None,
                    "ADU-1",
                    "received",
                    None,
                    None,
                    fields,
                    "op",
                    moment,
                    stored,
                    "n",
                    None,
                    None,
                    None,
                    None,
                    None,
                    GENESIS,
                    good,
                ),
            )
        connection.close()
        with Session(create_engine(f"sqlite:///{table}")) as session:
            result = verify_links(journal.chain_rows(session))
        if fields == '{"a": "b"}' and moment == stored:
            assert result == (1, None, None)
        else:
            assert result == (1, 1, "its content does not match its hash (edited)")


def test_the_fast_reading_starts_after_a_given_entry(table):
    at = (datetime(2026, 11, 24, tzinfo=UTC) + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    _write(table, [("N", "note", None, None, "{}", "a", at, at, None, None, None, None, None, None)] * 5)
    with Session(create_engine(f"sqlite:///{table}")) as session:
        assert [seq for seq, *_rest in journal.chain_rows(session, after=3)] == [4, 5]
