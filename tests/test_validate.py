"""Broken SOP files: every kind of problem, with its message and its location.

Each test breaks one thing in a small valid SOP, writes it into ``tmp_path`` and
checks what ``check_text`` reports (message, step, line) and how ``load_file``
words it (``file:line step N: message``).
"""

from __future__ import annotations

import pytest

from sopcli import i18n
from sopcli.definitions.loader import check_text, load_file, load_text
from sopcli.errors import DefinitionError

VALID = """\
id = "contoh"
version = "1"
nama = "Contoh SOP"
instansi = "Diskominfo Contoh"
waktu = "1 hari"

[[roles]]
key = "operator"
nama = "Operator"

[[roles]]
key = "teknisi"
nama = "Teknisi"

[[steps]]
id = "1"
kegiatan = "Menerima pengaduan"
pelaksana = ["operator"]
waktu = "15 menit"

[[steps]]
id = "2"
kegiatan = "Memeriksa gangguan"
pelaksana = ["teknisi"]
waktu = "1 jam"

[steps.decision]
question = "Sudah pulih?"

[[steps.decision.options]]
label = "ya"
goto = "3"

[[steps.decision.options]]
label = "tidak"
end = "rejected"

[[steps]]
id = "3"
kegiatan = "Melaporkan penyelesaian"
pelaksana = ["operator"]
waktu = "1-2 hari"
end = "resolved"
"""
# Lines of VALID: waktu (overall) 5, [[roles]] 7 and 11, [[steps]] 15 (step 1), 21 (step 2), 38 (step 3).


pytestmark = pytest.mark.usefixtures("english_messages")  # stable text


def broken(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``fragment``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[nth - 1]


def located(tmp_path, text: str) -> tuple[str, list[str]]:
    """Write ``text`` to a file, load it, and return (path, located problems)."""
    path = tmp_path / "sop.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    return str(path), info.value.problems


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


# --- the valid base ---------------------------------------------------------------


def test_the_base_file_is_valid(tmp_path):
    assert check_text(VALID) == []
    path = tmp_path / "ok.toml"
    path.write_text(VALID, encoding="utf-8")
    loaded = load_file(path)
    assert loaded.definition.id == "contoh"
    assert [s.id for s in loaded.definition.steps] == ["1", "2", "3"]
    assert loaded.origin == str(path)
    assert len(loaded.digest) == 64


def test_the_line_numbers_in_the_comment_are_right():
    assert line_of(VALID, "[[steps]]", 1) == 15
    assert line_of(VALID, "[[steps]]", 2) == 21
    assert line_of(VALID, "[[steps]]", 3) == 38
    assert line_of(VALID, "[[roles]]", 2) == 11


# --- one problem kind per test ---------------------------------------------------------


def test_unknown_role(tmp_path):
    text = broken('pelaksana = ["teknisi"]', 'pelaksana = ["teknsi"]')
    problem = only(check_text(text))
    assert problem.message == "unknown role 'teknsi' (known: operator, teknisi)"
    assert (problem.step, problem.line) == ("2", 21)
    path, problems = located(tmp_path, text)
    assert problems == [f"{path}:21 step 2: unknown role 'teknsi' (known: operator, teknisi)"]


def test_dangling_next_target(tmp_path):
    text = broken('waktu = "15 menit"', 'waktu = "15 menit"\nnext = "9"')
    problems = check_text(text)
    dangling = [p for p in problems if "does not exist" in p.message]
    assert len(dangling) == 1
    assert dangling[0].message == "next step '9' does not exist"
    assert (dangling[0].step, dangling[0].line) == ("1", 15)
    path, messages = located(tmp_path, text)
    assert f"{path}:15 step 1: next step '9' does not exist" in messages


def test_dangling_option_goto(tmp_path):
    text = broken('goto = "3"', 'goto = "7"')
    problems = check_text(text)
    dangling = [p for p in problems if "goes to" in p.message]
    assert len(dangling) == 1
    assert dangling[0].message == "option 'ya' goes to step '7', which does not exist"
    assert (dangling[0].step, dangling[0].line) == ("2", 21)
    path, messages = located(tmp_path, text)
    assert f"{path}:21 step 2: option 'ya' goes to step '7', which does not exist" in messages


def test_unreachable_step(tmp_path):
    # "ya" ends the case instead of going to step 3: nothing leads to step 3 any more.
    text = broken('label = "ya"\ngoto = "3"', 'label = "ya"\nend = "resolved"')
    problem = only(check_text(text))
    assert problem.message == "no path from the first step reaches this step"
    assert (problem.step, problem.line) == ("3", 38)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:38 step 3: no path from the first step reaches this step"]


def test_decision_with_one_option(tmp_path):
    text = broken('[[steps.decision.options]]\nlabel = "tidak"\nend = "rejected"\n', "")
    problem = only(check_text(text))
    assert problem.message == "a decision needs at least two options, this one has 1"
    assert (problem.step, problem.line) == ("2", 21)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:21 step 2: a decision needs at least two options, this one has 1"]


def test_decision_with_no_options():
    text = VALID.split("[[steps.decision.options]]")[0].rstrip() + "\n"
    text += '\n[[steps]]\nid = "3"\nkegiatan = "x"\npelaksana = ["operator"]\nend = "resolved"\n'
    problems = check_text(text)
    assert any(
        p.message == "a decision needs at least two options, this one has 0" and p.step == "2" and p.line == 21
        for p in problems
    ), problems


def test_step_with_no_path_to_an_end(tmp_path):
    # Step 2's "tidak" loops back to 2 and step 3 goes back to 2: the case can never close.
    text = broken('label = "tidak"\nend = "rejected"', 'label = "tidak"\ngoto = "2"')
    text = broken('end = "resolved"', 'next = "2"', text)
    problems = check_text(text)
    assert {(p.message, p.step, p.line) for p in problems} == {
        ("no path from this step leads to an end", "1", 15),
        ("no path from this step leads to an end", "2", 21),
        ("no path from this step leads to an end", "3", 38),
    }
    path, messages = located(tmp_path, text)
    assert f"{path}:21 step 2: no path from this step leads to an end" in messages


def test_last_step_without_an_end():
    text = broken('end = "resolved"\n', "")
    problems = check_text(text)
    assert {(p.message, p.step, p.line) for p in problems} == {
        ('the last step needs end = "resolved" or "rejected", or a next step', "3", 38),
        # and so, consistently, nothing after step 3 reaches an end
        ("no path from this step leads to an end", "3", 38),
    }


def test_bad_step_time_text(tmp_path):
    text = broken('waktu = "1 jam"', 'waktu = "sebentar"')
    problem = only(check_text(text))
    assert problem.message.startswith("bad time standard: not a length of time: 'sebentar'")
    assert (problem.step, problem.line) == ("2", 21)
    path, messages = located(tmp_path, text)
    assert only(messages).startswith(f"{path}:21 step 2: bad time standard: not a length of time: 'sebentar'")


def test_bad_overall_time_text(tmp_path):
    text = broken('waktu = "1 hari"', 'waktu = "1 abad"')
    problem = only(check_text(text))
    assert problem.message.startswith("bad time standard: unknown time unit 'abad' in '1 abad'")
    assert problem.step is None
    assert problem.line == 5  # the top-level waktu line
    path, messages = located(tmp_path, text)
    assert only(messages).startswith(f"{path}:5: bad time standard: unknown time unit 'abad'")


def test_duplicate_step_ids(tmp_path):
    text = broken('id = "3"', 'id = "2"')
    problems = check_text(text)
    duplicate = only([p for p in problems if "is used" in p.message])
    assert duplicate.message == "step id '2' is used 2 times"
    assert duplicate.step == "2"
    # Either of the two tables with that id is a fair place to point at.
    assert duplicate.line in (21, 38)
    path, messages = located(tmp_path, text)
    assert any(m.startswith(f"{path}:{duplicate.line} step 2: step id '2' is used 2 times") for m in messages)


def test_duplicate_role_keys(tmp_path):
    text = broken('key = "teknisi"\nnama = "Teknisi"', 'key = "operator"\nnama = "Operator lagi"')
    text = broken('pelaksana = ["teknisi"]', 'pelaksana = ["operator"]', text)
    problem = only(check_text(text))
    assert problem.message == "role 'operator' is defined 2 times"
    assert problem.step is None
    # The problem must say where: one of the two [[roles]] tables defining the key (lines 7, 11).
    assert problem.line in (7, 11), f"duplicate role reported without its line: {problem}"
    path, messages = located(tmp_path, text)
    assert only(messages) == f"{path}:{problem.line}: role 'operator' is defined 2 times"


@pytest.mark.parametrize("field", ["nama", "instansi"])
def test_missing_identity_field(tmp_path, field):
    line = {"nama": 'nama = "Contoh SOP"\n', "instansi": 'instansi = "Diskominfo Contoh"\n'}[field]
    text = broken(line, "")
    problem = only(check_text(text))
    assert problem.message == f"required key '{field}' is missing"
    assert problem.step is None
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}: required key '{field}' is missing"]


def test_unknown_key_in_a_step(tmp_path):
    text = broken('waktu = "15 menit"', 'waktu = "15 menit"\nwaktoe = "1 jam"')
    problem = only(check_text(text))
    # No suggestion: the close known key, waktu, is already there. The step's keys are listed instead.
    assert problem.message == (
        "unknown key 'waktoe' (known keys: id, kegiatan, pelaksana, kelengkapan, waktu, "
        "waktu_dari, waktu_sejak, jam, waktu_prioritas, output, keterangan, next, end, decision, fields, cabang, gabung, "
        "persetujuan, checks, diinformasikan, serahkan, reminders, escalate, dokumen)"
    )
    assert (problem.step, problem.line) == ("1", 15)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:15 step 1: {problem.message}"]


def test_unknown_top_level_key(tmp_path):
    text = broken('version = "1"', 'version = "1"\nnamma = "Contoh"')
    problem = only(check_text(text))
    assert problem.message.startswith("unknown key 'namma' (known keys: id, version, nomor, nama, instansi, ")
    assert (problem.step, problem.line) == (None, 3)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:3: {problem.message}"]


def test_toml_syntax_error_with_line(tmp_path):
    text = broken('waktu = "1 jam"', 'waktu = "1 jam')  # unterminated string on line 25
    assert line_of(text, 'waktu = "1 jam') == 25
    problem = only(check_text(text))
    # Where, in our words (the line in .line, shown as file:25; the column in the text), then what;
    # tomllib's own message stays as the detail.
    assert problem.message == "TOML syntax error at column 15: a quoted text is not closed (Illegal character '\\n')"
    assert problem.line == 25
    path, messages = located(tmp_path, text)
    assert only(messages) == f"{path}:25: {problem.message}"


def test_option_with_both_goto_and_end(tmp_path):
    text = broken('label = "tidak"\nend = "rejected"', 'label = "tidak"\ngoto = "3"\nend = "rejected"')
    problem = only(check_text(text))
    assert problem.message == "option 'tidak' needs exactly one of goto or end"
    assert (problem.step, problem.line) == ("2", 21)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:21 step 2: option 'tidak' needs exactly one of goto or end"]


def test_option_with_neither_goto_nor_end():
    text = broken('label = "tidak"\nend = "rejected"', 'label = "tidak"')
    problem = only(check_text(text))
    assert problem.message == "option 'tidak' needs exactly one of goto or end"
    assert (problem.step, problem.line) == ("2", 21)


def test_bad_end_outcome():
    text = broken('end = "resolved"', 'end = "done"')
    problem = only(check_text(text))
    assert problem.message == 'end: must be one of "resolved", "rejected", not "done"'
    assert (problem.step, problem.line) == ("3", 38)


# --- every problem, not only the first -------------------------------------------------------


def test_several_problems_are_all_reported(tmp_path):
    text = broken('waktu = "1 hari"', 'waktu = "kapan-kapan"')  # overall waktu, line 5
    text = broken('pelaksana = ["teknisi"]', 'pelaksana = ["teknsi"]', text)  # step 2
    text = broken('waktu = "15 menit"', 'waktu = "15 parsec"', text)  # step 1
    text = broken('goto = "3"', 'goto = "4"', text)  # step 2; step 3 becomes unreachable
    problems = check_text(text)
    found = {(p.step, p.line, p.message.split(":")[0]) for p in problems}
    assert found == {
        (None, 5, "bad time standard"),
        ("1", 15, "bad time standard"),
        ("2", 21, "unknown role 'teknsi' (known"),
        ("2", 21, "option 'ya' goes to step '4', which does not exist"),
        ("3", 38, "no path from the first step reaches this step"),
    }
    path, messages = located(tmp_path, text)
    assert len(messages) == 5
    assert all(m.startswith(path + ":") for m in messages)


def test_several_schema_problems_are_all_reported(tmp_path):
    text = broken('nama = "Contoh SOP"\n', "")
    text = broken('instansi = "Diskominfo Contoh"\n', "", text)
    text = broken('waktu = "15 menit"', 'waktu = "15 menit"\nwaktoe = "x"', text)
    messages = sorted(p.message for p in check_text(text))
    assert [m.split(" (known keys")[0] for m in messages] == [
        "required key 'instansi' is missing",
        "required key 'nama' is missing",
        "unknown key 'waktoe'",
    ]
    with pytest.raises(DefinitionError) as info:
        load_text(text, "mine.toml")
    assert "3 problems" in info.value.message
    assert len(info.value.problems) == 3


def test_definition_error_names_the_file(tmp_path):
    text = broken('goto = "3"', 'goto = "7"')
    path = tmp_path / "sop.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    assert info.value.message == f"{path} is not a valid SOP (2 problems)"


def test_unreadable_files(tmp_path):
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(VALID.replace("Contoh SOP", "Contoh SOP \xe9").encode("latin-1"))
    with pytest.raises(DefinitionError, match="not UTF-8"):
        load_file(latin1)
    with pytest.raises(DefinitionError, match="cannot read"):
        load_file(tmp_path / "missing.toml")


# --- pydantic's complaints in the SOP author's words -----------------------------------------
# Steps are named by their id (or "step no. n", 1-based, when they have none), keys by their
# TOML names; the messages are ours, through _(), never pydantic's English.


def test_misspelt_key_in_a_step_names_the_key_meant(tmp_path):
    text = broken('kegiatan = "Memeriksa gangguan"', 'kegiatn = "Memeriksa gangguan"')
    # One problem, not pydantic's two (kegiatan missing, kegiatn not permitted).
    problem = only(check_text(text))
    assert problem.message == "unknown key 'kegiatn'; did you mean 'kegiatan'?"
    assert (problem.step, problem.line) == ("2", 21)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:21 step 2: unknown key 'kegiatn'; did you mean 'kegiatan'?"]


def test_a_step_without_an_id_is_named_by_its_place(tmp_path):
    text = broken('id = "2"\nkegiatan = "Memeriksa gangguan"', 'kegiatan = "Memeriksa gangguan"')
    problem = only(check_text(text))
    assert problem.message == "step no. 2: required key 'id' is missing"
    assert (problem.step, problem.line) == (None, 21)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:21: step no. 2: required key 'id' is missing"]


def test_misspelt_key_in_a_decision_option():
    text = broken('label = "ya"', 'labl = "ya"')
    problem = only(check_text(text))
    assert problem.message == "decision, option no. 1: unknown key 'labl'; did you mean 'label'?"
    assert (problem.step, problem.line) == ("2", 21)


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            'id = "contoh"',
            'id = "Contoh Email"',
            1,
            "id: 'Contoh Email' is not a valid id: use lowercase letters, digits, '-' and '_', beginning with a letter or "
            'digit (for example "contoh-email")',
        ),
        ('version = "1"', "version = 1", 2, 'version: must be text in double quotes: write "1", not 1'),
        (
            'waktu = "1 hari"',
            'waktu = "1 hari"\ncalendar = "24/7"',
            6,
            'calendar: must be one of "office", "24x7", not "24/7"',
        ),
        ('nama = "Contoh SOP"', 'nama = ""', 3, "nama: must not be empty"),
        (
            'instansi = "Diskominfo Contoh"',
            'instansi = "Diskominfo Contoh"\ndasar_hukum = "UU 25/2009"',
            5,
            'dasar_hukum: must be a list in square brackets, such as ["..."], not "UU 25/2009"',
        ),
    ],
)
def test_top_level_value_problems(tmp_path, old, new, line, message):
    text = broken(old, new)
    problem = only(check_text(text))
    assert (problem.message, problem.step, problem.line) == (message, None, line)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:{line}: {message}"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('pelaksana = ["teknisi"]', "pelaksana = []", "pelaksana: needs at least one entry"),
        (
            'pelaksana = ["teknisi"]',
            'pelaksana = "teknisi"',
            'pelaksana: must be a list in square brackets, such as ["..."], not "teknisi"',
        ),
        # The item's own problem only: not also "needs at least one entry" for a list that has one.
        (
            'pelaksana = ["teknisi"]',
            "pelaksana = [2]",
            'pelaksana no. 1: must be text in double quotes: write "2", not 2',
        ),
        (
            'question = "Sudah pulih?"',
            'question = "Sudah pulih?"\nextra = true',
            "decision: unknown key 'extra' (known keys: question, options)",
        ),
    ],
)
def test_step_value_problems(old, new, message):
    problem = only(check_text(broken(old, new)))
    assert (problem.message, problem.step, problem.line) == (message, "2", 21)


def test_a_decision_that_is_not_a_table():
    text = VALID.split("[steps.decision]")[0] + 'decision = "ya atau tidak"\n'
    problem = only(check_text(text))
    assert problem.message == 'decision: must be a [steps.decision] table, not "ya atau tidak"'
    assert problem.step == "2"


def test_roles_that_are_not_tables():
    text = broken('instansi = "Diskominfo Contoh"', 'instansi = "Diskominfo Contoh"\nroles = "operator"')
    text = text.replace('[[roles]]\nkey = "operator"\nnama = "Operator"\n\n', "")
    text = text.replace('[[roles]]\nkey = "teknisi"\nnama = "Teknisi"\n\n', "")
    problem = only(check_text(text))
    assert (problem.message, problem.line) == ('roles: must be one or more [[roles]] tables, not "operator"', 5)


def test_problems_in_a_role_and_a_field_name_them():
    text = broken('key = "teknisi"', 'key = "Teknisi"')
    text = broken(
        'waktu = "15 menit"',
        'waktu = "15 menit"\n\n[[steps.fields]]\nkey = "catatan"\nmeaning = "Catatan"\n'
        'type = "datetime"\nrequired = "ya"',
        text,
    )
    assert [(p.message, p.step, p.line) for p in check_text(text)] == [
        (
            "role 'Teknisi', key: 'Teknisi' is not a valid key: use lowercase letters, digits and '_' "
            '(for example "teknisi")',
            None,
            11,
        ),
        ('field \'catatan\', type: must be one of "text", "duration", "number", not "datetime"', "1", 15),
        ("field 'catatan', required: must be true or false (without quotes), not \"ya\"", "1", 15),
    ]


def test_toml_syntax_error_at_the_end_of_the_file(tmp_path):
    text = VALID + 'keterangan = """belum ditutup\n'
    problem = only(check_text(text))
    assert (
        problem.message == "TOML syntax error at the end of the file: a quoted text is not closed (Unterminated string)"
    )
    assert problem.line is None


def test_toml_syntax_error_detail_we_have_no_words_for_stays_tomllib_s():
    text = broken('nama = "Contoh SOP"', 'nama = "Contoh SOP" lagi')
    problem = only(check_text(text))
    assert problem.message == "TOML syntax error at column 21: Expected newline or end of document after a statement"
    assert problem.line == 3


def test_schema_problems_in_indonesian_are_not_pydantic_s_english(monkeypatch):
    monkeypatch.setenv("SOP_LANG", "id")
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)
    text = broken('kegiatan = "Memeriksa gangguan"', 'kegiatn = "Memeriksa gangguan"')
    text = broken('id = "contoh"', 'id = "Contoh Email"', text)
    text = broken('version = "1"', "version = 1", text)
    text = broken('waktu = "1 hari"', 'waktu = "1 hari"\ncalendar = "24/7"', text)
    messages = [p.message for p in check_text(text)]
    assert len(messages) == 4, messages
    for message in messages:
        for english in ("Field required", "Extra inputs", "Input should", "String should", "steps.1"):
            assert english not in message, message


def test_problems_follow_a_change_of_language(monkeypatch):
    text = broken('pelaksana = ["teknisi"]', 'pelaksana = ["teknsi"]')
    assert only(check_text(text)).message == "unknown role 'teknsi' (known: operator, teknisi)"
    monkeypatch.setenv("SOP_LANG", "id")
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)
    # The same text again: not the English problems remembered from the first parse.
    assert only(check_text(text)).message == "pelaksana 'teknsi' tidak dikenal (yang dikenal: operator, teknisi)"


# --- a user's file cannot take a built-in SOP's id ---------------------------------------------


def test_a_user_file_with_a_built_in_id_is_refused(tmp_path):
    text = broken('id = "contoh"', 'id = "kaltim-db"')
    assert check_text(text) == []  # the text alone is a valid SOP...
    path = tmp_path / "kaltim-db.toml"  # ...even named like the built-in, it is not one
    problem = only(check_text(text, str(path)))
    assert (problem.message, problem.line) == ("id kaltim-db is the id of a built-in SOP; choose another id", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    # Otherwise valid: the one thing wrong is the message itself, on one line.
    assert str(info.value) == f"{path}:1: id kaltim-db is the id of a built-in SOP; choose another id"


def test_a_built_in_id_is_listed_with_the_file_s_other_problems(tmp_path):
    text = broken('id = "contoh"', 'id = "kaltim-db"')
    text = broken('version = "1"', "version = 1", text)
    assert [(p.message, p.line) for p in check_text(text, "mine.toml")] == [
        ('version: must be text in double quotes: write "1", not 1', 2),
        ("id kaltim-db is the id of a built-in SOP; choose another id", 1),
    ]
    path, messages = located(tmp_path, text)
    assert messages[-1] == f"{path}:1: id kaltim-db is the id of a built-in SOP; choose another id"


def test_the_built_in_files_keep_their_ids(tmp_path):
    from sopcli.definitions.loader import builtin_dir, builtin_ids, load

    for sop_id in builtin_ids():
        path = builtin_dir() / f"{sop_id}.toml"
        assert check_text(path.read_text(encoding="utf-8"), str(path)) == []
        assert load_file(path).definition.id == load(sop_id).definition.id == sop_id


def test_a_stored_version_is_not_refused_for_its_id():
    # Text stored with complaints comes back through load_text; one accepted before this rule still reads.
    text = broken('id = "contoh"', 'id = "kaltim-db"')
    assert load_text(text, "/somewhere/kaltim-db.toml").definition.id == "kaltim-db"


# --- waktu_sejak and jam --------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            'waktu = "1-2 hari"\nwaktu_sejak = "kemarin"',
            'waktu_sejak must be "diterima", "mulai:ID" or "selesai:ID", not \'kemarin\'',
        ),
        (
            'waktu = "1-2 hari"\nwaktu_sejak = "selesai:"',
            'waktu_sejak must be "diterima", "mulai:ID" or "selesai:ID", not \'selesai:\'',
        ),
        ('waktu = "1-2 hari"\nwaktu_sejak = "selesai:9"', "waktu_sejak names step '9', which does not exist"),
        (
            'waktu = "1-2 hari"\nwaktu_sejak = "mulai:3"',
            "waktu_sejak names this step itself; leave it out to count from its start",
        ),
        (
            'waktu = "-"\nwaktu_sejak = "diterima"',
            "waktu_sejak and jam need a time standard: waktu, waktu_dari or waktu_prioritas",
        ),
        (
            'waktu = "-"\njam = "kalender"',
            "waktu_sejak and jam need a time standard: waktu, waktu_dari or waktu_prioritas",
        ),
        ('waktu = "1-2 hari"\njam = "jam kerja"', 'jam: must be one of "kerja", "kalender", not "jam kerja"'),
    ],
)
def test_counting_problems_name_the_step_and_its_line(tmp_path, new, message):
    text = broken('waktu = "1-2 hari"', new)
    problem = only(check_text(text))
    assert (problem.message, problem.step, problem.line) == (message, "3", 38)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:38 step 3: {message}"]


def test_a_moment_no_path_leads_from():
    # step 3 comes after step 2 only: step 2's deadline cannot count from step 3's end
    problem = only(check_text(broken('waktu = "1 jam"', 'waktu = "1 jam"\nwaktu_sejak = "selesai:3"')))
    assert (problem.message, problem.step, problem.line) == (
        "waktu_sejak names step '3', from which no path leads to this step",
        "2",
        21,
    )


def test_counting_from_earlier_moments_in_clock_hours_is_valid():
    text = broken('waktu = "1-2 hari"', 'waktu = "1-2 hari"\nwaktu_sejak = "selesai:1"\njam = "kalender"')
    assert check_text(text) == []
    step = load_text(text, "sop.toml").definition.step("3")
    assert (step.waktu_sejak, step.jam) == ("selesai:1", "kalender")
    assert check_text(broken('waktu = "1 jam"', 'waktu = "1 jam"\nwaktu_sejak = "diterima"')) == []


# --- waktu_prioritas ------------------------------------------------------------------


def test_an_unknown_priority_is_named_with_its_step_and_line(tmp_path):
    text = broken('waktu = "1 jam"', 'waktu = "1 jam"\nwaktu_prioritas = { kritis = "30 menit", urgen = "10 menit" }')
    problem = only(check_text(text))
    assert problem.message == "waktu_prioritas: unknown key 'urgen' (known keys: rendah, sedang, tinggi, kritis)"
    assert (problem.step, problem.line) == ("2", 21)


def test_a_bad_duration_in_a_priority_table(tmp_path):
    text = broken('waktu = "1 hari"', 'waktu = "1 hari"\nwaktu_prioritas = { tinggi = "sebentar" }')
    problem = only(check_text(text))
    assert problem.message.startswith("waktu_prioritas tinggi: bad time standard: ")
    assert (problem.step, problem.line) == (None, 6)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:6: {problem.message}"]
    step_text = broken('waktu = "15 menit"', 'waktu = "15 menit"\nwaktu_prioritas = { kritis = "lima menit" }')
    step_problem = only(check_text(step_text))
    assert step_problem.message.startswith("waktu_prioritas kritis: bad time standard: ")
    assert (step_problem.step, step_problem.line) == ("1", 15)


def test_a_priority_table_is_a_standard_to_count_from():
    text = broken('waktu = "1-2 hari"', 'waktu = "-"\nwaktu_sejak = "diterima"\nwaktu_prioritas = { kritis = "1 jam" }')
    assert check_text(text) == []


# --- reminders, escalations and the chain of command (format 2) ----------------------

V2 = (
    "format = 2\n"
    + VALID.replace('end = "rejected"', 'end = "ditolak"').replace('end = "resolved"', 'end = "selesai"')
    + """
[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[outcomes]]
id = "ditolak"
label = "Ditolak"
kind = "rejected"
"""
)
# V2 is VALID one line lower: [[roles]] 8 and 12, [[steps]] 16 (step 1), 22 (step 2), 39 (step 3).
WITH_ATASAN = broken('nama = "Operator"', 'nama = "Operator"\natasan = "teknisi"', V2)  # one more line from 11 on


def test_the_format_2_base_and_its_lines():
    assert check_text(V2) == []
    assert (line_of(V2, "[[roles]]", 2), line_of(V2, "[[steps]]", 3)) == (12, 39)


def test_reminders_escalations_and_atasan_that_are_right_are_valid():
    text = broken(
        'waktu = "1-2 hari"',
        'waktu = "1-2 hari"\nreminders = ["50%", "1 jam", "150%"]\n'
        'escalate = [{ at = "100%", to = "atasan" }, { at = "2 jam", to = "kepala" }, { at = "200%", to = "teknisi" }]',
        WITH_ATASAN,
    )
    assert check_text(text) == []  # a share over 100% is a reminder after the breach: allowed
    step = load_text(text, "sop.toml").definition.step("3")
    assert step.reminders == ("50%", "1 jam", "150%")
    assert [(e.at, e.to) for e in step.escalate] == [("100%", "atasan"), ("2 jam", "kepala"), ("200%", "teknisi")]
    # no reminders at all for a step is said with an empty list, and is valid too
    assert check_text(broken('waktu = "1 jam"', 'waktu = "1 jam"\nreminders = []\nescalate = []', V2)) == []


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            'reminders = ["50%", "sebentar"]',
            "reminders: not a reminder time: 'sebentar' (write a share of the step's time like '75%' "
            "or a time before its deadline like '1 jam')",
        ),
        (
            'reminders = ["1-2 jam"]',
            "reminders: not a reminder time: '1-2 jam' (write a share of the step's time like '75%' "
            "or a time before its deadline like '1 jam')",
        ),
        ('reminders = ["0%"]', "reminders: '0%' is not a share from 1% to 1000%"),
        ('reminders = ["50%", "1 jam", "50%"]', "reminders: '50%' is given 2 times"),
        ('reminders = ["1 jam", "60 menit"]', "reminders: '1 jam', '60 menit' are the same time; give it once"),
        (
            'escalate = [{ at = "100%", to = "operator" }, { at = "lama", to = "operator" }]',
            "escalate 2, at: not a reminder time: 'lama' (write a share of the step's time like '75%' "
            "or a time before its deadline like '1 jam')",
        ),
        (
            'escalate = [{ at = "100%", to = "kasi" }]',
            "escalate 1, to: 'kasi' is not a role of this SOP (known: operator, teknisi, atasan, kepala)",
        ),
        (
            'escalate = [{ at = "100%", to = "atasan" }]',
            "escalate 1, to: no pelaksana of this step names an atasan (operator); give one of them an atasan",
        ),
    ],
)
def test_a_step_s_reminder_or_escalation_problem_names_the_step_and_its_line(tmp_path, new, message):
    text = broken('waktu = "1-2 hari"', f'waktu = "1-2 hari"\n{new}', V2)
    problem = only(check_text(text))
    assert (problem.message, problem.step, problem.line) == (message, "3", 39)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:39 step 3: {message}"]


def test_a_reminder_or_escalation_on_a_step_without_a_time_standard():
    text = broken(
        'waktu = "1-2 hari"',
        'waktu = "-"\nreminders = ["1 jam"]\nescalate = [{ at = "100%", to = "kepala" }]',
        V2,
    )
    assert [(p.message, p.step) for p in check_text(text)] == [
        ("reminders: the step has no time standard to count a reminder from", "3"),
        ("escalate: the step has no time standard to count an escalation from", "3"),
    ]
    # a standard set while the case runs (waktu_dari) is one to count from
    estimated = broken(
        'waktu = "15 menit"',
        'waktu = "15 menit"\n\n[[steps.fields]]\nkey = "estimasi"\nmeaning = "Estimasi"\ntype = "duration"',
        broken('waktu = "1-2 hari"', 'waktu_dari = "estimasi"\nreminders = ["1 jam"]', V2),
    )
    assert check_text(estimated) == []


def test_an_atasan_that_is_no_role_of_the_sop_names_the_role_and_its_line(tmp_path):
    text = broken('nama = "Teknisi"', 'nama = "Teknisi"\natasan = "kasie"', V2)
    problem = only(check_text(text))
    assert (problem.message, problem.step, problem.line) == (
        "role 'teknisi', atasan: 'kasie' is not a role of this SOP (known: operator)",
        None,
        12,
    )
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:12: role 'teknisi', atasan: 'kasie' is not a role of this SOP (known: operator)"]


def test_a_role_that_is_its_own_atasan():
    problem = only(check_text(broken('nama = "Teknisi"', 'nama = "Teknisi"\natasan = "teknisi"', V2)))
    assert (problem.message, problem.line) == (
        "role 'teknisi', atasan: names the role itself; name the role it answers to",
        12,
    )


def test_a_chain_of_command_that_goes_round_is_reported_once():
    text = broken('nama = "Teknisi"', 'nama = "Teknisi"\natasan = "operator"', WITH_ATASAN)
    problem = only(check_text(text))
    assert (problem.message, problem.line) == (
        "the chain of command goes round: operator → teknisi → operator; the role at the top has no atasan",
        8,
    )
    # a third role answering into the circle does not make it a second problem
    kasie = '[[roles]]\nkey = "kasie"\nnama = "Kasie"\natasan = "teknisi"\n\n[[steps]]'
    three = text.replace("[[steps]]", kasie, 1)
    assert [p.message for p in check_text(three)] == [problem.message]


def test_the_new_keys_on_a_format_1_file_are_reported_as_format_2_keys_only():
    text = broken('nama = "Operator"', 'nama = "Operator"\natasan = "nobody"')
    text = broken('waktu = "1-2 hari"', 'waktu = "1-2 hari"\nreminders = ["sebentar"]', text)
    assert sorted((p.message, p.step) for p in check_text(text)) == [
        ("atasan: a key of format 2; add format = 2 at the top of the file", None),
        ("reminders: a key of format 2; add format = 2 at the top of the file", "3"),
    ]


def test_chain_and_escalation_problems_in_indonesian(monkeypatch):
    monkeypatch.setenv("SOP_LANG", "id")
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)
    text = broken('nama = "Teknisi"', 'nama = "Teknisi"\natasan = "kasie"', V2)
    text = broken('waktu = "1-2 hari"', 'waktu = "-"\nescalate = [{ at = "1 jam", to = "atasan" }]', text)
    assert [p.message for p in check_text(text)] == [
        "pelaksana 'teknisi', atasan: 'kasie' bukan pelaksana SOP ini (yang dikenal: operator)",
        "escalate: langkah ini tidak memiliki mutu baku waktu untuk menghitung eskalasi",
        "escalate 1, to: tidak satu pun pelaksana langkah ini memiliki atasan (operator); isi atasan salah satunya",
    ]
