"""The example reports in examples/ build into every edition and read back as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FORMATS, ROOT
from readers import TEXT_READERS
from reportexport import exporters
from reportexport.building import build
from reportexport.model import Figure, Table
from reportexport.source.reading import load_report
from reportexport.theme import Theme

EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))


def test_there_is_an_example_that_uses_every_element() -> None:
    report = load_report(ROOT / "examples" / "guide" / "guide.yaml")
    blocks = [block for _, section in report.walk() for block in section.blocks]
    kinds = {type(block).__name__ for block in blocks}
    assert kinds >= {"Paragraph", "BulletList", "NumberedList", "Quote", "Table", "Figure"}
    assert list(report.footnotes()) and any(isinstance(b, Table) for b in blocks)
    assert any(isinstance(b, Figure) for b in blocks)


@pytest.mark.parametrize("source", EXAMPLES, ids=[path.parent.name for path in EXAMPLES])
def test_example_builds_and_reads_back(source: Path, theme: Theme, tmp_path: Path) -> None:
    report = load_report(source)
    paths = build(report, theme, list(FORMATS), tmp_path)
    for path in paths:
        fmt = path.suffix[1:]
        assert exporters.load(fmt).outline(path) == report.outline()
        text = TEXT_READERS[fmt](path)
        for _, section in report.walk():
            assert section.title in text
