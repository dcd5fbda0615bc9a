"""The journal's hash chain (``sopcli.domain.chain``): any edit, deletion or reordering shows.

Entries are built the way the service builds them: ``engine.describe`` of real
engine entries plus ``seq``, ``complaint_number`` and ``recorded_at``, then
chained with ``entry_hash`` from GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopcli import i18n
from sopcli.definitions.loader import load
from sopcli.domain import engine
from sopcli.domain.chain import (
    GENESIS,
    HASHED_KEYS,
    _canonical,
    canonical_fields,
    canonical_moment,
    entry_hash,
    received_entry_hash,
    verify_chain,
)
from sopcli.domain.vocabulary import Status
from sopcli.worktime.calendar import WorkingCalendar

JKT = ZoneInfo("Asia/Jakarta")
WIB = timezone(timedelta(hours=7))


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def at(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=JKT)


def _engine_entries() -> list[dict]:
    """A tanahbumbu case: received, steps with decisions and a field, a pause, a note, the close."""
    defn = load("tanahbumbu-jaringan").definition
    cal = WorkingCalendar()
    out = []

    def push(tr):
        out.append(engine.describe(tr.entry))
        return tr.state

    state = push(engine.start(defn, received_at=at(23, 8), actor="budi", note="laporan dari SKPD"))
    moves = [
        (None, None),
        ("tidak", None),
        (None, None),
        ("eksternal", None),
        (None, None),
        (None, {"estimasi": "4 jam"}),
        (None, None),
        (None, None),
    ]
    when = at(23, 8)
    for decision, fields in moves:
        when += timedelta(minutes=10)
        state = push(
            engine.complete_step(defn, state, cal, at=when, now=when, actor="budi", decision=decision, fields=fields)
        )
    state = push(engine.pause(state, at=at(23, 10), now=at(23, 10), actor="sari", reason="menunggu vendor"))
    state = push(engine.resume(state, cal, at=at(23, 11), now=at(23, 11), actor="sari"))
    state = push(engine.add_note(state, at=at(23, 11, 5), now=at(23, 11, 5), actor="sari", note="vendor datang"))
    state = push(engine.complete_step(defn, state, cal, at=at(23, 13), now=at(23, 13), actor="budi", output="F-04"))
    assert state.status == Status.RESOLVED
    return out


def chain(contents: list[dict]) -> list[dict]:
    """Number and chain entries as the store does."""
    rows, prev = [], GENESIS
    for seq, content in enumerate(contents, start=1):
        row = dict(
            content,
            seq=seq,
            complaint_number="GGN-2026-0001",
            recorded_at=content["at"] + timedelta(seconds=5),
            prev_hash=prev,
        )
        row["hash"] = entry_hash(prev, row)
        prev = row["hash"]
        rows.append(row)
    return rows


ROWS = chain(_engine_entries())
N = len(ROWS)


def test_the_fixture_covers_every_kind_of_value():
    assert N == 13
    kinds = {key: {type(r[key]).__name__ for r in ROWS} for key in HASHED_KEYS}
    assert kinds["took_minutes"] >= {"float", "NoneType"}
    assert kinds["standard_minutes"] >= {"int", "NoneType"}
    assert kinds["on_time"] >= {"bool", "NoneType"}
    assert any(r["fields"] for r in ROWS) and any(r["decision"] for r in ROWS)


def test_an_untouched_chain_verifies():
    assert verify_chain(ROWS) == (N, None, None)
    assert verify_chain([]) == (0, None, None)
    assert ROWS[0]["prev_hash"] == GENESIS
    assert len({r["hash"] for r in ROWS}) == N


def test_hashes_are_sha256_hex():
    for row in ROWS:
        assert len(row["hash"]) == 64
        int(row["hash"], 16)


def _changed(value):
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, float):
        return value + 0.01
    if isinstance(value, int):
        return value + 1
    if isinstance(value, dict):
        return {**value, "lokasi": "Batulicin"}
    if value is None:
        return "x"
    return value + "x"


@pytest.mark.parametrize("key", HASHED_KEYS)
@pytest.mark.parametrize("index", range(N))
def test_editing_any_hashed_field_is_detected_at_that_entry(key, index):
    rows = [dict(r) for r in ROWS]
    rows[index][key] = _changed(rows[index][key])
    checked, broken, problem = verify_chain(rows)
    assert checked == index + 1
    assert broken == rows[index]["seq"]
    assert problem


@pytest.mark.parametrize("key", ["on_time", "took_minutes", "standard_minutes", "decision", "note", "step"])
def test_setting_a_field_to_none_is_detected(key):
    index = next(i for i, r in enumerate(ROWS) if r[key] is not None)
    rows = [dict(r) for r in ROWS]
    rows[index][key] = None
    assert verify_chain(rows)[:2] == (index + 1, index + 1)


def test_editing_the_stored_hash_is_detected():
    rows = [dict(r) for r in ROWS]
    rows[4]["hash"] = "f" * 64
    assert verify_chain(rows) == (5, 5, "its content does not match its hash (edited)")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_entry():
    rows = [dict(r) for r in ROWS]
    rows[4]["note"] = "diubah"
    rows[4]["hash"] = entry_hash(rows[4]["prev_hash"], rows[4])
    assert verify_chain(rows) == (6, 6, "does not follow the entry before it")


@pytest.mark.parametrize("index", range(N - 1))
def test_deleting_an_entry_is_detected(index):
    rows = [dict(r) for i, r in enumerate(ROWS) if i != index]
    checked, broken, problem = verify_chain(rows)
    # found at the entry that took the deleted one's place
    assert (checked, broken) == (index + 1, index + 2)
    assert problem == f"expected entry {index + 1}, found {index + 2} (an entry is missing)"


def test_deleting_an_entry_and_renumbering_is_detected():
    rows = [dict(r) for i, r in enumerate(ROWS) if i != 3]
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    checked, broken, problem = verify_chain(rows)
    assert (checked, broken) == (4, 4)
    assert problem


def test_reordering_is_detected():
    rows = [dict(r) for r in ROWS]
    rows[2], rows[3] = rows[3], rows[2]
    checked, broken, problem = verify_chain(rows)
    assert (checked, broken) == (3, 4)
    assert "missing" in problem


def test_reordering_with_renumbered_seq_is_detected():
    rows = [dict(r) for r in ROWS]
    rows[2], rows[3] = rows[3], rows[2]
    rows[2]["seq"], rows[3]["seq"] = 3, 4
    assert verify_chain(rows) == (3, 3, "does not follow the entry before it")


@pytest.mark.parametrize("index", range(N))
def test_a_changed_prev_hash_is_detected(index):
    rows = [dict(r) for r in ROWS]
    rows[index]["prev_hash"] = "0" * 63 + "1"
    assert verify_chain(rows) == (index + 1, index + 1, "does not follow the entry before it")


def test_a_partial_chain_starts_where_it_starts():
    tail = [dict(r) for r in ROWS[5:]]
    assert verify_chain(tail, partial=True) == (N - 5, None, None)
    # read as a whole journal it lacks its beginning
    assert verify_chain(tail)[:2] == (1, 6)
    # an edit is still found, the first entry included
    for index in (0, 3):
        edited = [dict(r) for r in tail]
        edited[index]["actor"] = "mallory"
        assert verify_chain(edited, partial=True) == (
            index + 1,
            index + 6,
            "its content does not match its hash (edited)",
        )
    # and so is a gap
    gapped = tail[:2] + tail[3:]
    assert verify_chain(gapped, partial=True)[:2] == (3, 9)


def test_inserting_an_entry_is_detected():
    rows = [dict(r) for r in ROWS]
    forged = dict(rows[5], note="disisipkan")
    rows.insert(6, forged)
    checked, broken, _ = verify_chain(rows)
    assert (checked, broken) == (7, 6)


def _sample(**overrides) -> dict:
    base = {
        "seq": 1,
        "complaint_number": "GGN-2026-0001",
        "action": "step",
        "step": "4",
        "decision": "ya",
        "fields": {"estimasi": "4 jam"},
        "actor": "budi",
        "at": datetime(2026, 11, 23, 8, 15, tzinfo=WIB),
        "recorded_at": datetime(2026, 11, 23, 8, 15, 30, tzinfo=WIB),
        "note": None,
        "output": "F-01",
        "on_time": True,
        "took_minutes": 15.0,
        "standard_minutes": 60,
        "next_step": "5",
    }
    return base | overrides


@pytest.mark.parametrize("tz", [WIB, JKT, UTC, ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")])
def test_the_same_instant_hashes_the_same_in_any_zone(tz):
    reference = entry_hash(GENESIS, _sample())
    moved = _sample(at=_sample()["at"].astimezone(tz), recorded_at=_sample()["recorded_at"].astimezone(tz))
    assert entry_hash(GENESIS, moved) == reference
    # 08:15+07:00 is 01:15Z
    assert _sample(at=datetime(2026, 11, 23, 1, 15, tzinfo=UTC))["at"] == _sample()["at"]
    assert entry_hash(GENESIS, _sample(at=datetime(2026, 11, 23, 1, 15, tzinfo=UTC))) == reference


def test_the_same_wall_clock_in_another_zone_is_a_different_instant():
    reference = entry_hash(GENESIS, _sample())
    wall_utc = _sample(at=datetime(2026, 11, 23, 8, 15, tzinfo=UTC))
    assert entry_hash(GENESIS, wall_utc) != reference


def test_canonical_encoding_is_as_documented():
    # Written out by hand from entry_hash's docstring: a compact JSON array of
    # the values in HASHED_KEYS order (seq, complaint_number, action, step,
    # decision, fields, actor, at, recorded_at, note, output, on_time,
    # took_minutes, standard_minutes, next_step); moments in UTC with
    # microseconds and "Z"; floats as text with two decimals.
    expected_body = (
        '[1,"GGN-2026-0001","step","4","ya",{"estimasi":"4 jam"},"budi",'
        '"2026-11-23T01:15:00.000000Z","2026-11-23T01:15:30.000000Z",null,"F-01",true,"15.00",60,"5"]'
    )
    expected = hashlib.sha256(f"{GENESIS}\n{expected_body}".encode()).hexdigest()
    assert entry_hash(GENESIS, _sample()) == expected
    assert json.loads(expected_body)[12] == "15.00"


def test_text_moved_between_fields_changes_the_hash():
    # The encoding must be unambiguous: no two different entries share a body.
    a = _sample(note="menunggu", output="vendor")
    b = _sample(note="menunggu vendor", output="")
    c = _sample(note='menunggu","vendor', output=None)
    assert len({entry_hash(GENESIS, e) for e in (a, b, c)}) == 3


def test_key_order_and_extra_keys_do_not_matter():
    sample = _sample()
    reordered = dict(reversed(list(sample.items())))
    assert entry_hash(GENESIS, reordered) == entry_hash(GENESIS, sample)
    # keys the hash does not cover (the row's id, its own hash) are ignored
    assert entry_hash(GENESIS, sample | {"id": 99, "hash": "abc"}) == entry_hash(GENESIS, sample)
    # field order inside "fields" does not matter either
    two = _sample(fields={"a": "1", "b": "2"})
    assert entry_hash(GENESIS, _sample(fields={"b": "2", "a": "1"})) == entry_hash(GENESIS, two)


def test_the_previous_hash_is_part_of_the_digest():
    assert entry_hash(GENESIS, _sample()) != entry_hash("1" * 64, _sample())


def test_non_ascii_text_is_hashed_as_utf8():
    note = "Gangguan di Dinas Pendidikan — jaringan putus ✓"
    assert entry_hash(GENESIS, _sample(note=note)) != entry_hash(GENESIS, _sample(note=note + " "))


# --- the bulk form of a received entry's hash ------------------------------------------------------

_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ['"', "\\", "\n", "\x00", "\x1f", "\x7f", "\u2028", "é’—✓", "</script>", "null", ""]
)
_moments = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.one_of(st.timezones(), st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))),
)


@settings(max_examples=500, deadline=None)
@given(_moments)
def test_canonical_moment_is_how_entry_hash_writes_a_moment(moment):
    assert canonical_moment(moment) == _canonical(moment)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1000, 1, 1, 6, tzinfo=WIB),
        datetime(2026, 11, 23, 8, 15, 0, 1, tzinfo=JKT),
    ],
)
def test_canonical_moment_at_the_edges(moment):
    assert canonical_moment(moment) == _canonical(moment)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_texts, _texts, max_size=12))
def test_canonical_fields_is_how_entry_hash_writes_fields(fields):
    assert canonical_fields(fields) == json.dumps(
        _canonical(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


@settings(max_examples=500, deadline=None)
@given(
    prev=st.sampled_from([GENESIS, "f" * 64]),
    seq=st.integers(1, 10**12),
    number=_texts,
    fields=st.dictionaries(_texts, _texts, max_size=10),
    actor=_texts,
    received=_moments,
    recorded=_moments,
    note=st.none() | _texts,
    sop=st.sampled_from(["kaltim-db", "cirebon-aplikasi", "ipas-pemulihan", "tanahbumbu-jaringan"]),
)
def test_received_entry_hash_is_entry_hash(prev, seq, number, fields, actor, received, recorded, note, sop):
    started = engine.start(load(sop).definition, received_at=received, actor=actor, note=note)
    entry = engine.describe(started.entry) | {
        "fields": fields,
        "seq": seq,
        "complaint_number": number,
        "recorded_at": recorded,
    }
    fast = received_entry_hash(
        prev,
        seq,
        number,
        canonical_fields(fields),
        actor,
        canonical_moment(received),
        canonical_moment(recorded),
        note,
        started.entry.next_step,
    )
    assert fast == entry_hash(prev, entry)


def test_received_entry_hash_without_a_next_step():
    entry = {
        "seq": 7,
        "complaint_number": "ADU-2026-00007",
        "action": "received",
        "fields": {},
        "actor": "budi",
        "at": at(23, 8),
        "recorded_at": at(23, 9),
        "note": None,
        "next_step": None,
    }
    assert received_entry_hash(
        GENESIS,
        7,
        "ADU-2026-00007",
        canonical_fields({}),
        "budi",
        canonical_moment(at(23, 8)),
        canonical_moment(at(23, 9)),
        None,
        None,
    ) == entry_hash(GENESIS, entry)
