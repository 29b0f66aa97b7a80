"""python-docx past its public API: every such reach the Word edition makes is here.

python-docx's documented API covers a document's paragraphs, runs, tables, styles'
fonts and paragraph formats, sections and core properties. It has nothing for
footnotes, numbering instances, the settings Word reads (hyphenation, fields,
embedded fonts), a part's relationships, or writing the body as text. For those the
edition uses python-docx's parts (`docx.opc`), their relationships and the lxml
elements behind its proxies, through the functions below and nowhere else.

The parameters carry python-docx's own types, so mypy checks each reach against
the installed release; the XML elements returned are python-docx's oxml elements
(lxml elements with its methods), typed Any as its proxies leave them.
tests/exporters/docx/test_pythondocx_compat.py runs every function here against the installed
python-docx and reads the result back with lxml, so a release that renames or
moves one of these names fails there, naming it, before an edition goes wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.section import Section
from docx.shared import Length
from docx.styles.style import BaseStyle

# The XML behind python-docx's proxies


def document_element(document: WordDocument) -> Any:
    """The document part's w:document (its body, its namespace declarations)."""
    return document.element


def body_element(document: WordDocument) -> Any:
    """The document's w:body."""
    return document.element.body


def settings_element(document: WordDocument) -> Any:
    """w:settings, made by python-docx when the package has none."""
    return document.settings.element


def styles_element(document: WordDocument) -> Any:
    """w:styles (python-docx's CT_Styles)."""
    return document.styles.element


def replace_styles_element(document: WordDocument, styles: Any) -> None:
    """Make `styles` (a w:styles python-docx parsed, or a copy of one) the styles part's
    element, in place of the one it holds: a copy of a whole tree is made at once,
    where moving its children into another tree fixes up every node's namespaces."""
    part = related_part(document, RT.STYLES)
    assert isinstance(part, XmlPart), "python-docx's own package has a styles part"
    part._element = styles


def style_element(style: BaseStyle) -> Any:
    """A style's w:style (python-docx's CT_Style)."""
    return style.element


def style_by_id(document: WordDocument, style_id: str) -> Any:
    """The w:style whose w:styleId is `style_id`, or None (of any type: python-docx's
    public `styles.get_by_id` wants the type too and falls back to the default)."""
    return document.styles.element.get_by_id(style_id)


def run_properties(style: BaseStyle) -> Any:
    """A style's w:rPr, added if missing."""
    return style.element.get_or_add_rPr()


def paragraph_properties(style: BaseStyle) -> Any:
    """A style's w:pPr, added if missing."""
    return style.element.get_or_add_pPr()


def header_element(section: Section) -> Any:
    """The w:hdr of a section's primary header (its definition made if it has none)."""
    return section.header._element


def footer_element(section: Section) -> Any:
    """The w:ftr of a section's primary footer (its definition made if it has none)."""
    return section.footer._element


def numbering_element(document: WordDocument) -> Any:
    """w:numbering, its part made (python-docx's default) when the package has none."""
    return document.part.numbering_part.element


def core_property_element(document: WordDocument, name: str) -> Any:
    """The core properties' element `name` ("title", "creator" …), added if missing:
    python-docx's public setters cap the text at 255 characters, the format does not."""
    return document.core_properties._element._get_or_add(name)


def new_picture_inline(document: WordDocument, image: IO[bytes], width: Length,
                       height: Length) -> Any:
    """A wp:inline for `image` (its part added to the package and related), to put in a
    w:drawing of the body's text."""
    return document.part.new_pic_inline(image, width=width, height=height)


# Parts and relationships


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part or of the package, as python-docx holds it."""

    rel_id: str
    reltype: str
    external: bool


def _relationships_of(owner: Part | OpcPackage) -> Any:
    return owner.rels


def package_of(document: WordDocument) -> OpcPackage:
    """The package the document belongs to (its relationships are the package's own)."""
    package: OpcPackage = document.part.package  # python-docx leaves Part.package untyped
    return package


def document_part(document: WordDocument) -> Part:
    return document.part


def relationships(owner: Part | OpcPackage) -> list[Relationship]:
    """The relationships of `owner` (a part, or the package), in python-docx's order."""
    return [Relationship(rel_id, rel.reltype, rel.is_external)
            for rel_id, rel in _relationships_of(owner).items()]


def drop_relationships(owner: Part | OpcPackage, dropped: Callable[[Relationship], bool]) -> None:
    """Let go of `owner`'s relationships that `dropped` says go: a part no relationship
    reaches any more is not saved."""
    rels = _relationships_of(owner)
    for relationship in relationships(owner):
        if dropped(relationship):
            rels.pop(relationship.rel_id)


def relates_by(document: WordDocument, reltype: str) -> bool:
    """Whether the document part has a relationship of type `reltype`."""
    return any(rel.reltype == reltype for rel in relationships(document.part))


def related_part(document: WordDocument, reltype: str) -> Part | None:
    """The part the document part relates to by `reltype`, or None."""
    try:
        return document.part.part_related_by(reltype)
    except KeyError:
        return None


def package_related_part(document: WordDocument, reltype: str) -> Part | None:
    """The part the package relates to by `reltype` (a template's custom properties), or
    None."""
    try:
        return package_of(document).part_related_by(reltype)
    except KeyError:
        return None


def related_blobs(document: WordDocument, reltypes: Iterable[str]) -> list[bytes]:
    """The contents of the internal parts the document part relates to by `reltypes`."""
    wanted = frozenset(reltypes)
    return [rel.target_part.blob for rel in _relationships_of(document.part).values()
            if rel.reltype in wanted and not rel.is_external]


def part_blob(part: Part) -> bytes:
    """A part's contents as python-docx would save them."""
    return bytes(part.blob)


def member_name(part: Part) -> str:
    """The zip member a part is saved as ("word/document.xml")."""
    return str(part.partname.membername)


def relate_external(part: Part, url: str) -> str:
    """The id of a new hyperlink relationship from `part` (the document's, or the
    footnotes part's) to `url`."""
    return str(part.relate_to(url, RT.HYPERLINK, is_external=True))


def add_xml_part(document: WordDocument, partname: str, content_type: str, element: Any,
                 reltype: str) -> XmlPart:
    """A new XML part holding `element`, named `partname` ("/word/footnotes.xml") or, when
    the package has a part of that name, the next free "…%d.xml" name, and related from
    the document part by `reltype`."""
    package = document.part.package
    part = XmlPart(PackURI(partname), content_type, element, package)
    if part.partname in {other.partname for other in package.iter_parts()}:
        part.partname = package.next_partname(partname.replace(".xml", "%d.xml"))
    document.part.relate_to(part, reltype)
    return part


def add_package_xml_part(document: WordDocument, partname: str, content_type: str,
                         element: Any, reltype: str) -> XmlPart:
    """A new XML part holding `element`, named `partname` ("/docProps/custom.xml"),
    related from the package (as its core properties are) by `reltype`."""
    package = document.part.package
    part = XmlPart(PackURI(partname), content_type, element, package)
    package.relate_to(part, reltype)
    return part


def add_image_part(document: WordDocument, partname: str, content_type: str,
                   data: bytes) -> str:
    """A new binary part holding `data` (an SVG image beside its PNG picture, which
    python-docx cannot add as a picture), named from `partname` ("/word/media/image%d.svg")
    and related from the document part as an image; its relationship's id."""
    package = document.part.package
    part = Part(package.next_partname(partname), content_type, data, package)
    return str(document.part.relate_to(part, RT.IMAGE))


def part_element(part: XmlPart) -> Any:
    """The root element of an XML part that `add_xml_part` made."""
    return part.element
