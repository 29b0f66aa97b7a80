"""Reading an EPUB back (zip and lxml): package document, spine and navigation."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reportexport.source.inputfiles import open_zip, parse_xml, read_bounded, read_member
from reportexport.source.problems import UnreadableEdition

NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}


@dataclass(frozen=True)
class Package:
    opf_path: str
    opf: etree._Element
    # id -> (href in zip, media type, properties), as written (an attribute may be missing)
    manifest: dict[str | None, tuple[str, str | None, str]]
    spine: list[str]  # hrefs in zip, in reading order

    def nav_path(self) -> str:
        for href, _, properties in self.manifest.values():
            if "nav" in properties.split():
                return href
        raise UnreadableEdition("the package declares no navigation document")


def _part(archive: zipfile.ZipFile, name: str, path: Path | None) -> etree._Element:
    """The XML part `name`: bounded and without a DTD when it comes from a user's file
    (`path`), as read when it is the archive just written (None)."""
    if path is None:
        return etree.fromstring(archive.read(name))
    # XHTML carries <!DOCTYPE html>; nothing more is let through.
    return parse_xml(read_member(archive, name, path), path, name, bare_doctype=True)


def _found(element: etree._Element | None, what: str) -> etree._Element:
    if element is None:
        raise UnreadableEdition(f"the EPUB has no {what}")
    return element


def _attribute(element: etree._Element, name: str) -> str:
    value = element.get(name)
    if value is None:
        raise UnreadableEdition(f"an EPUB <{etree.QName(element).localname}> without {name}")
    return value


def read_package(archive: zipfile.ZipFile, path: Path | None = None) -> Package:
    container = _part(archive, "META-INF/container.xml", path)
    rootfile = _found(container.find("c:rootfiles/c:rootfile", NS), "package document")
    opf_path = _attribute(rootfile, "full-path")
    opf = _part(archive, opf_path, path)
    base = posixpath.dirname(opf_path)
    manifest = {
        item.get("id"): (
            posixpath.normpath(posixpath.join(base, _attribute(item, "href"))),
            item.get("media-type"),
            item.get("properties", ""),
        )
        for item in opf.iterfind("opf:manifest/opf:item", NS)
    }
    spine = [manifest[ref.get("idref")][0] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    return Package(opf_path, opf, manifest, spine)


def nav_outline(nav: etree._Element) -> list[tuple[int, str]]:
    toc = _found(nav.find(".//x:nav[@epub:type='toc']", NS), "table of contents")
    out: list[tuple[int, str]] = []

    def visit(ol: etree._Element, level: int) -> None:
        for li in ol.iterfind("x:li", NS):
            label = li.find("x:a", NS)
            if label is None:
                label = _found(li.find("x:span", NS), "label for a contents entry")
            out.append((level, "".join(str(text) for text in label.itertext()).strip()))
            child = li.find("x:ol", NS)
            if child is not None:
                visit(child, level + 1)

    visit(_found(toc.find("x:ol", NS), "list in its table of contents"), 1)
    return out


def read_outline(path: Path) -> list[tuple[int, str]]:
    """The contents of the EPUB `path`; a file that is not one within bounds raises InputError."""
    what = "an EPUB"
    with open_zip(read_bounded(path, what=what), path, what) as archive:
        package = read_package(archive, path)
        nav = _part(archive, package.nav_path(), path)
    return nav_outline(nav)
