"""The compiled validators (fastjsonschema) must agree with jsonschema, the reference.

A build trusts the compiled check to accept a source, and jsonschema only
explains failures: the two must give the same verdict on every input. (They
once differed: `$` in a pattern matched before a final newline for jsonschema
only, so a section id "method\n" was accepted. The schemas now say `$(?!\n)`.)
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import os
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT, SOURCE
from reportexport import schema
from reportexport.problems import InputError
from reportexport.yamlload import load_yaml

THEME = ROOT / "styles" / "default.yaml"
SCHEMAS = ("report", "theme")


def _jsonschema_accepts(data: Any, name: str) -> bool:
    return not any(True for _ in schema._validator(name).iter_errors(data))


def _assert_agree(data: Any, name: str) -> None:
    compiled = schema.passes_compiled(data, name)
    reference = _jsonschema_accepts(data, name)
    assert compiled == reference, (
        f"the compiled {name} schema {'accepts' if compiled else 'refuses'} what jsonschema "
        f"{'refuses' if compiled else 'accepts'}: {data!r}"
    )


@pytest.mark.parametrize("name", SCHEMAS)
def test_compiled_validator_was_compiled_from_the_shipped_schema(name: str) -> None:
    module = importlib.import_module(f"reportexport.validators.{name}")
    digest = hashlib.sha256(schema.schema_text(name).encode("utf-8")).hexdigest()
    assert digest == module.SCHEMA_SHA256, (
        f"schemas/{name}.schema.json changed: run `python tools/compile_schemas.py`"
    )


@pytest.mark.parametrize("name", SCHEMAS)
def test_compiling_again_gives_the_shipped_code(name: str) -> None:
    spec = importlib.util.spec_from_file_location("compile_schemas",
                                                  ROOT / "tools" / "compile_schemas.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    shipped = (ROOT / "src" / "reportexport" / "validators" / f"{name}.py").read_text("utf-8")
    if f"fastjsonschema {fastjsonschema.VERSION}." not in shipped.splitlines()[1]:
        pytest.skip(f"compiled with another fastjsonschema than {fastjsonschema.VERSION}")
    assert tool.compiled(name) == shipped


def _corpus() -> list[tuple[str, Any]]:
    """Every case file that reads as YAML, and which schema it is checked against."""
    cases = []
    for path in [SOURCE, *sorted((DATA / "invalid").glob("*.yaml")),
                 *sorted((DATA / "valid").glob("*.yaml"))]:
        try:
            cases.append((path.stem, load_yaml(path).data))
        except InputError:
            continue  # refused before any schema is asked
    return cases


CORPUS = _corpus()


@pytest.mark.parametrize(("stem", "data"), CORPUS, ids=[stem for stem, _ in CORPUS])
def test_compiled_report_schema_agrees_on_every_case_file(stem: str, data: Any) -> None:
    _assert_agree(data, "report")


def test_the_corpus_exercises_both_verdicts() -> None:
    verdicts = {schema.passes_compiled(data, "report") for _, data in CORPUS}
    assert verdicts == {True, False}


# Any YAML-shaped value, to put where the schema expects something else.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 200, allow_nan=False)
    | st.text(max_size=4) | st.sampled_from(["A4", "Letter", "#1f3a5f", "2023-07-05", "en"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=2),
    max_leaves=4,
)


def _paths(data: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [trail]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*trail, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*trail, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    data = copy.deepcopy(original)
    path = draw(st.sampled_from(_paths(data)[1:]))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(["replace", "delete", "add-key"]))
    if action == "replace" or not isinstance(parent, dict | list):
        parent[last] = draw(VALUES)
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=6))] = draw(VALUES)
    else:
        parent.insert(last, draw(VALUES))
    return data


_DELETE = object()
REPORT_DATA = load_yaml(SOURCE).data
THEME_DATA = load_yaml(THEME).data


ODD_VALUES = (None, True, False, 0, -1, 1.5, 2.0, 1000, "", " ", "x", "A4\n",
              [], [""], {}, {"x": 1})


@pytest.mark.parametrize("name", SCHEMAS)
def test_compiled_schemas_agree_wherever_a_value_is_replaced_or_removed(name: str) -> None:
    original = REPORT_DATA if name == "report" else THEME_DATA
    checked = 0
    for path in _paths(original)[1:]:
        for value in (*ODD_VALUES, _DELETE):
            data = copy.deepcopy(original)
            parent = data
            for step in path[:-1]:
                parent = parent[step]
            if value is _DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            _assert_agree(data, name)
            checked += 1
    assert checked > 500


@settings(max_examples=int(os.environ.get("MUTATION_EXAMPLES", "150")))
@given(name=st.sampled_from(SCHEMAS), data=st.data())
def test_compiled_schemas_agree_on_mutated_data(name: str, data: st.DataObject) -> None:
    original = REPORT_DATA if name == "report" else THEME_DATA
    _assert_agree(data.draw(mutated(original)), name)


def test_the_real_source_and_theme_pass_the_compiled_check() -> None:
    assert schema.passes_compiled(REPORT_DATA, "report")
    assert schema.passes_compiled(THEME_DATA, "theme")


def test_a_refused_source_is_explained_by_jsonschema() -> None:
    located = load_yaml(DATA / "invalid" / "missing-title.yaml")
    assert not schema.passes_compiled(located.data, "report")
    problems = schema.check(located, "report")
    assert any("missing required key 'title'" in p.message for p in problems)
