"""How tables are laid out, read back from the editions: the PDF's words and their
positions through poppler (`pdftotext -bbox`), the DOCX's rows through lxml.

The sources are corpus cases (tests/data/valid/table-*.yaml), plus themes made
here: a narrow page that refuses a table the default page holds, and a wide
one that holds 40 columns.
"""

from __future__ import annotations

import html
import os
import re
import string
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import reportexport
from conftest import DATA, ROOT, run_cli
from reportexport.building import build
from reportexport.exporters.docx.readback import NS as W_NS
from reportexport.model import Table, plain
from reportexport.source.reading import load_report
from reportexport.theme import Theme, load_theme
from reportexport.typography.sizing import column_widths

VALID = DATA / "valid"
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>")


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x: float
    top: float
    bottom: float


def _words(pdf: Path) -> list[Word]:
    """Every word poppler reads on the pages, in reading order, with its page and box."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = []
    for page, chunk in enumerate(out.split("<page ")[1:], start=1):
        for x, top, _, bottom, text in _WORD.findall(chunk):
            words.append(Word(page, html.unescape(text).replace("\u00ad", ""), float(x),
                              float(top), float(bottom)))
    return words


def _tables(source: Path) -> list[Table]:
    return [block for _, section in load_report(source).walk() for block in section.blocks
            if isinstance(block, Table)]


def _pdf(source: Path, theme: Theme, folder: Path) -> Path:
    [pdf] = build(load_report(source), theme, ["pdf"], folder)
    return pdf


def _caption_at(words: list[Word], table: Table) -> int:
    """The index of the word that begins the table's caption ("Table N." or "Table N")."""
    return next(i for i, (word, after) in enumerate(pairwise(words))
                if word.text == "Table" and after.text.rstrip(".") == str(table.number))


def _header_words_on_first_page(words: list[Word], table: Table) -> list[str]:
    """The words between the table's caption and its first body row, on its first page."""
    start = _caption_at(words, table)
    caption = words[start]
    heading = plain(table.columns[0]).split()[0]
    first_header = next(w for w in words[start:] if w.text == heading)
    # The first body word, or its first piece when it is broken, hyphenated.
    first_cell = plain(table.rows[0][0]).split()[0]
    first_row = next(w for w in words[start:] if first_cell.startswith(w.text.rstrip("-"))
                     and w.top >= first_header.bottom)
    assert first_header.page == first_row.page == caption.page
    return [w.text for w in words[start:] if w.page == caption.page
            and w.top > caption.bottom and w.bottom <= first_row.top + 0.5]


CROWDED = ["table-crowded-headings", "table-starts-where-it-stands", "table-many-columns",
           "tables", "empty-cells"]


@pytest.mark.parametrize("case", CROWDED)
def test_no_header_word_is_broken(case: str, theme: Theme, tmp_path: Path) -> None:
    """A header word is never split across lines ("Seat" / "s"): every word of every
    heading, and nothing else, stands between the caption and the first row."""
    source = VALID / f"{case}.yaml"
    words = _words(_pdf(source, theme, tmp_path))
    for table in _tables(source):
        expected = [word for cell in table.columns for word in plain(cell).split()]
        assert sorted(_header_words_on_first_page(words, table)) == sorted(expected)


def test_a_long_table_starts_below_the_paragraph_before_it(theme: Theme,
                                                           tmp_path: Path) -> None:
    """The paragraph ends half way down a page: the caption, the header row and the
    first rows follow it on that page, and the table breaks onto the next pages."""
    source = VALID / "table-starts-where-it-stands.yaml"
    words = _words(_pdf(source, theme, tmp_path))
    [table] = _tables(source)
    start = _caption_at(words, table)
    paragraph_end = words[start - 1]
    assert paragraph_end.text == "province."  # the last word of the paragraph before
    assert words[start].page == paragraph_end.page
    rows = [next(w for w in words if w.text == plain(row[0]).split()[1]
                 and w.page >= paragraph_end.page) for row in table.rows[:3]]
    assert all(row.page == paragraph_end.page for row in rows)
    last = [w for w in words if w.text == plain(table.rows[-1][0]).split()[1]][-1]
    assert last.page > paragraph_end.page
    # The header row is repeated on every page the table runs onto.
    for page in range(paragraph_end.page, last.page + 1):
        assert "Population" in [w.text for w in words if w.page == page]


def test_a_row_taller_than_a_page_splits_between_its_lines(theme: Theme,
                                                          tmp_path: Path) -> None:
    source = VALID / "table-long-cell.yaml"
    words = _words(_pdf(source, theme, tmp_path))
    first = next(w for w in words if w.text == "word0001")
    last = next(w for w in words if w.text == "word1000")
    assert last.page > first.page
    assert "Statement" in [w.text for w in words if w.page == last.page]  # header repeated


def test_docx_lets_a_long_row_break_across_pages(theme: Theme, tmp_path: Path) -> None:
    [docx] = build(load_report(VALID / "table-long-cell.yaml"), theme, ["docx"], tmp_path)
    with zipfile.ZipFile(docx) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    [table] = document.findall(".//w:tbl", W_NS)
    rows = table.findall("w:tr", W_NS)
    kept = [row.find("w:trPr/w:cantSplit", W_NS) is not None for row in rows]
    assert kept == [True, False, True]  # the header, the 1,000 words, the short reply


def test_empty_cells_keep_their_place_in_every_edition(theme: Theme, tmp_path: Path) -> None:
    source = VALID / "empty-cells.yaml"
    [table] = _tables(source)
    assert [[plain(cell) for cell in row] for row in table.rows][2] == ["East", "", ""]
    paths = {p.suffix: p for p in build(load_report(source), theme, ["docx", "epub"],
                                         tmp_path)}
    with zipfile.ZipFile(paths[".docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    rows = document.findall(".//w:tbl/w:tr", W_NS)
    assert [len(row.findall("w:tc", W_NS)) for row in rows] == [3] * 5
    with zipfile.ZipFile(paths[".epub"]) as archive:
        pages = [etree.fromstring(archive.read(name)) for name in archive.namelist()
                 if name.endswith(".xhtml") and b"<table" in archive.read(name)]
    [page] = pages
    rows = page.findall(".//{*}tbody/{*}tr")
    assert [[(cell.text or "") for cell in row] for row in rows][2] == ["East", "", ""]


def _theme_file(tmp_path: Path, **changes: str) -> Path:
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_knows_the_theme_a_table_must_fit(tmp_path: Path) -> None:
    """The 20 columns fit the default A4 measure; an A5 page with 55 pt margins holds
    their headings only if... it does not: validate --style refuses the table, located,
    and so does a build, writing nothing."""
    source = VALID / "table-many-columns.yaml"
    narrow = _theme_file(tmp_path, **{"size: A4": "size: A5",
                                      "left: 42, right: 42": "left: 19.4, right: 19.4"})
    assert run_cli("validate", source).code == 0
    refused = run_cli("validate", source, "--style", narrow)
    assert refused.code == 2 and "Traceback" not in refused.stderr
    assert (f"{source}:14:11: sections[0].blocks[0].table: Table 1: 20 columns do not fit "
            "the page's 310 pt text width even at 6 pt") in refused.stderr
    built = run_cli("pdf", source, "--style", narrow, "-o", tmp_path / "out")
    assert built.code == 2 and not (tmp_path / "out").exists()


def test_forty_columns_build_on_a_page_wide_enough(tmp_path: Path) -> None:
    """What validate accepts builds: the 40 columns the default page refuses
    (tests/data/invalid/table-too-wide.yaml) fit A4 with 10 mm margins at 6 pt."""
    source = DATA / "invalid" / "table-too-wide.yaml"
    wide = _theme_file(tmp_path, **{"left: 42, right: 42": "left: 10, right: 10"})
    assert run_cli("validate", source, "--style", wide).code == 0
    theme = load_theme(wide)
    words = _words(_pdf(source, theme, tmp_path / "out"))
    [table] = _tables(source)
    headers = _header_words_on_first_page(words, table)
    assert headers == [plain(cell) for cell in table.columns]


def test_column_widths_keep_every_least_width_and_fill_the_measure() -> None:
    # A wide text column and narrow ones whose words must stay whole: the old
    # sharing scaled everything down at the end, below the narrow ones' words.
    natural = [60.0, 55.0, 50.0, 45.0, 35.0, 600.0]
    least = [40.0, 55.0, 50.0, 45.0, 35.0, 70.0]
    widths = column_widths(natural, least, 357.0)
    assert sum(widths) == pytest.approx(357.0)
    assert all(w >= low - 1e-9 for w, low in zip(widths, least, strict=True))
    assert widths[:5] == pytest.approx(natural[:5])  # narrow columns do not wrap
    # When the narrow columns whole would leave the wide one less than its word,
    # they wrap (down to their own words) instead.
    widths = column_widths([100.0, 100.0, 300.0], [20.0, 20.0, 250.0], 320.0)
    assert sum(widths) == pytest.approx(320.0)
    assert widths[2] >= 250.0 and min(widths[:2]) >= 20.0


_WORDS = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=24)
_CELLS = st.one_of(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join),
                   st.integers(0, 10**9), st.just(""), st.none())


@st.composite
def _tables_and_pages(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    columns = draw(st.integers(1, 44))
    headings = draw(st.lists(st.lists(_WORDS, min_size=1, max_size=4).map(" ".join),
                             min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(_CELLS, min_size=columns, max_size=columns),
                         min_size=1, max_size=4))
    return {"columns": headings, "rows": rows}, draw(st.booleans())


@settings(max_examples=int(os.environ.get("TABLE_EXAMPLES", "15")), deadline=None)
@given(_tables_and_pages())
def test_a_table_validate_accepts_builds(case: tuple[dict[str, Any], bool]) -> None:
    """The rule of issue #22 for tables: validate (with the theme) refuses a table,
    located, or the PDF builds it, on the default page and on a narrow A5 one."""
    table, narrow = case
    source = {"metadata": {"title": "T", "publisher": "P", "authors": "A",
                           "date": "2024-01-31", "language": "en"},
              "sections": [{"id": "s", "title": "S", "blocks": [{"table": table}]}]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.yaml"
        path.write_text(yaml.safe_dump(source), encoding="utf-8")
        style = (_theme_file(Path(folder), **{"size: A4": "size: A5", "left: 42, right: 42":
                                              "left: 19.4, right: 19.4"}) if narrow else None)
        try:
            report, theme = reportexport.load(path, style)
        except reportexport.InputError as exc:
            assert [p.path for p in exc.problems] == ["sections[0].blocks[0].table"], exc
            assert "do not fit the page's" in str(exc)
            return
        build(report, theme, ["pdf"], Path(folder) / "out")


def test_the_watcher_refuses_a_save_whose_table_cannot_fit(tmp_path: Path) -> None:
    """The watcher re-reads the source with the theme it keeps: that read checks the
    table's fit too, located, as validate does."""
    from reportexport.source.problems import InputError
    from reportexport.watching import Watcher

    source = tmp_path / "report.yaml"
    source.write_text((VALID / "table-many-columns.yaml").read_text(encoding="utf-8"),
                      encoding="utf-8")
    watcher = Watcher(source, None)
    watcher.load({source})  # the first read loads the theme; 20 columns fit A4
    wide = (DATA / "invalid" / "table-too-wide.yaml").read_text(encoding="utf-8")
    source.write_text(wide, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        watcher.load({source})  # the theme is kept: the source alone is read again
    assert [p.path for p in refused.value.problems] == ["sections[0].blocks[1].table"]
    assert "40 columns do not fit" in str(refused.value)


def test_a_build_given_a_theme_its_table_cannot_fit_writes_nothing(tmp_path: Path) -> None:
    """Through the API, a report loaded without the theme it is built with: the build
    refuses the table (ExportError: exit 2 on the command line) before writing."""
    report = load_report(VALID / "table-many-columns.yaml")
    narrow = load_theme(_theme_file(tmp_path, **{"size: A4": "size: A5",
                                                "left: 42, right: 42": "left: 19.4, right: 19.4"}))
    with pytest.raises(reportexport.ExportError, match="Table 1: 20 columns do not fit"):
        build(report, narrow, ["pdf", "docx"], tmp_path / "out")
    assert not list((tmp_path / "out").glob("*"))


@pytest.mark.conformance
@pytest.mark.parametrize("case", ["table-crowded-headings", "table-many-columns"])
def test_word_edition_keeps_header_words_whole(case: str, theme: Theme, tmp_path: Path) -> None:
    """The DOCX's columns are the PDF's, and its text as small when the table needs it:
    LibreOffice lays it out with no header word (nor a number) broken."""
    import shutil

    assert shutil.which("soffice"), "LibreOffice is needed (.ci/run installs it)"
    source = VALID / f"{case}.yaml"
    [docx] = build(load_report(source), theme, ["docx"], tmp_path)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    words = _words(docx.with_suffix(".pdf"))
    for table in _tables(source):
        expected = [word for cell in table.columns for word in plain(cell).split()]
        assert sorted(_header_words_on_first_page(words, table)) == sorted(expected)
        numbers = [plain(cell) for row in table.rows for cell in row
                   if plain(cell).replace(",", "").isdigit()]
        assert all(number in [w.text for w in words] for number in numbers)
