"""The web page: header (the cover's facts), contents, the text, notes and footer,
as one HTML5 document built on the HTML core, with its images, fonts and styles inside."""

from __future__ import annotations

import base64
import dataclasses
import json
import unicodedata
from pathlib import Path

from lxml import etree

from reportexport.exporters.html.fonts import font_urls, used_faces, whole_rows
from reportexport.exporters.html.webstyle import (
    ADDRESS_CLOSES,
    ADDRESS_OPENS,
    DARK_BACKGROUND,
    web_stylesheet,
)
from reportexport.exporters.htmlcore.markup import (
    Element,
    Flavour,
    add_text,
    block_fragment,
    block_list_entries,
    endnotes,
    facts_list,
    lines,
    logo_element,
    paragraph,
    section_element,
    title_block,
)
from reportexport.exporters.logoplate import needs_plate
from reportexport.frontend import Document
from reportexport.model import (
    GENERATED_PREFIX,
    Figure,
    Paragraph,
    Report,
    block_features,
    plain,
    walk_sections,
)
from reportexport.source.images import edition_image
from reportexport.support.filecache import cached_by_file
from reportexport.support.languagetags import primary_subtag
from reportexport.theme import FontFamily, Theme
from reportexport.typography.fontruns import chain, needed_fallbacks, needs_glyph
from reportexport.typography.fontsubset import EDITING_CHARACTERS, covers

HTML = Flavour(xhtml=False, target_href=lambda target_id: _unresolved(target_id),
               image_src=lambda figure: image_uri(figure), table_regions=True,
               grouped_facts=True, labelled_sections=False, page_breaks=True)
MAIN_ID = f"{GENERATED_PREFIX}main"
CONTENTS_ID = f"{GENERATED_PREFIX}contents"
#: Signs for a note's way back to its mark, the likeliest first (text style, not emoji).
BACK_ARROWS = ("\u21a9\ufe0e", "\u2191", "^")
#: The longest description a search result or a link preview shows in full.
DESCRIPTION_LENGTH = 300


def _unresolved(target_id: str) -> str:
    """HTML is the page's flavour before its targets are known: page_flavour gives them."""
    raise AssertionError(f"a link to #{target_id} made without page_flavour's targets")


def image_uri(figure: Figure) -> str:
    return _image_uri(figure.image, figure.media_type)


@cached_by_file(maxsize=64)
def _image_uri(path: Path, media_type: str) -> str:
    """The one converted copy every edition embeds (images.edition_image), as a data: URI."""
    return f"data:{media_type};base64,{base64.b64encode(edition_image(path)).decode('ascii')}"


def page_bytes(report: Report, theme: Theme, *, whole_scripts: bool = False) -> bytes:
    """The page; with `whole_scripts` (a preview's), its font subsets hold the whole rows
    of the characters it shows (fonts.whole_rows), so that typing seldom cuts them anew."""
    document = Document.of(report)
    body = _body(document, page_flavour(document), back_arrow(theme.body_font))
    # What the page shows: its text, in capitals too (labels are set in capitals by the
    # stylesheet), and the links' addresses a printer adds after them.
    shown: set[str] = set()
    language = report.metadata.language
    for piece in body.itertext():  # piece by piece: a long report's text is megabytes
        shown.update(str(piece), capitals(str(piece), language))
    for link in body.iter("a"):
        href = link.get("href", "")
        shown.update(href)
        if not href.startswith("#"):  # print sets it after the link, in brackets
            shown.update(ADDRESS_OPENS + ADDRESS_CLOSES + "%")  # "%": an address's escapes
    if whole_scripts:  # and Latin-1's and punctuation's rows, which any language types
        shown |= whole_rows(shown | EDITING_CHARACTERS)
    fallbacks = needed_fallbacks(report.characters, (theme.body_font, theme.heading_font))
    used = used_faces(body)
    page_breaks = any(section.new_page for _, section in report.walk())
    logo = report.metadata.logo
    css = web_stylesheet(theme, font_urls(theme, fallbacks, shown, used), fallbacks, used,
                         block_features(report), page_breaks=page_breaks,
                         plate_logo=logo is not None and needs_plate(logo, DARK_BACKGROUND))
    html = etree.Element("html", lang=report.metadata.language)
    lines(html, [_head(document, css), body])
    return (b"<!DOCTYPE html>\n"
            + etree.tostring(html, method="html", encoding="utf-8") + b"\n")


def capitals(text: str, language: str) -> str:
    """`text` as the browser's text-transform: uppercase sets it in `language`: str.upper
    is the language-neutral mapping, which Turkish and Azeri (i to dotted İ) and Greek
    (capitals without their accents) do not follow."""
    primary = primary_subtag(language)
    if primary in ("tr", "az"):
        text = text.replace("i", "\u0130")
    upper = text.upper()
    if primary == "el":
        upper += "".join(char for char in unicodedata.normalize("NFD", upper)
                         if not unicodedata.combining(char))
    return upper


def back_arrow(family: FontFamily) -> str:
    """The back-link's sign: the first of BACK_ARROWS the notes' font has, so that no
    reader sees it in a font of their system's (or as a box)."""
    fonts = [covers(member.regular) for member in chain(family)]
    for arrow in BACK_ARROWS:
        if all(any(ord(char) in font for font in fonts) for char in arrow if needs_glyph(char)):
            return arrow
    return BACK_ARROWS[-1]


def page_flavour(document: Document) -> Flavour:
    """The core's conventions for this page: every target a fragment of it (a section's
    heading, or a table's or figure's generated id)."""
    targets = {anchor.section.id: f"#{anchor.section.id}" for anchor in document.outline}
    for ident, (block, _) in document.blocks.items():
        targets[ident] = f"#{block_fragment(block)}"
    return dataclasses.replace(HTML, target_href=targets.__getitem__)


def _body(document: Document, flavour: Flavour, back_link: str) -> Element:
    """The front matter, the body and the annexes in <main>, in reading order."""
    report = document.report
    skip = HTML.element("a", {"class": "skip", "href": f"#{MAIN_ID}"},
                        document.words["skip_to_text"])
    lead = [paragraph("lead", p.content, flavour) for p in report.lead]
    sections = [section_element(section, 1, flavour, document.anchors, top_level=2)
                for part in report.parts for section in part]
    notes = document.notes()
    main = lines(HTML.element("main", {"id": MAIN_ID}),
                 [*lead, *sections, *([endnotes(notes, flavour, back_link,
                                                document.words["notes"],
                                                document.words["back_to_note"])]
                                      if notes else [])])
    layout = lines(HTML.element("div", {"class": "layout"}), [_contents(document), main])
    return lines(HTML.element("body"), [skip, _header(document), layout, _footer(document)])


def _header(document: Document) -> Element:
    meta = document.report.metadata
    parts = title_block(meta, HTML)
    if meta.logo:
        src = _image_uri(meta.logo.image, meta.logo.media_type)
        parts.insert(0, logo_element(meta.logo, src, meta.publisher, HTML))
    parts.append(facts_list(document.cover_facts, HTML))
    return lines(HTML.element("header", {"class": "masthead"}), parts)


def _contents(document: Document) -> Element:
    """Every section in reading order, nested as the source nests them."""
    heading = HTML.element("h2", {"id": CONTENTS_ID}, document.words["contents"])
    root = HTML.element("ol")
    lists = {0: root}
    for anchor in document.outline:
        parent = lists[anchor.level - 1]
        item = HTML.child(parent, "li")
        link = HTML.child(item, "a", {"href": f"#{anchor.section.id}"})
        add_text(link, anchor.heading, HTML)
        if anchor.section.sections:
            lists[anchor.level] = HTML.child(item, "ol")
    parts = [heading, root]
    for block_list in document.lists:  # under the contents: lists of tables, of figures
        parts.append(HTML.element("h2", {"id": f"{GENERATED_PREFIX}list-of-{block_list.kind}"},
                                  block_list.title))
        parts.append(block_list_entries(block_list, lambda block, _: f"#{block_fragment(block)}",
                                        HTML))
    return lines(HTML.element("nav", {"class": "contents", "aria-labelledby": CONTENTS_ID}),
                 parts)


def _footer(document: Document) -> Element:
    meta = document.report.metadata
    parts = [paragraph("publisher", meta.publisher, HTML)]
    # The notices in the page's footer: rights and a disclaimer are sentences of their
    # own (the other editions' title pages label them); an ISBN says what it is.
    parts.extend(paragraph(key, f"{label} {value}" if key == "isbn" else value, HTML)
                 for key, label, value in document.keyed_notices)
    return lines(HTML.element("footer"), parts)


def description(document: Document) -> str:
    """The report's description, or else its lead's words, or else its body's first
    paragraph (a section's title is a heading, not a description), cut at a word to
    what a search result shows."""
    report = document.report
    words = report.metadata.description or " ".join(plain(p.content) for p in report.lead)
    if not words:
        # The body's first paragraph; failing that (a body of tables), any part's.
        sections = (*walk_sections(report.sections), *report.walk())
        words = next((plain(block.content) for _, section in sections
                      for block in section.blocks if isinstance(block, Paragraph)), "")
    words = " ".join(words.split())
    if len(words) <= DESCRIPTION_LENGTH:
        return words
    return words[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "\u2026"


def linked_data(document: Document) -> str:
    """schema.org's description of the report as JSON-LD, safe inside <script>: no
    `<`, `>` or `&` is left as itself, so no text (`</script>`) can end the element."""
    meta = document.report.metadata
    data = {
        "@context": "https://schema.org", "@type": "Report", "name": meta.title,
        "headline": meta.title, "inLanguage": meta.language,
        "author": [{"@type": "Person", "name": author} for author in meta.authors],
        "publisher": {"@type": "Organization", "name": meta.publisher},
        "datePublished": meta.date.isoformat(), "description": description(document),
    }
    if meta.modified:
        data["dateModified"] = meta.modified.isoformat()
    if meta.isbn:  # schema.org's `isbn` is a Book's: a report with an ISBN is one as well
        data["@type"] = ["Report", "Book"]
        data["isbn"] = meta.isbn
    # ASCII: text in another script would otherwise stand in the page with no `lang`.
    text = json.dumps(data, ensure_ascii=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _head(document: Document, css: str) -> Element:
    meta = document.report.metadata
    summary = description(document)
    head = HTML.element("head")
    HTML.child(head, "meta", {"charset": "utf-8"})
    HTML.child(head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
    HTML.child(head, "title", text=meta.title)
    HTML.child(head, "meta", {"name": "description", "content": summary})
    if meta.authors:
        HTML.child(head, "meta", {"name": "author", "content": ", ".join(meta.authors)})
    HTML.child(head, "meta", {"name": "color-scheme", "content": "light dark"})
    # An icon of its own: a browser would otherwise ask the server for /favicon.ico.
    HTML.child(head, "link", {"rel": "icon", "href": "data:,"})
    for prop, value in (("og:title", meta.title), ("og:description", summary),
                        ("og:type", "article"), ("og:locale", meta.language.replace("-", "_")),
                        ("article:published_time", meta.date.isoformat())):
        HTML.child(head, "meta", {"property": prop, "content": value})
    HTML.child(head, "script", {"type": "application/ld+json"}, linked_data(document))
    HTML.child(head, "style", text=css)
    return lines(head, list(head))
