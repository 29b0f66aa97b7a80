"""The JSON Schemas shipped with reportexport, and located, readable schema errors."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from reportexport.source.problems import Problem
from reportexport.source.yamlload import LocatedData
from reportexport.support.packagedata import PACKAGE

_TYPE_NAMES = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping of keys to values",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


@cache
def schema_text(name: str) -> str:
    """The text of a shipped schema: 'report' or 'theme'."""
    return (PACKAGE / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")


@cache
def _schema(name: str) -> Any:
    import json

    return json.loads(schema_text(name))


@cache
def _validator(name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema(name))


def _schema_node(name: str, schema_path: list[str | int]) -> Any:
    """The subschema holding the keyword an error names (schema_path ends in the keyword)."""
    node = _schema(name)
    for part in schema_path[:-1]:
        node = node[part]
    return node


#: Text longer than this is shortened where a message quotes it.
_SHOWN_CHARACTERS = 40


def _quoted(text: str) -> str:
    text = text.replace("\n", "\\n")
    if len(text) > _SHOWN_CHARACTERS:
        text = text[: _SHOWN_CHARACTERS - 1] + "…"
    return f"'{text}'"


def _describe(value: Any, written: str | None) -> str:
    """The value a message found, as the writer of the YAML would recognise it."""
    if value is None:
        return "nothing" if not written else f"{written}, which YAML reads as nothing"
    if isinstance(value, bool):
        read = str(value).lower()
        if (written or read).lower() == read:
            return read
        return f"{written}, which YAML reads as {read}"
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, int | float):
        return f"the number {written}"
    if isinstance(value, list) and not value:
        return "an empty list"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        keys = ", ".join(str(key) for key in list(value)[:3])
        return f"a mapping (with {keys})" if keys else "an empty mapping"
    return type(value).__name__


def _as_text_hint(value: Any, written: str | None) -> str:
    """How to keep a scalar YAML would read as a number, true/false or nothing as text."""
    if isinstance(value, bool | int | float) and written:
        return f"; to keep it as text, quote it: \"{written}\""
    return ""


def _unprintable(written: str) -> str:
    """What YAML reads a number JSON cannot hold as (.nan, -.inf, 1.0e+999)."""
    import math

    import yaml

    value = float(yaml.safe_load(written))
    if math.isnan(value):
        return "not a number"
    return "minus infinity" if value < 0 else "infinity"


def _found(value: Any, path: tuple[str | int, ...], located: LocatedData) -> str:
    written = located.places.written.get(path) or located.numerals.get(path)
    if value is None and path in located.numerals:
        # A number JSON cannot hold (.nan, .inf, 1.0e+999) reaches the schema as null: what
        # YAML read is said, and no edition could print it, even where numbers are allowed.
        return (f"{written}, which YAML reads as {_unprintable(located.numerals[path])} "
                "(quote it to keep it as text)")
    if written is None and isinstance(value, int | float) and not isinstance(value, bool):
        written = str(value)
    return _describe(value, written) + _as_text_hint(value, written)


_DATE_FORMATS = ("%Y%m%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y-%m-%d", "%Y/%m/%d",
                 "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y")


def _date_hint(text: str) -> str:
    """'5 July 2023' as it must be written, "2023-07-05", when it can only mean that."""
    import datetime as dt
    import re

    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b|,", "", text.strip())
    cleaned = re.sub(r"\s+", " ", cleaned)
    meanings = set()
    for form in _DATE_FORMATS:
        try:
            meanings.add(dt.datetime.strptime(cleaned, form).date())
        except ValueError:
            continue
    if len(meanings) == 1:
        return f": write \"{meanings.pop().isoformat()}\""
    if len(meanings) > 1:
        shown = " or ".join(f'"{date.isoformat()}"' for date in sorted(meanings))
        return f": write {shown}, whichever it means"
    return ", such as \"2023-07-05\" for 5 July 2023"


def closest_name(word: str, known: Sequence[str], *, cutoff: float = 0.5) -> str | None:
    """The name of `known` that `word` is a misspelling or mis-casing of, or None."""
    import difflib

    lower = {name.lower(): name for name in known}
    if word.lower() in lower:
        return lower[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=cutoff)
    return lower[found[0]] if found else None


def _enum_message(value: Any, options: list[Any], found: str) -> str:
    names = [str(option) for option in options]
    message = f"expected one of {', '.join(names)}; found {found}"
    guess = closest_name(value, names) if isinstance(value, str) else None
    if guess:
        message += f" (did you mean '{guess}'?)"
    return message


def _with_found(custom: str, value: Any, path: tuple[str | int, ...],
                located: LocatedData) -> str:
    """The schema's own message, and what was found instead, unless that is blank text."""
    if isinstance(value, str) and not value.strip():
        return custom
    message = f"{custom}; found {_found(value, path, located)}"
    if custom.startswith("expected a date") and isinstance(value, str | int):
        written = located.numerals.get(path, str(value))
        message = f"{custom}; found {_quoted(written)}{_date_hint(written)}"
    elif custom.startswith("expected a name, or a list") and isinstance(value, dict):
        message += "; write the names as a list: [First Name, Second Name]"
    return message


def _problems_for(error: Any, name: str, located: LocatedData) -> list[Problem]:
    path = tuple(error.instance_path)
    schema = _schema_node(name, list(error.schema_path))
    custom = schema.get("x-message") if isinstance(schema, dict) else None
    kind = error.kind.name
    if kind == "additionalProperties":
        return _unknown_keys(error, schema, path, located)
    if kind == "required":
        missing = error.kind.as_dict()["property"]
        return [located.problem(path, f"missing required key '{missing}'")]
    if kind == "type" and custom and custom.startswith("expected a date"):
        return [located.problem(path, _with_found(custom, error.instance, path, located))]
    if kind == "anyOf" and custom and isinstance(error.instance, list) and error.instance:
        named = _list_items(error.instance, path, located)  # say which item is wrong
        if named:
            return named
    if kind == "type":
        expected = schema["type"]
        expected_list = [expected] if isinstance(expected, str) else expected
        names = [_TYPE_NAMES.get(t, t) for t in expected_list]
        found = _found(error.instance, path, located)
        if isinstance(error.instance, str):
            found = f"the text {found}"
        if expected != "string":  # only text is written by quoting
            found = found.split("; to keep it as text")[0]
        return [located.problem(path, f"expected {' or '.join(names)}, found {found}")]
    if kind == "enum":  # the options say it better than a custom message
        found = _found(error.instance, path, located)
        written = located.places.written.get(path) or located.numerals.get(path)
        if written not in [str(option) for option in schema["enum"]]:
            found = found.split("; to keep it as text")[0]  # quoted, it is no option either
        return [located.problem(path, _enum_message(error.instance, schema["enum"], found))]
    if custom and kind in ("pattern", "minLength", "minProperties", "maxProperties", "anyOf"):
        return [located.problem(path, _with_found(custom, error.instance, path, located))]
    if kind == "uniqueItems" and isinstance(error.instance, list):
        return _repeated_items(error.instance, path, located)
    if kind == "minItems":
        count = schema["minItems"]
        items = len(error.instance) if isinstance(error.instance, list) else 0
        return [located.problem(path, f"expected at least {count} item{'s' * (count != 1)}; "
                                      f"found {items or 'none'}")]
    if kind in ("minimum", "maximum"):
        return [
            located.problem(
                path,
                f"expected a number from {schema.get('minimum', '-∞')} to "
                f"{schema.get('maximum', '∞')}; found "
                # A number out of range: quoting it would make it no number at all.
                f"{_found(error.instance, path, located).split('; to keep it as text')[0]}",
            )
        ]
    return [located.problem(path, error.message)]


def _repeated_items(items: list[Any], path: tuple[str | int, ...],
                    located: LocatedData) -> list[Problem]:
    """Each item given again, where it is given again (jsonschema's own words print the
    list as JSON: '["tables","tables"] has non-unique elements')."""
    seen: list[Any] = []
    problems = []
    for index, item in enumerate(items):
        if item in seen:
            problems.append(located.problem(
                (*path, index), f"{_quoted(str(item))} is given twice: give each once"))
        seen.append(item)
    return problems


def _comma_hint(mapping: Any, key: str, path: tuple[str | int, ...],
                located: LocatedData) -> str:
    """For `{label: Districts, value: A, B, C}`: the commas cut the value, and B and C
    became keys without values. Say so, with the value to write, quoted."""
    if (path not in located.places.flow or not isinstance(mapping, dict)
            or mapping.get(key) is not None):
        return ""
    keys = list(mapping)
    start = keys.index(key)
    while start > 0 and mapping[keys[start - 1]] is None:
        start -= 1  # B and C both lack a value: A's is the value they belong to
    if start == 0:
        return ""
    owner = keys[start - 1]
    here, before = located.where((*path, key), key=True), located.where((*path, owner))
    value = mapping[owner]
    if here is None or before is None or here.line != before.line or not isinstance(
            value, str | int | float):
        return ""
    parts = [located.numerals.get((*path, owner), str(value))]
    for name in keys[start:]:
        if mapping[name] is not None:
            break
        parts.append(name)
    whole = ", ".join(parts)
    return (f": in a {{…}} mapping a ',' ends the value of '{owner}'; quote a value that "
            f"holds commas: {owner}: \"{whole}\"")


def _list_items(items: list[Any], path: tuple[str | int, ...],
                located: LocatedData) -> list[Problem]:
    """For a list of names with something else among them: each item that is no name."""
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            found = _found(item, (*path, i), located)
            problems.append(located.problem((*path, i), f"expected a name; found {found}"))
    return problems


def _unknown_keys(error: Any, schema: Any, path: tuple[str | int, ...],
                  located: LocatedData) -> list[Problem]:
    import difflib  # only a misspelt key needs it

    allowed = sorted(schema.get("properties", {}))
    known = set(allowed)
    problems = []
    for key in error.kind.as_dict()["unexpected"]:
        if key in known:
            continue
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{guess[0]}'?)" if guess else f"; allowed: {', '.join(allowed)}"
        hint = _comma_hint(error.instance, key, path, located) or hint
        problems.append(located.problem((*path, key), f"unknown key '{key}'{hint}", key=True))
    return problems


def check(located: LocatedData, name: str) -> list[Problem]:
    """Every schema problem of `located` against the shipped schema `name`."""
    problems: list[Problem] = []
    for error in _validator(name).iter_errors(located.data):
        problems.extend(_problems_for(error, name, located))
    # A misspelt key already says "did you mean 'title'?": the missing 'title' is that one.
    suggested = {
        (p.path.rpartition(".")[0], p.message.split("did you mean '")[1].split("'")[0])
        for p in problems if "did you mean '" in p.message
    }
    return [
        p for p in problems
        if not (p.message.startswith("missing required key '")
                and (p.path, p.message.split("'")[1]) in suggested)
    ]
