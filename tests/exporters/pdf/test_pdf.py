"""The PDF edition, read back with pypdf and checked with qpdf (pikepdf)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import Destination

from conftest import DATA, ROOT, run_cli
from readers import normalise, pdf_page_lines
from reportexport import __version__
from reportexport.building import build
from reportexport.model import Report
from reportexport.source.reading import load_report
from reportexport.theme import load_theme


def _bookmarks(reader: PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return out


def _page_texts(reader: PdfReader) -> list[str]:
    return [normalise(page.extract_text() or "") for page in reader.pages]


def _check_bookmarks(path: Path, report: Report) -> None:
    reader = PdfReader(path)
    marks = _bookmarks(reader)
    assert [(level, title) for level, title, _ in marks] == report.outline()
    texts = _page_texts(reader)
    pages = [page for _, _, page in marks]
    assert pages == sorted(pages), "bookmarks must never go backwards"
    for _, title, page in marks:
        text = texts[page]
        assert normalise(title) in text, f"{title!r} not on page {page + 1}"
        # Keep-with-next: a heading is never the last thing on its page.
        after = text.rsplit(normalise(title), 1)[1]
        assert len(after.split()) >= 5, f"{title!r} is left alone at the foot of page {page + 1}"


def test_outline_levels_order_and_pages(editions: dict[str, Path], report: Report) -> None:
    _check_bookmarks(editions["pdf"], report)


def test_outline_and_page_breaks_in_a_long_report(scaled_source: Path, tmp_path: Path) -> None:
    report = load_report(scaled_source)
    [path] = build(report, load_theme(), ["pdf"], tmp_path)
    assert len(PdfReader(path).pages) > 20
    _check_bookmarks(path, report)


def test_nested_outline(tmp_path: Path) -> None:
    report = load_report(ROOT / "tests" / "data" / "valid" / "deep-nesting.yaml")
    [path] = build(report, load_theme(), ["pdf"], tmp_path)
    marks = _bookmarks(PdfReader(path))
    assert max(level for level, _, _ in marks) == 6
    assert [(level, title) for level, title, _ in marks] == report.outline()


def _placed_lines(path: Path, page: int) -> list[tuple[float, float, str]]:
    """Each line of text on a page (from 1) with the middle of its box (x, y from the foot),
    as poppler places it: through any form it is drawn with."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout",
                          str(path), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    [page_box] = root.findall(".//x:page", ns)
    height = float(page_box.get("height"))
    lines = []
    for line in root.iterfind(".//x:line", ns):
        words = [w.text for w in line.iterfind("x:word", ns)]
        y = height - (float(line.get("yMin")) + float(line.get("yMax"))) / 2
        lines.append((float(line.get("xMin")), y, " ".join(words)))
    return lines


def test_contents_lines_print_and_link_to_their_headings_pages(
    editions: dict[str, Path], report: Report
) -> None:
    reader = PdfReader(editions["pdf"])
    bookmark_pages = {title: page for _, title, page in _bookmarks(reader)}
    contents = reader.pages[1]
    runs = _placed_lines(editions["pdf"], 2)
    numbers = [(x, y, text) for x, y, text in runs if text.isdigit()]
    # The contents' lines: a title with a page number at its right (the same titles
    # may follow as headings, on the page the contents share with the body).
    titles = {title: y for x, y, title in runs if title in bookmark_pages
              and any(abs(ny - y) < 3 and nx > 300 for nx, ny, _ in numbers)}
    assert set(titles) == set(bookmark_pages)
    for title, y in titles.items():
        # The number printed at the right end of the title's own line.
        [printed] = [text for x, ny, text in numbers if abs(ny - y) < 3 and x > 300]
        assert int(printed) == bookmark_pages[title] + 1, title
    links = [a.get_object() for a in contents.get("/Annots", [])]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert len(links) == len(titles)  # the report's text has no link of its own
    named = reader.named_destinations
    for link in links:
        dest = link.get("/Dest") or link["/A"]["/D"]
        if isinstance(dest, str):
            dest = named[dest]
        page = (reader.get_destination_page_number(dest) if isinstance(dest, Destination)
                else reader.get_page_number(dest[0].get_object()))
        bottom, top = sorted(float(v) for v in (link["/Rect"][1], link["/Rect"][3]))
        [title] = [t for t, y in titles.items() if bottom <= y <= top]
        assert page == bookmark_pages[title], f"the link on {title!r} lands elsewhere"


def test_contents_leaders_share_one_state_and_keep_their_last_dot(
        editions: dict[str, Path], report: Report) -> None:
    """Each contents line's dot leader is a dashed rule of round dots ([0 gap] d). The
    page's leaders are drawn in one graphics state, not each setting its own, and each
    rule runs past its last dot, which a rule ending on it could lose to rounding."""
    with pikepdf.open(editions["pdf"]) as pdf:
        operators = pikepdf.parse_content_stream(pdf.pages[1])
    dashes, leaders, start, dash = 0, [], 0.0, None
    for operands, operator in operators:
        name = str(operator)
        if name == "d":
            dashes += 1
            pattern = [float(v) for v in operands[0]]
            dash = pattern[1] if len(pattern) == 2 and pattern[0] == 0 else None
        elif name == "Q":
            dash = None  # (a leader's own state, if any, ends with it)
        elif name == "m":
            start = float(operands[0])
        elif name == "l" and dash is not None:
            leaders.append((float(operands[0]) - start) / dash)
    outline = report.outline()
    assert len(leaders) == len(outline), "a contents line without its leader"
    assert dashes < len(outline) / 2, "each leader sets its own dash"
    for gaps in leaders:  # dots at 0, 1, ..., n gaps: the rule ends between two
        assert 0.1 < gaps - int(gaps) < 0.9, gaps


def test_document_information_and_language(editions: dict[str, Path], report: Report) -> None:
    reader = PdfReader(editions["pdf"])
    info, meta = reader.metadata, report.metadata
    assert info.title == meta.title
    assert info.author == ", ".join(meta.authors)
    assert info.subject == meta.subject
    assert info["/Keywords"] == ", ".join(meta.keywords)
    assert info.creator == f"reportexport {__version__}"
    assert info["/CreationDate"].startswith("D:20230705")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def _fonts(obj: Any, seen: set[int], out: list[Any]) -> None:
    resources = obj.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        out.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if id(xobject) not in seen:
            seen.add(id(xobject))
            _fonts(xobject, seen, out)


def test_every_font_is_embedded(editions: dict[str, Path]) -> None:
    reader = PdfReader(editions["pdf"])
    fonts: list[Any] = []
    for page in reader.pages:
        _fonts(page, set(), fonts)
    assert fonts
    for font in fonts:
        descriptor = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert descriptor is not None, f"unembedded font {font.get('/BaseFont')}"
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
            f"font {font.get('/BaseFont')} is not embedded"
    names = {str(font["/BaseFont"]) for font in fonts}
    assert any("Caladea" in name for name in names) and any("Carlito" in name for name in names)


def test_qpdf_finds_no_structural_problem(editions: dict[str, Path]) -> None:
    with pikepdf.open(editions["pdf"]) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check  # renamed in pikepdf 10
        assert check() == []


def test_cover_carries_title_publisher_and_facts(editions: dict[str, Path], report: Report) -> None:
    cover = normalise(PdfReader(editions["pdf"]).pages[0].extract_text())
    meta = report.metadata
    assert normalise(meta.title) in cover
    assert meta.publisher.upper() in cover
    assert "23 July 2023" in cover and "1 to 10 May 2023" in cover and "5 July 2023" in cover
    assert meta.running_title not in cover, "no running head on the cover"


def test_running_head_and_page_x_of_y(editions: dict[str, Path], report: Report) -> None:
    texts = _page_texts(PdfReader(editions["pdf"]))
    for number, text in enumerate(texts[1:], start=2):
        assert report.metadata.running_title in text
        assert f"Page {number} of {len(texts)}" in text


def test_running_head_and_publisher_are_one_form_for_every_page(
        editions: dict[str, Path], report: Report) -> None:
    """What every body page shows but its number (the running head, the rules, the
    publisher) is drawn once, as one form every page shows, not again on each page."""
    meta = report.metadata

    def shown(text: str) -> bytes:  # a PDF string of ASCII, as the content stream has it
        return ("(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                + ") Tj").encode()

    head, publisher = shown(meta.running_title), shown(meta.publisher)
    with pikepdf.open(editions["pdf"]) as pdf:
        forms = set()
        for page in pdf.pages[1:]:
            assert head not in page.obj.Contents.read_bytes(), "a page draws its running head"
            furniture = [form for form in page.Resources.XObject.values()
                         if head in form.read_bytes() and publisher in form.read_bytes()]
            assert len(furniture) == 1
            forms.add(furniture[0].objgen)
        assert len(pdf.pages) > 3 and len(forms) == 1


def test_letter_theme(tmp_path: Path, report: Report) -> None:
    theme_file = tmp_path / "letter.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme_file.write_text(text.replace("size: A4", "size: Letter"), encoding="utf-8")
    [path] = build(report, load_theme(theme_file), ["pdf"], tmp_path)
    box = PdfReader(path).pages[3].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    _check_bookmarks(path, report)


@pytest.mark.parametrize("contents", ["page", "shared", "none"])
def test_the_theme_says_where_the_contents_go(tmp_path: Path, report: Report,
                                              contents: str) -> None:
    """The default theme shares the contents' page with the lead and the body (a short
    report's contents fill a fraction of it); a theme may give it a page, or leave it out."""
    theme_file = tmp_path / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    assert "contents: shared" in text
    theme_file.write_text(text.replace("contents: shared", f"contents: {contents}"),
                          encoding="utf-8")
    [path] = build(report, load_theme(theme_file), ["pdf"], tmp_path)
    texts = _page_texts(PdfReader(path))
    lead = normalise(report.lead[0].text)[:40]
    if contents == "none":
        assert not any("Contents" in page for page in texts)
        assert lead in texts[1]
    else:
        assert "Contents" in texts[1]
        assert (lead in texts[1]) == (contents == "shared")
        assert lead in texts[2 if contents == "page" else 1]
    _check_bookmarks(path, report)


def test_missing_glyph_is_refused_naming_character_and_section(tmp_path: Path) -> None:
    source = tmp_path / "cjk.yaml"
    text = (ROOT / "tests" / "data" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    source.write_text(text.replace("Just one paragraph.", "Text with 中 inside."),
                      encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("pdf", source, "-o", out)
    assert result.code == 2
    assert "no font of the theme has '中' (U+4E2D)" in result.stderr
    assert "used in section 's'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("fmt", ["pdf"])
def test_inspect_prints_the_outline(editions: dict[str, Path], fmt: str, report: Report) -> None:
    result = run_cli("inspect", editions[fmt])
    assert result.code == 0
    assert result.stdout.splitlines() == [f"{level} {title}" for level, title in report.outline()]


def test_a_body_line_holds_60_to_75_characters_and_long_words_hyphenate(
        editions: dict[str, Path], report: Report) -> None:
    """The default theme's measure (the issue's bar: comfortable reading is 60 to 75
    characters a line). Where layout broke a word it drew a soft hyphen, so the
    word reads back whole; a hyphen a line ends with is otherwise the source's own."""
    text = subprocess.run(["pdftotext", "-raw", "-f", "2", str(editions["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    paragraphs = [normalise(block.text) for _, section in report.walk()
                  for block in section.blocks if hasattr(block, "text")]
    full = [line for line in text.splitlines()
            if len(line) > 40 and not any(p.endswith(line.strip()) for p in paragraphs)]
    lengths = sorted(len(line.rstrip("\u00ad")) for line in full)
    assert len(lengths) > 30
    assert 60 <= lengths[len(lengths) // 2] <= 75, lengths
    broken = [line for line in full if line.endswith("\u00ad")]
    assert broken, "long words are hyphenated"
    source = " ".join(paragraphs)
    for line in broken:
        head = line.split()[-1].rstrip("\u00ad")
        assert f"{head}-" not in source, head  # the source has no hyphen there
    for line in full:
        if line.endswith("-"):
            assert line.split()[-1] in source


def _headings_before_kept_groups(folder: Path) -> Path:
    """Sections whose opening paragraph grows by three sentences each time, each followed by
    a subsection that opens with a callout and one that opens with a figure: some of those
    headings fall at a page's foot, where the box or figure does not fit."""
    lines = ["metadata:", "  title: Headings kept with a box or a figure", "  publisher: P",
             "  authors: [A]", '  date: "2024-01-31"', "  language: en", "sections:"]
    box = " ".join(["Words inside the box."] * 40)
    for n in range(1, 17):
        filler = " ".join(f"Filler sentence {n}.{i} of the section." for i in range(n * 3))
        lines += [f"  - {{id: s{n}, title: Section {n}, blocks: [{{paragraph: {filler}}}],",
                  "     sections: [",
                  f"       {{id: box{n}, title: Heading before box {n}, blocks: [{{callout: "
                  f"{{title: Box title {n}, blocks: [{{paragraph: {box}}}]}}}}]}},",
                  f"       {{id: fig{n}, title: Heading before figure {n}, blocks: [{{figure: "
                  f"{{image: images/bars.png, alt: Bars, caption: Caption of figure {n}}}}}]}}]}}"]
    return _source_with_bars(folder, "kept.yaml", lines)


def test_a_heading_goes_to_the_next_page_with_the_box_or_figure_after_it(
        tmp_path: Path) -> None:
    """A heading is kept with a callout or a figure that follows it, as with a paragraph:
    reportlab keeps a heading only with a flowable that is not a group itself, and these
    were left alone at a page's foot (reportlab_compat.kept_runs_folded)."""
    report = load_report(_headings_before_kept_groups(tmp_path))
    [pdf] = build(report, load_theme(), ["pdf"], tmp_path / "out")
    pages = pdf_page_lines(pdf)
    contents = 2  # the cover and the contents' pages come first
    for kind, after in (("box", "Box title"), ("figure", "Caption of figure")):
        for n in range(1, 17):
            heading = [i for i, page in enumerate(pages[contents:])
                       if f"Heading before {kind} {n}" in page]
            following = [i for i, page in enumerate(pages[contents:])
                         if any(line.endswith(f"{after} {n}") for line in page)]
            assert len(heading) == len(following) == 1, (kind, n, heading, following)
            assert heading == following, f"'Heading before {kind} {n}' left at a page's foot"


def _boxes_opening_with_a_figure(folder: Path) -> Path:
    """Sections whose opening paragraph grows by three sentences each time, each followed by
    a callout longer than a page that opens with its title and a figure, and by a short
    one holding a figure after its first words: some of those boxes fall where only
    their first lines fit."""
    lines = ["metadata:", "  title: Boxes opening with a figure", "  publisher: P",
             "  authors: [A]", '  date: "2024-01-31"', "  language: en", "sections:"]
    words = " ".join(["Words inside the box."] * 60)
    figure = "{{figure: {{image: images/bars.png, alt: Bars, caption: {caption}}}}}"
    for n in range(1, 17):
        filler = " ".join(f"Filler sentence {n}.{i} of the section." for i in range(n * 3))
        long_box = ", ".join([figure.format(caption=f"Caption in long box {n}"),
                              *[f"{{paragraph: {words}}}"] * 3])
        short_box = ", ".join([f"{{paragraph: First words of short box {n}.}}",
                               figure.format(caption=f"Caption in short box {n}"),
                               f"{{paragraph: End of short box {n}.}}"])
        lines += [f"  - {{id: s{n}, title: Section {n}, blocks: [{{paragraph: {filler}}},",
                  f"     {{callout: {{title: Long box {n}, blocks: [{long_box}]}}}},",
                  f"     {{callout: {{title: Short box {n}, blocks: [{short_box}]}}}}]}}"]
    return _source_with_bars(folder, "boxes.yaml", lines)


def _source_with_bars(folder: Path, name: str, lines: list[str]) -> Path:
    """A source `name` of `lines` in `folder`, beside the bar chart its figures show."""
    (folder / "images").mkdir()
    (folder / "images" / "bars.png").write_bytes((DATA / "valid" / "images" / "bars.png")
                                                 .read_bytes())
    source = folder / name
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def test_a_box_keeps_its_title_with_its_figure_and_a_short_box_its_page(
        tmp_path: Path) -> None:
    """Inside a callout, the title goes to the next page with a figure that follows it, as
    a heading does with a figure in a section; and a short box holding a figure is kept
    on one page (a figure's group inside the box once counted as taller than any page).
    tests/data/valid/callout-opening-with-a-figure.yaml is one such box."""
    report = load_report(_boxes_opening_with_a_figure(tmp_path))
    [pdf] = build(report, load_theme(), ["pdf"], tmp_path / "out")
    pages = pdf_page_lines(pdf)

    def page_of(words: str) -> int:
        [page] = [i for i, lines in enumerate(pages)
                  if any(line == words or line.endswith(f" {words}") for line in lines)]
        return page

    for n in range(1, 17):
        assert page_of(f"Long box {n}") == page_of(f"Caption in long box {n}"), (
            f"the title of long box {n} left at a page's foot")
        assert page_of(f"Short box {n}") == page_of(f"Caption in short box {n}") == \
            page_of(f"End of short box {n}."), f"short box {n} broken over two pages"


_TABLE_AFTER_A_NOTE = """\
metadata: {title: T, publisher: P, authors: A, date: "2024-01-31", language: en}
sections:
  - id: s
    title: S
    blocks:
      - paragraph: "A paragraph.^[A note in the text.]"
      - table:
          caption: Turnout
          columns: [Region, Turnout]
          rows: [[North, "%s"], [South, "60"]]
"""


@pytest.mark.parametrize("marked", [False, True])
def test_a_table_is_searched_for_note_marks_only_when_a_cell_may_hold_one(
        marked: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Searching a long table makes the part its page may hold: a table none of whose
    cells marks a note is not searched; one whose cells do still is."""
    from reportexport.exporters.pdf import tables

    searched: list[bool] = []
    part_for_search = tables.LongTable._flowable

    def counted(table: Any) -> Any:
        searched.append(table.grid.marks_notes)
        return part_for_search.fget(table)

    monkeypatch.setattr(tables.LongTable, "_flowable", property(counted))
    source = tmp_path / "report.yaml"
    source.write_text(_TABLE_AFTER_A_NOTE % ("71.5^[Provisional.]" if marked else "71.5"),
                      encoding="utf-8")
    [pdf] = build(load_report(source), load_theme(None), ["pdf"], tmp_path / "out")
    assert bool(searched) == marked and all(searched)
    lines = [line for page in pdf_page_lines(pdf) for line in page]
    assert any("A note in the text." in line for line in lines)
    assert any("Provisional." in line for line in lines) == marked
