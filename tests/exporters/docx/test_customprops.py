"""The Word edition's custom properties (docProps/custom.xml), read back with zipfile and
lxml: the rights line, which core.xml has no slot for; a template's own kept."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx

from reportexport.exporters.docx.customprops import set_custom_properties

CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def _saved(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(package: bytes) -> list[tuple[str, str, str | None]]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    return [(p.get("pid"), p.get("name"), p.findtext(f"{VT}lpwstr"))
            for p in root.iter(f"{CUSTOM}property")]


def test_no_property_no_part() -> None:
    document = docx.Document()
    set_custom_properties(document, {})
    with zipfile.ZipFile(io.BytesIO(_saved(document))) as archive:
        assert "docProps/custom.xml" not in archive.namelist()


def test_a_templates_properties_are_kept_and_one_of_the_same_name_replaced() -> None:
    template = docx.Document()
    set_custom_properties(template, {"Department": "Field work", "Rights": "Old"})
    document = docx.Document(io.BytesIO(_saved(template)))
    set_custom_properties(document, {"Rights": "© 2024 Example Network."})
    assert _properties(_saved(document)) == [("2", "Department", "Field work"),
                                             ("3", "Rights", "© 2024 Example Network.")]
