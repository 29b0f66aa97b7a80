"""Reading a Word package within bounds: the zip, its parts, their relationships.

Everything a DOCX holds is untrusted: the zip and each XML part go through
inputfiles (size limits counted while inflating, DTDs and entities refused),
never through a library that would read them without bounds.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportexport.source.inputfiles import (
    check_declared_sizes,
    open_zip,
    parse_xml,
    read_bounded,
    read_member,
    refuse,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WHAT = "a Word document (.docx)"


def word_number(value: str | None) -> int | None:
    """A Word attribute's count or level ("0" to "9999"); None for anything else: "²"
    passes str.isdigit() but not int(), and no level, span or outline Word writes is
    bigger (a bigger one would only make the import's work grow)."""
    return int(value) if value is not None and re.fullmatch("[0-9]{1,4}", value) else None


def w(name: str) -> str:
    """The Clark name of `name` in WordprocessingML's namespace."""
    return f"{{{W}}}{name}"


@dataclass
class Relationship:
    type: str  # the last segment of the type URI: "footnotes", "image", "hyperlink"
    target: str  # a member name inside the zip, or the URL of an external target
    external: bool


@dataclass
class WordPackage:
    """The parts of a DOCX the import reads, parsed; images are read when asked for."""

    path: Path
    archive: zipfile.ZipFile
    document: Any  # the w:document element
    document_name: str
    relationships: dict[str, Relationship]
    parts: dict[str, Any] = field(default_factory=dict)  # by relationship type: footnotes …
    part_rels: dict[str, dict[str, Relationship]] = field(default_factory=dict)
    core: Any = None  # docProps/core.xml, when there is one
    custom: Any = None  # docProps/custom.xml (the custom properties), when there is one

    def member(self, name: str) -> bytes:
        return read_member(self.archive, name, self.path)

    def xml(self, name: str) -> Any:
        return parse_xml(self.member(name), self.path, name)


def _rels_name(member: str) -> str:
    folder, base = posixpath.split(member)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(archive: zipfile.ZipFile, path: Path, member: str) -> dict[str, Relationship]:
    name = _rels_name(member)
    if name not in archive.NameToInfo:
        return {}
    root = parse_xml(read_member(archive, name, path), path, name)
    folder = posixpath.dirname(member)
    found = {}
    for rel in root.iter(f"{{{PKG_RELS}}}Relationship"):
        target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
        if not external:
            # Targets are relative to the part's folder, or absolute from the package's root.
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
        found[rel.get("Id", "")] = Relationship(rel.get("Type", "").rsplit("/", 1)[-1],
                                                target, external)
    return found


def read_package(path: Path) -> WordPackage:
    """The DOCX at `path`, its document part and the parts around it parsed; InputError
    naming the file and the reason for anything else (not a zip, truncated, a bomb, a DTD)."""
    data = read_bounded(path, what=WHAT)
    archive = open_zip(data, path, WHAT)
    check_declared_sizes(archive, path)
    package_rels = _relationships(archive, path, "")
    main = next((rel.target for rel in package_rels.values()
                 if rel.type == "officeDocument" and not rel.external), None)
    if main is None:
        main = "word/document.xml" if "word/document.xml" in archive.NameToInfo else None
    if main is None or main not in archive.NameToInfo:
        raise refuse(path, f"not {WHAT}: the package has no document part (word/document.xml)")
    document = parse_xml(read_member(archive, main, path), path, main)
    if document.tag != w("document"):
        raise refuse(path, f"not {WHAT}: part '{main}' is not a WordprocessingML document "
                           "(a strict OOXML file? save it as a Word document)")
    package = WordPackage(path, archive, document, main, _relationships(archive, path, main))
    for rel in package.relationships.values():
        if rel.external or rel.type not in ("footnotes", "endnotes", "comments", "numbering",
                                            "styles", "header", "footer"):
            continue
        if rel.target not in archive.NameToInfo:
            continue  # a dangling relationship: Word itself would ignore it
        key = rel.type if rel.type not in ("header", "footer") else f"{rel.type}:{rel.target}"
        package.parts[key] = package.xml(rel.target)
        package.part_rels[key] = _relationships(archive, path, rel.target)
    core = next((rel.target for rel in package_rels.values()
                 if rel.type == "core-properties" and not rel.external), "docProps/core.xml")
    if core in archive.NameToInfo:
        package.core = package.xml(core)
    custom = next((rel.target for rel in package_rels.values()
                   if rel.type == "custom-properties" and not rel.external), None)
    if custom is not None and custom in archive.NameToInfo:
        package.custom = package.xml(custom)
    return package
