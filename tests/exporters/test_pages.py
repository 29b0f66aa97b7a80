"""Page furniture a section asks for (#26): `new_page` and `landscape`, read back from
each edition by independent readers (poppler's pdftotext per page and pypdf for the PDF,
the XML for the DOCX and the web page).

The source is tests/data/valid/new-page-and-landscape.yaml.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import DATA
from readers import html_body, pdf_page_lines
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "new-page-and-landscape.yaml"
RUNNING_HEAD = "Pages report"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, ["pdf", "docx", "html"],
                  tmp_path_factory.mktemp("pages"))
    return {path.suffix[1:]: path for path in paths}


def _page_of(pages: list[list[str]], line: str) -> int:
    return next(n for n, page in enumerate(pages) if line in page)


def test_pdf_a_new_page_section_heads_its_page_and_no_page_is_left_blank(
        editions: dict[str, Path]) -> None:
    pages = pdf_page_lines(editions["pdf"])
    for heading in ("Preface", "Introduction", "Sampling on its own page", "Wide results"):
        # First under the running head.
        assert pages[_page_of(pages, heading)][:2] == [RUNNING_HEAD, heading], heading
    # The introduction asked for a page: it does not follow the contents on theirs.
    assert _page_of(pages, "Introduction") == _page_of(pages, "Contents") + 1
    # Method did not ask: it follows the introduction on its page.
    assert _page_of(pages, "Method") == _page_of(pages, "Introduction")
    # The preface follows the cover, which already ended a page: no blank page between.
    assert _page_of(pages, "Preface") == 1
    assert all(len(page) > 2 for page in pages), "a page with no more than its furniture"


def _body_paragraphs(docx: Path) -> list[etree._Element]:
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    body = root.find(f"{W}body")
    assert body is not None
    return [p for p in body if p.tag == f"{W}p"]


def _text(paragraph: etree._Element) -> str:
    return "".join(paragraph.itertext())


def _breaks_page(paragraph: etree._Element) -> bool:
    """A page break, or the end of a Word section (which starts the next on a new page)."""
    return (any(br.get(f"{W}type") == "page" for br in paragraph.iter(f"{W}br"))
            or paragraph.find(f"{W}pPr/{W}sectPr") is not None)


def test_docx_a_page_break_precedes_each_new_page_heading_and_none_is_doubled(
        editions: dict[str, Path]) -> None:
    paragraphs = _body_paragraphs(editions["docx"])
    texts = [_text(p) for p in paragraphs]

    def heading_at(heading: str) -> int:  # the heading, not its line in the contents
        return len(texts) - 1 - texts[::-1].index(heading)

    for heading in ("Preface", "Introduction", "Sampling on its own page", "Wide results"):
        assert _breaks_page(paragraphs[heading_at(heading) - 1]), heading
    assert not _breaks_page(paragraphs[heading_at("Method") - 1])
    doubled = [i for i in range(1, len(paragraphs))
               if _breaks_page(paragraphs[i]) and _breaks_page(paragraphs[i - 1])]
    assert not doubled, "two page breaks in a row leave a blank page"


def test_html_print_stylesheet_breaks_before_a_new_page_section(
        editions: dict[str, Path]) -> None:
    body = html_body(editions["html"])
    marked = {section.find("h3").get("id") if section.find("h3") is not None
              else section.find("h2").get("id")
              for section in body.iter("section") if "new-page" in section.get("class", "")}
    assert {"sampling"} <= marked and "method" not in marked
    css = "".join(style.text or "" for style in body.getroottree().iter("style"))
    print_css = css[css.index("@media print"):]
    assert re.search(r"section\.new-page \{ break-before: page; \}", print_css)


# Landscape sections


def _sizes(pdf: Path) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height))
            for page in PdfReader(pdf).pages]


def test_pdf_landscape_sections_pages_are_wider_than_tall_and_the_rest_upright(
        editions: dict[str, Path]) -> None:
    pages, sizes = pdf_page_lines(editions["pdf"]), _sizes(editions["pdf"])
    turned = {n for n, (width, height) in enumerate(sizes) if width > height}
    assert turned == {_page_of(pages, "Wide results"), _page_of(pages, "Annex A Wide annex")}
    upright = sizes[0]
    assert all(size in (upright, upright[::-1]) for size in sizes)
    # The subsection and its note stay on the turned page; the next section turns back.
    assert _page_of(pages, "Wide detail") == _page_of(pages, "Wide results")
    assert _page_of(pages, "A note at the foot of a turned page.") == _page_of(
        pages, "Wide results")
    # The running head and the footer are placed for the turned page.
    wide = pages[_page_of(pages, "Wide results")]
    number = _page_of(pages, "Wide results") + 1
    assert wide[0] == RUNNING_HEAD
    assert wide[-1] == f"Example Network Page {number} of {len(pages)}"


def test_pdf_contents_gives_the_pages_the_turned_sections_are_on(
        editions: dict[str, Path]) -> None:
    pages = pdf_page_lines(editions["pdf"])
    contents = pages[_page_of(pages, "Contents")]
    for heading in ("Wide results", "After the wide results", "Annex A Wide annex"):
        entry = next(line for line in contents if line.startswith(heading + " ")
                     or line.startswith(heading + "."))
        assert entry.split()[-1] == str(_page_of(pages, heading) + 1), entry


def test_pdf_a_wide_table_uses_the_turned_measure(editions: dict[str, Path]) -> None:
    """Its last column ends beyond an upright page's text width."""
    pages = pdf_page_lines(editions["pdf"])
    page = _page_of(pages, "Wide results") + 1
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(
        editions["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(word.get("xMax")) for word in etree.fromstring(
        xml.encode()).iter("{http://www.w3.org/1999/xhtml}word") if word.text == "2024")
    upright_width = _sizes(editions["pdf"])[0][0]
    assert right > upright_width


def _section_properties(docx: Path) -> list[etree._Element]:
    """Every w:sectPr in reading order: those ending sections in paragraphs, then the body's."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return list(root.iter(f"{W}sectPr"))


def test_docx_landscape_sections_are_word_sections_turned_and_turned_back(
        editions: dict[str, Path]) -> None:
    paragraphs = _body_paragraphs(editions["docx"])
    texts = [_text(p) for p in paragraphs]
    sections: list[list[str]] = [[]]  # the text of each Word section
    for paragraph, text in zip(paragraphs, texts, strict=True):
        sections[-1].append(text)
        if paragraph.find(f"{W}pPr/{W}sectPr") is not None:
            sections.append([])
    properties = _section_properties(editions["docx"])
    assert len(properties) == len(sections) == 4

    def orientation(sect_pr: etree._Element) -> tuple[str | None, int, int]:
        size = sect_pr.find(f"{W}pgSz")
        assert size is not None
        return size.get(f"{W}orient"), int(size.get(f"{W}w", 0)), int(size.get(f"{W}h", 0))

    upright, turned, upright_again, annex = (orientation(p) for p in properties)
    assert upright[0] is None and upright[1] < upright[2]
    assert turned == ("landscape", upright[2], upright[1]) == annex
    assert upright_again == upright
    assert "Wide results" in sections[1] and "Wide detail" in sections[1]
    assert "After the wide results" in sections[2] and "Annex A Wide annex" in sections[3]
    # The title page's own (empty) header is the first section's only.
    assert [p.find(f"{W}titlePg") is not None for p in properties] == [True, False, False,
                                                                       False]


def test_html_a_wide_table_in_a_landscape_section_still_scrolls(
        editions: dict[str, Path]) -> None:
    body = html_body(editions["html"])
    table = next(t for t in body.iter("table") if "Registrations by year" in "".join(
        t.itertext()))
    region = table.getparent()
    assert region is not None and region.get("class") == "table-region"
