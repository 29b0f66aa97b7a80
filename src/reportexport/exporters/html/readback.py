"""Reading the web page back (lxml.html), independently of the writer: the outline is
the nesting of the sections in <main>, each named by its heading."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from reportexport.source.inputfiles import read_bounded
from reportexport.source.problems import UnreadableEdition

HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def parse(path: Path) -> html.HtmlElement:
    """The page `path`, read within bounds."""
    return html.document_fromstring(read_bounded(path, what="an HTML page"))


def outline_of(root: html.HtmlElement) -> list[tuple[int, str]]:
    main = root.find(".//main")
    if main is None:
        raise UnreadableEdition("the page has no <main>")
    out: list[tuple[int, str]] = []

    def visit(parent: html.HtmlElement, level: int) -> None:
        for section in parent.iterchildren("section"):
            if section.get("role") == "doc-endnotes":
                continue
            # Past h6, a heading is ARIA's: <p role="heading" aria-level="7">.
            heading = next((child for child in section.iterchildren()
                            if child.tag in HEADINGS or child.get("role") == "heading"), None)
            if heading is None:
                raise UnreadableEdition("a section of the page has no heading")
            out.append((level, heading.text_content().strip()))
            visit(section, level + 1)

    visit(main, 1)
    return out


def read_outline(path: Path) -> list[tuple[int, str]]:
    return outline_of(parse(path))
