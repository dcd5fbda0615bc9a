"""The channel a complaint came in by (saluran): one fixed list, the office's own words mapped onto it,
the same for ``sop new``, ``sop correct`` and ``sop import``; words stored before the list was fixed still show."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from helpers import ok
from sopcli.errors import InputError
from sopcli.services.cases import CHANNELS, normalise_channel


@pytest.mark.parametrize(
    ("written", "channel"),
    [
        ("wa", "whatsapp"),
        ("WA", "whatsapp"),
        ("WhatsApp", "whatsapp"),
        ("telp", "telepon"),
        ("Telepon", "telepon"),
        ("surel", "email"),
        ("e-mail", "email"),
        ("nota dinas", "surat"),
        ("datang", "langsung"),
        ("  Datang   Langsung ", "langsung"),
        ("aplikasi", "web"),
        ("website", "web"),
        ("alert", "monitoring"),
        ("lain-lain", "lainnya"),
    ],
)
def test_office_words_map_onto_the_channels(written, channel):
    assert normalise_channel(written) == channel


def test_every_channel_is_its_own_word():
    assert [normalise_channel(channel) for channel in CHANNELS] == list(CHANNELS)


def test_an_unknown_channel_names_the_channels(english_messages):
    with pytest.raises(InputError) as raised:
        normalise_channel("faks")
    assert str(raised.value) == (
        "unknown channel 'faks' (choose surat, telepon, email, whatsapp, monitoring, langsung, web, lainnya)"
    )


NEW = ["new", "--sop", "kaltim-db", "-d", "SIMPEG mati", "--reporter", "Ani", "--unit", "BKD", "--system", "SIMPEG"]


def test_new_and_correct_take_the_mapping_and_refuse_other_words_in_one_line(sop):
    case = json.loads(ok(sop(*NEW, "--channel", "WA", "--json")).stdout)
    assert case["channel"] == "whatsapp"
    refused = sop(*NEW, "--channel", "merpati")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Error: unknown channel 'merpati' (choose surat, telepon, email, whatsapp, monitoring, langsung, web, lainnya)"
    ]
    ok(sop("correct", case["number"], "--field", "channel=surel", "--reason", "salah catat"))
    assert json.loads(ok(sop("show", case["number"], "--json")).stdout)["channel"] == "email"


def test_import_maps_channels_and_reports_an_unknown_one_as_a_bad_row(sop, sop_env):
    header = "ref,received_at,sop,reporter,unit,system,channel,description\n"
    path = sop_env / "saluran.csv"
    path.write_text(
        header
        + "A-1,2026-11-23T08:00,kaltim-db,Ani,BKD,SIMPEG,wa,satu\n"
        + "A-2,2026-11-23T08:05,kaltim-db,Ani,BKD,SIMPEG,Datang,dua\n"
        + "A-3,2026-11-23T08:10,kaltim-db,Ani,BKD,SIMPEG,merpati,tiga\n",
        encoding="utf-8",
    )
    refused = sop("import", str(path))
    assert refused.exit_code == 1
    assert "line 4 channel: unknown channel 'merpati' (choose surat, telepon" in refused.stdout
    ok(sop("import", str(path), "--skip-invalid"))
    listed = json.loads(ok(sop("list", "--json", "--sort", "received")).stdout)
    assert [row["number"] for row in listed] == ["ADU-2026-00001", "ADU-2026-00002"]
    channels = [json.loads(ok(sop("show", row["number"], "--json")).stdout)["channel"] for row in listed]
    assert channels == ["whatsapp", "langsung"]


def test_a_channel_stored_before_the_list_was_fixed_still_shows(sop, database):
    number = json.loads(ok(sop(*NEW, "--json")).stdout)["number"]
    from sopcli.store.database import Database, resolve_url

    with Database(resolve_url(database)).transaction(write=True) as session:  # as an older sop kept it
        session.execute(text("UPDATE complaint SET channel = 'SMS ke HP kasi' WHERE number = :n"), {"n": number})
    assert json.loads(ok(sop("show", number, "--json")).stdout)["channel"] == "SMS ke HP kasi"
    assert "SMS ke HP kasi" in ok(sop("show", number)).stdout
