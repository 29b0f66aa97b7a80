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
from docx.oxml.ns import qn

from reportexport.exporters.docx import wml
from reportexport.exporters.docx.ordering import insert_in_order

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
#: Children of w:settings that must follow w:footnotePr (ECMA-376 CT_Settings order).
_AFTER_FOOTNOTE_PR = {
    "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
}
#: The separators' kinds and their ids, which the settings' w:footnotePr names.
_SEPARATORS = (("separator", "-1"), ("continuationSeparator", "0"))


def _separator(kind: str, number: str) -> Any:
    """The rule between the text and its notes (continued from the page before: `kind`)."""
    spacing = wml.element("w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})
    return wml.element(
        "w:footnote", {"w:type": kind, "w:id": number},
        wml.element("w:p", None, wml.element("w:pPr", None, spacing),
                    wml.element("w:r", None, wml.element(f"w:{kind}"))))


def new_footnotes_part(document: Any) -> Any:
    """An empty footnotes part (its separators only), related to the document.

    A reference document's own footnotes part has been let go (template.adopt), and
    with it the separators its settings named: the settings name these instead."""
    element = wml.part_root("w:footnotes")
    element.extend(_separator(kind, number) for kind, number in _SEPARATORS)
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
        pr = wml.element("w:footnotePr")
        insert_in_order(settings, pr, following=_AFTER_FOOTNOTE_PR)
    # CT_FtnDocProps: the numbering properties, then the separators' ids, last.
    for _, number in _SEPARATORS:
        pr.append(wml.element("w:footnote", {"w:id": number}))
    return part


def add_footnote(part: Any, number: int, paragraph_xml: str) -> None:
    """Note `number` (its w:id), holding one paragraph given as WordprocessingML."""
    part.element.append(wml.footnote(number, paragraph_xml))
