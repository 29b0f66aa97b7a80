"""The e-book's XHTML content documents, built on the HTML core (exporters.htmlcore):
one file per top-level section, notes as EPUB 3 footnotes, images as package paths."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from reportexport.exporters.htmlcore.markup import (
    EPUB_NS,
    XHTML_NS,
    Element,
    Flavour,
    block_fragment,
    block_list_entries,
    facts_list,
    footnotes,
    lines,
    logo_element,
    paragraph,
    section_element,
    title_block,
)
from reportexport.frontend import Document
from reportexport.labels import labelled
from reportexport.model import GENERATED_PREFIX, Figure, Logo, Section
from reportexport.source.images import edition_image_digest

#: Where each section is, by id: "file.xhtml#id" (sections share their top-level one's file).
Targets = dict[str, str]

#: File names Windows keeps for devices, whatever their extension: `con.xhtml`
#: cannot be unpacked there.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{digit}" for port in ("com", "lpt")
                                                          for digit in range(10))})


def section_file(section: Section) -> str:
    """The file of a top-level section, in text/: named after its id, unless the id is
    a name Windows keeps for a device (`con`), which is then given a generated name."""
    unsafe = section.id.lower() in _DEVICE_NAMES
    return f"{GENERATED_PREFIX if unsafe else ''}{section.id}.xhtml"


def section_targets(document: Document) -> Targets:
    """Each section's heading as "file.xhtml#id": in its top-level section's file; and
    each table and figure that has an id, by its generated id, in its section's file."""
    targets = {anchor.section.id: f"{section_file(anchor.chapter)}#{anchor.section.id}"
               for anchor in document.outline}
    for ident, (block, anchor) in document.blocks.items():
        targets[ident] = f"{section_file(anchor.chapter)}#{block_fragment(block)}"
    return targets


def flavour(targets: Targets) -> Flavour:
    """The core's conventions for the e-book's pages (in text/, beside images/)."""
    return Flavour(xhtml=True, target_href=targets.__getitem__,
                   image_src=lambda figure: f"../{figure_file(figure)}")


def logo_file(logo: Logo) -> str:
    """Where the e-book keeps the logo, relative to the package's folder (figures' images
    are named by their digests, which are never 'logo')."""
    return "images/logo" + (".png" if logo.media_type == "image/png" else ".jpg")


_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}


def figure_file(figure: Figure) -> str:
    """Where the e-book keeps a figure's image, relative to the package's folder.

    Named by its content: an image that several figures show is stored once.
    """
    suffix = _SUFFIXES[figure.media_type]
    return f"images/{edition_image_digest(figure.image)[:16]}{suffix}"


def page(title: str, language: str, body: Iterable[Element], *, body_type: str = "") -> bytes:
    """A complete, well-formed XHTML5 content document holding `body`'s elements."""
    # lxml's stubs type a map with both a default and a prefixed namespace too narrowly.
    html = etree.Element(f"{{{XHTML_NS}}}html",
                         nsmap={None: XHTML_NS, "epub": EPUB_NS})  # type: ignore[dict-item]
    xhtml = Flavour(xhtml=True, target_href=str, image_src=str)
    xhtml.set_language(html, language)
    head = xhtml.child(html, "head")
    xhtml.child(head, "meta", {"charset": "utf-8"})
    xhtml.child(head, "title", text=title)
    xhtml.child(head, "link", {"rel": "stylesheet", "type": "text/css",
                               "href": "../styles/report.css"})
    lines(html, [lines(head, list(head)), _body(body, body_type)])
    return (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            + etree.tostring(html, encoding="utf-8") + b"\n")


def _body(elements: Iterable[Element], body_type: str) -> Element:
    body = etree.Element(f"{{{XHTML_NS}}}body")
    if body_type:
        body.set(f"{{{EPUB_NS}}}type", body_type)
    body.text = "\n"
    for element in elements:
        body.append(element)
    return body


def with_notes(part: Element, notes: Element | None) -> list[Element]:
    """A part of the book, then (a blank line apart) the notes whose marks it holds."""
    part.tail = "\n\n"
    if notes is None:
        return [part]
    notes.tail = "\n"
    return [part, notes]


def chapter_markup(document: Document, chapter: Section, targets: Targets) -> list[Element]:
    """A top-level section's file's body: the section, then the notes whose marks it holds."""
    xhtml = flavour(targets)
    notes = document.chapter_notes(chapter)
    return with_notes(section_element(chapter, 1, xhtml, document.anchors),
                      footnotes(notes, xhtml, document.words["note"]) if notes else None)


def title_page(document: Document, targets: Targets) -> list[Element]:
    xhtml = flavour(targets)
    meta = document.report.metadata
    parts = title_block(meta, xhtml, {"class": "title"})
    if meta.logo:
        parts.insert(0, logo_element(meta.logo, f"../{logo_file(meta.logo)}", meta.publisher,
                                     xhtml))
    parts.extend(paragraph("lead", p.content, xhtml) for p in document.report.lead)
    parts.append(facts_list((*document.cover_facts, *document.notices), xhtml))
    section = lines(xhtml.element("section", {"class": "titlepage",
                                              "aria-label": document.words["title_page"]}), parts)
    notes = document.lead_notes()
    return with_notes(section,
                      footnotes(notes, xhtml, document.words["note"]) if notes else None)


def nav_lists(document: Document) -> list[Element]:
    """The lists of tables and figures for the navigation document (nav.xhtml, beside
    text/): EPUB 3's `lot` and `loi` navs, each entry leading to its table or figure, each
    named by its heading (two unnamed navigation landmarks cannot be told apart)."""
    xhtml = flavour({})
    navs = []
    for block_list in document.lists:
        title_id = f"{GENERATED_PREFIX}list-of-{block_list.kind}"
        nav = xhtml.element("nav", {"id": f"{GENERATED_PREFIX}{block_list.kind}",
                                    "aria-labelledby": title_id})
        xhtml.epub_type(nav, "lot" if block_list.kind == "tables" else "loi")
        navs.append(lines(nav, [
            xhtml.element("h2", {"id": title_id}, block_list.title),
            block_list_entries(block_list, lambda block, anchor: (
                f"text/{section_file(anchor.chapter)}#{block_fragment(block)}"), xhtml)]))
    return navs


def cover_page(document: Document, image_href: str) -> list[Element]:
    meta = document.report.metadata
    xhtml = flavour({})
    alt = labelled(meta.language, document.words["cover"],
                   f"{meta.title}. {meta.publisher}, {document.published}.")
    section = xhtml.element("section", {"class": "cover"})
    xhtml.epub_type(section, "cover")
    image = xhtml.element("img", {"src": image_href, "alt": alt, "role": "doc-cover"})
    section = lines(section, [image])
    section.tail = "\n"
    return [section]
