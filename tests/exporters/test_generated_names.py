"""Names the editions make up for themselves never meet the authors' section ids.

The source is tests/data/valid/colliding-ids.yaml: sections whose ids are, or look
like, the names the editions generate (the e-book's `cover` and `titlepage` files,
`note-1`, `noteref-1`, `table-1`, `figure-1`, `h-x` beside `x`, `toc-x`, `sep_0`,
`fn1`, `xml-x` …), names Windows keeps for devices (`con`), and the longest id the
schema allows. Every section links to every
section; each edition is read back and each link must land on its heading. (EPUBCheck
checks the same e-book: tests/exporters/epub/test_epub.py.) Ids that differ only in
case are refused: tests/data/invalid/ids-differing-only-in-case.yaml.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.docx.readback import heading_levels
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.model import GENERATED_PREFIX, Report
from reportexport.source.reading import load_report
from reportexport.source.schema import schema_text
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "colliding-ids.yaml"
W = W_NS["w"]
X = E_NS["x"]
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
HEADINGS = {f"{{{X}}}h{level}" for level in range(1, 7)}


def _title(section_id: str) -> str:
    return f"Section {section_id} begins"


def _linked_id(words: str) -> str:
    """The section a cross-reference's words name: "to note-1" is note-1."""
    assert words.startswith("to "), words
    return words.removeprefix("to ")


@pytest.fixture(scope="module")
def report() -> Report:
    return load_report(SOURCE)


@pytest.fixture(scope="module")
def ids(report: Report) -> list[str]:
    found = [section.id for _, section in report.walk()]
    assert all(_title(section.id) == section.title for _, section in report.walk())
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, report: Report,
          theme: Theme) -> dict[str, Path]:
    paths = build(report, theme, list(FORMATS), tmp_path_factory.mktemp("ids"))
    return {path.suffix[1:]: path for path in paths}


def test_no_section_id_can_begin_as_generated_names_do() -> None:
    pattern = json.loads(schema_text("report"))["$defs"]["id"]["pattern"]
    assert re.search(pattern, "x_1") and re.search(pattern, "a" * 64)
    assert not re.search(pattern, f"{GENERATED_PREFIX}note-1")


def test_the_source_holds_ids_that_look_generated(ids: list[str]) -> None:
    assert {"cover", "titlepage", "nav", "note-1", "noteref-1", "h-x", "x", "table-1",
            "figure-1", "con", "Lpt1"} <= set(ids)
    assert max(map(len, ids)) == 64


def _check_epub_names_and_links(path: Path, ids: list[str]) -> None:
    """The e-book's files are named apart (in any case, and from Windows' devices), each
    document's ids are the sections' or generated ones, every cross-reference and contents
    entry lands on its heading and every note mark on its note; every section is reached."""
    documents: dict[str, etree._Element] = {}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        package = read_package(archive)
        for href in [*package.spine, package.nav_path()]:
            documents[href] = etree.fromstring(archive.read(href))
    assert len({name.lower() for name in names}) == len(names), "names that differ in case"
    stems = {posixpath.basename(name).split(".")[0].lower() for name in names}
    assert not stems & {"con", "prn", "aux", "nul", "com1", "lpt1"}, "Windows' device names"
    landed: set[str] = set()
    for href, root in documents.items():
        every_id = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(set(every_id)) == len(every_id), href
        made_up = [name for name in every_id if name not in ids]
        assert href == package.nav_path() or all(
            name.startswith(GENERATED_PREFIX) for name in made_up), (href, made_up)
        for link in root.iter(f"{{{X}}}a"):
            target = link.get("href")
            if link.get(EPUB_TYPE) == "noteref":
                [note] = root.xpath("//*[@id=$id]", id=target.removeprefix("#"))
                assert note.get(EPUB_TYPE) == "footnote", target
                continue
            if target.startswith(("#", "http")) or "#" not in target:
                continue  # a note's way back to its mark, or a link out of the report
            file, fragment = target.split("#")
            words = " ".join("".join(link.itertext()).split())
            title = words if href == package.nav_path() else _title(_linked_id(words))
            [element] = documents[posixpath.normpath(posixpath.join(
                posixpath.dirname(href), file))].xpath("//*[@id=$id]", id=fragment)
            assert element.tag in HEADINGS and "".join(element.itertext()) == title, target
            landed.add(fragment)
    assert landed == set(ids)


def test_epub_links_land_on_their_headings(built: dict[str, Path], ids: list[str]) -> None:
    _check_epub_names_and_links(built["epub"], ids)


#: The schema's id pattern, as Hypothesis can draw from it (without its end anchor's guard).
_ID = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,63}\Z")
_LOOKALIKES = st.sampled_from(["cover", "titlepage", "nav", "toc", "notes", "note-1",
                               "noteref-1", "table-1", "figure-1", "h-x", "x", "fn1", "xml-x",
                               "con", "Aux", "nul", "css", "sep_0", "toc-x", "sec-x", "id"])


@settings(max_examples=int(os.environ.get("ID_EXAMPLES", "15")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ids=st.lists(_LOOKALIKES | _ID, min_size=1, max_size=8, unique_by=str.lower),
       nesting=st.lists(st.booleans(), min_size=8, max_size=8))
def test_any_ids_the_schema_accepts_give_an_ebook_whose_links_land(
        ids: list[str], nesting: list[bool], theme: Theme, tmp_path_factory:
        pytest.TempPathFactory) -> None:
    """Random ids, look-alikes of generated names among them, some sections nested in
    the one before; each section has a note, a table and a link to every section."""
    links = ", ".join(f"[to {section_id}](#{section_id})" for section_id in ids)
    sections: list[dict[str, Any]] = []
    for section_id, nested in zip(ids, nesting, strict=False):
        section = {"id": section_id, "title": _title(section_id), "blocks": [
            {"paragraph": f"A note.^[A note.] {links}."},
            {"table": {"columns": ["A^[A note.]"], "rows": [["a"]]}}]}
        (sections[-1].setdefault("sections", []) if nested and sections
         else sections).append(section)
    source = tmp_path_factory.mktemp("random-ids") / "report.yaml"
    source.write_text(yaml.safe_dump({
        "metadata": {"title": "Ids", "publisher": "P", "authors": "A", "date": "2024-01-31",
                     "language": "en"},
        "lead": ["A lead.^[A note.]"], "sections": sections}), encoding="utf-8")
    [path] = build(load_report(source), theme, ["epub"], source.parent)
    _check_epub_names_and_links(path, ids)


def _text_lines(page: object) -> list[tuple[str, float]]:
    """Each run of text on a PDF page with its baseline's height (pypdf)."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            runs.append((text.strip(), cm[5] + tm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def test_pdf_links_land_on_their_headings(built: dict[str, Path], ids: list[str]) -> None:
    import pikepdf
    from pypdf import PdfReader

    runs = [_text_lines(page) for page in PdfReader(built["pdf"]).pages]
    landed: set[str] = set()
    with pikepdf.open(built["pdf"]) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link" or "/A" in annotation:
                    continue  # a link out of the report
                words = str(annotation.Contents)
                title = words if words.startswith("Section ") else _title(_linked_id(words))
                target, kind, _, top, _ = annotation.Dest
                assert kind == "/XYZ"
                # The heading's first line stands just below the destination's top.
                assert any(title.startswith(text) and len(text) > len("Section x")
                           and 0 < float(top) - height < 30
                           for text, height in runs[pages[target.objgen]]), (title, top)
                landed.add(title)
    assert landed == {_title(section_id) for section_id in ids}


def test_docx_links_land_on_their_headings_bookmarks(built: dict[str, Path],
                                                     ids: list[str]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        levels = heading_levels(archive.read("word/styles.xml"))

    def text(element: etree._Element) -> str:
        return "".join(t.text or "" for t in element.iter(f"{{{W}}}t"))

    headings = {}
    for start in document.iter(f"{{{W}}}bookmarkStart"):
        paragraph = start.getparent()
        style = paragraph.find("w:pPr/w:pStyle", W_NS)
        if style is not None and style.get(f"{{{W}}}val") in levels:
            headings[start.get(f"{{{W}}}name")] = text(paragraph)
    landed = set()
    for link in document.iter(f"{{{W}}}hyperlink"):
        anchor = link.get(f"{{{W}}}anchor")
        if anchor is None:
            continue  # a link out of the report
        words = text(link)
        if words.startswith("to "):
            assert headings[anchor] == _title(_linked_id(words))
        else:  # an entry of the contents: its title, then its page
            assert words.startswith(headings[anchor])
        landed.add(headings[anchor])
    assert landed == {_title(section_id) for section_id in ids}
