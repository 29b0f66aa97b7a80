"""The publisher's apparatus (#26), read back from every edition by independent readers:
authors and rights on the title page and in the metadata, the front matter before the
contents and unnumbered, numbered headings, an annex on its own page, and automatic
references printing their targets' labels and leading to them.

The source is tests/data/valid/apparatus.yaml; the front end's numbering is also
checked on its own, for a report that does not number its sections.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import DATA
from readers import pdf_page_lines
from reportexport.building import build
from reportexport.frontend import Document, annex_letter
from reportexport.source.reading import load_report
from reportexport.theme import Theme
from reportexport.wordimport.update import update_source

SOURCE = DATA / "valid" / "apparatus.yaml"
AUTHORS = ["Ana Sousa", "Kimsan Chea"]
RIGHTS = "© 2024 Example Network. Licensed under CC BY 4.0."
#: The source's ISBN, 978-3-16-148410-0, as the metadata's identifier (RFC 8254).
ISBN_URN = "urn:isbn:9783161484100"
#: The outline as every edition must show it, the front matter first and unnumbered.
HEADINGS = [(1, "Acknowledgements"), (1, "1 Introduction"), (1, "2 Findings"),
            (2, "2.1 Detail"), (1, "Annex A Methodology")]
#: Each automatic reference's words, in reading order.
REFERENCES = ["Table 1", "Figure 1", "Annex A", "section 2.1", "section 1", "Table 1"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, ["pdf", "docx", "epub"],
                  tmp_path_factory.mktemp("apparatus"))
    return {path.suffix[1:]: path for path in paths}


# The PDF


def test_pdf_cover_and_imprint_name_the_authors_and_the_notices(editions: dict[str, Path]
                                                                ) -> None:
    cover, imprint, *_ = pdf_page_lines(editions["pdf"])
    assert "AUTHORS Ana Sousa, Kimsan Chea" in cover
    lines = imprint
    for label, value in (("ISBN", "978-3-16-148410-0"), ("RIGHTS", RIGHTS),
                         ("DISCLAIMER", "The views expressed are the authors' own.")):
        assert lines[lines.index(label) + 1] == value


def test_pdf_front_matter_precedes_the_contents_and_annex_a_opens_a_page(
        editions: dict[str, Path]) -> None:
    pages = pdf_page_lines(editions["pdf"])
    first = {heading: next(i for i, page in enumerate(pages) if heading in page)
             for heading in ("Acknowledgements", "Contents", "1 Introduction",
                             "Annex A Methodology")}
    assert first["Acknowledgements"] < first["Contents"] <= first["1 Introduction"]
    # The annex's heading is the first line of its page under the running head.
    annex = pages[first["Annex A Methodology"]]
    assert annex[:2] == ["Apparatus report", "Annex A Methodology"]
    # The contents list every heading with its number, the front matter's first.
    contents = pages[first["Contents"]]
    listed = [line for line in contents
              if any(line.startswith(f"{title} ") for _, title in HEADINGS)]
    assert [re.sub(r" \d+$", "", line) for line in listed] == [t for _, t in HEADINGS]


def test_pdf_outline_and_references(editions: dict[str, Path]) -> None:
    reader = PdfReader(editions["pdf"])

    def walk(items: list, level: int) -> list[tuple[int, str]]:  # type: ignore[type-arg]
        out: list[tuple[int, str]] = []
        for item in items:
            if isinstance(item, list):
                out += walk(item, level + 1)
            else:
                out.append((level, item.title))
        return out

    assert walk(reader.outline, 1) == HEADINGS
    text = " ".join(" ".join(page) for page in pdf_page_lines(editions["pdf"]))
    assert ("Budgets are in Table 1, the chart is Figure 1, the method in Annex A and the "
            "findings in section 2.1; see the findings.") in text
    assert "Back to section 1, see also Table 1." in text
    # Each reference's link leads to the page its target is on.
    pages = pdf_page_lines(editions["pdf"])
    targets = {"Table 1": "Table 1. The budget", "Figure 1": "Figure 1. The chart",
               "Annex A": "Annex A Methodology", "section 2.1": "2.1 Detail",
               "section 1": "1 Introduction", "the findings": "2 Findings"}
    links = _pdf_links(editions["pdf"], reader)
    assert [text for text, _ in links if text in targets and text != "the findings"
            ] == REFERENCES
    for text, page in links:
        if text in targets:
            assert targets[text] in pages[page], text


def _pdf_links(pdf: Path, reader: PdfReader) -> list[tuple[str, int]]:
    """Each internal link's words (poppler's, inside its rectangle) and the page it
    leads to, in page order."""
    words = etree.fromstring(subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout,
        etree.HTMLParser())
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    out = []
    for page, boxes in zip(reader.pages, words.iter("page"), strict=True):
        height = float(page.mediabox.height)
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest") or annotation.get("/A", {}).get("/D")
            if destination is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            inside = [word.text for word in boxes.iter("word")  # by the word's middle
                      if x0 <= (float(word.get("xmin")) + float(word.get("xmax"))) / 2 <= x1
                      and height - y1 <= (float(word.get("ymin")) + float(word.get("ymax"))) / 2
                      <= height - y0]
            # An explicit destination: [page, /XYZ, left, top, zoom].
            out.append((" ".join(inside).rstrip(",.;"), numbers[destination[0].idnum]))
    return out


def test_pdf_metadata_names_the_authors_and_the_rights(editions: dict[str, Path]) -> None:
    with pikepdf.open(editions["pdf"]) as pdf:
        assert str(pdf.docinfo.Author) == "Ana Sousa, Kimsan Chea"
        xmp = pdf.open_metadata()
        assert xmp["dc:creator"] == AUTHORS
        assert xmp["dc:rights"] == RIGHTS
        assert xmp["dc:identifier"] == ISBN_URN
        assert xmp["{http://prismstandard.org/namespaces/basic/3.0/}isbn"] == "978-3-16-148410-0"


# The DOCX


def _docx(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def _text(element: etree._Element) -> str:
    return "".join(element.itertext(f"{W}t"))


def test_docx_headings_title_page_and_core_properties(editions: dict[str, Path]) -> None:
    body = _docx(editions["docx"], "word/document.xml").find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    styles = _docx(editions["docx"], "word/styles.xml")
    names = {style.get(f"{W}styleId"): style.find(f"{W}name").get(f"{W}val")
             for style in styles.iter(f"{W}style")}

    def style(p: etree._Element) -> str:
        found = p.find(f"{W}pPr/{W}pStyle")
        return names.get(found.get(f"{W}val"), "") if found is not None else ""

    headings = [(p, style(p)) for p in paragraphs if style(p).startswith("heading ")]
    assert [(int(name.split()[1]), _text(p)) for p, name in headings] == HEADINGS
    texts = [_text(p) for p in paragraphs]
    for fact in ("Authors: Ana Sousa, Kimsan Chea", "ISBN: 978-3-16-148410-0",
                 f"Rights: {RIGHTS}", "Disclaimer: The views expressed are the authors' own."):
        assert fact in texts
    # The front matter before the contents' field, the annex after a page break.
    toc = next(i for i, p in enumerate(paragraphs) if "TOC" in "".join(p.itertext()))
    index = {text: i for i, text in reversed(list(enumerate(texts)))}  # the first of each
    assert index["Acknowledgements"] < toc < index["1 Introduction"]
    [annex] = [i for i, p in enumerate(paragraphs)
               if texts[i] == "Annex A Methodology" and style(p) == "heading 1"]
    assert paragraphs[annex - 1].find(f".//{W}br[@{W}type='page']") is not None
    core = _docx(editions["docx"], "docProps/core.xml")
    assert core.find(f"{DC}creator").text == "Ana Sousa; Kimsan Chea"
    assert core.find(f"{DC}identifier").text == ISBN_URN
    # core.xml has no dc:rights: the rights line is the custom property "Rights".
    custom = _docx(editions["docx"], "docProps/custom.xml")
    assert custom.xpath("string(c:property[@name='Rights']/vt:lpwstr)", namespaces={
        "c": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}) == RIGHTS


def test_docx_references_print_labels_and_lead_to_their_targets(editions: dict[str, Path]
                                                                 ) -> None:
    body = _docx(editions["docx"], "word/document.xml")
    links = [(link.get(f"{W}anchor"), _text(link)) for link in body.iter(f"{W}hyperlink")
             if link.get(f"{W}anchor") and not link.getparent().xpath(
                 "w:pPr/w:pStyle[starts-with(@w:val, 'TOC') or starts-with(@w:val, 'toc')]",
                 namespaces={"w": W[1:-1]})]
    automatic = [text for _, text in links if text != "the findings"]
    assert automatic == REFERENCES  # the whole list, in order: none missing, none more
    # Each bookmark a reference names is in the paragraph that shows its label (the
    # reference with words of its own leads to the heading "2 Findings").
    marked = {start.get(f"{W}name"): _text(start.getparent())
              for start in body.iter(f"{W}bookmarkStart")}
    for anchor, text in links:
        label = ("2 Findings" if text == "the findings" else text
                 if text.startswith(("Table", "Figure", "Annex"))
                 else text.removeprefix("section ").split()[0])
        assert marked[anchor].startswith(label), (text, marked[anchor])


# The EPUB


def _epub(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                if name.endswith((".xhtml", ".opf"))}


def test_epub_metadata_spine_and_title_page(editions: dict[str, Path]) -> None:
    files = _epub(editions["epub"])
    opf = files["EPUB/content.opf"]
    assert [c.text for c in opf.iter(f"{DC}creator")] == AUTHORS
    assert [r.text for r in opf.iter(f"{DC}rights")] == [RIGHTS]
    # The package's unique identifier, and the ISBN besides it.
    unique = opf.get("unique-identifier")
    identifiers = {i.get("id"): i.text for i in opf.iter(f"{DC}identifier")}
    assert len(identifiers) == 2 and identifiers[unique] != ISBN_URN
    assert ISBN_URN in identifiers.values()
    manifest = {item.get("id"): item.get("href") for item in opf.iter("{*}item")}
    spine = [manifest[ref.get("idref")] for ref in opf.iter("{*}itemref")]
    assert spine == ["text/_cover.xhtml", "text/_titlepage.xhtml", "text/acknowledgements.xhtml",
                     "nav.xhtml", "text/intro.xhtml", "text/findings.xhtml",
                     "text/annex-method.xhtml"]
    title_page = files["EPUB/text/_titlepage.xhtml"]
    facts = dict(zip([dt.text for dt in title_page.iter(f"{XHTML}dt")],
                     ["".join(dd.itertext()) for dd in title_page.iter(f"{XHTML}dd")],
                     strict=True))
    assert facts["Authors"] == "Ana Sousa, Kimsan Chea"
    assert facts["Rights"] == RIGHTS and facts["ISBN"] == "978-3-16-148410-0"


def test_epub_headings_contents_and_references(editions: dict[str, Path]) -> None:
    files = _epub(editions["epub"])
    chapters = ["acknowledgements", "intro", "findings", "annex-method"]
    headings = [(int(h.tag[-1]), "".join(h.itertext()))
                for name in chapters for h in files[f"EPUB/text/{name}.xhtml"].iter()
                if isinstance(h.tag, str) and re.fullmatch(rf"{XHTML}h[1-6]", h.tag)]
    assert headings == HEADINGS
    nav = files["EPUB/nav.xhtml"].find(f".//{XHTML}nav")
    assert ["".join(a.itertext()) for a in nav.iter(f"{XHTML}a")] == [t for _, t in HEADINGS]
    links = [(a.get("href"), "".join(a.itertext())) for name in chapters
             for a in files[f"EPUB/text/{name}.xhtml"].iter(f"{XHTML}a")
             if "#" in a.get("href", "") and not a.get("href").startswith("#")]
    assert [text for _, text in links if text != "the findings"] == REFERENCES
    for href, text in links:  # each leads to an element that shows its label
        name, _, fragment = href.partition("#")
        [target] = files[f"EPUB/text/{name}"].xpath(f"//*[@id='{fragment}']")
        shown = " ".join("".join(target.itertext()).split())
        label = "2 Findings" if text == "the findings" else text.removeprefix("section ")
        assert shown.startswith(label), (text, shown[:40])


# The front end on its own


def test_sections_not_numbered_are_referred_to_by_title_and_annexes_still_by_letter() -> None:
    report = load_report(SOURCE)
    plain = dataclasses.replace(report, metadata=dataclasses.replace(
        report.metadata, numbered_sections=False))
    document = Document.of(plain)
    assert document.headings() == [(1, "Acknowledgements"), (1, "Introduction"),
                                   (1, "Findings"), (2, "Detail"), (1, "Annex A Methodology")]
    assert document.anchors["findings-detail"].reference == "Detail"
    assert document.anchors["annex-method"].reference == "Annex A"
    numbered = Document.of(report)
    assert numbered.anchors["findings-detail"].reference == "section 2.1"
    # A report without automatic references is handed to the writers as it is.
    minimal = load_report(DATA / "valid" / "minimal.yaml")
    assert Document.of(minimal).report is minimal
    assert Document.of(report).report is not report


def test_annex_letters_run_on_past_z() -> None:
    assert [annex_letter(n) for n in (1, 2, 26, 27, 28, 52, 53)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_an_update_from_word_reads_the_apparatus_as_no_edit(
        editions: dict[str, Path], tmp_path: Path) -> None:
    """The Word edition's numbered headings, annex labels and automatic references'
    words are the editions' own: read back, they are no edits, and the source stays."""
    source = tmp_path / "apparatus.yaml"
    source.write_bytes(SOURCE.read_bytes())
    (tmp_path / "images").mkdir()
    shutil.copy(SOURCE.parent / "images" / "bars.png", tmp_path / "images")
    _, summary, diff = update_source(editions["docx"], source)
    assert diff == "" and "unchanged" in summary[0], summary
    assert source.read_bytes() == SOURCE.read_bytes()
