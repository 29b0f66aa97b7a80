"""The example reports in examples/ build into every edition and read back as written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import FORMATS, ROOT
from readers import TEXT_READERS
from reportexport import exporters
from reportexport.building import build
from reportexport.frontend import Document
from reportexport.model import BulletList, Figure, NumberedList, Table, nested_blocks
from reportexport.source.reading import load_report
from reportexport.source.schema import schema_text
from reportexport.theme import Theme

EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))


GUIDE = ROOT / "examples" / "guide" / "guide.yaml"


def _keys(node: object) -> Iterator[str]:
    """Every mapping key in a YAML document, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def _schema_keys(node: object) -> Iterator[str]:
    """Every property name the JSON Schema knows, at any depth."""
    if isinstance(node, dict):
        yield from node.get("properties", {})
        for value in node.values():
            yield from _schema_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _schema_keys(item)


def test_the_guide_writes_every_key_the_schema_knows() -> None:
    """The guide shows every element of the source format at least once (issue #26)."""
    schema = json.loads(schema_text("report"))
    used = set(_keys(yaml.safe_load(GUIDE.read_text(encoding="utf-8"))))
    # metadata.labels is a dictionary of words ("contents", "page_of"...): the guide
    # gives one, to show the key; the words are listed in docs/source-format.md.
    words = set(schema["$defs"]["metadata"]["properties"]["labels"]["properties"])
    assert set(_schema_keys(schema)) - used - words == set()
    assert "labels" in used
    lists = schema["$defs"]["metadata"]["properties"]["lists"]["items"]["enum"]
    assert sorted(load_report(GUIDE).metadata.lists) == sorted(lists)


def test_there_is_an_example_that_uses_every_element() -> None:
    report = load_report(GUIDE)
    blocks = [block for _, section in report.walk() for block in nested_blocks(section.blocks)]
    kinds = {type(block).__name__ for block in blocks}
    assert kinds == {"Paragraph", "BulletList", "NumberedList", "DefinitionList", "Quote",
                     "Table", "Figure", "Callout"}
    assert list(report.footnotes()) and report.front and report.appendices
    assert {figure.media_type for figure in blocks if isinstance(figure, Figure)} \
        == {"image/svg+xml"}, "the guide's diagram is a vector drawing"
    lists = [block for block in blocks if isinstance(block, BulletList | NumberedList)]
    assert any(any(inner.sublists) for block in lists for inner in block.sublists if inner), \
        "a list nested three levels deep"
    tables = [block for block in blocks if isinstance(block, Table)]
    assert any(table.id and table.note and any(cell == () for row in table.rows
                                                for cell in row) for table in tables)
    pages = {(section.new_page, section.landscape) for _, section in report.walk()}
    assert (True, False) in pages and (False, True) in pages


@pytest.mark.parametrize("source", EXAMPLES, ids=[path.parent.name for path in EXAMPLES])
def test_example_builds_and_reads_back(source: Path, theme: Theme, tmp_path: Path) -> None:
    report = load_report(source)
    paths = build(report, theme, list(FORMATS), tmp_path)
    for path in paths:
        fmt = path.suffix[1:]
        assert exporters.load(fmt).outline(path) == Document.of(report).headings()
        text = TEXT_READERS[fmt](path)
        for _, section in report.walk():
            assert section.title in text
