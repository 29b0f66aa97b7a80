"""The JSON Schemas shipped with reportexport, and located, readable schema errors."""

from __future__ import annotations

from functools import cache
from typing import Any

from reportexport.packagedata import PACKAGE
from reportexport.problems import Problem
from reportexport.yamlload import LocatedData

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


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    for python_type, name in ((str, "a string"), (list, "a list"), (dict, "a mapping")):
        if isinstance(value, python_type):
            return name
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _problems_for(error: Any, name: str, located: LocatedData) -> list[Problem]:
    path = tuple(error.instance_path)
    schema = _schema_node(name, list(error.schema_path))
    custom = schema.get("x-message") if isinstance(schema, dict) else None
    kind = error.kind.name
    if kind == "additionalProperties":
        import difflib  # only a misspelt key needs it

        allowed = sorted(schema.get("properties", {}))
        known = set(allowed)
        problems = []
        for key in error.kind.as_dict()["unexpected"]:
            if key in known:
                continue
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; allowed: {', '.join(allowed)}"
            problems.append(located.problem((*path, key), f"unknown key '{key}'{hint}", key=True))
        return problems
    if kind == "required":
        missing = error.kind.as_dict()["property"]
        return [located.problem(path, f"missing required key '{missing}'")]
    if kind == "type":
        expected = schema["type"]
        expected_list = [expected] if isinstance(expected, str) else expected
        names = [_TYPE_NAMES.get(t, t) for t in expected_list]
        message = f"expected {' or '.join(names)}, found {_describe(error.instance)}"
        if expected == "string" and isinstance(error.instance, bool | int | float):
            message += " (quote the value to keep it as text)"
        return [located.problem(path, message)]
    if custom and kind in ("pattern", "minLength", "enum", "minProperties", "maxProperties",
                           "anyOf"):
        return [located.problem(path, custom)]
    if kind == "minItems":
        count = schema["minItems"]
        return [located.problem(path, f"expected at least {count} item{'s' * (count != 1)}")]
    if kind == "enum":
        options = ", ".join(str(v) for v in schema["enum"])
        return [located.problem(path, f"expected one of {options}")]
    if kind in ("minimum", "maximum"):
        return [
            located.problem(
                path,
                f"expected a number from {schema.get('minimum', '-∞')} to "
                f"{schema.get('maximum', '∞')}",
            )
        ]
    return [located.problem(path, error.message)]


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
