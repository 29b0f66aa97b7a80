"""Layout limits: what the schema and the theme check accept lays out, in every edition.

Themes in tests/data/themes are the extremes the theme check allows (a narrow A5
measure, large type); every valid case builds with each. The PDF is read back with
poppler: a 60-word title is whole on the cover, words with hyphens break only after
them, and margins that leave no room for text are refused where they are written.
"""

from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

import reportexport
from conftest import DATA, FORMATS, ROOT, run_cli
from readers import TEXT_READERS, normalise
from reportexport.building import build

THEMES = sorted((DATA / "themes").glob("*.yaml"))
SOURCES = [ROOT / "examples" / "guide" / "guide.yaml",
           *sorted((DATA / "valid").glob("*.yaml"))]


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8",
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _report(tmp_path: Path, metadata: str, blocks: str) -> Path:
    source = tmp_path / "report.yaml"
    source.write_text(f"""metadata:
  publisher: P
  authors: [A]
  date: "2024-01-31"
  language: en
{metadata}
sections:
  - id: s
    title: S
    blocks:
{blocks}""", encoding="utf-8")
    return source


@pytest.mark.parametrize("theme_file", THEMES, ids=[t.stem for t in THEMES])
def test_every_valid_source_builds_in_every_edition_with_an_extreme_theme(
        theme_file: Path, tmp_path: Path) -> None:
    """Whatever `validate` accepts with the theme builds; what it refuses is located."""
    for source in SOURCES:
        try:
            report, theme = reportexport.load(source, theme_file)
        except reportexport.InputError as refused:
            # Only a table the theme's page cannot hold may be refused (tablefit), located.
            assert all(problem.location is not None and "do not fit the page" in problem.message
                       for problem in refused.problems), (source.stem, refused)
            continue
        paths = build(report, theme, list(FORMATS), tmp_path / source.stem)
        text = TEXT_READERS["pdf"](next(p for p in paths if p.suffix == ".pdf"))
        assert normalise(report.metadata.title) in text, source.stem


def test_margins_that_leave_no_text_width_are_refused_where_they_are(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme.write_text(text.replace("size: A4", "size: A5")
                     .replace("left: 42, right: 42", "left: 60, right: 60")
                     .replace("top: 24, bottom: 24", "top: 80, bottom: 70"), encoding="utf-8")
    result = run_cli("validate", "--style", theme)
    assert result.code == 2 and "Traceback" not in result.stderr
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "margins_mm" in row)
    assert (f"{theme}:{line}:" in result.stderr
            and "page.margins_mm.right: the margins leave a text width of 28 mm on A5"
            in result.stderr)
    assert "page.margins_mm.bottom: the margins leave a text height of 60 mm" in result.stderr


def test_a_sixty_word_title_is_whole_on_the_cover(tmp_path: Path) -> None:
    words = ["assessment", "of", "the", "general", "election", "in", "the", "kingdom", "with",
             "observations", "on", "the", "campaign", "and", "polling"]
    title = " ".join(f"{words[i % len(words)]}{i}" for i in range(60))
    source = _report(tmp_path, f"  title: {title}\n  subtitle: What the report is about",
                     "      - paragraph: Text.\n")
    for theme in (None, DATA / "themes" / "narrow-a5.yaml"):
        out = tmp_path / (theme.stem if theme else "default")
        result = run_cli("pdf", source, "-o", out / "cover.pdf",
                         *(["--style", theme] if theme else []))
        assert result.code == 0, result.stderr
        cover = _page_text(out / "cover.pdf", 1).split()
        missing = [word for word in title.split() if word not in cover]
        assert not missing, f"{len(missing)} of the title's words are not on the cover"


@pytest.mark.parametrize(("authors", "held"), [(40, True), (400, False)])
def test_a_cover_that_cannot_hold_its_text_is_refused_not_cut(tmp_path: Path, authors: int,
                                                              held: bool) -> None:
    """Four hundred authors ran off the foot of the PDF's cover, three quarters of them
    lost, and the build succeeded; forty are all on it."""
    source = _report(tmp_path, "  title: T", "      - paragraph: Text.\n")
    names = [f"Author{i:03d} Surname" for i in range(authors)]
    source.write_text(source.read_text(encoding="utf-8").replace(
        "authors: [A]", f"authors: [{', '.join(names)}]"), encoding="utf-8")
    pdf = tmp_path / "out" / "cover.pdf"
    result = run_cli("pdf", source, "-o", pdf)
    if held:
        assert result.code == 0, result.stderr
        cover = _page_text(pdf, 1)
        assert all(name.split()[0] in cover for name in names)
    else:
        assert result.code == 2 and "Traceback" not in result.stderr
        assert "the PDF's cover cannot hold the title, subtitle, authors and facts" \
            in result.stderr
        assert not pdf.exists()


def test_words_with_hyphens_break_after_them_and_nowhere_else(tmp_path: Path) -> None:
    compounds = ["sub-sample", "well-known", "state-of-the-art", "long-established",
                 "cost\u2013benefit", "election-related"]
    paragraphs = []
    for shift in range(8):  # each paragraph puts the compounds at other places in its lines
        words = [("filler " * ((i + shift) % 5)) + w for i, w in enumerate(compounds * 6)]
        paragraphs.append(f'      - paragraph: "{" ".join(words)}"\n')
    source = _report(tmp_path, "  title: Hyphens", "".join(paragraphs))
    result = run_cli("pdf", source, "-o", tmp_path / "hyphens.pdf")
    assert result.code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "hyphens.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    # The body's lines, in order across pages (without running heads and footers).
    pagination = {"Hyphens", "P"}
    lines = [line.strip() for line in text.replace("\f", "\n").splitlines()
             if line.strip() and line.strip() not in pagination
             and not line.strip().startswith("Page ")]
    assert "--" not in text and not any(line.startswith("-") for line in lines)
    broken_at_hyphen = 0
    for line, following in pairwise(lines):
        last, first = line.split()[-1], following.split()[0]
        if last.endswith("-"):  # a compound broken after its own hyphen: the word is whole
            assert last + first in compounds, (line, following)
            broken_at_hyphen += 1
        elif last.endswith("\u00ad"):  # layout hyphenated: never inside a compound
            assert "-" not in last and "\u2013" not in last, (line, following)
    assert broken_at_hyphen, "some line breaks after a compound's hyphen"


QUOTES = 150


def test_a_quotations_attribution_stays_with_its_last_lines(tmp_path: Path) -> None:
    """Quotations after paragraphs of many lengths: some fall at a page's foot."""
    blocks = []
    for i in range(QUOTES):
        blocks.append(f'      - paragraph: "{"Filler words fill the line. " * (1 + i * 7 % 29)}"\n')
        blocks.append(f'      - quote: {{text: "{"Quoted words run on. " * (4 + i % 5)}'
                      f'Quotation {i} ends here.", attribution: "Speaker {i} said so"}}\n')
    source = _report(tmp_path, "  title: Quotations", "".join(blocks))
    result = run_cli("pdf", source, "-o", tmp_path / "quotes.pdf")
    assert result.code == 0, result.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "quotes.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    for i in range(QUOTES):
        ends = [n for n, page in enumerate(pages) if f"Quotation {i} ends here." in page]
        said = [n for n, page in enumerate(pages) if f"— Speaker {i} said so" in page]
        assert ends == said, f"quotation {i} ends on page {ends}, its attribution is on {said}"
