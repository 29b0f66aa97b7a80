"""Embedding the theme's fonts in the DOCX, the way Word does (ECMA-376 Part 1, 17.8).

python-docx has no API for embedded fonts, so this works on the saved package,
as OOXML defines it: each face is an obfuscated font part (`word/fonts/*.odttf`)
that the font table names in an `embedRegular`/`embedBold`/… entry with its key,
and the settings say the document embeds (subset) TrueType fonts. Word and
LibreOffice then show the theme's fonts on a machine that lacks them.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reportexport.exporters.docx.ordering import insert_in_order
from reportexport.fontruns import needed_fallbacks
from reportexport.fontsubset import EDITING_CHARACTERS, subset_font
from reportexport.theme import FontFamily

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_RELATIONSHIP = f"{R}/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_NAMESPACE = uuid.UUID("5a0c43b2-6d8e-4f58-9b0a-0d6f2f6c1e01")  # reportexport's font keys

#: The font table's embed elements, in the schema's order, by the theme's style names.
_EMBEDS = (("regular", "embedRegular"), ("bold", "embedBold"), ("italic", "embedItalic"),
           ("bold_italic", "embedBoldItalic"))
#: settings.xml children that the schema puts before embedTrueTypeFonts.
_BEFORE_EMBED_SETTINGS = frozenset({
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData"})


@dataclass(frozen=True)
class EmbeddedFace:
    family: str
    element: str
    part: str  # the part name inside the package, without the leading slash
    key: str  # the GUID that obfuscates the part, as the font table writes it
    data: bytes


def obfuscate(font: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key's 16 bytes in reverse order (17.8.1)."""
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ digits[i % 16] for i, byte in enumerate(font[:32]))
    return head + font[32:]


def _faces(families: Iterable[FontFamily], shown: frozenset[str]) -> list[EmbeddedFace]:
    faces: list[EmbeddedFace] = []
    seen: set[Path] = set()
    for family in families:
        for style, element in _EMBEDS:
            path: Path = getattr(family, style)
            if path in seen:
                # A style the family lacks falls back to another file: Word then
                # synthesises it, so the same file is not embedded twice.
                continue
            seen.add(path)
            data = subset_font(path, shown | EDITING_CHARACTERS)
            key = "{" + str(uuid.uuid5(_NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"
            faces.append(EmbeddedFace(family.family, element,
                                       f"word/fonts/font{len(faces) + 1}.odttf", key, data))
    return faces


def _font_table(xml: bytes, faces: list[EmbeddedFace]) -> bytes:
    root = etree.fromstring(xml)
    for number, face in enumerate(faces, 1):
        # Compared, not put into an XPath: a family name is the theme's text.
        font = next((entry for entry in root.iterfind(f"{{{W}}}font")
                     if entry.get(f"{{{W}}}name") == face.family), None)
        if font is None:
            font = etree.SubElement(root, f"{{{W}}}font", {f"{{{W}}}name": face.family})
            etree.SubElement(font, f"{{{W}}}charset", {f"{{{W}}}val": "00"})
            etree.SubElement(font, f"{{{W}}}pitch", {f"{{{W}}}val": "variable"})
        embed = font.find(f"{{{W}}}{face.element}")
        if embed is not None:
            font.remove(embed)
        embed = etree.SubElement(font, f"{{{W}}}{face.element}", {
            f"{{{R}}}id": f"rIdFont{number}", f"{{{W}}}fontKey": face.key,
            f"{{{W}}}subsetted": "1"})
        # Keep the schema's order of the embed elements after whatever the entry holds.
        order = [name for _, name in _EMBEDS]
        embeds = sorted((child for child in font if etree.QName(child).localname in order),
                        key=lambda child: order.index(etree.QName(child).localname))
        for child in embeds:
            font.remove(child)
            font.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font_table_rels(faces: list[EmbeddedFace]) -> bytes:
    root = etree.Element(f"{{{PACKAGE_RELS}}}Relationships", nsmap={None: PACKAGE_RELS})
    for number, face in enumerate(faces, 1):
        etree.SubElement(root, f"{{{PACKAGE_RELS}}}Relationship", {
            "Id": f"rIdFont{number}", "Type": FONT_RELATIONSHIP,
            "Target": face.part.removeprefix("word/")})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    # CT_Settings: … printFormsData, embedTrueTypeFonts, embedSystemFonts, saveSubsetFonts …
    for name, preceding in (
            ("embedTrueTypeFonts", _BEFORE_EMBED_SETTINGS),
            ("saveSubsetFonts", _BEFORE_EMBED_SETTINGS | {"embedTrueTypeFonts",
                                                          "embedSystemFonts"})):
        if root.find(f"{{{W}}}{name}") is None:
            insert_in_order(root, etree.Element(f"{{{W}}}{name}"), preceding=preceding)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    if root.find(f"{{{CONTENT_TYPES}}}Default[@Extension='odttf']") is None:
        root.insert(0, etree.Element(f"{{{CONTENT_TYPES}}}Default",
                                     {"Extension": "odttf", "ContentType": OBFUSCATED_FONT}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def subset_fonts(families: Iterable[FontFamily], shown: Iterable[str]) -> list[EmbeddedFace]:
    """The faces to embed for `families`, cut to the characters `shown` and
    EDITING_CHARACTERS (which the words the writer adds, "Contents", "Page 2 of 5",
    are in), with the fallbacks some of the text needs."""
    shown = frozenset(shown)
    families = list(families)
    return _faces([*families, *needed_fallbacks(shown, families)], shown)


def embed_fonts(saved: bytes, faces: list[EmbeddedFace]) -> tuple[
        dict[str, Callable[[bytes], bytes]], dict[str, bytes]]:
    """What to rewrite in, and add to, the saved package `saved` to embed `faces`.

    Returns (transforms by part name, new parts by name) for `rewrite_zip`.
    """
    with zipfile.ZipFile(io.BytesIO(saved)) as package:
        if "word/fontTable.xml" not in package.namelist():
            return {}, {}  # a reference document without a font table: nothing to name them in
    transforms = {
        "word/fontTable.xml": lambda xml: _font_table(xml, faces),
        "word/settings.xml": _settings,
        "[Content_Types].xml": _content_types,
    }
    added = {"word/_rels/fontTable.xml.rels": _font_table_rels(faces)}
    added.update((face.part, obfuscate(face.data, face.key)) for face in faces)
    return transforms, added
