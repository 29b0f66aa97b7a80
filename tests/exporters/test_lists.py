"""Lists of tables and figures after the contents (#26), read back from every edition by
independent readers: each entry its caption with its label, leading to it, and in the PDF
the page it is on. The sources are tests/data/valid/lists-of-tables-and-figures.yaml, whose
second table stands on a later page than the first, and lists-with-callouts.yaml."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import DATA
from readers import html_body, pdf_page_lines
from reportexport.building import build
from reportexport.exporters.docx.readback import paragraph_text
from reportexport.source.reading import load_report
from reportexport.theme import Theme


@dataclass(frozen=True)
class Case:
    source: Path
    tables: list[str]
    figures: list[str]
    #: What each entry leads to: its caption as the editions print it.
    captions: dict[str, str]


CASES = [
    Case(DATA / "valid" / "lists-of-tables-and-figures.yaml",
         ["Table 1 Budget by district", "Table 2"], ["Figure 1 Registrations by month"],
         {"Table 1 Budget by district": "Table 1. Budget by district", "Table 2": "Table 2",
          "Figure 1 Registrations by month": "Figure 1. Registrations by month"}),
    # A callout's table and figure are listed with the rest (once, they were left out).
    Case(DATA / "valid" / "lists-with-callouts.yaml",
         ["Table 1 Turnout by province", "Table 2 Staff by office"],
         ["Figure 1 Registrations in the box"],
         {"Table 1 Turnout by province": "Table 1. Turnout by province",
          "Table 2 Staff by office": "Table 2. Staff by office",
          "Figure 1 Registrations in the box": "Figure 1. Registrations in the box"}),
]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module", params=CASES, ids=[case.source.stem for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    chosen: Case = request.param
    return chosen


@pytest.fixture(scope="module")
def editions(case: Case, tmp_path_factory: pytest.TempPathFactory,
             theme: Theme) -> dict[str, Path]:
    paths = build(load_report(case.source), theme, ["pdf", "docx", "epub", "html"],
                  tmp_path_factory.mktemp("lists"))
    return {path.suffix[1:]: path for path in paths}


def test_pdf_lists_give_each_caption_its_page_and_lead_to_it(editions: dict[str, Path],
                                                              case: Case) -> None:
    pages = pdf_page_lines(editions["pdf"])
    [lists_page] = [n for n, page in enumerate(pages) if "List of tables" in page]
    lines = pages[lists_page]
    assert lines.index("List of tables") < lines.index("List of figures")

    def caption_page(caption: str) -> int:  # the page the caption is printed on, from 1
        return next(n for n, page in enumerate(pages, 1) if caption in page)

    entries = [re.fullmatch(r"(.+?) (\d+)", line) for line in lines]
    numbers = {m[1]: int(m[2]) for m in entries if m and m[1] in case.captions}
    assert set(numbers) == {*case.tables, *case.figures}
    for entry, number in numbers.items():
        assert number == caption_page(case.captions[entry]), entry
    if "Table 2" in numbers:  # the first case's point: its tables on different pages
        assert numbers["Table 1 Budget by district"] != numbers["Table 2"]
    # Each entry's link (described by the entry's words) leads to that page.
    reader = PdfReader(editions["pdf"])
    page_numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    links = {str(link["/Contents"]): page_numbers[link["/Dest"][0].idnum]
             for link in (a.get_object() for a in reader.pages[lists_page].get("/Annots", []))
             if str(link.get("/Contents")) in case.captions}
    assert links == numbers


def test_docx_lists_are_toc_fields_over_the_captions(editions: dict[str, Path],
                                                     case: Case) -> None:
    with zipfile.ZipFile(editions["docx"]) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = list(root.iter(f"{W}p"))
    texts = [paragraph_text(p) for p in paragraphs]
    instructions = [" ".join(t.text.split()) for t in root.iter(f"{W}instrText") if t.text]
    assert 'TOC \\h \\z \\c "Table"' in instructions
    assert 'TOC \\h \\z \\c "Figure"' in instructions
    bookmarks = {mark.get(f"{W}name"): texts[paragraphs.index(paragraph)]
                 for paragraph in paragraphs for mark in paragraph.iter(f"{W}bookmarkStart")}
    first = texts.index("List of tables")
    assert texts[texts.index("List of figures") - 1] == ""  # the tables' field ends first
    listed = []
    for paragraph in paragraphs[first + 1:]:
        for link in paragraph.iter(f"{W}hyperlink"):
            listed.append(paragraph_text(link))
            assert bookmarks[link.get(f"{W}anchor")] == case.captions[listed[-1]]
        if paragraph_text(paragraph) == case.figures[-1]:
            break
    assert listed == [*case.tables, *case.figures]


def test_epub_navigation_has_lot_and_loi_leading_to_the_captions(editions: dict[str, Path],
                                                                 case: Case) -> None:
    with zipfile.ZipFile(editions["epub"]) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        for kind, expected in (("lot", case.tables), ("loi", case.figures)):
            [element] = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == kind]
            links = list(element.iter(f"{XHTML}a"))
            assert ["".join(a.itertext()) for a in links] == expected
            for link in links:
                file, _, fragment = link.get("href", "").partition("#")
                page = etree.fromstring(archive.read(posixpath.join("EPUB", file)))
                [target] = page.xpath("//*[@id=$id]", id=fragment)
                caption = target.find(f"{XHTML}caption") if kind == "lot" else target.find(
                    f"{XHTML}figcaption")
                assert caption is not None
                assert " ".join("".join(caption.itertext()).split()) == case.captions[
                    "".join(link.itertext())]


def test_html_lists_under_the_contents_lead_to_the_captions(editions: dict[str, Path],
                                                            case: Case) -> None:
    body = html_body(editions["html"])
    contents = body.find(".//nav")
    assert contents is not None
    headings = ["".join(h.itertext()) for h in contents.iter("h2")]
    assert headings == ["Contents", "List of tables", "List of figures"]
    for kind, expected in (("tables", case.tables), ("figures", case.figures)):
        [entries] = [ol for ol in contents.iter("ol") if ol.get("class") == f"list-of-{kind}"]
        links = list(entries.iter("a"))
        assert ["".join(a.itertext()) for a in links] == expected
        for link in links:
            [target] = body.xpath("//*[@id=$id]", id=link.get("href", "").removeprefix("#"))
            caption = target.find("caption" if kind == "tables" else "figcaption")
            assert caption is not None
            assert " ".join("".join(caption.itertext()).split()) == case.captions[
                "".join(link.itertext())]
