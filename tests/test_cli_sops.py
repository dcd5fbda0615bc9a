"""``sop sops``: list, show, validate, graph and path, through Typer's CliRunner.

Data goes to stdout, errors to stderr as exactly one ``Error: …`` line.
This Typer's CliRunner keeps ``result.stdout`` and ``result.stderr`` apart
(``result.output`` has both, interleaved).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sopcli import i18n
from sopcli.cli import app
from sopcli.definitions.loader import builtin_ids, load

SAMPLE_INCIDENT = Path(__file__).resolve().parent.parent / "sample_data" / "insiden-siber.toml"
BUILTINS = {"cirebon-aplikasi", "ipas-pemulihan", "kaltim-db", "tanahbumbu-jaringan"}

USER_SOP = """\
id = "contoh"
version = "2"
nomor = "001/SOP/2026"
nama = "Contoh SOP Pengguna"
instansi = "Diskominfo Kota Contoh"
waktu = "1 hari"

[[roles]]
key = "operator"
nama = "Operator Layanan"

[[roles]]
key = "teknisi"
nama = "Teknisi Jaringan"

[[roles]]
key = "kepala"
nama = "Kepala Bidang"

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
question = "Bisa ditangani?"

[[steps.decision.options]]
label = "ya"
goto = "3"

[[steps.decision.options]]
label = "tidak"
end = "rejected"

[[steps]]
id = "3"
kegiatan = "Memperbaiki dan melaporkan"
pelaksana = ["operator", "teknisi"]
waktu = "1-2 hari"
end = "resolved"
"""
# Lines: [[steps]] 1 at 20, 2 at 26 (its waktu at 30), 3 at 43.

BROKEN_SOP = USER_SOP.replace('pelaksana = ["teknisi"]', 'pelaksana = ["teknsi"]').replace('goto = "3"', 'goto = "7"')


@pytest.fixture(autouse=True)
def english(monkeypatch, tmp_path):
    """Stable English text (the process-wide language comes back afterwards); no real database or config."""
    monkeypatch.setenv("SOP_LANG", "en")
    monkeypatch.setenv("SOP_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("SOP_CONFIG", str(tmp_path / "config.toml"))  # never the user's own config
    monkeypatch.delenv("SOP_DEBUG", raising=False)
    monkeypatch.setattr(i18n, "_translation", None)
    monkeypatch.setattr(i18n, "_language", None)


@pytest.fixture
def user_file(tmp_path):
    path = tmp_path / "contoh.toml"
    path.write_text(USER_SOP, encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path):
    path = tmp_path / "rusak.toml"
    path.write_text(BROKEN_SOP, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"SOP_LANG": "en"})


def assert_one_error_line(result, code):
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


def test_runner_separates_streams():
    result = run("sops", "show", "no-such-sop")
    assert result.stderr and not result.stdout
    assert result.stderr in result.output


# --- list ----------------------------------------------------------------------------


def test_list_plain_table():
    result = run("sops", "list")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Id", "Number", "Name", "Agency", "Steps", "Version"]
    assert set(lines[1].split()) == {"-" * len(w) for w in lines[1].split()}  # the rule under the header
    assert set(builtin_ids()) >= BUILTINS
    first_cells = {line.split()[0] for line in lines[2:] if line and not line.startswith(" ")}
    assert first_cells == set(builtin_ids())
    kaltim = next(line for line in lines if line.startswith("kaltim-db "))
    assert "Pengelolaan Gangguan Database" in kaltim
    assert re.search(r"\s9\s+4$", kaltim.rstrip())  # 9 steps, version 4
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_list_json():
    result = run("sops", "list", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [row["id"] for row in data] == builtin_ids()
    for row in data:
        assert set(row) == {"id", "nomor", "nama", "instansi", "steps", "version"}
        sop = load(row["id"]).definition
        assert row == {
            "id": sop.id,
            "nomor": sop.nomor,
            "nama": sop.nama,
            "instansi": sop.instansi,
            "steps": len(sop.steps),
            "version": sop.version,
        }
    kaltim = next(row for row in data if row["id"] == "kaltim-db")
    assert kaltim == {
        "id": "kaltim-db",
        "nomor": "",
        "nama": "Pengelolaan Gangguan Database",
        "instansi": "Pemerintah Provinsi Kalimantan Timur",
        "steps": 9,
        "version": "4",
    }


# --- show ----------------------------------------------------------------------------


def test_show_builtin():
    result = run("sops", "show", "kaltim-db")
    assert result.exit_code == 0, result.output
    out = result.stdout
    # Identity sheet.
    for label, value in [
        ("SOP name", "Pengelolaan Gangguan Database"),
        ("Agency", "Pemerintah Provinsi Kalimantan Timur"),
        ("Overall time standard", "3 (tiga) hari kerja"),
        ("Calendar", "working time"),
        ("Version", "4"),
    ]:
        assert re.search(rf"^{re.escape(label)}\s+{re.escape(value)}", out, re.M), label
    assert "1. Undang-undang Nomor 14 tahun 2008" in out
    # Flowchart table: header, then one row per step with its activity and time.
    header = next(line for line in out.splitlines() if line.startswith("No "))
    assert "Activity" in header and "Time" in header and "Next" in header
    sop = load("kaltim-db").definition
    table = out[: out.index("Remarks and decisions")]  # the readings follow the flowchart table
    rows = [line for line in table.splitlines() if re.match(r"^\d+\s", line)]
    assert [row.split()[0] for row in rows] == [s.id for s in sop.steps] == [str(n) for n in range(1, 10)]
    for row, step in zip(rows, sop.steps):
        first_words = " ".join(step.kegiatan.split()[:2])
        assert first_words in row, (step.id, row)
    assert rows[6].rstrip().endswith("ya: → 8; tidak: → 5")  # step 7's branches in the Next column
    assert rows[7].rstrip().endswith("ya: → 9; tidak: → 7")
    assert "1-2 hari" in rows[3]
    assert "◆" in out and "■" in out


def test_show_names_each_pelaksana_with_the_role_key_operator_add_takes():
    # 'sop operator add NAME' without --role points here; the keys must be visible without --json.
    out = run("sops", "show", "kaltim-db").stdout
    sop = load("kaltim-db").definition
    assert len(sop.roles) == 5
    for n, role in enumerate(sop.roles, start=1):
        assert re.search(rf"^(Who acts)?\s+{n}\. {re.escape(role.nama)} \({role.key}\)$", out, re.M), role.key
    assert "Pejabat Administrator Bidang TIK (pejabat_administrator)" in out
    # The flowchart table below keeps its lanes: one column per pelaksana, headed by its name.
    header = next(line for line in out.splitlines() if line.startswith("No "))
    assert all(role.nama in header for role in sop.roles)


def test_show_user_file_with_one_pelaksana_lists_its_key(tmp_path):
    path = tmp_path / "satu.toml"
    path.write_text(
        USER_SOP.replace('pelaksana = ["teknisi"]', 'pelaksana = ["operator"]')
        .replace('pelaksana = ["operator", "teknisi"]', 'pelaksana = ["operator"]')
        .replace('[[roles]]\nkey = "teknisi"\nnama = "Teknisi Jaringan"\n\n', "")
        .replace('[[roles]]\nkey = "kepala"\nnama = "Kepala Bidang"\n\n', ""),
        encoding="utf-8",
    )
    result = run("sops", "show", path)
    assert result.exit_code == 0, result.output
    assert re.search(r"^Who acts\s+Operator Layanan \(operator\)$", result.stdout, re.M)


def test_show_builtin_json():
    result = run("sops", "show", "kaltim-db", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    loaded = load("kaltim-db")
    assert data == loaded.definition.model_dump(mode="json", by_alias=True) | {"digest": loaded.digest}
    assert data["id"] == "kaltim-db"
    assert data["waktu"] == "3 (tiga) hari kerja"
    assert [s["id"] for s in data["steps"]] == [str(n) for n in range(1, 10)]
    assert data["steps"][6]["decision"]["options"][1] == {
        "label": "tidak",
        "goto": "5",
        "end": None,
        "meaning": "Jika tidak akan dilakukan pemeriksaan Database server kembali oleh Administrator Jaringan.",
    }
    assert len(data["roles"]) == 5


def test_show_user_file(user_file):
    result = run("sops", "show", user_file)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"^SOP number\s+001/SOP/2026", out, re.M)
    assert re.search(r"^SOP name\s+Contoh SOP Pengguna", out, re.M)
    assert re.search(r"^Version\s+2", out, re.M)
    table = out[: out.index("Remarks and decisions")]
    rows = [line for line in table.splitlines() if re.match(r"^\d+\s", line)]
    assert [row.split()[0] for row in rows] == ["1", "2", "3"]
    assert "Menerima pengaduan" in rows[0] and "15 menit" in rows[0]
    assert "1-2 hari" in rows[2] and "end (resolved)" in rows[2]


def test_show_user_file_json(user_file):
    result = run("sops", "show", user_file, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "contoh" and data["nomor"] == "001/SOP/2026"
    assert data["steps"][2]["pelaksana"] == ["operator", "teknisi"]
    assert len(data["digest"]) == 64


def test_show_invalid_file_is_one_error_line(broken_file):
    line = assert_one_error_line(run("sops", "show", broken_file), 1)
    assert str(broken_file) in line and "not a valid SOP" in line


# --- validate --------------------------------------------------------------------------


def test_validate_ok(user_file):
    result = run("sops", "validate", user_file)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{user_file}: OK\n"


def test_validate_reports_every_problem(broken_file):
    result = run("sops", "validate", broken_file)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert lines == [
        f"{broken_file}:26 step 2: unknown role 'teknsi' (known: kepala, operator, teknisi)",
        f"{broken_file}:26 step 2: option 'ya' goes to step '7', which does not exist",
        f"{broken_file}:43 step 3: no path from the first step reaches this step",
    ]
    assert "OK" not in result.stdout


def test_validate_toml_syntax_error(tmp_path):
    path = tmp_path / "syntax.toml"
    path.write_text(USER_SOP.replace('waktu = "1 jam"', 'waktu = "1 jam'), encoding="utf-8")
    result = run("sops", "validate", path)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:30: TOML syntax error")
    assert len(result.stdout.splitlines()) == 1


def test_validate_mix_of_valid_and_invalid(user_file, broken_file, tmp_path):
    missing = tmp_path / "hilang.toml"
    result = run("sops", "validate", user_file, broken_file, missing)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{user_file}: OK"
    assert sum(line.startswith(f"{broken_file}:") for line in lines) == 3
    assert lines[-1].startswith(f"{missing}: cannot read")
    assert len(lines) == 5


def test_validate_builtin_files():
    from sopcli.definitions.loader import builtin_dir

    files = sorted(builtin_dir().glob("*.toml"))
    result = run("sops", "validate", *files)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [f"{f}: OK" for f in files]


def test_validate_refuses_a_user_file_with_a_built_in_id(tmp_path):
    path = tmp_path / "kaltim-db.toml"
    path.write_text(USER_SOP.replace('id = "contoh"', 'id = "kaltim-db"'), encoding="utf-8")
    result = run("sops", "validate", path)
    assert result.exit_code == 1
    assert result.stdout == f"{path}:1: id kaltim-db is the id of a built-in SOP; choose another id\n"


def test_validate_builtin_files_by_a_relative_path(monkeypatch):
    from sopcli.definitions.loader import builtin_dir

    monkeypatch.chdir(builtin_dir().parent)
    result = run("sops", "validate", "builtin/kaltim-db.toml")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "builtin/kaltim-db.toml: OK\n"


# --- graph ---------------------------------------------------------------------------------


def test_graph_mermaid():
    result = run("sops", "graph", "kaltim-db", "--format", "mermaid")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("flowchart TB\n")
    sop = load("kaltim-db").definition
    # A lane per pelaksana, in the SOP's role order; Kepala Dinas does no step but keeps its column.
    subgraphs = re.findall(r"^\s*subgraph lane_(\w+)\[", out, re.M)
    assert subgraphs == [role.key for role in sop.roles]
    assert re.search(r'subgraph lane_pejabat_pengawas\["Pejabat Pengawas Seksi', out)
    lanes = [f"lane_{role.key}" for role in sop.roles]
    assert [f"  {a} ~~~ {b}" in out for a, b in itertools.pairwise(lanes)] == [True] * (len(lanes) - 1)
    # Decisions are diamonds holding the question, the other steps rectangles.
    assert re.search(r'^\s*s7\{"7\. Apakah gangguan telah', out, re.M)
    assert re.search(r'^\s*s8\{"8\. ', out, re.M)
    assert re.search(r'^\s*s1\["1\. Menerima', out, re.M)
    # Edges, labelled at decisions; the loop back from 7 to 5 is drawn.
    assert "  start --> s1\n" in out
    assert '  s7 -- "ya" --> s8\n' in out
    assert '  s7 -- "tidak" --> s5\n' in out
    assert '  s8 -- "tidak" --> s7\n' in out
    assert "  s9 --> end_selesai\n" in out
    # Terminators.
    assert re.search(r'^\s*start\(\["Start"\]\)', out, re.M)
    assert re.search(r'^\s*end_selesai\(\["End: Selesai"\]\)', out, re.M)
    assert out.count("subgraph") == out.count("\n  end\n") == 5


def _lanes_of(out: str, opening: str, closing: str) -> dict[str, list[str]]:
    """Each lane's nodes (s<step id>), in the order written, from a Mermaid or DOT text."""
    lanes: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        if m := re.match(opening, line):
            current = lanes.setdefault(m[1], [])
        elif line.strip() == closing:
            current = None
        elif current is not None and (m := re.match(r"^\s+s(\d+)\W", line)):
            current.append(m[1])
    return lanes


@pytest.mark.parametrize("sop_id", sorted(BUILTINS))
@pytest.mark.parametrize(
    ("fmt", "opening", "closing"),
    [("mermaid", r"^\s*subgraph lane_(\w+)\[", "end"), ("dot", r"^\s*subgraph cluster_(\w+) \{", "}")],
)
def test_graph_puts_each_step_in_its_own_lane_in_step_order(sop_id, fmt, opening, closing):
    out = exited(run("sops", "graph", sop_id, "--format", fmt))
    sop = load(sop_id).definition
    lanes = _lanes_of(out, opening, closing)
    assert list(lanes) == [role.key for role in sop.roles]
    for role in sop.roles:
        assert lanes[role.key] == [s.id for s in sop.steps if s.pelaksana[0] == role.key]


@pytest.mark.parametrize("sop_id", sorted(BUILTINS))
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_labels_break_between_words_only(sop_id, fmt):
    out = exited(run("sops", "graph", sop_id, "--format", fmt))
    sop = load(sop_id).definition
    words = {
        word.strip('"').replace('"', "#quot;" if fmt == "mermaid" else '\\"')
        for text in [sop.nama, *(r.nama for r in sop.roles), *(s.kegiatan for s in sop.steps), "End:"]
        + [outcome.label for outcome in sop.ends]
        + [s.decision.question for s in sop.steps if s.decision]
        for word in text.split()
    }
    breaker = "<br/>" if fmt == "mermaid" else "\\n"
    labels = re.findall(r'(?:\[|\(|\{|label=)"((?:[^"\\]|\\.)*)"', out)
    assert labels
    for label in labels:
        lines = label.split(breaker)
        for upper, lower in itertools.pairwise(lines):
            # the words either side of a break are whole words of the SOP's text (a cut word is not)
            last, first = upper.split()[-1] if upper.split() else "", lower.split()[0] if lower.split() else ""
            assert last in words or not last.isalpha(), (label, last)
            assert first in words or first in ("+", "…") or not first.isalpha(), (label, first)
        assert all("…" not in line or line.endswith("…") for line in lines)


def exited(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_graph_mermaid_is_the_default_and_shows_both_ends(user_file):
    result = run("sops", "graph", user_file)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("flowchart TB\n")
    assert '  s2 -- "tidak" --> end_rejected\n' in out
    assert "  s3 --> end_resolved\n" in out
    assert "+ Teknisi Jaringan" in out  # a second pelaksana is named on the step
    assert 'subgraph lane_kepala["Kepala Bidang"]\n    direction TB\n    lane_kepala_empty[" "]\n  end' in out


def test_graph_dot():
    result = run("sops", "graph", "kaltim-db", "--format", "dot")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith('digraph "kaltim-db" {\n')
    assert out.rstrip().endswith("}")
    assert "rankdir=TB; newrank=true;" in out
    assert len(re.findall(r"subgraph cluster_\w+ \{", out)) == 5
    assert re.search(r'^\s*s7 \[label="7\. Apakah.*shape=diamond, tooltip="Apakah gangguan telah selesai\\?', out, re.M)
    assert re.search(r'^\s*s1 \[label=.*shape=box, tooltip="Pelaksana menurut', out, re.M)
    assert '  s7 -> s5 [label="tidak", tooltip="Jika tidak akan dilakukan pemeriksaan' in out
    assert "  s9 -> end_selesai [constraint=false];\n" in out
    # Each step its own row, the rows in step order.
    rows = re.findall(r"^  \{rank=same; (.*);\}$", out, re.M)
    steps = [re.findall(r"\bs(\d+)\b", row) for row in rows]
    assert [found for found in steps if found] == [[s.id] for s in load("kaltim-db").definition.steps]
    assert re.search(
        r"^  lane_administrator_jaringan -> lane_pemeriksa_pengelola_ti -> lane_pejabat_pengawas -> "
        r"lane_pejabat_administrator -> lane_kepala_dinas \[style=invis\];$",
        out,
        re.M,
    )
    assert out.count("{") == out.count("}")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' binary not installed")
@pytest.mark.parametrize("sop_id", sorted(BUILTINS))
def test_graph_dot_renders_with_graphviz(sop_id):
    result = run("sops", "graph", sop_id, "--format", "dot")
    assert result.exit_code == 0, result.output
    rendered = subprocess.run(["dot", "-Tsvg"], input=result.stdout, capture_output=True, text=True, timeout=30)
    assert rendered.returncode == 0, rendered.stderr
    assert "<svg" in rendered.stdout


def test_graph_bad_format():
    line = assert_one_error_line(run("sops", "graph", "kaltim-db", "--format", "png"), 2)
    assert "'png'" in line and "mermaid" in line and "dot" in line


# --- path ------------------------------------------------------------------------------------


def test_path_kaltim_db_json():
    # kaltim-db has one loop-free way to its end: 1→…→7 [ya]→8 [ya]→9 (both "tidak" loop back).
    # Standards: 30 menit + 1 jam + 1 Jam + 1-2 hari + 15 menit + 1 Jam + 1 jam + 15 menit + 15 menit
    #   low  = 30+60+60+510+15+60+60+15+15 = 825   (one day = 510 working minutes)
    #   high = 30+60+60+1020+15+60+60+15+15 = 1335
    result = run("sops", "path", "kaltim-db", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sop"] == "kaltim-db"
    assert data["day_minutes"] == 510
    expected_route = [str(n) for n in range(1, 10)]
    assert [(p["outcome"], p["kind"]) for p in data["paths"]] == [("selesai", "shortest"), ("selesai", "longest")]
    for found in data["paths"]:
        assert found["steps"] == expected_route
        assert found["decisions"] == [{"step": "7", "option": "ya"}, {"step": "8", "option": "ya"}]
        assert (found["min_minutes"], found["max_minutes"]) == (825, 1335)
        assert found["estimated_steps"] == [] and found["steps_without_standard"] == []


def test_path_kaltim_db_table():
    result = run("sops", "path", "kaltim-db")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Pengelolaan Gangguan Database\n")
    rows = [line for line in out.splitlines() if line.startswith("Selesai")]
    assert [row.split()[1] for row in rows] == ["shortest", "longest"]
    for row in rows:
        assert "1 → 2 → 3 → 4 → 5 → 6 → 7 [ya] → 8 [ya] → 9" in row
        # 825 = 1 d (510) + 5 h 15 min; 1335 = 2 d (1020) + 5 h 15 min.
        assert row.rstrip().endswith("1 d 5 h 15 min – 2 d 5 h 15 min")


def test_path_user_file_both_outcomes(user_file):
    # resolved: 1 → 2 [ya] → 3 = 15 + 60 + (510..1020) = 585..1095
    # rejected: 1 → 2 [tidak] = 15 + 60 = 75
    result = run("sops", "path", user_file, "--json")
    assert result.exit_code == 0, result.output
    paths = {(p["outcome"], p["kind"]): p for p in json.loads(result.stdout)["paths"]}
    assert set(paths) == {
        ("resolved", "shortest"),
        ("resolved", "longest"),
        ("rejected", "shortest"),
        ("rejected", "longest"),
    }
    assert paths["resolved", "longest"]["steps"] == ["1", "2", "3"]
    assert (paths["resolved", "shortest"]["min_minutes"], paths["resolved", "shortest"]["max_minutes"]) == (585, 1095)
    assert paths["rejected", "shortest"]["steps"] == ["1", "2"]
    assert paths["rejected", "shortest"]["decisions"] == [{"step": "2", "option": "tidak"}]
    assert (paths["rejected", "longest"]["min_minutes"], paths["rejected", "longest"]["max_minutes"]) == (75, 75)


def test_path_on_a_24x7_sop(tmp_path):
    # calendar = "24x7": a day is 1440 minutes, so 1-2 hari = 1440..2880; +75 = 1515..2955.
    path = tmp_path / "nonstop.toml"
    path.write_text(USER_SOP.replace('waktu = "1 hari"', 'waktu = "1 hari"\ncalendar = "24x7"'), encoding="utf-8")
    result = run("sops", "path", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["day_minutes"] == 1440
    resolved = next(p for p in data["paths"] if p["outcome"] == "resolved")
    assert (resolved["min_minutes"], resolved["max_minutes"]) == (1515, 2955)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["show", "graph", "path"])
def test_unknown_sop_id(command):
    line = assert_one_error_line(run("sops", command, "no-such-sop"), 1)
    assert "no SOP 'no-such-sop'" in line
    assert "kaltim-db" in line  # says which ids exist


def test_missing_toml_path(tmp_path):
    missing = tmp_path / "tidak-ada.toml"
    line = assert_one_error_line(run("sops", "show", missing), 1)
    assert line == f"Error: no SOP file {missing}"


def test_unknown_subcommand():
    line = assert_one_error_line(run("sops", "frobnicate"), 2)
    assert line == "Error: no such command 'frobnicate' (see 'sop sops --help')"


def test_unknown_top_level_command():
    line = assert_one_error_line(run("frobnicate"), 2)
    assert line == "Error: no such command 'frobnicate' (see 'sop --help')"


def test_missing_argument():
    line = assert_one_error_line(run("sops", "show"), 2)
    assert line == "Error: missing argument 'ID|FILE' (see 'sop sops show --help')"


def test_sops_without_subcommand_shows_help():
    result = run("sops")
    assert result.exit_code == 0
    assert "Usage: sop sops" in result.stdout
    assert "list" in result.output and "validate" in result.output
    assert "Traceback" not in result.output


# --- the chain of command, reminders and escalations ----------------------------------------


def identity_row(out: str, label: str) -> str:
    """The value of an identity-sheet row, its wrapped lines joined by spaces."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(label + " "))
    indent = len(lines[start]) - len(lines[start][len(label) :].lstrip())
    value = [lines[start][indent:]]
    for line in lines[start + 1 :]:
        if line[:indent].strip():
            break
        value.append(line[indent:])
    return " ".join(part.strip() for part in value)


def test_show_lists_the_chain_of_command_each_superior_once():
    out = run("sops", "show", "ipas-pemulihan").stdout
    assert re.split(r" ?\d\. ", identity_row(out, "Chain of command"))[1:] == [
        "JFU → Kasie Aplikasi → Kasubdit Pengembangan Sistem Informasi KI → Direktur TIKI",
        "Team IPAS Development → Kasie Aplikasi",
        "Kasie Database dan Keamanan Data → Kasubdit Pengembangan Sistem Informasi KI",
        "Kasie Pengelola Jaringan → Kasubdit Pengembangan Sistem Informasi KI",
        "Kasubag TU TIKI → Direktur TIKI",
    ]
    one = run("sops", "show", "tanahbumbu-jaringan").stdout
    assert identity_row(one, "Chain of command") == "Staf Admin Jaringan Kominfo → Koordinator Jaringan Kominfo"
    # an SOP without atasan has no such row
    assert "Chain of command" not in run("sops", "show", SAMPLE_INCIDENT.parent / "contoh-sop.toml").stdout


def test_show_gives_a_step_s_own_reminders_and_escalations():
    out = run("sops", "show", SAMPLE_INCIDENT).stdout
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(r"^\s+Reminders\s", line))
    assert lines[at].split(None, 1)[1] == "50%, 30 menit before the deadline"
    assert lines[at + 1].split(None, 1)[1] == "100% → the superior of whoever acts (Ketua TTIS Kabupaten)"
    assert lines[at + 2].strip() == "200% → Kepala Dinas Komunikasi dan Informatika"
    # the step they belong to: the numbered row above them is step 4's
    assert next(line for line in reversed(lines[:at]) if re.match(r"^\d", line)).split()[0] == "4"
    assert sum("Reminders" in line for line in lines) == 1  # steps that leave them to the configuration show none


def test_show_says_when_a_step_has_no_reminders_at_all(tmp_path):
    path = tmp_path / "diam.toml"
    text = SAMPLE_INCIDENT.read_text(encoding="utf-8")
    path.write_text(text.replace('reminders = ["50%", "30 menit"]', "reminders = []"), encoding="utf-8")
    lines = run("sops", "show", path).stdout.splitlines()
    assert any(re.match(r"^\s+Reminders\s+none$", line) for line in lines)


def test_show_in_indonesian_names_the_chain_and_reminders_in_indonesian():
    out = CliRunner().invoke(app, ["--lang", "id", "sops", "show", str(SAMPLE_INCIDENT)]).stdout
    assert identity_row(out, "Jenjang atasan").startswith("1. Analis Keamanan Siber TTIS → Ketua TTIS Kabupaten →")
    assert re.search(r"^\s+Pengingat\s+50%, 30 menit sebelum tenggat$", out, re.M)
    assert re.search(r"^\s+Eskalasi\s+100% → atasan pelaksana \(Ketua TTIS Kabupaten\)$", out, re.M)


def test_show_json_carries_atasan_reminders_and_escalate():
    data = json.loads(run("sops", "show", SAMPLE_INCIDENT, "--json").stdout)
    assert {r["key"]: r["atasan"] for r in data["roles"]}["analis_keamanan"] == "ketua_tim"
    step = next(s for s in data["steps"] if s["id"] == "4")
    assert step["reminders"] == ["50%", "30 menit"]
    assert step["escalate"] == [{"at": "100%", "to": "atasan"}, {"at": "200%", "to": "kepala_dinas"}]
    assert next(s for s in data["steps"] if s["id"] == "5")["reminders"] is None  # the configuration's apply
