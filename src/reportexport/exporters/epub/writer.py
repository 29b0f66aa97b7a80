"""Packaging the e-book with ebooklib: metadata, navigation, cover, fonts, reproducible zip."""

from __future__ import annotations

import re
import string
from pathlib import Path

from ebooklib import epub

from reportexport import __version__
from reportexport.exporters.epub.cover import cover_png
from reportexport.exporters.epub.xhtml import (
    chapter_markup,
    cover_page,
    figure_file,
    flavour,
    logo_file,
    nav_lists,
    page,
    section_file,
    section_targets,
    title_page,
)
from reportexport.exporters.htmlcore.markup import Element, add_text
from reportexport.exporters.htmlcore.styles import font_faces, stylesheet
from reportexport.frontend import Document
from reportexport.model import (
    GENERATED_PREFIX,
    Figure,
    Metadata,
    Report,
    Section,
    block_features,
    report_blocks,
)
from reportexport.source.images import edition_image
from reportexport.support.timestamps import build_time
from reportexport.support.zipfiles import ArchiveBuffer, rewrite_zip
from reportexport.theme import Theme
from reportexport.typography.fontruns import language_runs, needed_fallbacks
from reportexport.typography.fontsubset import GENERATED_CHARACTERS, subset_font

XHTML = "application/xhtml+xml"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _font_href(path: Path, taken: set[str]) -> str:
    """A name in the book for the font file `path`: its file name with anything a URL
    or the manifest would need escaped replaced, made unique among `taken` (two fonts
    of one name from different folders)."""
    stem, suffix = _UNSAFE_IN_NAME.sub("-", path.stem), _UNSAFE_IN_NAME.sub("-", path.suffix)
    href, number = f"fonts/{stem}{suffix}", 1
    while href in taken:
        number += 1
        href = f"fonts/{stem}-{number}{suffix}"
    return href


def _accessibility(book: epub.EpubBook, figures: bool) -> None:
    """Accessibility metadata that is true of what this writer produces."""
    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")  # the cover image; its text is also in alt and metadata
    meta("schema:accessModeSufficient", "textual")
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation",
                    "alternativeText", "displayTransformability"):
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta(
        "schema:accessibilitySummary",
        "Reflowable text with a navigable, nested table of contents that mirrors the "
        "report's headings, a logical reading order and semantic sections. "
        + ("The cover and every figure are described in their alternative text. " if figures
           else "The only image is the cover, described in its alternative text. ")
        + "No sound, flashing content or motion simulation.",
    )


def _toc(section: Section, href: str, document: Document
         ) -> epub.Link | tuple[epub.Link, list[object]]:
    link = epub.Link(f"{href}#{section.id}", document.anchors[section.id].heading,
                     f"toc-{section.id}")
    if not section.sections:
        return link
    return (link, [_toc(child, href, document) for child in section.sections])


#: The EPUB structural semantics of each part's files.
_BODY_TYPES = {"front": "frontmatter", "body": "bodymatter", "appendix": "backmatter"}


def write_epub(report: Report, theme: Theme, destination: Path) -> None:
    document = Document.of(report)
    meta = report.metadata
    book = epub.EpubBook()
    figures = [block for block in report_blocks(report) if isinstance(block, Figure)]
    _metadata(book, meta)
    _accessibility(book, bool(figures))
    font_items = _fonts_and_stylesheet(book, report, theme)
    _cover_image(book, document, theme)
    for number, (href, figure) in enumerate({figure_file(f): f for f in figures}.items(), 1):
        book.add_item(epub.EpubItem(uid=f"image-{number}", file_name=href,  # each image once
                                    media_type=figure.media_type,
                                    content=edition_image(figure.image)))
    if meta.logo:
        book.add_item(epub.EpubItem(uid="logo", file_name=logo_file(meta.logo),
                                    media_type=meta.logo.media_type,
                                    content=edition_image(meta.logo.image)))
    _content(book, document)
    shown = _shown_characters(book)
    for path, item in font_items.items():
        item.content = subset_font(path, shown, every_feature=False)
    jpeg_logo = [f"EPUB/{logo_file(meta.logo)}"] if meta.logo and (
        meta.logo.media_type == "image/jpeg") else []
    _package(book, report, destination, frozenset([*jpeg_logo, *(
        f"EPUB/{figure_file(figure)}" for figure in figures if figure.media_type == "image/jpeg")]),
        nav_lists(document))


def _metadata(book: epub.EpubBook, meta: Metadata) -> None:
    book.set_identifier(meta.identifier)  # the package's unique identifier
    if meta.isbn_urn:  # the publication's ISBN, an identifier besides it
        book.add_metadata("DC", "identifier", meta.isbn_urn, {"id": "isbn"})
    book.set_title(meta.title)
    book.set_language(meta.language)
    for number, author in enumerate(meta.authors, 1):
        book.add_author(author, uid=f"creator{number}")
    book.add_metadata("DC", "publisher", meta.publisher)
    book.add_metadata("DC", "date", meta.date.isoformat())
    for keyword in meta.keywords:
        book.add_metadata("DC", "subject", keyword)
    if meta.subject and meta.subject not in meta.keywords:
        book.add_metadata("DC", "subject", meta.subject)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)


def _fonts_and_stylesheet(book: epub.EpubBook, report: Report, theme: Theme
                          ) -> dict[Path, epub.EpubItem]:
    """The stylesheet and a font item for each face it names, whose content (a subset)
    is set once the pages exist."""
    fallbacks = needed_fallbacks(report.characters, (theme.body_font, theme.heading_font))
    font_files: dict[Path, str] = {}
    font_items: dict[Path, epub.EpubItem] = {}
    for *_, path in font_faces(theme, fallbacks):
        if path in font_files:
            continue
        href = _font_href(path, set(font_files.values()))
        font_files[path] = href
        font_items[path] = epub.EpubItem(uid=f"font-{len(font_files)}", file_name=href,
                                         media_type="font/ttf")
        book.add_item(font_items[path])
    css = stylesheet(theme, {path: f"../{href}" for path, href in font_files.items()}, fallbacks,
                     block_features(report))
    book.add_item(epub.EpubItem(uid="css", file_name="styles/report.css", media_type="text/css",
                                content=css.encode()))
    return font_items


def _cover_image(book: epub.EpubBook, document: Document, theme: Theme) -> None:
    # What set_cover does, with the media type stated rather than guessed from the
    # system's MIME tables, which differ between machines.
    cover_image = epub.EpubCover(uid="cover-img", file_name="images/cover.png")
    cover_image.media_type = "image/png"
    cover_image.content = cover_png(document.report.metadata, document.published, theme)
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-img"})


def _content(book: epub.EpubBook, document: Document) -> None:
    """The content documents, the navigation, the spine and the guide."""
    report, language = document.report, document.report.metadata.language

    def content_document(uid: str, name: str, title: str, body: list[Element],
                         body_type: str = "") -> epub.EpubItem:
        item = epub.EpubItem(uid=uid, file_name=name, media_type=XHTML,
                             content=page(title, language, body, body_type=body_type))
        book.add_item(item)
        return item

    # Beside the sections' files, named where no section id reaches (a section `cover`).
    targets, title = section_targets(document), report.metadata.title
    cover = content_document("cover", f"text/{GENERATED_PREFIX}cover.xhtml", title,
                             cover_page(document, "../images/cover.png"))
    titlepage = content_document("titlepage", f"text/{GENERATED_PREFIX}titlepage.xhtml",
                                 title, title_page(document, targets), body_type="frontmatter")
    chapters: dict[str, list[epub.EpubItem]] = {"front": [], "body": [], "appendix": []}
    for anchor in (anchor for anchor in document.outline if anchor.level == 1):
        chapters[anchor.part].append(content_document(
            f"sec-{anchor.section.id}", f"text/{section_file(anchor.section)}", anchor.heading,
            chapter_markup(document, anchor.section, targets), _BODY_TYPES[anchor.part]))
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", title=document.words["contents"])
    nav.add_link(href="styles/report.css", rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = [_toc(section, f"text/{section_file(section)}", document)
                for part in report.parts for section in part]
    # Items, not ids: ebooklib looks each id up in a list, quadratic for long reports.
    book.spine = [cover, titlepage, *chapters["front"], nav, *chapters["body"],
                  *chapters["appendix"]]
    book.guide = [
        {"href": cover.file_name, "title": document.words["cover"], "type": "cover"},
        {"href": nav.file_name, "title": document.words["contents"], "type": "toc"},
        {"href": chapters["body"][0].file_name,
         "title": document.anchors[report.sections[0].id].heading, "type": "text"},
    ]


def _package(book: epub.EpubBook, report: Report, destination: Path,
             stored_images: frozenset[str], lists: list[Element]) -> None:
    """The zip, by ebooklib, then rewritten reproducibly (support.zipfiles)."""
    when = build_time(report)
    landmarks = report.metadata.words["landmarks"]
    buffer = ArchiveBuffer()
    epub.write_epub(buffer, book, {
        "epub3_pages": False,  # ids with epub:type would otherwise make a bogus page list
        "mtime": when.replace(tzinfo=None),
        "landmark_title": landmarks,
        "spine_direction": False,
        "play_order": {"enabled": True, "start_from": 1},
        "compresslevel": 0,  # compressed once, by rewrite_zip
    })
    language = report.metadata.language
    # mimetype must be stored; images (the cover, figures) gain nothing from deflate.
    rewrite_zip(buffer.getvalue(), destination, when,
                stored=frozenset({"mimetype", "EPUB/images/cover.png", *stored_images}),
                transform={"EPUB/content.opf": lambda opf: _package_language(opf, language),
                           "EPUB/nav.xhtml": lambda nav: _finish_nav(nav, lists)})


def _shown_characters(book: epub.EpubBook) -> frozenset[str]:
    """Every character the book's pages can show: a superset, taken from their markup
    (the tags add ASCII, which the text uses anyway), and what a reader generates."""
    shown: set[str] = set(GENERATED_CHARACTERS) | set(string.printable)
    for item in book.get_items_of_media_type(XHTML):
        shown.update(item.content.decode("utf-8"))
    return frozenset(shown)


def _finish_nav(nav: bytes, lists: list[Element]) -> bytes:
    """What ebooklib's navigation document cannot say: landmarks are for reading
    systems, not for the reader's page (EPUB 3 allows `hidden`); and a title's runs
    in a script of its own language (Khmer…) say so, as on the pages (markup.add_text); the
    lists of tables and figures (`lists`, EPUB 3's lot and loi) follow the contents."""
    from lxml import etree

    root = etree.fromstring(nav)
    for element in root.iterfind(".//{*}nav[@{http://www.idpf.org/2007/ops}type='landmarks']"):
        element.set("hidden", "hidden")
    if lists:  # after the contents (the toc nav), before the landmarks
        contents = root.find(".//{*}nav[@{http://www.idpf.org/2007/ops}type='toc']")
        body = contents.getparent() if contents is not None else None
        assert contents is not None and body is not None, "ebooklib's nav has no toc nav"
        for offset, element in enumerate(lists, 1):
            body.insert(body.index(contents) + offset, element)
    for link in root.iter(f"{{{_XHTML_NS}}}a"):
        runs = language_runs(link.text or "")
        if len(link) or not any(run.language for run in runs):
            continue
        words, link.text = link.text or "", None
        add_text(link, words, flavour({}))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def _package_language(opf: bytes, language: str) -> bytes:
    """ebooklib cannot set xml:lang on <package>; the package's default language belongs there."""
    from lxml import etree

    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    for generator in root.iterfind("{*}metadata/{*}meta[@name='generator']"):
        generator.set("content", f"reportexport {__version__} (EbookLib)")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
