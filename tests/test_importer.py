"""The importer's bulk shortcuts held to the one-case code they stand in for (``services.importer``).

The import builds its rows' JSON and deadlines directly instead of through
``received_fields``/``json.dumps`` and ``engine.start``/``engine.due_at`` per
row; these properties say the results are the same. (The end-to-end check,
an imported complaint against ``sop new``, is in ``test_import_export``.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopcli.definitions.loader import load, load_text
from sopcli.definitions.schema import PRIORITIES
from sopcli.domain import engine
from sopcli.domain.chain import _canonical, canonical_fields
from sopcli.errors import DateParseError
from sopcli.files.tables import Row
from sopcli.services.cases import received_fields
from sopcli.services.importer import (
    _FIELD_KEYS,
    _Opening,
    _Record,
    _RowChecker,
    received_fields_json,
)
from sopcli.store.bulk import _naive_utc, _sqlite_moment
from sopcli.store.complaints import COMPLAINT_COLUMNS
from sopcli.store.journal import ENTRY_COLUMNS
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.parse import parse_when

JKT = ZoneInfo("Asia/Jakarta")
SOP_IDS = ("ipas-pemulihan", "kaltim-db", "cirebon-aplikasi", "tanahbumbu-jaringan")
CALENDARS = (
    WorkingCalendar(),
    WorkingCalendar.twenty_four_seven(JKT),
    WorkingCalendar(tz=ZoneInfo("Asia/Makassar"), closed_days=frozenset({datetime(2026, 11, 25).date()})),
)

_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["", '"', "\\", "\n", "\x00", "\u2028", "é’—✓", "Rina Susanti, S.Kom."]
)
_moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.sampled_from([JKT, UTC, timezone(timedelta(hours=7)), ZoneInfo("Asia/Jayapura")]),
)


def test_the_bulk_rows_have_every_column_of_their_tables():
    # A column added by a migration must be given a value here too, as the ORM would.
    from sopcli.store.models import Complaint, JournalEntry

    assert sorted(COMPLAINT_COLUMNS) == sorted(Complaint.__table__.columns.keys())
    assert sorted(ENTRY_COLUMNS) == sorted(JournalEntry.__table__.columns.keys())


def test_field_keys_are_in_canonical_order():
    assert list(_FIELD_KEYS) == sorted(_FIELD_KEYS)


@settings(max_examples=300, deadline=None)
@given(
    sop_id=st.sampled_from(SOP_IDS),
    channel=_texts,
    host=st.none() | _texts,
    priority=_texts,
    ref=_texts,
    reporter=_texts,
    system=_texts,
    unit=_texts,
    source=_texts,
)
def test_received_fields_json_is_received_fields_encoded(
    sop_id, channel, host, priority, ref, reporter, system, unit, source
):
    sop = load(sop_id).definition
    when = datetime(2026, 11, 23, 8, tzinfo=JKT)
    record = _Record(2, None, when, ref, reporter, unit, system, host, channel, priority, "uraian", {})
    opening = _Opening(sop, 1, CALENDARS[0], JKT, _sqlite_moment, when, "budi")
    fields = received_fields(sop, record._asdict(), source)
    assert received_fields_json(record, opening, source) == (
        canonical_fields(fields),
        json.dumps(fields, ensure_ascii=False, sort_keys=True),
    )


@settings(max_examples=300, deadline=None)
@given(
    sop_id=st.sampled_from([*SOP_IDS, "by-priority"]),
    calendar=st.sampled_from(CALENDARS),
    first=_moments,
    received=_moments,
    priority=st.sampled_from(PRIORITIES),
)
def test_an_opening_starts_a_case_as_engine_start_does(sop_id, calendar, first, received, priority):
    sop = load_text(BY_PRIORITY, "by-priority.toml").definition if sop_id == "by-priority" else load(sop_id).definition
    opening = _Opening(sop, 1, calendar, JKT, _sqlite_moment, first, "budi")  # worked out from the import's first row
    started = engine.start(sop, received_at=received, actor="sari", note="uraian", priority=priority)
    assert (opening.status, opening.first_step, opening.next_step) == (
        started.state.status,
        started.state.current_step,
        started.entry.next_step,
    )
    assert opening.by_priority == (sop_id == "by-priority")
    assert opening.due_at(received, priority if opening.by_priority else None) == engine.due_at(
        sop, started.state, calendar
    )
    # and what the importer writes besides (moments, no pause, no fields) is what a start gives
    assert started.state == engine.CaseState(
        opening.status, opening.first_step, received, received, received, priority=priority
    )
    assert started.entry == engine.Entry(
        "received", received, "sari", fields={"priority": priority}, note="uraian", next_step=opening.next_step
    )


# An SOP whose first step's standard depends on the complaint's priority.
BY_PRIORITY = """\
id = "by-priority"
version = "1"
nama = "Reset kata sandi"
instansi = "Diskominfo Contoh"
waktu_prioritas = { kritis = "30 menit", rendah = "3 hari" }

[[roles]]
key = "operator"
nama = "Operator"

[[steps]]
id = "1"
kegiatan = "Mereset kata sandi"
pelaksana = ["operator"]
waktu = "1 hari"
end = "resolved"
"""


@settings(max_examples=300, deadline=None)
@given(
    sop_id=st.sampled_from(SOP_IDS),
    calendar=st.sampled_from(CALENDARS),
    received=_moments,
    zone=st.sampled_from([JKT, ZoneInfo("Asia/Makassar")]),
    to_database=st.sampled_from([_sqlite_moment, _naive_utc]),
)
def test_an_openings_moment_is_the_received_at_year_values_and_deadline(sop_id, calendar, received, zone, to_database):
    sop = load(sop_id).definition
    opening = _Opening(sop, 1, calendar, zone, to_database, received, "budi")
    due = engine.due_at(sop, engine.start(sop, received_at=received, actor="budi").state, calendar)
    expected = (received.astimezone(zone).year, to_database(received), _canonical(received), to_database(due))
    key = (received, received.fold, received.tzinfo, None)  # None: the built-ins' standards are one for all priorities
    assert opening.moment(key) == expected
    assert opening.moments[key] == expected  # remembered


NOW = datetime(2026, 11, 24, 16, tzinfo=JKT)


@settings(max_examples=300, deadline=None)
@given(
    text=_moments.map(datetime.isoformat)
    | st.datetimes().map(datetime.isoformat)
    | st.sampled_from(
        [
            "2026-11-24T16:04+07:00",
            "2026-11-24T17:00+07:00",
            "2026-11-20T08:00+99:00",
            "2026-11-20 08:00",
            " 2026-11-20T08:00",
            "20/11/2026 08:15",
            "now",
            "kemarin",
            "08.15",
            "",
            "2026-13-01",
        ]
    )
)
def test_a_received_at_reads_as_parse_when_reads_it_every_time(text):
    # The checker remembers clean ISO 8601 texts it accepted: what it remembers is what parse_when gives.
    try:
        moment = parse_when(text, JKT, NOW)
    except DateParseError:
        moment = None
    acceptable = moment is not None and NOW - engine.RECEIVED_AT_MOST_AGO <= moment <= NOW + engine.FUTURE_TOLERANCE
    expected = moment if acceptable else None
    checker = _RowChecker(SimpleNamespace(now=lambda: NOW, zone=JKT), None, False)
    for _ in range(2):
        problems = []
        found = checker._moment(text, problems)
        assert (found, getattr(found, "tzinfo", None)) == (expected, getattr(expected, "tzinfo", None))
        assert bool(problems) == (expected is None)


def test_a_bulk_load_grows_the_page_cache_and_puts_it_back():
    from sqlalchemy import create_engine

    from sopcli.store.bulk import BULK_CACHE_KIB, bulk_load

    with create_engine("sqlite://").connect() as connection:

        def cache_size():
            return connection.exec_driver_sql("PRAGMA cache_size").scalar()

        before = cache_size()
        with bulk_load(connection):
            assert cache_size() == -BULK_CACHE_KIB
        assert cache_size() == before
        try:
            with bulk_load(connection):
                raise KeyError("a failed import")
        except KeyError:
            pass
        assert cache_size() == before


def test_indexes_deferred_by_a_bulk_load_come_back_as_they_were_kept_or_rolled_back(tmp_path):
    from sopcli.store.bulk import bulk_load
    from sopcli.store.database import Database

    tables = ("complaint", "journal_entry")
    database = Database(f"sqlite:///{tmp_path / 'sop.db'}")
    database.ensure_ready()

    def schema(connection):
        return connection.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").all()

    def indexes(connection, unique_only=False):
        return {
            name
            for table in tables
            for _seq, name, unique, *_ in connection.exec_driver_sql(f"PRAGMA index_list({table})")
            if unique or not unique_only
        }

    with database.transaction(write=True) as session:
        connection = session.connection()
        before, unique = schema(connection), indexes(connection, unique_only=True)
        assert indexes(connection) > unique  # secondary indexes to defer
        with bulk_load(connection, tables) as defer_indexes:
            defer_indexes()
            assert indexes(connection) == unique  # constraints stay
            defer_indexes()  # once is all it does
        assert schema(connection) == before
    with pytest.raises(KeyError), database.transaction(write=True) as session:
        with bulk_load(session.connection(), tables) as defer_indexes:
            defer_indexes()
            raise KeyError("a failed import")
    with database.transaction() as session:
        assert schema(session.connection()) == before
    database.close()


@pytest.mark.sqlite_only("reads SQLite's statistics table")
def test_a_large_import_refreshes_the_statistics_the_queue_is_planned_by(sop, sop_env, database):
    import sqlite3

    rows = ["received_at,reporter,unit,system,description"]
    rows += [f"2026-11-{1 + i % 20:02d} 08:{i % 60:02d},Sari,BKD,SIMPEG,Gangguan {i}" for i in range(1000)]
    path = sop_env / "banyak.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert sop("import", str(path), "--sop", "kaltim-db").exit_code == 0
    with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
        analysed = {table for (table,) in connection.execute("SELECT tbl FROM sqlite_stat1")}
    assert "complaint" in analysed


_tidy_cells = st.sampled_from(["Dinas 1", "SIMPEG", "Rina", "BKD Kota"])
_cells = (
    _tidy_cells
    | _tidy_cells
    | st.sampled_from(["", " ", "  x", "x ", "a  b", "a\tb", "a\nb", "a\xa0b", "a\x1fb", "x" * 101])
)
_rows = st.fixed_dictionaries(
    {
        "reporter": _cells,
        "unit": _cells,
        "system": _cells,
        "description": _cells | st.sampled_from(["  Aplikasi mati\n", "a\x00b", "d" * 10_001]),
        "received_at": st.sampled_from(
            ["2026-11-20T08:00:00+07:00", "2026-11-21T09:30", " 2026-11-20T08:00", "besok", "", "2031-01-01"]
        ),
    },
    optional={
        "ref": _cells,
        "sop": st.sampled_from([*SOP_IDS, "", " kaltim-db ", "no-such-sop"]),
        "host": _cells,
        "channel": st.sampled_from(["", "telepon", " WA ", "merpati"]),
        "priority": st.sampled_from(["", "sedang", "HIGH", "segera"]),
        "number": _cells,
    },
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_rows, min_size=1, max_size=6), default_sop=st.sampled_from([None, "ipas-pemulihan"]))
def test_the_usual_rows_shortcut_checks_a_row_as_the_full_check_does(rows, default_sop):
    # check() takes a row whose cells are all text in a few passes over the whole row and leaves the
    # rest to full_check(): whichever way a row goes, its record or its problems are the same.
    checker = _RowChecker(SimpleNamespace(now=lambda: NOW, zone=JKT), default_sop, False)
    for line, values in enumerate(rows * 2, start=2):  # the second time round, what the checker remembers is used
        row = Row(line, values)
        assert checker.check(row) == checker.full_check(row)
