"""`reportexport import`: Word documents into sources, and edits of the Word edition back.

Round trip: each test source's Word edition, imported, loads as the same report. The
differences allowed, each because the Word edition does not carry the distinction:
- section ids: our edition's bookmarks are Word's own (_Toc…), so a new source's ids come
  from the titles; cross-references are compared through the sections they reach;
- emphasis inside strong and strong inside emphasis are the same runs in Word (italic and
  bold): inline text is compared as runs of text with their looks;
- two bulleted lists one right after the other are one list in Word (one numbering);
- a figure's image is a new file (the edition's pixels): alt text and caption compared;
- metadata Word has no place for (short title, slug, rights, modified) is not compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import reportexport
from conftest import DATA, ROOT, run_cli
from reportexport.building import build
from reportexport.model import (
    BulletList,
    CrossReference,
    Emphasis,
    Figure,
    Link,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Table,
    Text,
)
from reportexport.source import load_report

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SOURCES = [*sorted((DATA / "valid").glob("*.yaml")), ROOT / "examples" / "guide" / "guide.yaml",
           ROOT / "source" / "report.yaml"]


def _flat(content: Any, ids: dict[str, str], looks: tuple[str, ...] = ()) -> list[Any]:
    """Inline nodes as runs of (text, looks) and notes: nesting order does not count."""
    out: list[Any] = []
    for node in content:
        if isinstance(node, Text):
            if out and isinstance(out[-1], list) and out[-1][1] == looks:
                out[-1][0] += node.text
            else:
                out.append([node.text, looks])
        elif isinstance(node, Note):
            out.append(("note", tuple(map(tuple, _flat(node.content, ids)))))
        else:
            kind = (("link", node.url) if isinstance(node, Link)
                    else ("ref", ids.get(node.section_id, node.section_id))
                    if isinstance(node, CrossReference)
                    else "em" if isinstance(node, Emphasis) else "strong")
            for item in _flat(node.content, ids, tuple(sorted({*looks, kind}, key=str))):
                if (isinstance(item, list) and out and isinstance(out[-1], list)
                        and out[-1][1] == item[1]):
                    out[-1][0] += item[0]
                else:
                    out.append(item)
    return [tuple(item) if isinstance(item, list) else item for item in out]


def _blocks(blocks: Any, ids: dict[str, str]) -> list[Any]:
    out: list[Any] = []
    for block in blocks:
        if isinstance(block, BulletList) and out and out[-1][0] == "bullets":
            out[-1] = ("bullets", out[-1][1] + tuple(_flat(i, ids) for i in block.items))
        elif isinstance(block, BulletList | NumberedList):
            out.append(("bullets" if isinstance(block, BulletList) else "numbered",
                        tuple(_flat(i, ids) for i in block.items)))
        elif isinstance(block, Paragraph):
            out.append(("paragraph", _flat(block.content, ids)))
        elif isinstance(block, Quote):
            out.append(("quote", _flat(block.text, ids),
                        block.attribution and _flat(block.attribution, ids)))
        elif isinstance(block, Table):
            out.append(("table", block.caption and _flat(block.caption, ids),
                        [_flat(c, ids) for c in block.columns],
                        [[_flat(c, ids) for c in row] for row in block.rows], block.align))
        elif isinstance(block, Figure):
            out.append(("figure", block.alt, block.caption and _flat(block.caption, ids)))
    return out


def _shape(report: Report, ids: dict[str, str]) -> dict[str, Any]:
    meta = report.metadata
    return {
        "metadata": (meta.title, meta.subtitle, meta.publisher, meta.authors, meta.date,
                     meta.language, meta.subject, meta.keywords, meta.description,
                     meta.facts),
        "lead": [_flat(p.content, ids) for p in report.lead],
        "outline": report.outline(),
        "sections": [(level, _blocks(s.blocks, ids)) for level, s in report.walk()],
    }


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Each test source's Word edition, built once."""
    out = tmp_path_factory.mktemp("editions")
    built = {}
    for number, source in enumerate(SOURCES):
        report, theme = reportexport.load(source)
        [path] = build(report, theme, ["docx"], out / str(number), parallel=False)
        built[source] = path
    return built


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_round_trip_of_the_word_edition(source: Path, editions: dict[Path, Path],
                                        tmp_path: Path) -> None:
    result = run_cli("import", editions[source], "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    imported = load_report(tmp_path / "new" / "report.yaml")
    original = load_report(source)
    ids = {a.id: b.id for (_, a), (_, b) in zip(original.walk(), imported.walk(), strict=False)}
    got, wanted = _shape(imported, {}), _shape(original, ids)
    for key in wanted:
        if key != "sections":
            assert got[key] == wanted[key], key
    assert len(got["sections"]) == len(wanted["sections"])
    for got_section, wanted_section in zip(got["sections"], wanted["sections"], strict=True):
        assert got_section == wanted_section
    for figure in (b for _, s in imported.walk() for b in s.blocks if isinstance(b, Figure)):
        assert figure.image.is_file() and figure.width_px > 0
