"""Every valid-but-tricky source in tests/data/valid builds in every format, faithfully.

One case per file: NAME.yaml is the source, NAME.text lists strings that must
appear literally in every edition's text as a reader's software extracts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, FORMATS
from readers import TEXT_READERS, normalise
from reportexport import exporters
from reportexport.building import build
from reportexport.frontend import Document
from reportexport.source.reading import load_report
from reportexport.theme import Theme

CASES = sorted((DATA / "valid").glob("*.yaml"))


@pytest.fixture(scope="module", params=CASES, ids=[c.stem for c in CASES])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          theme: Theme) -> tuple[Path, dict[str, Path]]:
    source: Path = request.param
    report = load_report(source)
    out = tmp_path_factory.mktemp(source.stem)
    paths = build(report, theme, list(FORMATS), out)
    return source, {path.suffix.lstrip("."): path for path in paths}


@pytest.mark.parametrize("fmt", FORMATS)
def test_outline_reads_back_as_the_source(built: tuple[Path, dict[str, Path]], fmt: str) -> None:
    source, paths = built
    # As the front end words the headings: "2.1 Findings", "Annex A Methodology".
    expected = Document.of(load_report(source)).headings()
    assert exporters.load(fmt).outline(paths[fmt]) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_tricky_text_appears_literally(built: tuple[Path, dict[str, Path]], fmt: str) -> None:
    source, paths = built
    text = TEXT_READERS[fmt](paths[fmt])
    for needle in source.with_suffix(".text").read_text(encoding="utf-8").splitlines():
        assert normalise(needle) in text, f"{needle!r} missing from the {fmt} edition"
