"""Page furniture a section asks for (#26): `new_page` and `landscape`, read back from
each edition by independent readers (poppler's pdftotext per page and pypdf for the PDF,
the XML for the DOCX and the web page).

The source is tests/data/valid/new-page-and-landscape.yaml.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import DATA
from readers import html_body
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


def _page_lines(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines, as poppler extracts them."""
    pages = []
    for n in range(1, len(PdfReader(pdf).pages) + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        pages.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return pages


def _page_of(pages: list[list[str]], line: str) -> int:
    return next(n for n, page in enumerate(pages) if line in page)


def test_pdf_a_new_page_section_heads_its_page_and_no_page_is_left_blank(
        editions: dict[str, Path]) -> None:
    pages = _page_lines(editions["pdf"])
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
    return any(br.get(f"{W}type") == "page" for br in paragraph.iter(f"{W}br"))


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
    assert "section.new-page" in print_css.split("break-before: page")[0].rsplit("}", 1)[-1]
