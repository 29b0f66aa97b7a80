"""The Word edition's custom document properties (docProps/custom.xml): what the
report's metadata says that core.xml's Dublin Core subset has no slot for (OPC's
core properties have no dc:rights). Word shows them under File > Properties >
Custom; a template's own custom properties are kept, a property of the same name
replaced. python-docx has no API for the part: it is added through the adapter."""

from __future__ import annotations

from collections.abc import Mapping

from docx.document import Document as WordDocument
from lxml import etree

from reportexport.exporters.docx import pythondocx_compat as compat

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
RELTYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
           "custom-properties")
NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: The format id every user-defined property carries (FMTID_UserDefinedProperties).
USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
#: The first property id a user-defined property may take (0 and 1 are reserved).
FIRST_PID = 2


def set_custom_properties(document: WordDocument, properties: Mapping[str, str]) -> None:
    """Give the document the text properties `properties` (name: value), besides any
    custom properties its template has."""
    if not properties:
        return
    existing = compat.package_related_part(document, RELTYPE)
    if existing is None:
        root = etree.fromstring(f'<Properties xmlns="{NS}" xmlns:vt="{VT}"/>')
    else:
        root = etree.fromstring(compat.part_blob(existing))
        compat.drop_relationships(compat.package_of(document),
                                  lambda rel: rel.reltype == RELTYPE)
    for old in [p for p in root.iterchildren(f"{{{NS}}}property")
                if p.get("name") in properties]:
        root.remove(old)
    pids = [int(p.get("pid", "0")) for p in root.iterchildren(f"{{{NS}}}property")]
    for pid, (name, value) in enumerate(properties.items(),
                                        max([FIRST_PID - 1, *pids]) + 1):
        prop = etree.SubElement(root, f"{{{NS}}}property",
                                {"fmtid": USER_DEFINED, "pid": str(pid), "name": name})
        etree.SubElement(prop, f"{{{VT}}}lpwstr").text = value
    compat.add_package_xml_part(document, "/docProps/custom.xml", CONTENT_TYPE, root, RELTYPE)
