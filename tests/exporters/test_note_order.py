"""Notes are numbered in reading order wherever they stand, alike in every edition.

The source is tests/data/valid/notes-in-reading-order.yaml: notes in the lead, a
paragraph, a quotation's text and attribution, a table's caption, header and
cells, a list, a figure's caption and a subsection, written in an order other
than reading order. Each note's text says the number it must carry ("This is
note three."); each edition is read back and its marks, and the note each mark
leads to, are checked against that.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.source.reading import load_report
from reportexport.theme import Theme
from test_footnotes import _pages

SOURCE = DATA / "valid" / "notes-in-reading-order.yaml"
W = W_NS["w"]
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen")
_SAYS = re.compile(r"This is note (\w+)\.")


def _number_it_says(text: str) -> int:
    """The number a note's text names: "This is note three." is 3."""
    return WORDS.index(_SAYS.search(text).group(1)) + 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, list(FORMATS), tmp_path_factory.mktemp("order"))
    return {path.suffix[1:]: path for path in paths}


def test_the_source_has_a_note_in_every_place_a_note_can_stand() -> None:
    notes = [WORDS.index(word) + 1 for word in _SAYS.findall(SOURCE.read_text(encoding="utf-8"))]
    assert sorted(notes) == list(range(1, len(WORDS) + 1))
    assert notes != sorted(notes), "written out of reading order, or the test proves little"


def test_pdf_marks_and_notes_run_in_reading_order(built: dict[str, Path]) -> None:
    marks = [number for _, raised in _pages(built["pdf"]) for number in dict.fromkeys(raised)]
    assert marks == list(range(1, len(WORDS) + 1))
    # The note area as poppler lays it out: each note's label on the line above its
    # text (the label is raised), page after page.
    layout = subprocess.run(["pdftotext", "-layout", str(built["pdf"]), "-"], check=True,
                            capture_output=True, text=True).stdout
    lines = [line.strip() for line in layout.splitlines() if line.strip()]
    notes = [(int(label), _number_it_says(text)) for label, text in itertools.pairwise(lines)
             if label.isdigit() and _SAYS.fullmatch(text)]
    assert notes == [(n, n) for n in range(1, len(WORDS) + 1)]


def test_docx_footnote_ids_follow_the_marks_in_document_order(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
    marks = [int(ref.get(f"{{{W}}}id")) for ref in document.iter(f"{{{W}}}footnoteReference")]
    assert marks == list(range(1, len(WORDS) + 1))
    says = {int(note.get(f"{{{W}}}id")): _number_it_says("".join(note.itertext()))
            for note in footnotes.iterfind("w:footnote", W_NS) if note.get(f"{{{W}}}type") is None}
    assert says == {n: n for n in marks}
    # Word numbers footnotes by where their references stand; its notes part lists them so.
    assert list(says) == marks


def test_epub_marks_lead_to_their_notes_in_reading_order(built: dict[str, Path]) -> None:
    marks: list[tuple[int, int]] = []
    with zipfile.ZipFile(built["epub"]) as archive:
        for href in read_package(archive).spine:
            root = etree.fromstring(archive.read(href))
            by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
            for link in root.iter(f"{{{E_NS['x']}}}a"):
                if link.get(EPUB_TYPE) == "noteref":
                    note = by_id[link.get("href").removeprefix("#")]
                    assert note.get(EPUB_TYPE) == "footnote"
                    marks.append((int(link.text), _number_it_says("".join(note.itertext()))))
    assert marks == [(n, n) for n in range(1, len(WORDS) + 1)]


def test_epub_lists_each_files_notes_in_their_order(built: dict[str, Path]) -> None:
    """A file's notes, after its text, come in the order of their numbers, as the PDF's
    and Word's do (the writer once listed them in the order it wrote their marks, which
    was not reading order: a quotation's attribution before its text, a table's header
    after its rows)."""
    every: list[list[int]] = []
    with zipfile.ZipFile(built["epub"]) as archive:
        for href in read_package(archive).spine:
            root = etree.fromstring(archive.read(href))
            listed = [int(aside.get("id").removeprefix("_note-")) for aside in root.iter()
                      if aside.get(EPUB_TYPE) == "footnote"]
            assert listed == sorted(listed), href
            every.append(listed)
    # Every note was found, and some file lists more than one: else the order proves nothing.
    assert sorted(itertools.chain(*every)) == list(range(1, len(WORDS) + 1))
    assert max(map(len, every)) > 1
