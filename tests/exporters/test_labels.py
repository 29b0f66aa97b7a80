"""The editions' own words in the report's language (labels.py) where the corpus's text
readers do not look: the page footers of the PDF and the DOCX. The source is
tests/data/valid/labels-in-french.yaml (the other cases are in the editions corpus)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA
from readers import TEXT_READERS, html_body, pdf_page_lines
from reportexport.building import build
from reportexport.frontend import Document
from reportexport.labels import colon, labels_for, page_of
from reportexport.source.reading import load_report
from reportexport.theme import Theme

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_page_footers_say_page_and_of_in_french(tmp_path: Path, theme: Theme) -> None:
    paths = build(load_report(DATA / "valid" / "labels-in-french.yaml"), theme,
                  ["pdf", "docx"], tmp_path)
    pdf, docx = sorted(paths, key=lambda path: path.suffix != ".pdf")
    footers = [line for page in pdf_page_lines(pdf) for line in page
               if re.search(r"Page \d+ sur \d+$", line)]
    assert len(footers) == len(pdf_page_lines(pdf)) - 1  # every page but the cover's
    with zipfile.ZipFile(docx) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
        texts = ["".join(t.text or "" for t in etree.fromstring(archive.read(n)).iter(
            f"{W}t", f"{W}instrText")) for n in names]
    assert any(" ".join(text.split()) == "Page PAGE 1 sur NUMPAGES 1" for text in texts), texts


def test_page_of_splits_around_the_numbers() -> None:
    assert page_of("Page {page} of {pages}") == ("Page ", " of ", "")
    assert page_of("{page}/{pages} pages") == ("", "/", " pages")


def test_dates_are_written_in_french_and_spanish() -> None:
    from datetime import date

    from reportexport.support.dates import human_date

    assert human_date(date(2024, 5, 1), "fr") == "1er mai 2024"
    assert human_date(date(2023, 8, 15), "fr-CA") == "15 août 2023"
    assert human_date(date(2023, 7, 5), "es") == "5 de julio de 2023"
    assert human_date(date(2023, 7, 5), "km") == "2023-07-05"


def test_words_heard_in_the_ebook_and_the_web_page_are_french(tmp_path: Path,
                                                               theme: Theme) -> None:
    """What a screen reader says of the e-book's and the web page's own parts (their
    names, the skip link, a note's back-link) is in the report's language too."""
    import lxml.html

    paths = build(load_report(DATA / "valid" / "labels-in-french.yaml"), theme,
                  ["epub", "html"], tmp_path)
    epub, html = sorted(paths, key=lambda path: path.suffix != ".epub")
    with zipfile.ZipFile(epub) as archive:
        pages = {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                 if name.endswith(".xhtml")}
    said = {value for root in pages.values() for element in root.iter()
            for value in (element.get("aria-label"), element.get("title"), element.get("alt"))
            if value}
    assert "Page de titre" in said and "Note 1" in said
    assert any(value.startswith("Couverture\u00a0: ") for value in said), said
    nav = next(root for name, root in pages.items() if name.endswith("nav.xhtml"))
    landmarks = nav.find(".//{*}nav[@{http://www.idpf.org/2007/ops}type='landmarks']")
    assert landmarks is not None
    assert "".join(landmarks.find("{*}h2").itertext()) == "Repères"
    assert next(a.text for a in landmarks.iter("{*}a")) == "Couverture"
    page = lxml.html.parse(str(html)).getroot()
    assert page.find(".//a[@class='skip']").text_content() == "Aller au texte"
    back = page.find(".//a[@role='doc-backlink']")
    assert back.text_content().startswith("Retour à l'appel de la note 1")


@pytest.mark.parametrize(("language", "joined"), [
    ("fr", "Auteur\u00a0: A"), ("fr-CA", "Auteur\u00a0: A"), ("FR-be", "Auteur\u00a0: A"),
    ("en", "Auteur: A"), ("es", "Auteur: A"), ("km", "Auteur: A"), ("fy", "Auteur: A")])
def test_a_label_s_colon_takes_a_no_break_space_before_it_in_french(language: str,
                                                                    joined: str) -> None:
    """French typography sets a no-break space (U+00A0) before a colon; English does not."""
    assert f"Auteur{colon(language)}A" == joined


#: Sources in a language with a no-break space before a colon, and in others.
COLON_CASES = [DATA / "valid" / name for name in (
    "labels-in-french.yaml", "labels-given-by-the-source.yaml", "minimal.yaml",
    "deep-nesting.yaml")]


@pytest.mark.parametrize("source", COLON_CASES, ids=lambda path: path.stem)
def test_every_edition_joins_a_label_and_its_text_with_the_language_s_colon(
        source: Path, tmp_path: Path, theme: Theme) -> None:
    """Read back: the Word edition's title page (its cover facts, publisher and notices,
    one a paragraph) and the e-book's cover description join each label to its text
    with the language's colon; no edition has a label's colon without it, and a
    language without the rule has no no-break space before a colon anywhere."""
    report = load_report(source)
    language, front_end = report.metadata.language, Document.of(report)
    spaced = language.split("-")[0] == "fr"  # of these sources', French only has the rule
    joint = "\u00a0: " if spaced else ": "
    paths = {path.suffix.lstrip("."): path
             for path in build(report, theme, list(TEXT_READERS), tmp_path)}
    with zipfile.ZipFile(paths["docx"]) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    facts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")
             if p.find(f"{W}pPr/{W}pStyle[@{W}val='CoverFact']") is not None]
    assert facts == [f"{label}{joint}{value}"
                     for label, value in front_end.imprint_facts]
    with zipfile.ZipFile(paths["epub"]) as archive:
        cover = etree.fromstring(archive.read("EPUB/text/_cover.xhtml"))
    [alt] = [image.get("alt") for image in cover.iter("{*}img")]
    assert alt.startswith(f"{front_end.words['cover']}{joint}{report.metadata.title}")
    words = set(labels_for(language, report.metadata.labels).values())
    for fmt, path in paths.items():
        text = _text_as_written(fmt, path)
        if spaced:  # a label, then a colon with a plain space or none before it
            for word in words:
                assert not re.search(rf"{re.escape(word)} ?:", text), (fmt, word)
        else:
            assert "\u00a0:" not in text, fmt


def _text_as_written(fmt: str, path: Path) -> str:
    """An edition's text and what its pictures and parts say (alt, aria-label, title),
    its spaces as they are (the corpus's readers make every space a plain one)."""
    if fmt == "pdf":
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    if fmt == "html":
        roots = [html_body(path)]
    else:
        with zipfile.ZipFile(path) as archive:
            roots = [etree.fromstring(archive.read(name)) for name in archive.namelist()
                     if name.endswith((".xhtml", "word/document.xml"))]
    said = [value for root in roots for element in root.iter() if isinstance(element.tag, str)
            for value in (element.get("alt"), element.get("aria-label"), element.get("title"))
            if value]
    return "\n".join(["".join(root.itertext()) for root in roots] + said)


@pytest.mark.parametrize(("source", "lacking"), [("labels-in-french.yaml", {"\u00a0"}),
                                                 ("minimal.yaml", set())])
def test_the_body_font_must_have_the_no_break_space_before_a_french_colon(
        source: str, lacking: set[str], theme: Theme) -> None:
    """The colon's no-break space is set in the body family (the Word edition's title
    page): a body family without it (Carlito, with no fallback) is told, for a French
    report only, though the space is in no text of the source's."""
    from dataclasses import replace

    from reportexport.typography.glyphcoverage import missing_characters

    carlito = replace(theme.heading_font, fallbacks=())
    report = load_report(DATA / "valid" / source)
    assert "\u00a0" not in report.characters
    missing = missing_characters(report, replace(theme, body_font=carlito))
    assert set(missing) & {"\u00a0", ":"} == lacking
