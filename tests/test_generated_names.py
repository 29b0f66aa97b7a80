"""Names the editions make up for themselves never meet the authors' section ids.

The source is tests/data/valid/colliding-ids.yaml: sections whose ids are, or look
like, the names the editions generate (the e-book's `cover` and `titlepage` files,
`note-1`, `noteref-1`, `table-1`, `figure-1`, `h-x` beside `x`, `toc-x`, `sep_0`,
`fn1`, `xml-x` …), names Windows keeps for devices (`con`), and the longest id the
schema allows. Every section links to every
section; each edition is read back and each link must land on its heading. (EPUBCheck
checks the same e-book: tests/test_epub.py.) Ids that differ only in case are refused:
tests/data/invalid/ids-differing-only-in-case.yaml.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.reader import NS as W_NS
from reportexport.exporters.docx.reader import heading_levels
from reportexport.exporters.epub.reader import NS as E_NS
from reportexport.exporters.epub.reader import read_package
from reportexport.model import GENERATED_PREFIX, Report
from reportexport.schema import schema_text
from reportexport.source import load_report
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
    pattern = json.loads(schema_text("report"))["$defs"]["section"]["properties"]["id"]["pattern"]
    assert re.search(pattern, "x_1") and re.search(pattern, "a" * 64)
    assert not re.search(pattern, f"{GENERATED_PREFIX}note-1")


def test_the_source_holds_ids_that_look_generated(ids: list[str]) -> None:
    assert {"cover", "titlepage", "nav", "note-1", "noteref-1", "h-x", "x", "table-1",
            "figure-1", "con", "Lpt1"} <= set(ids)
    assert max(map(len, ids)) == 64


def test_epub_links_land_on_their_headings(built: dict[str, Path], ids: list[str]) -> None:
    documents: dict[str, etree._Element] = {}
    with zipfile.ZipFile(built["epub"]) as archive:
        names = archive.namelist()
        package = read_package(archive)
        for href in [*package.spine, package.nav_path()]:
            documents[href] = etree.fromstring(archive.read(href))
    assert len({name.lower() for name in names}) == len(names), "names that differ in case"
    stems = {posixpath.basename(name).split(".")[0].lower() for name in names}
    assert not stems & {"con", "prn", "aux", "nul", "com1", "lpt1"}, "Windows' device names"
    landed: set[str] = set()
    for href, root in documents.items():
        for link in root.iter(f"{{{X}}}a"):
            target = link.get("href")
            if (link.get(EPUB_TYPE) == "noteref" or target.startswith(("#", "http"))
                    or ("#" not in target)):
                continue  # note marks land on notes: tests/test_note_order.py
            file, fragment = target.split("#")
            words = " ".join("".join(link.itertext()).split())
            title = words if href == package.nav_path() else _title(_linked_id(words))
            [element] = documents[posixpath.normpath(posixpath.join(
                posixpath.dirname(href), file))].xpath("//*[@id=$id]", id=fragment)
            assert element.tag in HEADINGS and "".join(element.itertext()) == title, target
            landed.add(fragment)
    assert landed == set(ids)
    for href in package.spine:
        made_up = [element.get("id") for element in documents[href].iter()
                   if element.get("id") and element.get("id") not in ids]
        assert all(name.startswith(GENERATED_PREFIX) for name in made_up), (href, made_up)


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
