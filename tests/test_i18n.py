"""The Indonesian catalog: complete, placeholder-safe, compiled, and used by the CLI.

Every message id in ``src/sopcli`` (English, wrapped in ``_()``/``ngettext``)
must have an Indonesian translation in ``locale/id/LC_MESSAGES/sopcli.po``;
the committed ``sopcli.mo`` must be what that ``.po`` compiles to.

When a test here fails after messages changed, refresh the catalog (see the
README): ``pybabel extract`` → ``pybabel update`` → translate → ``pybabel compile``.
"""

from __future__ import annotations

import gettext
import string
from io import BytesIO
from pathlib import Path

import pytest

babel_extract = pytest.importorskip("babel.messages.extract", reason="needs the [test] extra (babel)")
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from sopcli import i18n  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sopcli"
MESSAGES = PACKAGE / "locale" / "id" / "LC_MESSAGES"
PO_FILE = MESSAGES / "sopcli.po"
MO_FILE = MESSAGES / "sopcli.mo"

# The same keywords as `pybabel extract -k _ -k ngettext:1,2` (which adds them to Babel's defaults).
KEYWORDS = {**babel_extract.DEFAULT_KEYWORDS, "_": None, "ngettext": (1, 2)}

REFRESH = "refresh the catalog: pybabel extract → pybabel update → translate → pybabel compile (see the README)"


def _source_messages() -> dict[tuple[str | tuple[str, ...], str | None], list[tuple[str, int]]]:
    """{(msgid, context): [(file, line), ...]} for every message marked in the package."""
    found: dict[tuple[str | tuple[str, ...], str | None], list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, context in babel_extract.extract_from_dir(PACKAGE, keywords=KEYWORDS):
        found.setdefault((message, context), []).append((f"src/sopcli/{filename}", lineno))
    return found


def _catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="id", domain="sopcli")


def _translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> set[str]:
    """``{name!r:spec}`` fields of a str.format template, as written (``{{`` escapes excluded)."""
    fields = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.add("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return fields


def test_source_has_messages():
    """Guard: extraction finds the messages at all (a wrong path would make every other check vacuous)."""
    messages = _source_messages()
    assert len(messages) > 100
    assert ("Error: {message}", None) in messages


def test_every_source_message_has_an_indonesian_translation():
    catalog = _catalog()
    missing = []
    for (msgid, context), where in sorted(_source_messages().items(), key=lambda item: min(item[1])):
        entry = catalog.get(msgid, context=context)
        at = "{}:{}".format(*min(where))
        if entry is None:
            missing.append(f"{at}: {msgid!r} (not in the .po)")
        elif entry.fuzzy:
            missing.append(f"{at}: {msgid!r} (fuzzy: check the translation and remove the fuzzy flag)")
        elif not all(text.strip() for text in _translations(entry)):
            missing.append(f"{at}: {msgid!r} (empty msgstr)")
    assert not missing, f"{len(missing)} message(s) without an Indonesian translation; {REFRESH}:\n" + "\n".join(
        missing
    )


def test_every_marked_message_is_seen_by_extraction():
    """A ``_("...")`` that Babel's extractor cannot see (it skips calls inside f-strings on
    Python < 3.12) never reaches the catalog and stays English in Indonesian output."""
    import ast

    extracted = {msgid for msgid, _context in _source_messages()}
    unseen = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value not in extracted
            ):
                unseen.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert not unseen, "messages pybabel extract does not find (move the _() call out of the f-string):\n" + "\n".join(
        unseen
    )


def test_po_header_is_indonesian_and_not_fuzzy():
    catalog = _catalog()
    assert str(catalog.locale) == "id"
    assert not catalog.fuzzy, "the .po header is marked fuzzy: pybabel compile would skip the whole catalog"


def test_translations_keep_exactly_the_placeholders():
    bad = []
    for entry in _catalog():
        if not entry.id:
            continue
        ids = list(entry.id) if isinstance(entry.id, (list, tuple)) else [entry.id]
        try:
            expected = set().union(*(_placeholders(i) for i in ids))
        except ValueError as exc:
            bad.append(f"{entry.id!r}: msgid is not a valid format string ({exc})")
            continue
        for text in _translations(entry):
            if not text:
                continue  # missing translations are the other test's business
            try:
                got = _placeholders(text)
            except ValueError as exc:
                bad.append(f"{entry.id!r} → {text!r}: not a valid format string ({exc})")
                continue
            if got != expected:
                bad.append(f"{entry.id!r} → {text!r}: expected {sorted(expected)}, found {sorted(got)}")
    assert not bad, "translations whose {placeholders} differ from the msgid:\n" + "\n".join(bad)


def test_committed_mo_is_the_compiled_po():
    compiled = BytesIO()
    write_mo(compiled, _catalog())
    committed_bytes = MO_FILE.read_bytes()
    if committed_bytes == compiled.getvalue():
        return
    # Bytes may differ only by metadata (header); the messages must be identical.
    compiled.seek(0)
    fresh = {k: v for k, v in gettext.GNUTranslations(compiled)._catalog.items() if k != ""}
    committed = {k: v for k, v in gettext.GNUTranslations(BytesIO(committed_bytes))._catalog.items() if k != ""}
    stale = sorted(
        {repr(k) for k in fresh.keys() ^ committed.keys()}
        | {repr(k) for k in fresh.keys() & committed.keys() if fresh[k] != committed[k]}
    )
    assert not stale, (
        f"sopcli.mo is out of date with sopcli.po ({len(stale)} message(s) differ); run "
        "pybabel compile -d src/sopcli/locale -D sopcli:\n" + "\n".join(stale[:40])
    )


def test_the_catalog_is_what_gettext_loads():
    i18n.set_language("id")
    try:
        assert i18n.current_language() == "id"
        assert i18n._("Error: {message}") == "Kesalahan: {message}"
        assert i18n._("{n} min").format(n=5) == "5 menit"
    finally:
        i18n.set_language("en")
    assert i18n._("Error: {message}") == "Error: {message}"


# --- through the command line -----------------------------------------------------


@pytest.fixture
def indonesian(sop_env, monkeypatch):
    """``SOP_LANG=id`` as a fresh process would see it; English restored afterwards (conftest)."""
    monkeypatch.setenv("SOP_LANG", "id")
    # i18n caches the language in module globals: choose it again, the way a new process does.
    i18n.set_language(i18n.language_from_environment())
    assert i18n.current_language() == "id"
    yield sop_env
    i18n.set_language("en")


def test_error_line_is_indonesian(indonesian, sop):
    assert sop("db", "upgrade").exit_code == 0
    result = sop("show", "ADU-2026-99999")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr == "Kesalahan: pengaduan ADU-2026-99999 tidak ditemukan (lihat 'sop list --status all')\n"


def test_lang_option_overrides_sop_lang(indonesian, sop):
    assert sop("db", "upgrade").exit_code == 0
    result = sop("--lang", "en", "show", "ADU-2026-99999")
    assert result.exit_code != 0
    assert result.stderr == "Error: no complaint ADU-2026-99999 (see 'sop list --status all')\n"


def test_sops_list_headers_are_indonesian(indonesian, sop):
    result = sop("sops", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["Id", "Nomor", "Nama", "Instansi", "Langkah", "Versi"]


def test_sops_list_headers_are_english_with_lang_en(indonesian, sop):
    result = sop("--lang", "en", "sops", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["Id", "Number", "Name", "Agency", "Steps", "Version"]


# --- help pages and usage errors --------------------------------------------------


def test_every_help_text_has_an_indonesian_translation():
    """Docstrings and option help are message ids too (extracted by cli/localise.py's Babel extractor)."""
    from sopcli.cli import every_command
    from sopcli.cli.localise import help_messages

    catalog = _catalog()
    texts = {text for command in every_command() for text in help_messages(command)}
    assert len(texts) > 100  # guard: the walk reached every command
    missing = [
        text
        for text in sorted(texts)
        if (entry := catalog.get(text)) is None or entry.fuzzy or not entry.string.strip()
    ]
    assert not missing, f"{len(missing)} help text(s) without an Indonesian translation; {REFRESH}:\n" + "\n".join(
        missing
    )


def test_help_summaries_translate_as_their_texts_first_line():
    """A command's one-line summary (in its group's list) must read like the first line of its full help."""
    from sopcli.cli import every_command

    catalog = _catalog()
    for root in every_command():
        for command in [root, *getattr(root, "commands", {}).values()]:
            if command.help and "\n" in command.help:
                full, summary = catalog.get(command.help), catalog.get(command.help.split("\n")[0])
                assert full.string.split("\n")[0] == summary.string, command.name


def test_root_help_is_indonesian(indonesian, sop):
    result = sop("--help")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Penggunaan: sop [OPSI] PERINTAH [ARG]..."
    assert {"Harian:", "Atasan:", "Admin:", "Opsi:"} <= set(lines)
    assert "  new       Catat pengaduan gangguan dan tampilkan langkah pertamanya." in lines
    assert "  -h, --help            Tampilkan bantuan ini lalu keluar." in lines
    assert all(len(line) <= 80 for line in lines)


def test_command_help_is_indonesian_with_typers_words(indonesian, sop):
    result = sop("show", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the words, whatever the wrapping
    assert text.startswith("Penggunaan: sop show [OPSI] NOMOR Tampilkan pengaduan beserta seluruh kronologinya")
    assert "Contoh: sop show ADU-2026-00042" in text
    assert "Argumen: NOMOR Nomor pengaduan:" in text
    assert "[wajib]" in text
    assert "Show" not in text and "Usage" not in text and "<str>" not in text


def test_group_help_lists_subcommands_in_indonesian(indonesian, sop):
    result = sop("sops", "--help")
    assert result.exit_code == 0
    assert "  list      Tampilkan daftar SOP bawaan." in result.stdout.splitlines()


@pytest.mark.parametrize("args", [("--lang", "en", "--help"), ("--lang", "en", "show", "--help")])
def test_lang_en_before_help_gives_english_help(indonesian, sop, args):
    result = sop(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: sop")
    assert "Show this message and exit." in result.stdout


USAGE_ERRORS = [
    (
        ("list", "--foo"),
        "tidak ada opsi --foo (mungkin maksudnya --format, --sop?) (lihat 'sop list --help')",
        "no such option: --foo (did you mean --format, --sop?) (see 'sop list --help')",
    ),
    (
        ("list", "--limit", "banyak"),
        "nilai '--limit' tidak valid: harus bilangan bulat (lihat 'sop list --help')",
        "invalid value for '--limit': a whole number is expected (see 'sop list --help')",
    ),
    (
        ("list", "a", "b"),
        "argumen berlebih: a b (lihat 'sop list --help')",
        "unexpected extra argument(s): a b (see 'sop list --help')",
    ),
    (
        ("show",),
        "argumen NOMOR belum diisi (lihat 'sop show --help')",
        "missing argument 'NUMBER' (see 'sop show --help')",
    ),
    (
        ("shw",),
        "tidak ada perintah 'shw' (mungkin maksudnya 'show'?) (lihat 'sop --help')",
        "no such command 'shw' (did you mean 'show'?) (see 'sop --help')",
    ),
    (
        ("sops", "lst"),
        "tidak ada perintah 'lst' (mungkin maksudnya 'list'?) (lihat 'sop sops --help')",
        "no such command 'lst' (did you mean 'list'?) (see 'sop sops --help')",
    ),
    (("new", "--sop"), "opsi '--sop' memerlukan nilai", "option '--sop' needs a value"),
    (("new", "--json=ya"), "opsi '--json' tidak menerima nilai", "option '--json' takes no value"),
    (
        ("--lang", "jv", "list"),
        "nilai '--lang' tidak valid: 'jv': pilih id atau en (lihat 'sop --help')",
        "invalid value for '--lang': 'jv': choose id or en (see 'sop --help')",
    ),
]


@pytest.mark.parametrize(
    ("args", "indonesian_line", "english_line"), USAGE_ERRORS, ids=[" ".join(a) for a, *_ in USAGE_ERRORS]
)
def test_usage_errors_are_one_line_in_the_interface_language(indonesian, sop, args, indonesian_line, english_line):
    result = sop(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Kesalahan: {indonesian_line}\n"
    i18n.set_language("en")
    result = sop(*args)
    assert result.stderr == f"Error: {english_line}\n"
