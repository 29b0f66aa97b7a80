"""A Word reference document lends the edition its styles, page setup, header and
footer (pandoc's --reference-doc), never its content.

Whatever the reference document carries besides is let go before the edition
is written: its body; the parts only its body used (pictures, links, charts,
the headers of its other sections); its footnotes, endnotes and comments (the
edition writes its own notes, and a second footnotes part beside a template's
is a duplicate zip member Word refuses); its glossary of building blocks and
custom XML; and core properties filed under a relationship type python-docx
does not know (LibreOffice's), for which python-docx would add a second
`docProps/core.xml`. A part python-docx no longer reaches by a relationship is
not saved. The embedded fonts the edition replaces or does not use are let go in
`fontembedding.release_template_fonts`.

python-docx inflates every part of the package into memory and parses the XML
ones with a parser that keeps entity references, which would be copied into the
edition. So the file is read here first (`checked_template`): at most 32 MiB,
each part inflated to at most that much (and all of them to MAX_INFLATED_BYTES),
and no XML part may declare a document type. python-docx then opens the bytes
checked here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn

from reportexport.exporters.docx import pythondocx_compat as compat
from reportexport.source.inputfiles import (
    MAX_INPUT_BYTES,
    check_declared_sizes,
    looks_like_xml,
    open_zip,
    parse_xml,
    read_bounded,
    read_member,
)
from reportexport.source.problems import ExportError, InputError

WHAT = "a Word document (.docx)"


def checked_template(template: Path) -> bytes:
    """The bytes of `template`, or ExportError saying why it cannot be used."""
    if not os.path.lexists(template):
        raise ExportError(f"{template}: no such template file")
    try:
        data = read_bounded(template, MAX_INPUT_BYTES, WHAT)
        with open_zip(data, template, WHAT) as archive:
            check_declared_sizes(archive, template)
            for info in archive.infolist():
                part = read_member(archive, info, template)
                if looks_like_xml(part):
                    parse_xml(part, template, info.filename, well_formed=False)
    except InputError as exc:
        raise ExportError(str(exc)) from None
    return data


#: The parts of a reference document the edition keeps, by their relationship from
#: the document part; any other part the document part relates to stays only if
#: what is left of the document (its last section's properties) refers to it by id.
_KEPT = frozenset({RT.STYLES, RT.SETTINGS, RT.WEB_SETTINGS, RT.FONT_TABLE, RT.THEME,
                   RT.NUMBERING})
_R = nsmap["r"]


def adopt(document: Any) -> None:
    """Reduce the reference document `document` to what the edition takes from it."""
    _clear_body(document)
    _drop_unreferenced_parts(document)
    _forget_note_separators(document)
    _drop_foreign_core_properties(document)
    _mend_numbering(document)


def _clear_body(document: Any) -> None:
    body = compat.body_element(document)
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _referenced_ids(element: Any) -> set[str]:
    """The relationship ids the XML under `element` names (r:id, r:embed, r:link …)."""
    return {value for node in element.iter() for name, value in node.attrib.items()
            if name.startswith(f"{{{_R}}}")}


def _drop_unreferenced_parts(document: Any) -> None:
    used = _referenced_ids(compat.document_element(document))
    compat.drop_relationships(compat.document_part(document),
                              lambda rel: rel.reltype not in _KEPT and rel.rel_id not in used)


def _forget_note_separators(document: Any) -> None:
    """The settings name the separators of the notes parts let go (w:footnote and
    w:endnote in footnotePr and endnotePr); the edition's own footnotes part names
    its own (footnotes.new_footnotes_part)."""
    settings = compat.settings_element(document)
    for properties, child in (("w:footnotePr", "w:footnote"), ("w:endnotePr", "w:endnote")):
        element = settings.find(qn(properties))
        if element is None:
            continue
        for separator in element.findall(qn(child)):
            element.remove(separator)
        if len(element) == 0:
            settings.remove(element)


def _drop_foreign_core_properties(document: Any) -> None:
    """LibreOffice files the core properties under
    `http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties`
    (lower-case d); python-docx looks for the OPC type only and would add a second
    `docProps/core.xml`. The edition writes its own core properties anyway."""
    compat.drop_relationships(
        compat.package_of(document),
        lambda rel: (rel.reltype.endswith("/metadata/core-properties")
                     and rel.reltype != RT.CORE_PROPERTIES))


#: Values LibreOffice writes in a numbering level's w:lvlJc that the transitional
#: schema Word validates against lacks, and the ones it has for them (left to right).
_LEVEL_JUSTIFICATION = {"start": "left", "end": "right"}


def _mend_numbering(document: Any) -> None:
    """The reference document's list numbering is kept (its List Number style uses
    it); a level justified "start" or "end" says "left" or "right" instead."""
    if not compat.relates_by(document, RT.NUMBERING):
        return
    for justification in compat.numbering_element(document).iter(qn("w:lvlJc")):
        value = justification.get(qn("w:val"))
        if value in _LEVEL_JUSTIFICATION:
            justification.set(qn("w:val"), _LEVEL_JUSTIFICATION[value])
