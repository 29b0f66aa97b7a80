"""The WordprocessingML builder (exporters/docx/wml.py): what it is given comes back
from the XML as it was, whatever characters it holds, read with lxml."""

from __future__ import annotations

import pytest
from lxml import etree

from reportexport.exporters.docx import wml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
HOSTILE = ['plain', ' spaced ', 'a & b < c > d', 'quotes " and \'', "&amp; already"]


def _read(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{W}" xmlns:r="http://schemas.openxml'
                            f'formats.org/officeDocument/2006/relationships">{xml}</w:body>')


@pytest.mark.parametrize("value", HOSTILE)
def test_text_and_attribute_values_come_back_as_given(value: str) -> None:
    body = _read(wml.paragraph(value, wml.text_run(value, wml.fonts(value))
                               + wml.link_to_bookmark(value, wml.text_run(value))
                               + wml.field(value)))
    assert body.xpath("string(w:p/w:pPr/w:pStyle/@w:val)", namespaces=NS) == value
    assert body.xpath("string(w:p/w:r/w:rPr/w:rFonts/@w:cs)", namespaces=NS) == value
    assert body.xpath("string(w:p/w:hyperlink/@w:anchor)", namespaces=NS) == value
    assert [t.text for t in body.iterfind(".//w:t", NS)] == [value, value]
    assert body.xpath("string(.//w:instrText)", namespaces=NS) == f" {value} "


def test_a_table_has_its_grid_and_rows_in_the_schemas_order() -> None:
    cell = wml.table_cell(wml.paragraph("Cell", wml.text_run("x")), 1200)
    body = _read(wml.table(wml.table_properties("Grid", 40), [1200],
                           wml.table_row(cell, header=True, kept=True)
                           + wml.table_row(cell, header=False, kept=False)))
    table = body.find("w:tbl", NS)
    assert [etree.QName(child).localname for child in table] == ["tblPr", "tblGrid", "tr", "tr"]
    header, row = table.findall("w:tr", NS)
    assert [etree.QName(c).localname for c in header.find("w:trPr", NS)] == ["cantSplit",
                                                                           "tblHeader"]
    assert row.find("w:trPr", NS) is None
    assert table.find("w:tblPr/w:tblCellMar/w:left", NS).get(f"{{{W}}}w") == "40"


def test_parsed_text_and_built_elements_are_the_same_xml() -> None:
    built = wml.element("w:p", None, wml.element("w:pPr", None,
                                                 wml.element("w:pStyle", {"w:val": "Body"})))
    parsed = wml.parsed(wml.paragraph("Body", ""))
    def canonical(element: etree._Element) -> bytes:
        return etree.tostring(element, method="c14n", exclusive=True)

    assert canonical(built) == canonical(parsed)


@pytest.mark.parametrize("properties", [
    "", wml.KEPT_WITH_NEXT, wml.numbered_item("3", 1) + wml.justified("right"),
    wml.KEPT_WITH_NEXT + wml.mark_properties(wml.size(16)),
    wml.NOT_KEPT_WITH_NEXT + wml.spacing_after(180)])
def test_a_paragraph_s_space_before_goes_where_the_schema_wants_it(properties: str) -> None:
    """w:spacing after w:keepNext and w:numPr, before w:jc and the mark's w:rPr; into the
    paragraph's own w:spacing if it has one (one w:spacing only)."""
    xml = wml.paragraph("Body & text", wml.text_run("x"), properties)
    assert wml.paragraph_style(xml) == "Body & text"
    paragraph = _read(wml.with_space_before(xml, 240)).find("w:p", NS)
    names = [etree.QName(child).localname for child in paragraph.find("w:pPr", NS)]
    order = ["pStyle", "keepNext", "numPr", "spacing", "jc", "rPr"]
    assert names == sorted(names, key=order.index) and names.count("spacing") == 1
    spacing = paragraph.find("w:pPr/w:spacing", NS)
    assert spacing.get(f"{{{W}}}before") == "240"
    assert spacing.get(f"{{{W}}}after") == ("180" if "w:after" in properties else None)
    assert wml.paragraph_style(wml.page_break()) is None
