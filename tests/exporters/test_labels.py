"""The editions' own words in the report's language (labels.py) where the corpus's text
readers do not look: the page footers of the PDF and the DOCX. The source is
tests/data/valid/labels-in-french.yaml (the other cases are in the editions corpus)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from conftest import DATA
from readers import pdf_page_lines
from reportexport.building import build
from reportexport.labels import page_of
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
    assert any(value.startswith("Couverture : ") or value.startswith("Couverture: ")
               for value in said), said
    nav = next(root for name, root in pages.items() if name.endswith("nav.xhtml"))
    landmarks = nav.find(".//{*}nav[@{http://www.idpf.org/2007/ops}type='landmarks']")
    assert landmarks is not None
    assert "".join(landmarks.find("{*}h2").itertext()) == "Repères"
    assert next(a.text for a in landmarks.iter("{*}a")) == "Couverture"
    page = lxml.html.parse(str(html)).getroot()
    assert page.find(".//a[@class='skip']").text_content() == "Aller au texte"
    back = page.find(".//a[@role='doc-backlink']")
    assert back.text_content().startswith("Retour à l'appel de la note 1")
