"""Footnotes read back from every edition, and the one reach into reportlab they need.

The source is tests/data/valid/footnotes.yaml: marks in long paragraphs that
split across pages, in a list, a quotation, a table and the lead.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.model import Note, plain
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "footnotes.yaml"
W = W_NS["w"]
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def source_notes() -> list[Note]:
    return list(load_report(SOURCE).footnotes())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, list(FORMATS), tmp_path_factory.mktemp("notes"))
    return {path.suffix[1:]: path for path in paths}


def test_notes_are_numbered_in_reading_order(source_notes: list[Note]) -> None:
    assert [note.number for note in source_notes] == list(range(1, len(source_notes) + 1))
    assert plain(source_notes[0].content) == "The lead's note, first in reading order."
    assert len(source_notes) > 20


def _pages(path: Path) -> list[tuple[str, list[int]]]:
    """Each page's text, and the numbers set smaller than the text before them (superscripts)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(path).pages:
        runs: list[tuple[str, float]] = []

        def visit(text: str, cm: object, tm: object, font: object, size: float,
                  runs: list[tuple[str, float]] = runs) -> None:
            runs.append((text.strip(), size))

        page_text = page.extract_text(visitor_text=visit)
        raised, size_before = [], None
        for text, size in runs:
            if text.isdigit() and size_before is not None and size < size_before * 0.95:
                raised.append(int(text))
            elif text:
                size_before = size
        pages.append((" ".join((page_text or "").split()), raised))
    return pages


def test_pdf_sets_each_note_at_the_foot_of_its_marks_page(
        built: dict[str, Path], source_notes: list[Note]) -> None:
    pages = _pages(built["pdf"])
    seen: list[int] = []
    continued = 0
    long_pages: list[int] = []  # where the long note begins
    waiting_pages: list[int] = []  # where a note's mark stands without its note
    for index, (text, raised) in enumerate(pages):
        # A note's number is raised twice on its page: its mark, and the note's label;
        # once only where the note waits behind one still continuing from a page before.
        assert all(count <= 2 for count in Counter(raised).values()), (raised, text[:80])
        for number in dict.fromkeys(raised):
            words = plain(source_notes[number - 1].content).split()
            if " ".join(words) in text:
                continue
            if Counter(raised)[number] == 1:
                # Only its mark here: the note itself waits, whole, on the next page.
                assert " ".join(words) in pages[index + 1][0], (number, text[:80])
                waiting_pages.append(index)
                continue
            # A note too long for the foot of its page begins there and continues at the
            # foot of the pages after it.
            assert " ".join(words[:8]) in text
            assert " ".join(words[-8:]) in " ".join(page for page, _ in pages[index + 1:])
            continued += 1
            long_pages.append(index)
        seen += dict.fromkeys(raised)
    # every note, in order
    assert list(dict.fromkeys(seen)) == [note.number for note in source_notes]
    assert sum(1 for _, raised in pages if raised) >= 3, "the notes fall on several pages"
    assert continued == 1, "the long note continues onto the next pages"
    # Only notes marked while the long note is still being set (its first page and the
    # next, which it runs onto) wait for it; any other note is at the foot of its page.
    running = {page + step for page in long_pages for step in (0, 1)}
    assert waiting_pages and set(waiting_pages) <= running, "only notes behind the long one wait"


def test_a_split_paragraph_keeps_each_note_with_its_own_half() -> None:
    """The reach into reportlab: marks are found again in the parts of a split paragraph."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from reportexport.exporters.pdf.flowables import Ink, markup
    from reportexport.exporters.pdf.fonts import register_alias
    from reportexport.exporters.pdf.footnotes import note_numbers
    from reportexport.source.inline import parse
    from reportexport.theme import load_theme

    mark = register_alias("note-mark", load_theme().body_font.regular)
    counter = iter(range(1, 100))
    text = " ".join(f"Sentence {i} of a long paragraph." + ("^[A note.]" if i % 9 == 0 else "")
                    for i in range(1, 90))
    content = parse(text, lambda: next(counter))
    paragraph = Paragraph(markup(content, Ink("#000000", mark)),
                          ParagraphStyle("p", fontName="Helvetica", fontSize=10, leading=12))
    assert note_numbers(paragraph, mark) == list(range(1, 10))
    paragraph.wrap(300, 10_000)
    first, rest = paragraph.split(300, 200)
    found = note_numbers(first, mark), note_numbers(rest, mark)
    assert found[0] and found[1] and found[0] + found[1] == list(range(1, 10))


def test_docx_notes_are_real_word_footnotes(built: dict[str, Path],
                                            source_notes: list[Note]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
        styles = etree.fromstring(archive.read("word/styles.xml"))
    assert "relationships/footnotes" in rels and "footnotes+xml" in types
    references = [int(ref.get(f"{{{W}}}id"))
                  for ref in document.iter(f"{{{W}}}footnoteReference")]
    assert references == [note.number for note in source_notes]
    texts = {int(note.get(f"{{{W}}}id")): " ".join("".join(
                 t.text or "" for t in note.iter(f"{{{W}}}t")).split())
             for note in footnotes.iterfind("w:footnote", W_NS) if note.get(f"{{{W}}}type") is None}
    assert texts == {n.number: " ".join(plain(n.content).split()) for n in source_notes}
    style_ids = {s.get(f"{{{W}}}styleId") for s in styles.iterfind("w:style", W_NS)}
    assert {"FootnoteText", "FootnoteReference"} <= style_ids


def test_epub_notes_are_footnote_asides_beside_their_marks(
        built: dict[str, Path], source_notes: list[Note]) -> None:
    marks, asides = [], {}
    with zipfile.ZipFile(built["epub"]) as archive:
        for href in read_package(archive).spine:
            root = etree.fromstring(archive.read(href))
            ids = {element.get("id") for element in root.iter() if element.get("id")}
            for link in root.iter(f"{{{E_NS['x']}}}a"):
                if link.get(EPUB_TYPE) == "noteref":
                    marks.append(int(link.text))
                    assert link.get("href").lstrip("#") in ids  # the note is in the same file
            for aside in root.iter(f"{{{E_NS['x']}}}aside"):
                assert aside.get(EPUB_TYPE) == "footnote"
                number = int(re.fullmatch(r"_note-(\d+)", aside.get("id")).group(1))
                asides[number] = " ".join("".join(aside.itertext()).split())
    assert marks == [note.number for note in source_notes]
    assert asides == {n.number: f"{n.number}. {' '.join(plain(n.content).split())}"
                      for n in source_notes}
