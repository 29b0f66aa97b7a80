"""The everyday blocks of issue #26 read back from every edition: a table's note
(after the table, in its container), nested lists, definition lists and callouts.

Each edition is read with an independent reader: poppler for the PDF's text,
lxml on the DOCX's and the EPUB's XML and on the web page."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import DATA
from readers import pdf_page_lines
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
X = "{http://www.w3.org/1999/xhtml}"


def _build(source: Path, theme: Theme, out: Path) -> dict[str, Path]:
    paths = build(load_report(source), theme, ["pdf", "docx", "epub", "html"], out)
    return {path.suffix.lstrip("."): path for path in paths}


def _docx_body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml")).find(f"{W}body")


def _docx_styles(path: Path) -> dict[str, str]:
    """Style id -> name."""
    with zipfile.ZipFile(path) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    return {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
            for s in styles.iter(f"{W}style")}


def _epub_pages(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as package:
        return [etree.fromstring(package.read(name)) for name in sorted(package.namelist())
                if name.startswith("EPUB/text/") and not name.endswith("_cover.xhtml")]


def _html_root(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.HTMLParser()).getroot()


def _words(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def table_notes(theme: Theme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(DATA / "valid" / "table-notes.yaml", theme,
                  tmp_path_factory.mktemp("table-notes"))


NOTE = "Source: field reports, 2024.3"


def test_docx_table_note_follows_the_table_in_the_table_note_style(
        table_notes: dict[str, Path]) -> None:
    body = _docx_body(table_notes["docx"])
    names = _docx_styles(table_notes["docx"])
    [table] = body.findall(f"{W}tbl")
    after = table.getnext()
    assert after.tag == f"{W}p"
    assert names[after.find(f"{W}pPr/{W}pStyle").get(f"{W}val")] == "Table Note"
    assert "".join(after.itertext()).startswith("Source: field reports, 2024.")
    # An empty cell is a cell: each row as wide as the header.
    assert all(len(row.findall(f"{W}tc")) == 2 for row in table.findall(f"{W}tr"))
    # The last row's paragraphs are kept with the note (Word's keep with next).
    rows = table.findall(f"{W}tr")
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in rows[-1].iter(f"{W}p"))
    assert all(p.find(f"{W}pPr/{W}keepNext") is None for p in rows[-2].iter(f"{W}p"))


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_html_table_note_is_a_paragraph_after_the_table_in_its_container(
        table_notes: dict[str, Path], fmt: str) -> None:
    ns = X if fmt == "epub" else ""
    roots = (_epub_pages(table_notes["epub"]) if fmt == "epub"
             else [_html_root(table_notes["html"])])
    [table] = [t for root in roots for t in root.iter(f"{ns}table")
               if t.get("id", "").startswith("_table")]
    container = next(a for a in table.iterancestors() if "with-note" in a.get("class", ""))
    note = container[-1]
    assert note.tag == f"{ns}p" and note.get("class") == "table-note"
    assert _words(note) == NOTE
    assert table.get("aria-describedby") == note.get("id")
    cells = [[c for c in row if c.tag == f"{ns}td"] for row in table.iter(f"{ns}tr")][1:]
    assert [len(row) for row in cells] == [2, 2]


def test_pdf_table_note_is_printed_under_the_table(table_notes: dict[str, Path]) -> None:
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", str(table_notes["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    south = next(i for i, line in enumerate(lines) if line == "South")
    assert lines[south + 1] == NOTE


@pytest.fixture(scope="module")
def nested_lists(theme: Theme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(DATA / "valid" / "nested-lists.yaml", theme,
                  tmp_path_factory.mktemp("nested-lists"))


#: Each item of the nested-lists case: (level, text), in reading order.
ITEMS = [(0, "Plain first item"), (0, "Second item with a sub-list"), (1, "Second level one"),
         (1, "Second level two, with a third level"), (2, "Third level one1"),
         (2, "Third level two"), (1, "Second level three"), (0, "Third item"),
         (0, "Step one"), (1, "Step one part one"), (1, "Step one part two"), (0, "Step two"),
         (1, "Step two part one"), (0, "Step three2")]


def test_docx_nested_items_are_word_levels_the_numbering_defines(
        nested_lists: dict[str, Path]) -> None:
    body = _docx_body(nested_lists["docx"])
    with zipfile.ZipFile(nested_lists["docx"]) as package:
        numbering = etree.fromstring(package.read("word/numbering.xml"))
    abstract_of = {n.get(f"{W}numId"): n.find(f"{W}abstractNumId").get(f"{W}val")
                   for n in numbering.iter(f"{W}num")}
    levels = {a.get(f"{W}abstractNumId"): {lvl.get(f"{W}ilvl") for lvl in a.iter(f"{W}lvl")}
              for a in numbering.iter(f"{W}abstractNum")}
    items = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is None or not style.get(f"{W}val").startswith("List"):
            continue
        ilvl = paragraph.find(f"{W}pPr/{W}numPr/{W}ilvl")
        level = 0 if ilvl is None else int(ilvl.get(f"{W}val"))
        if level:  # the level exists in the numbering the paragraph names
            num_id = paragraph.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
            assert str(level) in levels[abstract_of[num_id]]
        items.append((level, "".join(t.text for t in paragraph.iter(f"{W}t"))))
    assert items == [(level, text.rstrip("12")) for level, text in ITEMS]


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_html_nested_lists_are_lists_inside_items(nested_lists: dict[str, Path],
                                                  fmt: str) -> None:
    ns = X if fmt == "epub" else ""
    roots = (_epub_pages(nested_lists["epub"]) if fmt == "epub"
             else [_html_root(nested_lists["html"])])
    items = []
    for root in roots:
        for li in root.iter(f"{ns}li"):
            lists = [a for a in li.iterancestors() if a.tag in (f"{ns}ul", f"{ns}ol")]
            if root.find(f".//{ns}nav") is not None and any(
                    a.tag == f"{ns}nav" for a in li.iterancestors()):
                continue  # the contents
            own = "".join([li.text or "", *("".join(k.itertext()) + (k.tail or "")
                                            for k in li if k.tag not in (f"{ns}ul", f"{ns}ol"))])
            items.append((len(lists) - 1, " ".join(own.split())))
    items = [item for item in items if item[1] not in ("", "↩")]
    assert [(level, text) for level, text in items if not text.startswith(("A note", "Lists"))] \
        == ITEMS


def test_pdf_nested_list_is_an_l_in_the_items_lbody(nested_lists: dict[str, Path]) -> None:
    import subprocess
    tree = subprocess.run(["pdfinfo", "-struct-text", str(nested_lists["pdf"])],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    path: list[str] = []
    nested = []
    for line in tree:
        depth = (len(line) - len(line.lstrip())) // 2
        role = line.strip().split(" ")[0]
        if role.startswith(('"', "/", "Object")):
            continue
        del path[depth:]
        path.append(role)
        if role == "L":
            nested.append(path.count("L") - 1)
    # Two lists of three levels and two: the outer L, Ls in LBodys, one L deeper still.
    assert sorted(nested) == [0, 0, 1, 1, 1, 2]
    text = subprocess.run(["pdftotext", "-layout", str(nested_lists["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    indents = {" ".join(line.split()[1:]): len(line) - len(line.lstrip())
               for line in text.splitlines() if line.strip()}
    first, second, third = (indents[text] for text in
                            ("Plain first item", "Second level one", "Third level two"))
    assert first < second < third


@pytest.fixture(scope="module")
def everyday(theme: Theme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(DATA / "valid" / "everyday-blocks.yaml", theme,
                  tmp_path_factory.mktemp("everyday-blocks"))


TERMS = [("NEC", "National Election Committee"),
         ("CSO", "Civil society organisation, as defined in Findings.4"),
         ("Long term that might wrap onto a second line in a narrow column", "Its definition.")]


def test_docx_definitions_are_term_and_definition_styles(everyday: dict[str, Path]) -> None:
    body = _docx_body(everyday["docx"])
    names = _docx_styles(everyday["docx"])
    found = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        name = names.get(style.get(f"{W}val")) if style is not None else None
        if name in ("Definition Term", "Definition"):
            found.append((name, "".join(t.text for t in paragraph.iter(f"{W}t"))))
            assert paragraph.find(f"{W}pPr/{W}ind") is None  # the style's, not direct
    assert found == [pair for term, definition in TERMS
                     for pair in (("Definition Term", term),
                                  ("Definition", definition.rstrip("0123456789")))]


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_html_definitions_are_a_dl(everyday: dict[str, Path], fmt: str) -> None:
    ns = X if fmt == "epub" else ""
    roots = _epub_pages(everyday["epub"]) if fmt == "epub" else [_html_root(everyday["html"])]
    [dl] = [dl for root in roots for dl in root.iter(f"{ns}dl")
            if dl.get("class") == "definitions"]
    kids = [(kid.tag.removeprefix(ns), _words(kid)) for kid in dl]
    assert kids == [pair for term, definition in TERMS
                    for pair in (("dt", term), ("dd", definition))]


def test_pdf_definitions_are_a_list_of_labelled_items(everyday: dict[str, Path]) -> None:
    import subprocess
    tree = subprocess.run(["pdfinfo", "-struct-text", str(everyday["pdf"])],
                          capture_output=True, text=True, check=True).stdout
    section = tree[tree.index('"Acronyms"\n    L'):]
    roles = [line.strip() for line in section.splitlines()
             if line.strip() in ("LI (block)", "Lbl (block)", "LBody (block)")]
    assert roles == ["LI (block)", "Lbl (block)", "LBody (block)"] * len(TERMS)
    for term, definition in TERMS:
        assert f'Lbl (block)\n          "{term}"' in section
        assert f'LBody (block)\n          "{definition[:20]}' in section


def test_docx_callouts_are_one_cell_tables_in_the_callout_box_style(
        everyday: dict[str, Path]) -> None:
    body = _docx_body(everyday["docx"])
    names = _docx_styles(everyday["docx"])
    boxes = [t for t in body.iter(f"{W}tbl")
             if names[t.find(f"{W}tblPr/{W}tblStyle").get(f"{W}val")] == "Callout Box"]
    assert len(boxes) == 2
    for box in boxes:
        assert len(box.findall(f"{W}tr")) == 1 and len(box.findall(f"{W}tr/{W}tc")) == 1
    first = boxes[0].find(f"{W}tr/{W}tc")
    title = first.find(f"{W}p")
    assert names[title.find(f"{W}pPr/{W}pStyle").get(f"{W}val")] == "Callout Title"
    assert "".join(t.text for t in title.iter(f"{W}t")) == "Key messages"
    # The blocks inside, in their own styles: a list, and a table with its caption.
    styles = [names[p.get(f"{W}val")] for p in first.iter(f"{W}pStyle")]
    assert "List Bullet" in styles and "caption" in [s.lower() for s in styles]
    assert first.find(f".//{W}tbl") is not None
    with zipfile.ZipFile(everyday["docx"]) as package:
        styles_xml = etree.fromstring(package.read("word/styles.xml"))
    [style] = [s for s in styles_xml.iter(f"{W}style") if s.get(f"{W}styleId") == "CalloutBox"]
    assert style.find(f"{W}tblPr/{W}tblBorders/{W}left") is not None
    assert style.find(f"{W}tcPr/{W}shd").get(f"{W}fill")


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_html_callouts_are_asides_named_by_their_titles(everyday: dict[str, Path],
                                                        fmt: str) -> None:
    ns = X if fmt == "epub" else ""
    roots = _epub_pages(everyday["epub"]) if fmt == "epub" else [_html_root(everyday["html"])]
    asides = [a for root in roots for a in root.iter(f"{ns}aside")
              if a.get("class") == "callout"]
    assert len(asides) == 2
    titled, untitled = asides
    [title] = [p for p in titled.iter(f"{ns}p") if p.get("id") == titled.get("aria-labelledby")]
    assert _words(title) == "Key messages"
    # The title, then the blocks: a paragraph, a list and a table (in the web page's
    # scrollable region).
    assert [kid.tag.removeprefix(ns) for kid in titled][:3] == ["p", "p", "ul"]
    assert titled.find(f".//{ns}table") is not None
    assert untitled.get("aria-labelledby") is None
    assert _words(untitled) == "An untitled callout holding one paragraph."


def test_pdf_callouts_are_divs_holding_their_blocks_and_notes_count_in_order(
        everyday: dict[str, Path]) -> None:
    import subprocess
    tree = subprocess.run(["pdfinfo", "-struct-text", str(everyday["pdf"])],
                          capture_output=True, text=True, check=True).stdout
    div = tree[tree.index("    Div\n"):]
    div = div[:div.index("\n    P (block)\n      \"The table below")]
    for part in ('"Key messages"', '"Turnout rose in every region."',
                 '"2 A note inside a callout, numbered second."', "L (block)",
                 '"Table 1. A table inside a callout"'):
        assert part in div
    assert tree.count("\n    Div\n") == 2
    text = subprocess.run(["pdftotext", str(everyday["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "3 Numbered third, after the callout's." in " ".join(text.split())


def test_pdf_callout_longer_than_a_page_starts_where_it_stands(
        theme: Theme, tmp_path: Path) -> None:
    import subprocess
    paths = build(load_report(DATA / "valid" / "callout-long.yaml"), theme, ["pdf"], tmp_path)
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(paths[0]), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in (2, 3)]
    assert "Before the box." in pages[0] and "Paragraph 1 of" in pages[0]
    assert "Paragraph 30 of" in pages[1] and "After the box." in pages[1]


#: A one-section source's opening, up to its blocks.
_FOOT_SOURCE = """metadata:
  {title: Foot, publisher: P, authors: A, date: "2024-01-31", language: en}
sections:
  - id: s
    title: Findings
    blocks:
"""


def _filler(lines: int, before: str) -> str:
    return "\n".join(f"      - paragraph: Line {n} of the text before the {before}."
                     for n in range(lines))


def _table_at_foot(lines: int) -> str:
    return _FOOT_SOURCE + f"""{_filler(lines, "table")}
      - table:
          columns: [Region, Turnout]
          rows: [[North, "71"], [South, "64"]]
          note: Source of the figures, under the table.
      - paragraph: After the table.
"""


def test_pdf_table_note_is_kept_with_its_table_wherever_the_page_ends(
        theme: Theme, tmp_path: Path) -> None:
    """However many lines come before it, a short table's note is on the page of the
    table's last row (without the keep, some of these leave it alone on the next)."""
    import subprocess
    for lines in range(14, 26):  # the table and its note near the foot of page 2
        source = tmp_path / f"foot-{lines}.yaml"
        source.write_text(_table_at_foot(lines), encoding="utf-8")
        [pdf] = build(load_report(source), theme, ["pdf"], tmp_path / str(lines))
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        [row_page] = [n for n, page in enumerate(pages) if "South" in page]
        [note_page] = [n for n, page in enumerate(pages) if "Source of the figures" in page]
        assert row_page == note_page, lines


def _captioned_at_foot(lines: int) -> str:
    return _FOOT_SOURCE + f"""      - paragraph: "See [](#tbl-foot) and [](#fig-foot)."
{_filler(lines, "blocks")}
      - table:
          id: tbl-foot
          caption: Turnout by region
          columns: [Region, Turnout]
          rows: [[North, "71"], [South, "64"], [East, "58"], [West, "49"]]
      - figure:
          id: fig-foot
          image: images/bars.png
          alt: Bars rising from left to right.
          caption: Registrations by month
      - paragraph: After the blocks.
"""


def test_pdf_references_to_a_table_or_figure_lead_to_the_page_of_its_caption(
        theme: Theme, tmp_path: Path) -> None:
    """However many lines come before them, the destination a reference to a table or a
    figure leads to is on the page its caption is printed on (without the keep, the
    destination can stay at the foot of the page before)."""
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "valid" / "images" / "bars.png", tmp_path / "images")
    for lines in range(18, 46):  # the table, then the figure, near the foot of a page
        source = tmp_path / f"foot-{lines}.yaml"
        source.write_text(_captioned_at_foot(lines), encoding="utf-8")
        [pdf] = build(load_report(source), theme, ["pdf"], tmp_path / str(lines))
        pages = pdf_page_lines(pdf)
        reader = PdfReader(pdf)
        numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
        # The references' links (described by their words), explicit destinations.
        leads = {str(link["/Contents"]): numbers[link["/Dest"][0].idnum]
                 for page in reader.pages for link in (
                     a.get_object() for a in page.get("/Annots") or [])
                 if "/Dest" in link}
        for label, caption in (("Table 1", "Table 1. Turnout by region"),
                               ("Figure 1", "Figure 1. Registrations by month")):
            [caption_page] = [n for n, page in enumerate(pages) if caption in page]
            assert leads[label] == caption_page, (lines, label)
