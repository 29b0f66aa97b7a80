"""WordprocessingML, written in one place: every element of the Word edition's body,
header, footer and notes is made by a function here, which escapes what it is given.

The makers return text in the `w` and `r` prefixes, because the body is streamed
as text into the saved document part (writer.py): building each block as lxml
elements and serialising it costs many times as much as writing its text (see
benchmarks/README.md), and a long report's body is most of the writer's work.
The parts python-docx holds as trees (header, footer, footnotes, numbering,
settings, styles) take elements: `parsed` turns the text into one, and `element`
builds one with python-docx's `OxmlElement`.
"""

from __future__ import annotations

import copy
import re
from html import escape, unescape
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from lxml import etree

W_NAMESPACE, R_NAMESPACE = nsmap["w"], nsmap["r"]

#: Direct formatting a run carries besides its character style (a run has one w:rStyle).
ITALIC = "<w:i/><w:iCs/>"
BOLD = "<w:b/><w:bCs/>"
#: A paragraph property: not kept with the next paragraph (whatever its style says).
NOT_KEPT_WITH_NEXT = '<w:keepNext w:val="0"/>'
KEPT_WITH_NEXT = "<w:keepNext/>"


def _attribute(value: object) -> str:
    return escape(str(value), quote=True)


# Runs and their properties


def text(content: str, *, keep_spaces: bool = True) -> str:
    """A w:t: `content` as it is, its leading and trailing spaces kept."""
    space = ' xml:space="preserve"' if keep_spaces else ""
    return f"<w:t{space}>{escape(content, quote=False)}</w:t>"


def run(content: str, properties: str = "") -> str:
    """A w:r of `content` (w:t, w:br …) with its run `properties` (w:rPr's content)."""
    return f"<w:r><w:rPr>{properties}</w:rPr>{content}</w:r>" if properties else (
        f"<w:r>{content}</w:r>")


def text_run(content: str, properties: str = "") -> str:
    return run(text(content), properties)


def character_style(style_id: str) -> str:
    return f'<w:rStyle w:val="{_attribute(style_id)}"/>'


def fonts(name: str) -> str:
    """One font for every script class of a run (ASCII, high ANSI, East Asian, complex)."""
    name = _attribute(name)
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def language(tag: str) -> str:
    tag = _attribute(tag)
    return f'<w:lang w:val="{tag}" w:eastAsia="{tag}" w:bidi="{tag}"/>'


def size(half_points: int) -> str:
    """A text size (in half points) for Latin and complex scripts alike."""
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def page_break() -> str:
    return bare_paragraph(run('<w:br w:type="page"/>'))


# Sections: Word's page setup changes only where a section ends, in the pPr of the
# section's last paragraph (the body's own w:sectPr describes the last section)


def section_break(properties: Any, *, landscape: bool, first: bool) -> str:
    """A paragraph that ends a Word section whose pages are the body's (`properties`, its
    w:sectPr), in landscape or upright. The first section names the header and footer
    and keeps the title page's own; later sections inherit them from the one before."""
    ended = copy.deepcopy(properties)
    if not first:
        for tag in ("w:headerReference", "w:footerReference", "w:titlePg"):
            for child in ended.findall(qn(tag)):
                ended.remove(child)
    set_orientation(ended, landscape=landscape)
    # The copy declares its namespaces; the part it is spliced into already does.
    xml = re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(ended, encoding="unicode"))
    return f"<w:p><w:pPr>{xml}</w:pPr></w:p>"


def set_orientation(properties: Any, *, landscape: bool) -> None:
    """Turn the page of a w:sectPr: width and height swapped, w:orient said."""
    size = properties.find(qn("w:pgSz"))
    if size is None:
        return
    short, long = sorted((int(size.get(qn("w:w"))), int(size.get(qn("w:h")))))
    size.set(qn("w:w"), str(long if landscape else short))
    size.set(qn("w:h"), str(short if landscape else long))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    elif qn("w:orient") in size.attrib:
        del size.attrib[qn("w:orient")]


# Fields: a begin mark, the instruction, a separate mark, the shown result, an end mark


def field_begin(*, dirty: bool = False) -> str:
    flag = ' w:dirty="true"' if dirty else ""
    return run(f'<w:fldChar w:fldCharType="begin"{flag}/>')


def field_instruction(instruction: str) -> str:
    return run(f'<w:instrText xml:space="preserve"> {escape(instruction, quote=False)} '
               "</w:instrText>")


def field_separate() -> str:
    return run('<w:fldChar w:fldCharType="separate"/>')


def field_end() -> str:
    return run('<w:fldChar w:fldCharType="end"/>')


def field(instruction: str, result: str = "") -> str:
    """A complex field whose `result` (runs) shows until Word updates it."""
    return (field_begin() + field_instruction(instruction) + field_separate() + result
            + field_end())


# Links, bookmarks and notes


def link_to_relationship(relationship_id: str, runs: str) -> str:
    return f'<w:hyperlink r:id="{_attribute(relationship_id)}" w:history="1">{runs}</w:hyperlink>'


def link_to_bookmark(bookmark: str, runs: str) -> str:
    return f'<w:hyperlink w:anchor="{_attribute(bookmark)}" w:history="1">{runs}</w:hyperlink>'


def bookmarked(number: int, name: str, content: str) -> str:
    """`content` inside bookmark `name` (`number` its id, unique in the document)."""
    return (f'<w:bookmarkStart w:id="{number}" w:name="{_attribute(name)}"/>{content}'
            f'<w:bookmarkEnd w:id="{number}"/>')


def footnote_reference(style_id: str, number: int) -> str:
    """The note's number in the text, linked to footnote `number`."""
    return run(f'<w:footnoteReference w:id="{number}"/>', character_style(style_id))


def footnote_number(style_id: str) -> str:
    """The note's own number, at the start of its text."""
    return run("<w:footnoteRef/>", character_style(style_id))


def footnote(number: int, paragraph_xml: str) -> Any:
    """Footnote `number` (its w:id) holding one paragraph, as an element."""
    return parse_xml(f'<w:footnote {nsdecls("w", "r")} w:id="{number}">{paragraph_xml}'
                     "</w:footnote>")


# Paragraphs


def spacing_after(twips: int) -> str:
    """A paragraph's own space after it (a property after keepNext, before ind and jc)."""
    return f'<w:spacing w:after="{twips}"/>'


def paragraph(style_id: str, content: str, properties: str = "") -> str:
    """A w:p in paragraph style `style_id`, with more paragraph `properties` after it."""
    return (f'<w:p><w:pPr><w:pStyle w:val="{_attribute(style_id)}"/>{properties}</w:pPr>'
            f"{content}</w:p>")


_STYLED_PARAGRAPH = '<w:p><w:pPr><w:pStyle w:val="'
#: What follows w:spacing in a w:pPr (the schema's order), of what this package writes.
_AFTER_SPACING = ("<w:ind ", "<w:contextualSpacing", "<w:jc ", "<w:rPr>", "<w:sectPr")


def paragraph_style(xml: str) -> str | None:
    """The style's id of the w:p `xml` begins with, as `paragraph` writes it (None: `xml`
    is no such paragraph)."""
    if not xml.startswith(_STYLED_PARAGRAPH):
        return None
    return unescape(xml[len(_STYLED_PARAGRAPH):xml.index('"', len(_STYLED_PARAGRAPH))])


def with_space_before(paragraph_xml: str, twips: int) -> str:
    """A w:p as `paragraph` writes it, given its own space before: in its w:spacing if it
    has one, else in one put where the schema wants it."""
    properties_end = paragraph_xml.index("</w:pPr>")
    spacing = paragraph_xml.find("<w:spacing ", 0, properties_end)
    if spacing >= 0:
        # `paragraph`'s callers give a w:spacing only its space after: a second w:before
        # would make the part invalid XML.
        assert "w:before=" not in paragraph_xml[spacing:paragraph_xml.index(">", spacing)]
        at, added = spacing + len("<w:spacing "), f'w:before="{twips}" '
    else:
        at = min((index for mark in _AFTER_SPACING
                  if (index := paragraph_xml.find(mark, 0, properties_end)) >= 0),
                 default=properties_end)
        added = f'<w:spacing w:before="{twips}"/>'
    return paragraph_xml[:at] + added + paragraph_xml[at:]


#: The exact line, in twips (1 pt), of a paragraph that must be there but should take
#: no room.
LEAST_LINE = 20


def cell_closing_paragraph(style_id: str) -> str:
    """The empty w:p a table cell must end with when a table ends its content (the
    standard's rule, which Word enforces: it calls a w:tc ending in a w:tbl unreadable),
    made to take next to no room: no space before or after it, one exact line of 1 pt
    and its mark in 1 pt type. Word would otherwise draw it as an empty line of
    `style_id`'s under the table, and it cannot be left out."""
    return paragraph(style_id, "", f'<w:spacing w:before="0" w:after="0" w:line="{LEAST_LINE}" '
                     f'w:lineRule="exact"/>{mark_properties(size(2))}')


def bare_paragraph(content: str) -> str:
    """A w:p with no properties of its own (the document's default paragraph style)."""
    return f"<w:p>{content}</w:p>"


def justified(alignment: str) -> str:
    return f'<w:jc w:val="{_attribute(alignment)}"/>'


def mark_properties(properties: str) -> str:
    """The run properties of a paragraph's mark (in w:pPr)."""
    return f"<w:rPr>{properties}</w:rPr>"


def numbered_item(num_id: str, level: int = 0) -> str:
    """A paragraph property: level `level` (the first: 0) of numbering instance `num_id`."""
    return (f'<w:numPr><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{_attribute(num_id)}"/></w:numPr>')


#: Word's (2016 and later) extension of a picture's a:blip naming its SVG, as Word writes
#: it; readers without SVG show the blip's own (PNG) picture.
SVG_BLIP_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_BLIP_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def svg_blip_extension(svg_rel_id: str) -> Any:
    """The a:extLst for a picture's a:blip that names its SVG part (by relationship id)."""
    return parse_xml(
        f'<a:extLst {nsdecls("a", "r")}><a:ext uri="{SVG_BLIP_URI}">'
        f'<asvg:svgBlip xmlns:asvg="{SVG_BLIP_NAMESPACE}" r:embed="{_attribute(svg_rel_id)}"/>'
        "</a:ext></a:extLst>")


def drawing(inline: Any) -> str:
    """A run holding python-docx's inline picture element `inline`."""
    return run(f"<w:drawing>{etree.tostring(inline, encoding='unicode')}</w:drawing>")


# Tables


def table(properties: str, widths: list[int], rows: str) -> str:
    """A w:tbl: its w:tblPr content, its grid's column widths (twips), then its rows."""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return f"<w:tbl><w:tblPr>{properties}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


def table_properties(style_id: str, cell_padding: int | None) -> str:
    """A table in style `style_id` across the text width, columns fitted to their content,
    the first row styled as a header; `cell_padding` (twips) narrows the cells' margins."""
    margins = "" if cell_padding is None else (
        f'<w:tblCellMar><w:left w:w="{cell_padding}" w:type="dxa"/>'
        f'<w:right w:w="{cell_padding}" w:type="dxa"/></w:tblCellMar>')
    return (f'<w:tblStyle w:val="{_attribute(style_id)}"/>'
            '<w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="autofit"/>' + margins
            + '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>')


def table_row(cells: str, *, header: bool, kept: bool) -> str:
    """A w:tr: repeated on every page when it is the `header`, never split when `kept`."""
    properties = ("<w:cantSplit/>" if kept else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{properties}</w:trPr>{cells}</w:tr>" if properties else (
        f"<w:tr>{cells}</w:tr>")


def table_cell(content: str, width: int | None = None) -> str:
    """A w:tc, of `width` twips when given (the grid holds the widths too)."""
    properties = "" if width is None else f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
    return f"<w:tc>{properties}{content}</w:tc>"


# Elements for the parts python-docx holds as trees


def parsed(xml: str) -> Any:
    """The one element WordprocessingML text `xml` (in the w and r prefixes) makes."""
    return parse_xml(f'<w:body {nsdecls("w", "r")}>{xml}</w:body>')[0]


def part_root(tag: str) -> Any:
    """The root element `tag` of a new part, declaring the w and r prefixes."""
    return OxmlElement(tag, nsdecls={"w": W_NAMESPACE, "r": R_NAMESPACE})


def element(tag: str, attributes: dict[str, str] | None = None, *children: Any) -> Any:
    """An element `tag` ("w:num") with `attributes` ({"w:numId": "3"}) and `children`."""
    made = OxmlElement(tag, {qn(name): value for name, value in (attributes or {}).items()})
    made.extend(children)
    return made
