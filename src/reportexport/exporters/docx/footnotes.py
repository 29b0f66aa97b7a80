"""Real Word footnotes. python-docx has no API for them: this module makes the part.

What python-docx's public classes do not offer (a new XML part, its relationship
from the document part, the settings' `w:footnotePr`) it reaches through
pythondocx_compat, whose tests fail, naming the name, if a python-docx release
moves one of them.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from reportexport.exporters.docx import pythondocx_compat as compat
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
    if compat.relates_by(document, RT.FOOTNOTES):
        raise AssertionError("the document already has a footnotes part")
    part = compat.add_xml_part(document, "/word/footnotes.xml", CONTENT_TYPE, element,
                               RT.FOOTNOTES)
    settings = compat.settings_element(document)
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
    compat.part_element(part).append(wml.footnote(number, paragraph_xml))
