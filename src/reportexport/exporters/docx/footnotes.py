"""Real Word footnotes. python-docx has no API for them: this module makes the part.

It reaches past python-docx's documented API in one place, for three things
its public classes do not offer: a new XML part (`XmlPart`, `PackURI`), its
relationship from the document part, and the settings' `w:footnotePr`.
tests/test_docx.py checks these names still exist, so a python-docx release
that moves them fails there, loudly, before any footnote goes missing.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from reportexport.exporters.docx.ordering import insert_in_order

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
#: Children of w:settings that must follow w:footnotePr (ECMA-376 CT_Settings order).
_AFTER_FOOTNOTE_PR = {
    "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
}
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote>"
)


def new_footnotes_part(document: Any) -> Any:
    """An empty footnotes part (its separators only), related to the document.

    A reference document's own footnotes part has been let go (template.adopt), and
    with it the separators its settings named: the settings name these instead."""
    element = parse_xml(f'<w:footnotes {nsdecls("w", "r")}>{_SEPARATORS}</w:footnotes>')
    package = document.part.package
    if any(rel.reltype == RT.FOOTNOTES for rel in document.part.rels.values()):
        raise AssertionError("the document already has a footnotes part")
    part = XmlPart(PackURI("/word/footnotes.xml"), CONTENT_TYPE, element, package)
    if part.partname in {other.partname for other in package.iter_parts()}:
        part.partname = package.next_partname("/word/footnotes%d.xml")
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    pr = settings.find(qn("w:footnotePr"))
    if pr is None:
        pr = parse_xml(f'<w:footnotePr {nsdecls("w")}/>')
        insert_in_order(settings, pr, following=_AFTER_FOOTNOTE_PR)
    # CT_FtnDocProps: the numbering properties, then the separators' ids, last.
    for separator in ("-1", "0"):
        pr.append(pr.makeelement(qn("w:footnote"), {qn("w:id"): separator}))
    return part


def add_footnote(part: Any, number: int, paragraph_xml: str) -> None:
    """Note `number` (its w:id), holding one paragraph given as WordprocessingML."""
    part.element.append(parse_xml(
        f'<w:footnote {nsdecls("w", "r")} w:id="{number}">{paragraph_xml}</w:footnote>'))
