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
import posixpath
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape as xml_escape
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from reportexport.exporters.docx import pythondocx_compat as compat
from reportexport.exporters.docx.ordering import insert_in_order
from reportexport.theme import FontFamily
from reportexport.typography.fontruns import needed_fallbacks
from reportexport.typography.fontsubset import EDITING_CHARACTERS, subset_font

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
_EMBED_NAMES = frozenset(name for _, name in _EMBEDS)
#: settings.xml children that the schema puts before embedTrueTypeFonts.
_BEFORE_EMBED_SETTINGS = frozenset({
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData"})


@dataclass(frozen=True)
class EmbeddedFace:
    family: str
    element: str
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
            faces.append(EmbeddedFace(family.family, element, key, data))
    return faces


@dataclass(frozen=True)
class _Placed:
    """An embedded face with its place in the package."""

    face: EmbeddedFace
    part: str  # the part name inside the package, without the leading slash
    rel_id: str  # its relationship's id in the font table's relationships


def _place(faces: list[EmbeddedFace], names: set[str], rel_ids: set[str]) -> list[_Placed]:
    """Part names and relationship ids for `faces` that no part or font relationship of
    the package (a reference document's own embedded fonts) has."""
    placed: list[_Placed] = []
    number = 0
    for face in faces:
        number += 1
        while f"word/fonts/font{number}.odttf" in names or f"rIdFont{number}" in rel_ids:
            number += 1
        placed.append(_Placed(face, f"word/fonts/font{number}.odttf", f"rIdFont{number}"))
    return placed


#: The values w:characterSet may take (the schema's list; LibreOffice also writes
#: others, such as utf-8 and windows-1252, which Word's validator refuses).
_CHARACTER_SETS = frozenset({
    "iso-8859-1", "macintosh", "shift_jis", "ks_c-5601-1987", "KS_C-5601-1992", "GBK",
    "Big5", "windows-1253", "iso-8859-9", "windows-1258", "windows-1255", "windows-1256",
    "windows-1257", "windows-1251", "windows-874", "windows-1250"})


def _font_table(xml: bytes, placed: list[_Placed], released: frozenset[str]) -> bytes:
    root = etree.fromstring(xml)
    for charset in root.iter(f"{{{W}}}charset"):
        # A reference document's font table (LibreOffice's) may name a character set
        # the schema lacks; w:val says it already, the name is optional.
        if charset.get(f"{{{W}}}characterSet") not in (None, *_CHARACTER_SETS):
            del charset.attrib[f"{{{W}}}characterSet"]
    families = {entry.face.family for entry in placed}
    for font in root.iterfind(f"{{{W}}}font"):
        # A reference document's embedded fonts let go (release_template_fonts).
        replaced = font.get(f"{{{W}}}name") in families
        for embed in [child for child in font if _is_embed(child)]:
            if replaced or embed.get(f"{{{R}}}id") in released:
                font.remove(embed)
    for entry in placed:
        face = entry.face
        # Compared, not put into an XPath: a family name is the theme's text.
        entry_font = next((font for font in root.iterfind(f"{{{W}}}font")
                           if font.get(f"{{{W}}}name") == face.family), None)
        if entry_font is None:
            entry_font = etree.SubElement(root, f"{{{W}}}font", {f"{{{W}}}name": face.family})
            etree.SubElement(entry_font, f"{{{W}}}charset", {f"{{{W}}}val": "00"})
            etree.SubElement(entry_font, f"{{{W}}}pitch", {f"{{{W}}}val": "variable"})
        etree.SubElement(entry_font, f"{{{W}}}{face.element}", {
            f"{{{R}}}id": entry.rel_id, f"{{{W}}}fontKey": face.key,
            f"{{{W}}}subsetted": "1"})
        # Keep the schema's order of the embed elements after whatever the entry holds.
        order = [name for _, name in _EMBEDS]
        embeds = sorted((child for child in entry_font
                         if etree.QName(child).localname in order),
                        key=lambda child: order.index(etree.QName(child).localname))
        for child in embeds:
            entry_font.remove(child)
            entry_font.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _is_embed(element: etree._Element) -> bool:
    return etree.QName(element).localname in _EMBED_NAMES


def _font_table_rels(placed: list[_Placed], font_table: str,
                     existing: bytes | None = None) -> bytes:
    """The font table's relationships: a reference document's own (`existing`), then
    one for each face placed here."""
    if existing is None:
        # None names the default namespace in lxml; lxml-stubs type nsmap's keys as str only.
        root = etree.Element(f"{{{PACKAGE_RELS}}}Relationships",
                             nsmap={None: PACKAGE_RELS})  # type: ignore[dict-item]
    else:
        root = etree.fromstring(existing)
    folder = posixpath.dirname(font_table)
    for entry in placed:
        etree.SubElement(root, f"{{{PACKAGE_RELS}}}Relationship", {
            "Id": entry.rel_id, "Type": FONT_RELATIONSHIP,
            "Target": posixpath.relpath(entry.part, folder)})
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


#: The parts whose text can name a font the document uses, besides its body (whose
#: fonts are the theme's, embedded here): by their relationship from the document part.
_NAMING_PARTS = (RT.STYLES, RT.NUMBERING, RT.HEADER, RT.FOOTER, RT.THEME)


def release_template_fonts(document: Any, faces: list[EmbeddedFace]) -> frozenset[str]:
    """Let go of a reference document's embedded fonts that the edition replaces (its
    copies of the families embedded here, say an earlier edition used as the template)
    or does not use (a family that no style, list, header, footer or theme of the
    document names, such as those LibreOffice embeds on its own). Their relationships
    go, and with them the font parts, which python-docx then does not save; the ids
    returned are the ones whose embed elements `_font_table` removes."""
    part = compat.related_part(document, RT.FONT_TABLE)
    if part is None:
        return frozenset()
    families = {face.family for face in faces}
    named: bytes | None = None
    released: set[str] = set()
    kept: set[str] = set()
    for font in etree.fromstring(compat.part_blob(part)).iterfind(f"{{{W}}}font"):
        ids = {rel_id for embed in font if _is_embed(embed)
               if (rel_id := embed.get(f"{{{R}}}id")) is not None}
        if not ids:  # nothing to let go (python-docx's own font table embeds none)
            continue
        if named is None:  # the parts' text, serialised once and only when needed
            named = b"".join(compat.related_blobs(document, _NAMING_PARTS))
        name = font.get(f"{{{W}}}name") or ""
        used = f'"{xml_escape(name, quote=True)}"'.encode() in named
        (released if name in families or not used else kept).update(ids)
    compat.drop_relationships(part, lambda rel: rel.rel_id in released - kept)
    return frozenset(released - kept)


def embed_fonts(saved: bytes, faces: list[EmbeddedFace], font_table: str | None,
                settings: str, released: frozenset[str] = frozenset()) -> tuple[
                    dict[str, Callable[[bytes], bytes]], dict[str, bytes]]:
    """What to rewrite in, and add to, the saved package `saved` to embed `faces`,
    given the member names of its font table (None: it has none) and settings, and
    the font relationships `release_template_fonts` let go.

    Returns (transforms by part name, new parts by name) for `rewrite_zip`.
    """
    if font_table is None:
        return {}, {}  # a reference document without a font table: nothing to name them in
    folder, name = posixpath.split(font_table)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    with zipfile.ZipFile(io.BytesIO(saved)) as package:
        names = set(package.namelist())
        existing = package.read(rels_name) if rels_name in names else None
    rel_ids: set[str] = set() if existing is None else {
        rel_id for rel in etree.fromstring(existing) if (rel_id := rel.get("Id")) is not None}
    placed = _place(faces, names, rel_ids)
    transforms: dict[str, Callable[[bytes], bytes]] = {
        font_table: lambda xml: _font_table(xml, placed, released),
        settings: _settings,
        "[Content_Types].xml": _content_types,
    }
    added: dict[str, bytes] = {}
    if existing is None:
        added[rels_name] = _font_table_rels(placed, font_table)
    else:
        transforms[rels_name] = lambda xml: _font_table_rels(placed, font_table, xml)
    added.update((entry.part, obfuscate(entry.face.data, entry.face.key)) for entry in placed)
    return transforms, added
