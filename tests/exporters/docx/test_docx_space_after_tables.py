"""The Word edition leaves space after a table with no note, as the PDF does: Word has
no space after a table of its own, so what follows leaves it before itself (read back
from the DOCX's XML with lxml, each paragraph's space before worked out from its own
properties, its styles and the document's defaults, as Word does)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
SOURCE = DATA / "valid" / "blocks-after-tables.yaml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _space_before(paragraph: etree._Element, styles: etree._Element) -> int:
    """Twips before `paragraph`: its own w:spacing's, else its style chain's, else the
    document defaults' (0 when none says)."""
    spacing = paragraph.find("w:pPr/w:spacing", NS)
    if spacing is not None and spacing.get(_w("before")) is not None:
        return int(spacing.get(_w("before")))
    style_id = paragraph.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) or None
    if style_id is None:
        style_id = styles.xpath("string(w:style[@w:type='paragraph'][@w:default='1']"
                                "/@w:styleId)", namespaces=NS)
    while style_id:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        spacing = style.find("w:pPr/w:spacing", NS)
        if spacing is not None and spacing.get(_w("before")) is not None:
            return int(spacing.get(_w("before")))
        style_id = style.xpath("string(w:basedOn/@w:val)", namespaces=NS)
    default = styles.xpath("string(w:docDefaults/w:pPrDefault/w:pPr/w:spacing/@w:before)",
                           namespaces=NS)
    return int(default or 0)


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


@pytest.fixture(scope="module")
def docx(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> Path:
    [path] = build(load_report(SOURCE), theme, ["docx"], tmp_path_factory.mktemp("docx"),
                   parallel=False)
    return path


def _after_tables(docx: Path) -> list[tuple[etree._Element, etree._Element | None]]:
    """Each table (a callout's box too, and a table in a box) and what follows it."""
    with zipfile.ZipFile(docx) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find("w:body", NS)
    return [(table, table.getnext()) for table in body.iter(_w("tbl"))]


def test_what_follows_a_table_with_no_note_leaves_a_paragraph_s_space(
        docx: Path, theme: Theme) -> None:
    with zipfile.ZipFile(docx) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
    paragraph_after = round(theme.spacing.paragraph_after * 20)
    spaced = []
    for table, following in _after_tables(docx):
        if following is None or following.tag == _w("sectPr"):
            continue  # the report's or the box's end
        assert following.tag == _w("p"), f"a table right after {_text(table)!r}"
        if following.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) == "TableNote":
            continue  # the note has its own space: unchanged
        shown = _text(following) or ("[picture]" if following.find(".//w:drawing", NS)
                                     is not None else "")
        if not shown:
            continue  # the paragraph parting a table from a box, or ending a box's cell
        assert _space_before(following, styles) >= paragraph_after, shown
        spaced.append(shown)
    # Every case of the source's (a box's table comes after the box, in reading order).
    assert spaced == [
        "The paragraph after the first table.", "The item after the second table",
        "Table 4. With a note", "The quotation after the fifth table.", "Turnout",
        "[picture]", "The paragraph after the box.",
        "The paragraph after the table in the box.", "The heading after a table"]


@pytest.mark.parametrize("source", ["blocks-after-tables", "callout-opening-with-a-figure",
                                    "lists-reach-into-callouts"])
def test_a_callout_after_a_table_is_parted_from_it(source: str, tmp_path: Path,
                                                   theme: Theme) -> None:
    """Word joins two tables with nothing between them into one: a table and the callout
    after it, or two callouts (the sources hold each)."""
    [path] = build(load_report(DATA / "valid" / f"{source}.yaml"), theme, ["docx"], tmp_path,
                   parallel=False)
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find("w:body", NS)
    for table in body.iterfind("w:tbl", NS):
        assert table.getnext().tag != _w("tbl"), _text(table)


def test_only_paragraphs_short_of_the_space_are_given_it(docx: Path) -> None:
    """A heading and a caption leave more than a paragraph's space by their styles, and
    carry no direct formatting; the note under a table is unchanged; the others (a
    paragraph, a list's item, a quote...) have a space before of their own."""
    spaced_directly: dict[str, set[bool]] = {}
    for _, following in _after_tables(docx):
        if following is not None and following.tag == _w("p"):
            style = following.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)
            spaced_directly.setdefault(style, set()).add(
                following.find("w:pPr/w:spacing", NS) is not None)
    assert spaced_directly.pop("Heading1") == spaced_directly.pop("Caption") == {False}
    assert spaced_directly.pop("TableNote") == {False}
    assert spaced_directly.pop("Normal") == {False, True}  # the empty ones: see above
    assert spaced_directly == {"ListBullet": {True}, "Quote": {True},
                               "DefinitionTerm": {True}}


def test_a_box_ending_in_a_table_closes_with_a_paragraph_that_takes_no_room(
        docx: Path) -> None:
    """A Word table cell must end with a paragraph: the one after a table last in a box
    (the source's "Last in the box") has no text, no space before or after it, a line of
    1 pt exact and its mark in 1 pt type, so that Word draws no empty line at the foot of
    the box; the source's other boxes end in a paragraph of their own."""
    with zipfile.ZipFile(docx) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find("w:body", NS)
    boxes = body.xpath("w:tbl[w:tblPr/w:tblStyle/@w:val='CalloutBox']", namespaces=NS)
    closing = [box.find("w:tr/w:tc", NS)[-1] for box in boxes]
    after_tables = [p for p in closing if p.getprevious().tag == _w("tbl")]
    assert [_text(p.getprevious()) for p in after_tables] == ["DistrictAmountBeta4"]
    [paragraph] = after_tables
    assert paragraph.tag == _w("p") and paragraph.find(".//w:r", NS) is None
    spacing = paragraph.find("w:pPr/w:spacing", NS)
    assert spacing is not None
    assert dict(spacing.attrib) == {_w("before"): "0", _w("after"): "0", _w("line"): "20",
                                    _w("lineRule"): "exact"}
    assert paragraph.xpath("string(w:pPr/w:rPr/w:sz/@w:val)", namespaces=NS) == "2"


def test_pandoc_reads_no_empty_paragraph_at_the_foot_of_a_box(docx: Path) -> None:
    """An independent reader sees the box's blocks end with its last table."""
    import pypandoc  # the test extra brings pandoc: an independent reader of Word files

    blocks = json.loads(pypandoc.convert_file(str(docx), "json", format="docx"))["blocks"]
    [box] = [block for block in blocks if block["t"] == "Table"
             and "eighth" in json.dumps(block)]
    # Pandoc reads the one-cell box as a table whose one row is its head.
    [[[*_, cell_blocks]]] = [row[1] for row in box["c"][3][1]]
    assert [block["t"] for block in cell_blocks][-2:] == ["Para", "Table"]
