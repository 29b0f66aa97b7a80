"""Every reach past python-docx's public API (exporters/docx/pythondocx_compat.py), run
against the installed python-docx and read back from the saved package with zipfile and
lxml: a release that renames or moves a name the edition relies on fails here, naming it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt
from lxml import etree
from PIL import Image

from reportexport.exporters.docx import pythondocx_compat as compat
from reportexport.exporters.docx import wml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
      "dc": "http://purl.org/dc/elements/1.1/"}


def _saved(document: Any) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    document.save(buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _part(document: Any, member: str) -> etree._Element:
    return etree.fromstring(_saved(document).read(member))


#: Each name the module reaches for, walked from the object python-docx gives it
#: (a document, its first section, its Normal style): a missing one is named.
REACHED = (
    "document.element.body", "document.settings.element", "document.styles.element.get_by_id",
    "document.part.numbering_part.element", "document.part.package.iter_parts",
    "document.part.package.next_partname", "document.part.package.rels",
    "document.part.package.relate_to", "document.part.package.part_related_by",
    "document.part.part_related_by", "document.part.relate_to", "document.part.new_pic_inline",
    "document.part.rels.pop", "document.part.partname.membername",
    "document.core_properties._element._get_or_add", "section.header._element",
    "section.footer._element", "style.element.get_or_add_rPr", "style.element.get_or_add_pPr",
)


@pytest.mark.parametrize("path", REACHED)
def test_every_name_the_module_reaches_for_exists(path: str) -> None:
    document = docx.Document()
    starts = {"document": document, "section": document.sections[0],
              "style": document.styles["Normal"]}
    walked, *names = path.split(".")
    obj = starts[walked]
    for name in names:
        assert hasattr(obj, name), (
            f"python-docx {docx.__version__}: {walked} has no '{name}' "
            "(exporters/docx/pythondocx_compat.py relies on it)")
        obj, walked = getattr(obj, name), f"{walked}.{name}"


def test_the_documents_elements_are_the_ones_saved() -> None:
    document = docx.Document()
    compat.body_element(document).append(etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:r><w:t>in the body</w:t></w:r></w:p>'))
    compat.settings_element(document).append(wml.element("w:updateFields", {"w:val": "true"}))
    assert compat.document_element(document).nsmap["w"] == W
    saved = _saved(document)
    body = etree.fromstring(saved.read("word/document.xml"))
    assert body.xpath("string(w:body/w:p/w:r/w:t)", namespaces=NS) == "in the body"
    settings = etree.fromstring(saved.read("word/settings.xml"))
    assert settings.find("w:updateFields", NS) is not None


def test_styles_are_found_by_id_and_their_properties_added() -> None:
    document = docx.Document()
    assert compat.style_by_id(document, "Normal") is not None
    assert compat.style_by_id(document, "NoSuchStyle") is None
    normal = document.styles["Normal"]
    compat.run_properties(normal).append(wml.element("w:caps"))
    compat.paragraph_properties(normal).append(wml.element("w:suppressAutoHyphens"))
    compat.style_element(normal).set(f"{{{W}}}customStyle", "1")
    compat.styles_element(document).append(wml.element(
        "w:style", {"w:type": "table", "w:styleId": "Added"}))
    styles = _part(document, "word/styles.xml")
    saved_normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert saved_normal is not None and saved_normal.get(f"{{{W}}}customStyle") == "1"
    assert saved_normal.find("w:rPr/w:caps", NS) is not None
    assert saved_normal.find("w:pPr/w:suppressAutoHyphens", NS) is not None
    assert styles.find("w:style[@w:styleId='Added']", NS) is not None


def test_a_styles_element_put_in_place_is_the_one_found_and_saved() -> None:
    import copy

    dressed = docx.Document()
    dressed.styles.add_style("Dressed Once", 1)  # a paragraph style
    document = docx.Document()
    compat.replace_styles_element(document, copy.deepcopy(compat.styles_element(dressed)))
    assert "Dressed Once" in {style.name for style in document.styles}  # python-docx's proxies
    assert compat.style_by_id(document, "DressedOnce") is not None
    styles = _part(document, "word/styles.xml")
    assert styles.find("w:style[@w:styleId='DressedOnce']", NS) is not None


@pytest.mark.parametrize("which", ["header", "footer"])
def test_a_sections_header_and_footer_elements_are_saved(which: str) -> None:
    document = docx.Document()
    section = document.sections[0]
    element = (compat.header_element if which == "header" else compat.footer_element)(section)
    element.append(wml.parsed(wml.bare_paragraph(wml.text_run(f"the {which}"))))
    saved = _saved(document)
    prefix = "word/header" if which == "header" else "word/footer"
    texts = [etree.fromstring(saved.read(name)).xpath("string(.)")
             for name in saved.namelist() if name.startswith(prefix)]
    assert texts == [f"the {which}"]


def test_the_numbering_element_is_the_numbering_part_saved() -> None:
    document = docx.Document()
    compat.numbering_element(document).append(wml.element("w:num", {"w:numId": "77"}))
    numbering = _part(document, "word/numbering.xml")
    assert numbering.find("w:num[@w:numId='77']", NS) is not None


def test_a_core_property_keeps_more_than_255_characters() -> None:
    document = docx.Document()
    title = "T" * 300
    compat.core_property_element(document, "title").text = title
    core = _part(document, "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == title


def test_a_picture_inline_adds_its_image_part() -> None:
    document = docx.Document()
    image = io.BytesIO()
    Image.new("RGB", (4, 2), "red").save(image, "PNG")
    image.seek(0)
    inline = compat.new_picture_inline(document, image, Pt(40), Pt(20))
    assert etree.QName(inline).localname == "inline"
    saved = _saved(document)
    assert [name for name in saved.namelist() if name.startswith("word/media/")]


def test_relationships_are_listed_followed_and_dropped() -> None:
    document = docx.Document()
    part = compat.document_part(document)
    listed = compat.relationships(part)
    assert RT.STYLES in {rel.reltype for rel in listed}
    assert compat.relates_by(document, RT.STYLES) and not compat.relates_by(document,
                                                                            RT.FOOTNOTES)
    styles = compat.related_part(document, RT.STYLES)
    assert compat.member_name(styles) == "word/styles.xml"
    assert compat.part_blob(styles).startswith(b"<?xml")
    assert compat.related_part(document, RT.FOOTNOTES) is None
    assert compat.related_blobs(document, [RT.STYLES]) == [compat.part_blob(styles)]
    assert compat.member_name(part) == "word/document.xml"
    theme = compat.member_name(compat.related_part(document, RT.THEME))
    compat.drop_relationships(part, lambda rel: rel.reltype == RT.THEME)
    assert not compat.relates_by(document, RT.THEME)
    saved = _saved(document)
    assert theme not in saved.namelist(), "a part no relationship reaches is not saved"
    package_rels = [rel.reltype for rel in compat.relationships(compat.package_of(document))]
    assert RT.OFFICE_DOCUMENT in package_rels


def test_an_external_link_is_a_relationship_of_its_part() -> None:
    document = docx.Document()
    rel_id = compat.relate_external(compat.document_part(document), "https://example.org/a")
    rels = _part(document, "word/_rels/document.xml.rels")
    saved = rels.find(f"pr:Relationship[@Id='{rel_id}']", NS)
    assert saved is not None
    assert (saved.get("Target"), saved.get("TargetMode")) == ("https://example.org/a",
                                                              "External")


def test_a_new_xml_part_takes_the_next_free_name() -> None:
    document = docx.Document()
    made = [compat.add_xml_part(document, "/word/footnotes.xml", "application/xml",
                                wml.part_root("w:footnotes"), RT.FOOTNOTES) for _ in range(2)]
    compat.part_element(made[0]).append(wml.footnote(1, wml.bare_paragraph(
        wml.text_run("a note"))))
    saved = _saved(document)
    assert {"word/footnotes.xml", "word/footnotes1.xml"} <= set(saved.namelist())
    first = etree.fromstring(saved.read("word/footnotes.xml"))
    assert first.xpath("string(w:footnote[@w:id='1'])", namespaces=NS) == "a note"


def test_a_package_part_is_related_from_the_package_and_found_again() -> None:
    custom = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    document = docx.Document()
    assert compat.package_related_part(document, custom) is None
    compat.add_package_xml_part(document, "/docProps/custom.xml", "application/xml",
                                etree.fromstring("<Properties/>"), custom)
    saved = _saved(document)
    rels = etree.fromstring(saved.read("_rels/.rels"))
    assert [r.get("Target") for r in rels if r.get("Type") == custom] == ["docProps/custom.xml"]
    assert etree.fromstring(saved.read("docProps/custom.xml")).tag == "Properties"
    buffer = io.BytesIO()
    document.save(buffer)
    part = compat.package_related_part(docx.Document(buffer), custom)
    assert part is not None and compat.part_blob(part).endswith(b"<Properties/>")


DOCX_PACKAGE = Path(compat.__file__).parent
#: What only pythondocx_compat.py may write: python-docx's parts and packages, their
#: relationships, and the private or oxml-level names behind its proxies.
REACHES = ("docx.opc.part", "docx.opc.packuri", "._element", ".part.", ".rels.", ".rels[",
           "numbering_part", "new_pic_inline", "get_or_add_", "get_by_id", "part_related_by",
           ".relate_to(", "settings.element", "styles.element", "document.element")


@pytest.mark.parametrize("module", sorted(p.name for p in DOCX_PACKAGE.glob("*.py")))
def test_only_the_compat_module_reaches_past_python_docx(module: str) -> None:
    if module == "pythondocx_compat.py":
        return
    text = (DOCX_PACKAGE / module).read_text(encoding="utf-8")
    assert [reach for reach in REACHES if reach in text] == []


@pytest.mark.parametrize("module", sorted(p.name for p in DOCX_PACKAGE.glob("*.py")))
def test_only_the_builder_writes_wordprocessingml_text(module: str) -> None:
    """WordprocessingML is made in wml.py (readback.py reads the edition with its names)."""
    if module in ("wml.py", "readback.py"):
        return
    text = (DOCX_PACKAGE / module).read_text(encoding="utf-8")
    assert "<w:" not in text and "parse_xml(f" not in text


def test_an_image_part_is_saved_with_its_content_type_and_relationship() -> None:
    document = docx.Document()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    first = compat.add_image_part(document, "/word/media/image%d.svg", "image/svg+xml", svg)
    second = compat.add_image_part(document, "/word/media/image%d.svg", "image/svg+xml", svg)
    saved = _saved(document)
    rels = etree.fromstring(saved.read("word/_rels/document.xml.rels"))
    targets = {rel.get("Id"): (rel.get("Type"), rel.get("Target")) for rel in rels}
    assert targets[first] == (RT.IMAGE, "media/image1.svg")
    assert targets[second] == (RT.IMAGE, "media/image2.svg")
    assert saved.read("word/media/image1.svg") == svg
    types = etree.fromstring(saved.read("[Content_Types].xml"))
    declared = {o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")}
    assert declared["/word/media/image1.svg"] == "image/svg+xml"
