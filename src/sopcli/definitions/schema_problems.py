"""pydantic's complaints about an SOP file, in the SOP author's words and language.

pydantic says ``steps.1.kegiatn: Extra inputs are not permitted`` in English
whatever the interface language, counting list items from 0. An officer
editing the TOML reads steps by their ``id`` and keys by their names, so each
error is turned into a :class:`Problem` on the step it concerns (by id, or
"step no. 2" when it has none) with a message of our own chosen by the error's
``type``; pydantic's text is kept only for types an SOP file rarely meets.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel

from sopcli.definitions.schema import ID_PATTERN, KEY_PATTERN, SopDefinition
from sopcli.definitions.validate import Problem
from sopcli.i18n import _

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


def problems_from(errors: list[ErrorDetails], data: dict, lines) -> list[Problem]:
    """Every pydantic error as a Problem; ``lines`` is the loader's table of line numbers.

    A misspelt key gives pydantic two errors (the known key is missing, the
    misspelt one is not permitted); only the second is kept, since its message
    names the key meant.
    """
    suggested = {(_parent(e["loc"]), _suggestion(e, data)) for e in errors if e["type"] == "extra_forbidden"}
    kept = [
        e
        for e in errors
        if not (e["type"] == "missing" and (_parent(e["loc"]), e["loc"][-1]) in suggested)
        and not _items_failed_instead(e)
    ]
    return [_problem(e, data, lines) for e in kept]


def _parent(loc: tuple) -> tuple:
    return tuple(loc[:-1])


def _items_failed_instead(error: ErrorDetails) -> bool:
    """``too_short`` on a list whose items are there but invalid: the items' own errors say it."""
    ctx = error.get("ctx") or {}
    given = error.get("input")
    return error["type"] == "too_short" and isinstance(given, list) and len(given) >= ctx.get("min_length", 1)


def _problem(error: ErrorDetails, data: dict, lines) -> Problem:
    loc = tuple(error["loc"])
    step_id, parts, line = None, [], None
    if len(loc) >= 2 and loc[0] in ("steps", "roles", "outcomes") and isinstance(loc[1], int):
        table, index = loc[0], loc[1]
        item = _at(data, loc[:2])
        line = lines.table_line(table, index)
        if table == "steps":
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
                step_id = str(ident).strip()
            else:
                parts.append(_("step no. {n}").format(n=index + 1))
        elif table == "outcomes":
            parts.append(_named(item, "id", _("outcome {id!r}"), _("outcome no. {n}"), index))
        else:
            parts.append(_named(item, "key", _("role {key!r}"), _("role no. {n}"), index))
        rest_start = 2
    else:
        line = lines.keys.get(str(loc[0])) if loc else None
        rest_start = 0
    names_key = error["type"] in ("missing", "extra_forbidden")
    path_end = len(loc) - 1 if names_key else len(loc)
    parts += _path_names(loc, rest_start, path_end, data)
    what = _what(error, loc, data)
    return Problem(": ".join([", ".join(parts), what]) if parts else what, step_id, line)


def _path_names(loc: tuple, start: int, end: int, data: dict) -> list[str]:
    """``decision, options, 0`` → ``decision``, ``option 'ya'``: keys as written, list items by name or 1-based number."""
    names = []
    position = start
    while position < end:
        part = loc[position]
        if isinstance(part, str) and position + 1 < end and isinstance(loc[position + 1], int):
            index = loc[position + 1]
            item = _at(data, loc[: position + 2])
            if part == "options":
                names.append(_named(item, "label", _("option {label!r}"), _("option no. {n}"), index))
            elif part == "fields":
                names.append(_named(item, "key", _("field {key!r}"), _("field no. {n}"), index))
            else:
                names.append(_("{key} no. {n}").format(key=part, n=index + 1))
            position += 2
            continue
        if isinstance(part, int):
            names.append(_("item no. {n}").format(n=part + 1))
        else:
            names.append(str(part))
        position += 1
    return names


def _named(item: Any, attribute: str, by_name: str, by_number: str, index: int) -> str:
    value = item.get(attribute) if isinstance(item, dict) else None
    if isinstance(value, str) and value.strip():
        return by_name.format(**{attribute: value.strip()})
    return by_number.format(n=index + 1)


def _what(error: ErrorDetails, loc: tuple, data: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    key = loc[-1] if loc else ""
    if kind == "missing":
        return _("required key {key!r} is missing").format(key=key)
    if kind == "extra_forbidden":
        close = _suggestion(error, data)
        if close:
            return _("unknown key {key!r}; did you mean {close!r}?").format(key=key, close=close)
        return _("unknown key {key!r} (known keys: {keys})").format(key=key, keys=", ".join(_known_keys(loc[:-1])))
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(given), ctx.get("pattern", ""))
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        # Text choices come quoted ('resolved' or 'rejected'), numbers bare (1 or 2).
        choices = re.findall(r"'([^']*)'", expected) or [int(n) for n in re.findall(r"\d+", expected)]
        if choices:
            return _("must be one of {choices}, not {value}").format(
                choices=", ".join(_toml(c) for c in choices), value=_toml(given)
            )
    if kind == "string_type":
        if isinstance(given, (bool, int, float)):
            return _("must be text in double quotes: write {fixed}, not {value}").format(
                fixed=_toml(_toml(given)), value=_toml(given)
            )
        return _("must be text in double quotes, not {value}").format(value=_toml(given))
    if kind == "string_too_short":
        return _("must not be empty")
    if kind in ("bool_type", "bool_parsing"):
        return _("must be true or false (without quotes), not {value}").format(value=_toml(given))
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"):
        return _("must be a number, not {value}").format(value=_toml(given))
    if kind in ("tuple_type", "list_type"):
        if _model_at(loc) is not None:
            return _("must be one or more [[{table}]] tables, not {value}").format(
                table=_table(loc), value=_toml(given)
            )
        return _('must be a list in square brackets, such as ["..."], not {value}').format(value=_toml(given))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        header = f"[[{_table(loc)}]]" if loc and isinstance(loc[-1], int) else f"[{_table(loc)}]"
        return _("must be a {header} table, not {value}").format(header=header, value=_toml(given))
    if kind == "too_short":
        return (
            _("needs at least one entry")
            if ctx.get("min_length", 1) == 1
            else _("needs at least {n} entries").format(n=ctx["min_length"])
        )
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return error["msg"]


def _pattern_message(value: str, pattern: str) -> str:
    if pattern == ID_PATTERN:
        message = _(
            "{value!r} is not a valid id: use lowercase letters, digits, '-' and '_', beginning with a letter or digit"
        )
        example = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
    elif pattern == KEY_PATTERN:
        message = _("{value!r} is not a valid key: use lowercase letters, digits and '_'")
        example = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_")
    else:
        return _("{value!r} does not match the pattern {pattern}").format(value=value, pattern=pattern)
    message = message.format(value=value)
    if example and re.match(pattern, example):
        message += " " + _("(for example {example})").format(example=_toml(example))
    return message


def _suggestion(error: ErrorDetails, data: dict) -> str | None:
    """The known key a misspelt one probably meant, among those the table does not already have."""
    loc = tuple(error["loc"])
    present = _at(data, loc[:-1])
    present = set(present) if isinstance(present, dict) else set()
    candidates = [k for k in _known_keys(loc[:-1]) if k not in present]
    close = difflib.get_close_matches(str(loc[-1]), candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _known_keys(path: tuple) -> list[str]:
    model = _model_at(path)
    return list(model.model_fields) if model is not None else []


def _model_at(path: tuple) -> type[BaseModel] | None:
    """The schema model a table at ``path`` is read into (``steps, 1, decision`` → Decision)."""
    model: type[BaseModel] | None = SopDefinition
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _table(loc: tuple) -> str:
    """A TOML table's dotted name as the file writes it: ``steps, 1, decision`` → ``steps.decision``."""
    return ".".join(str(part) for part in loc if isinstance(part, str))


def _at(data: Any, path: tuple) -> Any:
    """The raw TOML value at ``path``, or None where the path leads nowhere."""
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _toml(value: Any) -> str:
    """``value`` as it would be written in TOML, for quoting it back to the author."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        shown = ", ".join(_toml(v) for v in value[:3])
        return f"[{shown}, …]" if len(value) > 3 else f"[{shown}]"
    return repr(value)
