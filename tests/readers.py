"""Independent readers for the editions: what a reader's software sees, not the writer's state."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.docx.readback import paragraph_text
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package


def normalise(text: str) -> str:
    """Words as a reader has them: soft hyphens (where layout broke a word) are no text."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def pdf_text(path: Path) -> str:
    """poppler's text in drawing order; it reads a shaped word's /ActualText (Khmer)."""
    import subprocess

    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    # Khmer writes no spaces between words: a line broken between two of them is
    # joined again (where the source has a space, the line ends with it).
    return normalise(_KHMER_LINE_BREAK.sub("", text))


_KHMER_LINE_BREAK = re.compile("(?<=[\u1780-\u17ff])\n(?=[\u1780-\u17ff])")


def pdf_page_lines(path: Path) -> list[list[str]]:
    """Each page's non-blank lines as poppler lays them out, spaces squeezed."""
    import subprocess

    from pypdf import PdfReader

    pages = []
    for n in range(1, len(PdfReader(path).pages) + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path),
                               "-"], capture_output=True, text=True, check=True).stdout
        pages.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return pages


def docx_text(path: Path) -> str:
    """The body's paragraphs, then the footnotes' (as Word shows them, at the feet of pages)."""
    with zipfile.ZipFile(path) as archive:
        parts = [etree.fromstring(archive.read("word/document.xml"))]
        if "word/footnotes.xml" in archive.namelist():
            parts.append(etree.fromstring(archive.read("word/footnotes.xml")))
    return normalise(" ".join(paragraph_text(p) for root in parts
                              for p in root.iter(f"{{{W_NS['w']}}}p")))


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        package = read_package(archive)
        texts = []
        for href in package.spine:
            root = etree.fromstring(archive.read(href))
            body = root.find("x:body", E_NS)
            texts.append(_xhtml_text(body))
    return normalise(" ".join(texts))


#: XHTML elements a reading system sets apart from the text around them.
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "th", "td", "caption",
           "figcaption", "blockquote", "section", "nav", "div", "tr", "table", "ol", "ul"}


def _xhtml_text(root: etree._Element) -> str:
    """The words as a reading system shows them: inline elements run on, blocks stand apart."""
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in _BLOCKS | {
                "main", "header", "footer", "figure"}:
            element.text = " " + (element.text or "")
            element.tail = " " + (element.tail or "")
    return "".join(root.itertext())


def html_body(path: Path) -> etree._Element:
    """The web page's <body> as a browser parses it (html5lib, the WHATWG algorithm)."""
    import html5lib

    document = html5lib.parse(path.read_bytes(), treebuilder="lxml",
                              namespaceHTMLElements=False)
    body = document.find("body")
    assert body is not None, f"{path} has no <body>"
    return body


def html_text(path: Path) -> str:
    return normalise(_xhtml_text(html_body(path)))


TEXT_READERS = {"pdf": pdf_text, "docx": docx_text, "epub": epub_text, "html": html_text}
