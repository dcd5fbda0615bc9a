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

VALID = '''\
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
'''
# Lines of VALID: waktu (overall) 5, [[roles]] 7 and 11, [[steps]] 15 (step 1), 21 (step 2), 38 (step 3).


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """English messages for stable text; the previous language comes back afterwards."""
    monkeypatch.setenv("SOP_LANG", "en")
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)


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
    assert any(p.message == "a decision needs at least two options, this one has 0" and p.step == "2"
               and p.line == 21 for p in problems), problems


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
    assert problem.message == f"{field}: Field required"
    assert problem.step is None
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}: {field}: Field required"]


def test_unknown_key_in_a_step(tmp_path):
    text = broken('waktu = "15 menit"', 'waktu = "15 menit"\nwaktoe = "1 jam"')
    problem = only(check_text(text))
    assert problem.message == "steps.0.waktoe: Extra inputs are not permitted"
    assert (problem.step, problem.line) == ("1", 15)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:15 step 1: steps.0.waktoe: Extra inputs are not permitted"]


def test_unknown_top_level_key(tmp_path):
    text = broken('version = "1"', 'version = "1"\nnamma = "Contoh"')
    problem = only(check_text(text))
    assert problem.message == "namma: Extra inputs are not permitted"
    assert (problem.step, problem.line) == (None, 3)
    path, messages = located(tmp_path, text)
    assert messages == [f"{path}:3: namma: Extra inputs are not permitted"]


def test_toml_syntax_error_with_line(tmp_path):
    text = broken('waktu = "1 jam"', 'waktu = "1 jam')  # unterminated string on line 25
    assert line_of(text, 'waktu = "1 jam') == 25
    problem = only(check_text(text))
    assert problem.message.startswith("TOML syntax error: ")
    assert "line" not in problem.message  # the line is in .line, not repeated in the text
    assert problem.line == 25
    path, messages = located(tmp_path, text)
    assert only(messages).startswith(f"{path}:25: TOML syntax error: ")


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
    assert problem.message.startswith("steps.2.end: Input should be 'resolved' or 'rejected'")
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
    assert messages == [
        "instansi: Field required",
        "nama: Field required",
        "steps.0.waktoe: Extra inputs are not permitted",
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
