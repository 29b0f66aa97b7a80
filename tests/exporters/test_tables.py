"""Tables read back from every edition: numbered captions, header rows, cells in order.

The source is tests/data/valid/tables.yaml: a short table with markup, numbers
printed as written and alignment, and a table long enough for several pages.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.model import Table, plain
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "tables.yaml"
W = W_NS["w"]
X = E_NS["x"]


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    report = load_report(SOURCE)
    return [block for _, section in report.walk() for block in section.blocks
            if isinstance(block, Table)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, list(FORMATS), tmp_path_factory.mktemp("tables"))
    return {path.suffix[1:]: path for path in paths}


def _rows(table: Table) -> list[list[str]]:
    return [[plain(cell) for cell in row] for row in (table.columns, *table.rows)]


def test_the_source_numbers_tables_and_keeps_numbers_as_written(tables: list[Table]) -> None:
    assert [table.number for table in tables] == [1, 2]
    assert _rows(tables[0])[1] == ["Alpha", "12", "4.50"]  # 4.50, not 4.5
    assert tables[0].align == ("left", "right", "center") and len(tables[1].rows) == 130


def test_pdf_repeats_the_header_row_on_every_page_of_a_long_table(
        built: dict[str, Path], tables: list[Table]) -> None:
    from pypdf import PdfReader

    header = " ".join(plain(cell) for cell in tables[1].columns)
    pages = [" ".join((page.extract_text() or "").split())
             for page in PdfReader(built["pdf"]).pages]
    with_rows = [text for text in pages if "Item 0" in text or "Item 1" in text]
    assert len(with_rows) >= 3, "the long table runs over several pages"
    assert all(header in text for text in with_rows)
    first_rows = [" ".join(row) for row in _rows(tables[1])[1:]]
    found = " ".join(with_rows)
    positions = [found.index(row) for row in first_rows]  # every row, in source order
    assert positions == sorted(positions)
    assert "Table 1. Figures as written, with a link" in " ".join(pages)


def test_docx_tables_are_word_tables_with_a_repeating_header(
        built: dict[str, Path], tables: list[Table]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    table_styles = {s.get(f"{{{W}}}styleId") for s in styles.iterfind("w:style", W_NS)
                    if s.get(f"{{{W}}}type") == "table"}
    found = document.findall(".//w:tbl", W_NS)
    assert len(found) == len(tables)
    for element, table in zip(found, tables, strict=True):
        assert element.find("w:tblPr/w:tblStyle", W_NS).get(f"{{{W}}}val") in table_styles
        rows = element.findall("w:tr", W_NS)
        assert rows[0].find("w:trPr/w:tblHeader", W_NS) is not None
        assert all(row.find("w:trPr/w:tblHeader", W_NS) is None for row in rows[1:])
        text = [["".join(t.text or "" for t in cell.iter(f"{{{W}}}t"))
                 for cell in row.findall("w:tc", W_NS)] for row in rows]
        assert text == _rows(table)
        caption = element.getprevious()
        style = caption.find("w:pPr/w:pStyle", W_NS).get(f"{{{W}}}val")
        assert style == "Caption"
        assert "".join(t.text or "" for t in caption.iter(f"{{{W}}}t")).startswith(
            f"Table {table.number}")


def test_epub_tables_have_captions_and_column_headers(
        built: dict[str, Path], tables: list[Table]) -> None:
    with zipfile.ZipFile(built["epub"]) as archive:
        package = read_package(archive)
        found = [table for href in package.spine
                 for table in etree.fromstring(archive.read(href)).iter(f"{{{X}}}table")]
    assert len(found) == len(tables)
    for element, table in zip(found, tables, strict=True):
        caption = "".join(element.find("x:caption", E_NS).itertext())
        assert caption.startswith(f"Table {table.number}")
        headers = element.findall("x:thead/x:tr/x:th", E_NS)
        assert [h.get("scope") for h in headers] == ["col"] * len(table.columns)
        rows = [["".join(cell.itertext()) for cell in row]
                for row in element.iterfind(".//x:tr", E_NS)]
        assert rows == _rows(table)


def test_pdf_draws_the_header_rule_alone_on_every_page_of_a_long_table(
        built: dict[str, Path]) -> None:
    """Every page of a long table draws the rule under its header row as the accent rule
    alone: reportlab's own split drew, from a table's third page on, the body's thin grey
    rule over it as well (a grey stripe inside it)."""
    import re

    import pikepdf

    operators = re.compile(rb"([\d.]+) w|n [\d.]+ ([\d.]+) m [\d.]+ ([\d.]+) l S")
    pages = []
    with pikepdf.open(built["pdf"]) as pdf:
        for page in pdf.pages:
            width, rules = b"", set()
            for found in operators.finditer(page.Contents.read_bytes()):
                if found[1]:
                    width = found[1]
                elif found[2] == found[3]:  # a horizontal rule: its height and width
                    rules.add((found[2], width))
            pages.append(rules)
    with_rules = [rules for rules in pages if len(rules) > 10]  # the long table's pages
    assert len(with_rules) >= 3
    for rules in with_rules:
        header_rules = {height for height, width in rules if width == b"1.2"}
        assert header_rules, "each page of the table starts with its header row"
        assert {(h, w) for h, w in rules if h in header_rules} == {
            (h, b"1.2") for h in header_rules}
