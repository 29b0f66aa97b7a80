"""Inline markup read back from every edition by independent readers.

The source is tests/data/valid/inline-markup.yaml; what each edition must hold
is derived from the source's text here, not from the writers' state.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "inline-markup.yaml"
TEXT = SOURCE.read_text(encoding="utf-8")
#: Every external link of the source, as written: [words](url) and <url>.
EXTERNAL = sorted(set(re.findall(r"\]\(((?:https?|mailto):[^)]+)\)", TEXT))
                  | set(re.findall(r"<(https?://[^>]+)>", TEXT)))
#: Every cross-reference: (link words, section id).
CROSS = re.findall(r"\[([^\[\]]+)\]\(#([\w-]+)\)", TEXT)
W = W_NS["w"]
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, list(FORMATS),
                  tmp_path_factory.mktemp("inline"))
    return {path.suffix[1:]: path for path in paths}


def test_the_source_holds_what_these_tests_look_for() -> None:
    assert len(EXTERNAL) == 5 and len(CROSS) == 3


def _pdf_runs(path: Path) -> list[tuple[str, str]]:
    """(text, font name) of every piece of text drawn, with pypdf's content-stream visitor."""
    from pypdf import PdfReader

    runs: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if text.strip() and font is not None:  # font: the font's dictionary
            runs.append((text, str(font.get("/BaseFont", ""))))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return runs


def test_pdf_sets_emphasis_and_strong_in_the_real_faces(built: dict[str, Path]) -> None:
    runs = _pdf_runs(built["pdf"])

    def faces(words: str) -> set[str]:
        return {font.split("+")[-1] for text, font in runs if words in text}
    assert faces("emphasis") >= {"Caladea-Italic"}
    assert "Caladea-Bold" in faces("strong")
    assert "Caladea-BoldItalic" in faces("both")
    assert faces("Plain") == {"Caladea-Regular"}


def test_pdf_links_go_where_the_source_says(built: dict[str, Path]) -> None:
    import pikepdf

    pdf = pikepdf.open(built["pdf"])
    uris, internal = set(), []
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action.URI))
            elif "/Dest" in annotation:
                internal.append(annotation.Dest[0])
    assert uris == set(EXTERNAL)
    # Cross-references (and the contents page) jump to pages of the document.
    page_objects = {page.obj.objgen for page in pdf.pages}
    assert len(internal) >= len(CROSS) and all(dest.objgen in page_objects for dest in internal)


def test_docx_uses_words_character_styles_and_real_hyperlinks(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    style_names = {s.get(f"{{{W}}}styleId"): s.find("w:name", W_NS).get(f"{{{W}}}val")
                   for s in styles.iterfind("w:style", W_NS)}

    def styled(name: str) -> str:
        return " ".join("".join(t.text or "" for t in run.iter(f"{{{W}}}t"))
                        for run in document.iter(f"{{{W}}}r")
                        if any(style_names.get(s.get(f"{{{W}}}val")) == name
                               for s in run.iterfind("w:rPr/w:rStyle", W_NS)))

    assert "emphasis" in styled("Emphasis") and "Slanted" in styled("Emphasis")
    assert "strong" in styled("Strong") and "Bold" in styled("Strong")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels
               if rel.get("Type", "").endswith("/hyperlink")}
    linked = {targets[link.get(f"{{{R}}}id")]
              for link in document.iter(f"{{{W}}}hyperlink") if link.get(f"{{{R}}}id")}
    assert linked == set(EXTERNAL)
    bookmarks = {mark.get(f"{{{W}}}name") for mark in document.iter(f"{{{W}}}bookmarkStart")}
    anchors = [link.get(f"{{{W}}}anchor") for link in document.iter(f"{{{W}}}hyperlink")
               if link.get(f"{{{W}}}anchor")]
    assert anchors and set(anchors) <= bookmarks


def test_epub_marks_up_emphasis_and_resolves_every_link(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["epub"]) as archive:
        package = read_package(archive)
        documents = {href: etree.fromstring(archive.read(href)) for href in package.spine}
    ids = {(href, element.get("id")) for href, root in documents.items()
           for element in root.iter() if element.get("id")}
    ems = [el.text for root in documents.values() for el in root.iter(f"{{{E_NS['x']}}}em")]
    strongs = [el.text for root in documents.values()
               for el in root.iter(f"{{{E_NS['x']}}}strong")]
    assert "emphasis" in ems and "strong" in strongs
    external, crossed = set(), []
    for href, root in documents.items():
        for link in root.iter(f"{{{E_NS['x']}}}a"):
            target = link.get("href")
            if re.match(r"(https?|mailto):", target):
                external.add(target)
            elif "#" in target and "nav" not in href:
                file, _, fragment = target.partition("#")
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(href), file))
                crossed.append(("".join(link.itertext()), fragment))
                assert (resolved, fragment) in ids, target
    assert external == set(EXTERNAL)
    assert sorted(crossed) == sorted(CROSS)


def test_the_model_holds_no_empty_text() -> None:
    """markdown-it leaves empty text beside delimiters; the model keeps none (the DOCX
    made an empty run of each)."""
    from reportexport.model import CrossReference, Emphasis, Link, Note, Strong, Text

    def texts(nodes: tuple[object, ...]) -> list[str]:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(node.text)
            elif isinstance(node, Emphasis | Strong | Link | CrossReference | Note):
                out += texts(node.content)
        return out

    report = load_report(SOURCE)
    found = [text for _, section in report.walk() for block in section.blocks
             for text in texts(getattr(block, "content", ()))]
    assert found and "" not in found
