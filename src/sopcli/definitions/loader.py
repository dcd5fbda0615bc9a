"""Reading SOP definitions: built-in TOML files shipped in the package, or a user's file.

A reference to an SOP is either a built-in id (``kaltim-db``) or a path to a
TOML file; a user's own SOP works wherever an id is accepted.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sopcli import limits
from sopcli.definitions.schema import SopDefinition
from sopcli.definitions.validate import Problem, validate
from sopcli.errors import DefinitionError, NotFoundError, os_reason
from sopcli.i18n import _, current_language

_BUILTIN_PACKAGE = "sopcli.definitions"
_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


@dataclass(frozen=True)
class LoadedSop:
    """A validated definition with the exact text it came from.

    ``digest`` (sha256 of the text) identifies the version a complaint pins.
    """

    definition: SopDefinition
    source: str
    digest: str
    origin: str


def builtin_dir() -> Path:
    return Path(str(resources.files(_BUILTIN_PACKAGE) / "builtin"))


def is_builtin(loaded: LoadedSop) -> bool:
    """The SOP came with sop (its versions are sop's releases), not from an office's own file."""
    return is_builtin_origin(loaded.origin)


def is_builtin_origin(origin: str) -> bool:
    """``origin`` (a file's path) is one of the built-in SOP files shipped inside sop."""
    if Path(origin).parent == builtin_dir():
        return True
    try:
        return Path(origin).resolve().parent == builtin_dir().resolve()
    except (OSError, ValueError):
        return False


def builtin_ids() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


def load(reference: str) -> LoadedSop:
    """Load a built-in SOP by id, or an SOP file by path.

    Raises:
        NotFoundError: neither a built-in id nor an existing file.
        DefinitionError: the file is invalid; ``problems`` has every problem.
    """
    path = Path(reference)
    if reference.endswith(".toml") or _is_file(path):
        if not path.is_file():
            raise NotFoundError(_("no SOP file {path}").format(path=reference))
        return load_file(path)
    builtin = builtin_dir() / f"{reference}.toml"
    if "/" in reference or "\\" in reference or not _is_file(builtin):
        shown = reference if len(reference) <= 60 else reference[:57] + "..."
        raise NotFoundError(
            _("no SOP {id!r}").format(id=shown),
            _("built-in SOPs: {ids}; or give a path to a .toml file").format(ids=", ".join(builtin_ids())),
        )
    return load_file(builtin)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL byte
        return False


def refuse_too_large(path: Path) -> None:
    """Refuse a file larger than an SOP file may be, before reading it.

    Raises:
        DefinitionError: it is larger than limits.SOP_FILE_BYTES.
        OSError: it cannot be looked at.
    """
    if path.stat().st_size > limits.SOP_FILE_BYTES:
        raise DefinitionError(
            _("{path} is larger than the {size} an SOP file may be").format(
                path=path, size=limits.size_text(limits.SOP_FILE_BYTES)
            ),
            hint=_("is it an SOP file? an SOP of many steps is a few tens of KB"),
        )


def load_file(path: Path) -> LoadedSop:
    """Load and validate one SOP file.

    Raises:
        DefinitionError: unreadable or invalid; ``problems`` has every problem.
    """
    try:
        refuse_too_large(path)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionError(_("{path} is not UTF-8 text").format(path=path)) from exc
    except OSError as exc:
        raise DefinitionError(_("cannot read {path}: {reason}").format(path=path, reason=os_reason(exc))) from exc
    return _load(text, str(path), from_file=True)


def load_text(text: str, origin: str) -> LoadedSop:
    """Parse and validate definition text; ``origin`` names it in messages.

    Text stored with complaints comes back through here: where it came from is
    not checked again (it was accepted when a complaint first used it).
    """
    return _load(text, origin, from_file=False)


def _load(text: str, origin: str, *, from_file: bool) -> LoadedSop:
    # An office's own file has its document templates parsed too; the built-ins' are held to that by the
    # tests, and a text a complaint already follows was checked when first used: neither loads Jinja2.
    definition, problems = _parse_cached(text, templates=from_file and not is_builtin_origin(origin))
    clash = _builtin_id_clash(definition, text, origin) if from_file else []
    if clash and not problems:
        # The file is otherwise a valid SOP: say the one thing wrong, on one line.
        raise DefinitionError(clash[0].located(origin))
    problems = problems + clash
    if problems:
        located = [p.located(origin) for p in problems]
        raise DefinitionError(
            _("{origin} is not a valid SOP ({n} problems)").format(origin=origin, n=len(problems)),
            located,
            _("run 'sop sops validate {origin}' to see them").format(origin=origin),
        )
    assert definition is not None
    return LoadedSop(definition, text, hashlib.sha256(text.encode()).hexdigest(), origin)


def check_text(text: str, origin: str | None = None) -> list[Problem]:
    """Every problem with definition text, for ``sop sops validate``.

    With ``origin`` (the file's path), also whether the file may use its id: an
    office's own SOP file cannot take a built-in SOP's id, or the complaints
    under the two would read as one SOP in reports.
    """
    definition, problems = _parse_cached(text, templates=True)
    if origin is None:
        return problems
    return problems + _builtin_id_clash(definition, text, origin)


def _builtin_id_clash(definition: SopDefinition | None, text: str, origin: str) -> list[Problem]:
    if is_builtin_origin(origin):
        return []
    sop_id = definition.id if definition is not None else _raw_id(text)
    if sop_id is None or sop_id not in builtin_ids():
        return []
    return [
        Problem(
            _("id {id} is the id of a built-in SOP; choose another id").format(id=sop_id),
            line=_TableLines(text).key_line("id"),
            key="id",
        )
    ]


def _raw_id(text: str) -> str | None:
    """The ``id`` an invalid file gives, when it gives one as text."""
    try:
        sop_id = tomllib.loads(text).get("id")
    except tomllib.TOMLDecodeError:
        return None
    return sop_id.strip() if isinstance(sop_id, str) else None


def _parse_cached(text: str, *, templates: bool) -> tuple[SopDefinition | None, list[Problem]]:
    return _parse(text, current_language(), templates)


@lru_cache(maxsize=32)
def _parse(text: str, language: str, templates: bool) -> tuple[SopDefinition | None, list[Problem]]:
    # Keyed by the whole text: an edited file is parsed afresh, an unchanged
    # one (every built-in, on every call) only once per process. And by the
    # language, since the problems are worded in it.
    from pydantic import ValidationError

    from sopcli.definitions.schema_problems import problems_from

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_toml_problem(exc)]
    try:
        definition = SopDefinition.model_validate(data)
    except ValidationError as exc:
        return None, problems_from(exc.errors(), data, _TableLines(text))
    lines = _TableLines(text)
    problems = [
        Problem(
            p.message,
            p.step,
            lines.step_line(p.step)
            or (lines.table_line("roles", p.role) if p.role is not None else None)
            or lines.key_line(p.key),
        )
        for p in validate(definition, templates=templates)
    ]
    return definition, problems


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's message, placed in our words: the line goes to the Problem, the column into the text."""
    match = _TOML_PLACE.search(str(exc))
    detail = _TOML_PLACE.sub("", str(exc)).strip()
    ours = _toml_detail(detail)
    if ours:
        detail = f"{ours} ({detail})"
    if match is None or match[1] is None:
        return Problem(_("TOML syntax error at the end of the file: {error}").format(error=detail))
    return Problem(
        _("TOML syntax error at column {column}: {error}").format(column=match[2], error=detail), line=int(match[1])
    )


def _toml_detail(message: str) -> str | None:
    """Our words for tomllib's commonest complaints, or None (its own text then stands alone)."""
    if message in ("Illegal character '\\n'", "Unterminated string") or message.startswith('Expected "\'"'):
        return _("a quoted text is not closed")
    if message == "Invalid value":
        return _("not a valid value: text needs double quotes, a list square brackets")
    if message == "Cannot overwrite a value" or (message.startswith("Cannot declare") and message.endswith("twice")):
        return _("a key or table is given twice")
    if message.startswith("Expected '=' after a key"):
        return _("expected '=' after the key")
    return None


class _TableLines:
    """Line numbers of ``[[steps]]``/``[[roles]]`` headers and top-level keys, for messages."""

    def __init__(self, text: str):
        self.headers: dict[str, list[int]] = {}
        self.step_ids: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        current_table = None
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            header = re.match(r"^\[\[\s*([\w.]+)\s*\]\]", stripped)
            if header:
                current_table = header[1]
                self.headers.setdefault(current_table, []).append(number)
                continue
            if stripped.startswith("["):
                current_table = stripped
                continue
            key = re.match(r"^([\w-]+)\s*=\s*(.*)$", stripped)
            if key and current_table is None:
                self.keys.setdefault(key[1], number)
            elif key and current_table == "steps" and key[1] == "id":
                step_id = key[2].strip().strip("\"'")
                self.step_ids.setdefault(step_id, self.headers["steps"][-1])

    def step_line(self, step_id: str | None) -> int | None:
        return self.step_ids.get(step_id) if step_id is not None else None

    def key_line(self, key: str | None) -> int | None:
        """A top-level key's line, or the first header of an array of tables (``roles``)."""
        if key is None:
            return None
        return self.keys.get(key) or self.table_line(key, 0)

    def table_line(self, table: str, index: int) -> int | None:
        found = self.headers.get(table, [])
        return found[index] if index < len(found) else None
