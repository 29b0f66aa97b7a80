"""The PDF is tagged (PDF/UA-1): read back with poppler, pikepdf and the `pdfua` checker.

Three readers, none of them the writer: `pdfua` checks the machine-checkable
rules it implements; poppler's `pdfinfo -struct-text` gives each structure
element with the text of its marked content, compared here with the source;
pikepdf walks the content streams, the parent tree and the annotations, so
that every mark drawn is either content in the tree or an artifact.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import DATA, ROOT
from reportexport.building import build
from reportexport.frontend import Anchor, BlockList, Document
from reportexport.model import (
    CrossReference,
    Figure,
    Inlines,
    Link,
    Note,
    Report,
    Table,
    Text,
    report_blocks,
)
from reportexport.model import Paragraph as ParagraphBlock
from reportexport.source.reading import load_report
from reportexport.theme import Theme

CASES = {
    "report": ROOT / "source" / "report.yaml",
    "guide": ROOT / "examples" / "guide" / "guide.yaml",
    **{path.stem: path for path in sorted((DATA / "valid").glob("*.yaml"))},
}
PDFUA = Path(sys.executable).parent / "pdfua"
PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh"}


@dataclass(eq=False)
class Node:
    role: str
    title: str | None = None
    content: list[str | Node] = field(default_factory=list)  # texts and kids, in order
    attributes: list[str] = field(default_factory=list)
    objects: int = 0

    @property
    def texts(self) -> list[str]:
        return [c for c in self.content if isinstance(c, str)]

    @property
    def kids(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    def walk(self, parent: Node | None = None):  # type: ignore[no-untyped-def]
        yield self, parent
        for kid in self.kids:
            yield from kid.walk(self)

    def text(self, notes: bool = False) -> str:
        """The element's words, its own and its kids', in order (as poppler reads them);
        the footnotes whose marks stand in it only if asked for. A Span says its
        /ActualText, spaces and all: it joins its neighbours as it stands (a Khmer
        word broken over two lines is two Spans with nothing between them)."""
        out = ""
        glued = False
        for c in self.content:
            if isinstance(c, Node) and c.role == "Note" and not notes:
                continue
            span = isinstance(c, Node) and c.role == "Span"
            part = c if isinstance(c, str) else "".join(c.texts) if span else c.text(notes)
            out += part if (span or glued) else " " + part
            glued = span
        return " ".join(out.split())


_ELEMENT = re.compile(r'^(?P<role>\w+)(?::| \((?:block|inline)\)| "(?P<title>.*)")?$')


def _struct_tree(path: Path) -> Node:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", "-struct-text", str(path)],
                         capture_output=True, check=True).stdout
    stack: list[tuple[int, Node]] = []
    root: Node | None = None
    for raw in out.splitlines():
        # Text is UTF-8; an element's title (/T) is printed as stored, which for
        # text in PDFDocEncoding is one byte a character.
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        content = line.strip()
        while stack and stack[-1][0] >= depth:
            stack.pop()
        owner = stack[-1][1] if stack else None
        if content.startswith('"'):
            assert owner is not None and content.endswith('"'), line
            # A soft hyphen (where layout broke a word) is not part of the text.
            owner.content.append(content[1:-1].replace("\u00ad", ""))
        elif content.startswith("/"):
            assert owner is not None, line
            owner.attributes.append(content)
        elif content.startswith("Object "):
            assert owner is not None, line
            owner.objects += 1
        else:
            match = _ELEMENT.match(content)
            assert match, f"unexpected line in pdfinfo -struct-text: {line!r}"
            node = Node(match["role"], match["title"])
            if owner is None:
                root = node
            else:
                owner.content.append(node)
            stack.append((depth, node))
    assert root is not None
    _say_actual_text(path, root)
    return root


def _say_actual_text(path: Path, root: Node) -> None:
    """poppler prints the glyphs of a Span with /ActualText (shaped Khmer, whose glyphs
    do not map back to the text one to one): the Span says its ActualText instead."""
    import pikepdf

    said: list[str] = []
    with pikepdf.open(path) as pdf:
        def visit(element: pikepdf.Object) -> None:
            if not isinstance(element, pikepdf.Dictionary):
                return
            if element.get("/S") == "/Span" and "/ActualText" in element:
                said.append(str(element.ActualText))
            kids = element.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                visit(kid)

        visit(pdf.Root.StructTreeRoot)
    spans = [node for node, _ in root.walk() if node.role == "Span"]
    assert len(spans) == len(said), "every Span has its ActualText"
    for node, text in zip(spans, said, strict=True):
        node.content = [text]


def _spoken(content: Inlines) -> str:
    """What the PDF's text says for `content`: its words, with each note's number as its mark."""
    out = []
    for node in content:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Note):
            out.append(str(node.number))
        else:
            out.append(_spoken(node.content))
    return "".join(out)


def _count_links(content: Inlines) -> int:
    return sum((1 if isinstance(node, Link | CrossReference) else 0)
               + (0 if isinstance(node, Text | Note) else _count_links(node.content))
               for node in content)


def _words(text: str) -> str:
    """A text's words, as a reader has them: a soft hyphen is no text (readers.normalise)."""
    return " ".join(text.replace("\u00ad", "").split())


def _compact(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class Built:
    report: Report
    pdf: Path
    tree: Node


@pytest.fixture(scope="module")
def built(theme: Theme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    folder = tmp_path_factory.mktemp("tagged")
    out = {}
    for name, source in CASES.items():
        report = load_report(source)
        [pdf] = build(report, theme, ["pdf"], folder / name)
        out[name] = Built(report, pdf, _struct_tree(pdf))
    return out


@pytest.mark.conformance
@pytest.mark.parametrize("case", CASES)
def test_pdfua_checker_finds_nothing_and_skips_no_rule(case: str, built: dict[str, Built]
                                                        ) -> None:
    result = subprocess.run([str(PDFUA), "check", str(built[case].pdf)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout
    assert "errors=0 warnings=0 info=0" in result.stdout
    skipped = [line for line in result.stdout.splitlines() if "[skip" in line]
    if case == "khmer":
        # pdfua's heading rule cannot read a heading with several kids (its /K an
        # array): the headings here hold a Khmer Span. Only that rule may skip;
        # test_headings_and_paragraphs_follow_the_source checks the headings.
        skipped = [line for line in skipped if not (
            "UA-14-001" in line and "on object of type array" in line)]
    assert not skipped, result.stdout  # every implemented rule ran


@pytest.mark.parametrize("case", CASES)
def test_headings_and_paragraphs_follow_the_source(case: str, built: dict[str, Built]) -> None:
    # The headings as the front end words them ("2.1 Detail"), automatic references
    # with their labels; the front matter comes before the lead, as the PDF prints it.
    document = Document.of(built[case].report)
    report, tree = document.report, built[case].tree
    assert tree.role == "Document"
    headings = [(int(node.role[1]), node.text()) for node, _ in tree.walk()
                if re.fullmatch(r"H[1-6]", node.role)]
    assert headings == [(level, _words(title)) for level, title in document.headings()]
    # Each section is a Sect holding its heading first, nested as the outline is.
    sects = [(node, parent) for node, parent in tree.walk()
             if node.role == "Sect" and node.kids and node.kids[0].role.startswith("H")]
    assert [s.kids[0].text() for s, _ in sects] == [_words(t) for _, t in document.headings()]
    for sect, parent in sects:
        level = int(sect.kids[0].role[1])
        assert parent is not None
        assert level == 1 or parent.kids[0].role == f"H{level - 1}"

    def paragraphs_of(anchors: tuple[Anchor, ...]) -> list[str]:
        # A table's note is a P after its Table, in the section's.
        return [_words(_spoken(content)) for anchor in anchors for b in anchor.section.blocks
                for content in ([b.content] if isinstance(b, ParagraphBlock)
                                else [b.note] if isinstance(b, Table) and b.note else [])]

    expected = [*paragraphs_of(document.front_matter),
                *(_words(_spoken(p.content)) for p in report.lead),
                *paragraphs_of(document.main_matter)]
    paragraphs = [node for node, parent in tree.walk()
                  if node.role == "P" and parent is not None and parent.role == "Sect"]
    # poppler prints a link's or a note mark's text apart from the words around it.
    assert [_compact(p.text()) for p in paragraphs] == [_compact(e) for e in expected]
    for paragraph, words in zip(paragraphs, expected, strict=True):
        if not paragraph.kids:  # text marked in one piece keeps its word breaks
            assert paragraph.text() == words


@pytest.mark.parametrize("case", CASES)
def test_cover_contents_tables_figures_and_notes_are_elements(case: str,
                                                              built: dict[str, Built]) -> None:
    document = Document.of(built[case].report)
    report, tree = document.report, built[case].tree
    nodes = [node for node, _ in tree.walk()]
    meta = report.metadata
    # The cover's facts: a table, one row per fact, its label a row header: the
    # authors, the source's facts, the date of publication.
    cover = tree.kids[0]
    [facts] = [k for k in cover.kids if k.role == "Table"]
    rows = [row for row in facts.kids[0].kids]
    assert len(rows) == len(meta.facts) + 2
    assert rows[0].kids[1].text() == _words(", ".join(meta.authors))
    for row, fact in zip(rows[1:], meta.facts, strict=False):
        assert [k.role for k in row.kids] == ["TH", "TD"]
        assert row.kids[0].attributes == ["/Scope /Row"]
        assert row.kids[1].text() == _words(fact.value)
    # The contents: one entry per section, each a link holding its heading (its page
    # number, like the footer's, is pagination).
    # (The lists of tables and figures, if any, are TOCs after it: tests/exporters/test_lists.py.)
    toc = next(n for n in nodes if n.role == "TOC")
    assert [k.kids[0].role for k in toc.kids] == ["Link"] * len(report.outline())
    for entry, (_, title) in zip(toc.kids, document.headings(), strict=True):
        link = entry.kids[0]
        assert link.objects == 1
        assert link.text() == _words(title)

    tables = [b for b in report_blocks(report) if isinstance(b, Table)]
    tagged_tables = [n for n in nodes if n.role == "Table" and n is not facts]
    assert len(tagged_tables) == len(tables)
    for node, table in zip(tagged_tables, tables, strict=True):
        parts = [k.role for k in node.kids]
        assert parts == ["Caption", "THead", "TBody"]  # the caption says at least "Table N"
        [header] = node.kids[1].kids
        assert [c.role for c in header.kids] == ["TH"] * len(table.columns)
        assert all(c.attributes == ["/Scope /Column"] for c in header.kids)
        assert [_compact(c.text()) for c in header.kids] == \
            [_compact(_spoken(c)) for c in table.columns]
        body = node.kids[2].kids
        assert [[_compact(c.text()) for c in row.kids] for row in body] == \
            [[_compact(_spoken(c)) for c in row] for row in table.rows]
        # An empty cell keeps its TD; a note is the P right after the table.
        assert all(len(row.kids) == len(table.columns) for row in body)
        if table.note is not None:
            siblings = next(p for n, p in tree.walk() if n is node).kids
            after = siblings[siblings.index(node) + 1]
            assert after.role == "P" and _compact(after.text()) == _compact(_spoken(table.note))

    figures = [b for b in report_blocks(report) if isinstance(b, Figure)]
    # The logo, if there is one, is the cover's first element, placed (its /Alt, the
    # publisher's name, is read in tests/exporters/test_logo.py).
    logo = [cover.kids[0]] if meta.logo else []
    assert all(n.role == "Figure" and any(a.startswith("/BBox") for a in n.attributes)
               for n in logo)
    assert len([n for n in nodes if n.role == "Figure"]) == len(figures) + len(logo)

    notes = list(report.footnotes())
    tagged_notes = [n for n in nodes if n.role == "Note"]
    assert [_compact(n.text()) for n in tagged_notes] == \
        [_compact(f"{note.number} {_spoken(note.content)}") for note in notes]
    # Each note's mark is a Reference in the text it stands in, in reading order.
    marks = [n.text() for n in nodes if n.role == "Reference"]
    assert marks == [str(note.number) for note in notes]
    # Each link's text is in its Link element, with its annotation.
    entries = [k.kids[0] for contents in nodes if contents.role == "TOC" for k in contents.kids]
    links = [n for n in nodes if n.role == "Link" and all(n is not e for e in entries)]
    assert all(link.text() and link.objects >= 1 for link in links)
    assert len(links) == sum(_count_links(c) for c in report.contents()) + sum(
        _count_links(note.content) for note in notes)


@pytest.mark.parametrize("case", CASES)
def test_the_tree_holds_what_is_drawn_and_no_pagination(case: str, built: dict[str, Built],
                                                        theme: Theme) -> None:
    """What poppler reads off the cover and off the text frame of every other page
    (where running heads and page numbers are not; the contents' leaders are drawn
    dots, not text) is character for character what the structure tree holds.
    Characters, not words: the two readers part a note mark from its word, or a
    word broken over two lines, differently."""
    report, pdf, tree = built[case].report, built[case].pdf, built[case].tree
    with pikepdf.open(pdf) as document:
        pages = len(document.pages)
    margins, page = theme.page.margins_mm, theme.page
    point = 72 / 25.4
    frame = ["-x", "0", "-y", str(round(margins.top * point)),
             "-W", str(round(page.width_mm * point)),
             "-H", str(round((page.height_mm - margins.top - margins.bottom) * point))]

    def text(*options: str) -> str:
        return subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", *options, str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout

    def characters(text: str) -> Counter[str]:
        return Counter("".join(text.replace("\u00ad", "").split()))  # a soft hyphen is no text

    drawn = characters(text("-l", "1") + text("-f", "2", *frame))
    turned = [n for n, sheet in enumerate(PdfReader(pdf).pages, 1)
              if sheet.mediabox.width > sheet.mediabox.height]
    for n in map(str, turned):  # a landscape section's page: its text area is turned
        width, height = page.height_mm * point, page.width_mm * point
        drawn -= characters(text("-f", n, "-l", n, *frame))
        drawn += characters(text("-f", n, "-l", n, "-x", "0", "-y", frame[3],
                                 "-W", str(round(width)), "-H",
                                 str(round(height - (margins.top + margins.bottom) * point))))
    # The contents' page numbers are pagination too: one per section.
    reader = PdfReader(pdf)
    drawn -= characters(" ".join(str(reader.get_destination_page_number(mark) + 1)
                                 for mark in _flat(reader.outline)))
    # And so are the lists of tables and figures' numbers: one per entry, each the page
    # its link leads to.
    listed = {BlockList.entry_text(block) for block_list in Document.of(report).lists
              for block, _ in block_list.entries}
    page_of = {sheet.indirect_reference.idnum: n for n, sheet in enumerate(reader.pages, 1)}
    # (By entry: a reference "Table 2" in the text is described as its entry is.)
    numbers = {str(link["/Contents"]): str(page_of[link["/Dest"][0].idnum])
               for sheet in reader.pages
               for link in (a.get_object() for a in sheet.get("/Annots", []))
               if str(link.get("/Contents", "")) in listed and "/Dest" in link}
    drawn -= characters(" ".join(numbers.values()))
    tagged = characters(tree.text(notes=True))
    assert not tagged - drawn, "the tree holds text that is not drawn, or pagination"
    # A table's header row, repeated on each page it runs over, is in the tree once.
    repeated = characters(" ".join(_spoken(c) for _, s in report.walk() for b in s.blocks
                                   if isinstance(b, Table) for c in b.columns))
    assert set(drawn - tagged) <= set(repeated), drawn - tagged
    # The footer's words are the report's ("Page 2 of 9", "Página 2 de 9").
    footer = report.metadata.words["page_of"].format(page=2, pages=pages)
    assert footer in text("-f", "2", "-l", "2")
    assert footer not in tree.text(notes=True)


@pytest.mark.parametrize("case", CASES)
def test_content_streams_parent_tree_and_annotations_agree(case: str,
                                                           built: dict[str, Built]) -> None:
    with pikepdf.open(built[case].pdf) as pdf:
        # qpdf reads the file with its incremental update (the tree) and finds nothing.
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check  # renamed in pikepdf 10
        assert check() == []
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(root.Lang) == built[case].report.metadata.language
        tree_root = root.StructTreeRoot
        parents = dict(_number_tree(tree_root.ParentTree))
        assert int(tree_root.ParentTreeNextKey) == max(parents) + 1
        for page in pdf.pages:
            assert page.obj.Tabs == pikepdf.Name.S
            marks = _marked_content(page)
            elements = parents[int(page.obj.StructParents)]
            assert len(elements) == len(marks), "one parent-tree entry per MCID"
            for mcid in marks:
                element = elements[mcid]
                assert _holds(element, mcid, page.obj), f"MCID {mcid} is not its parent's kid"
            for annotation in page.obj.get("/Annots", []):
                assert str(annotation.Contents).strip(), "a link without a description"
                link = parents[int(annotation.StructParent)]
                assert pikepdf.Name.Link == link.S
                kids = link.K if isinstance(link.K, pikepdf.Array) else [link.K]
                assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                           and k.Obj.objgen == annotation.objgen for k in kids)
        for element in _elements(tree_root.K):
            if pikepdf.Name.Figure == element.S:
                assert str(element.Alt).strip()
                assert len(element.A.BBox) == 4


@pytest.mark.parametrize("case", CASES)
def test_each_link_has_its_own_annotations_over_its_own_words(case: str,
                                                              built: dict[str, Built]) -> None:
    """Each Link in the text (pikepdf's reading of the tree) holds the annotations (its
    OBJRs) whose areas lie over its words (poppler's text in each area), and no other:
    two links to one target on one line are two Links, each with its own annotation
    (tests/data/valid/links-to-one-target-on-one-line.yaml)."""
    pdf_path, tree = built[case].pdf, built[case].tree
    # poppler's reading of the tree, in the same order: each Link's words.
    words = [node.text() for node, parent in tree.walk()
             if node.role == "Link" and (parent is None or parent.role != "TOCI")]
    with pikepdf.open(pdf_path) as pdf:
        page_of = {page.obj.objgen: (n, float(page.mediabox[3]))
                   for n, page in enumerate(pdf.pages, 1)}
        links = [element for element, parent in _elements_with_parents(pdf.Root.StructTreeRoot.K)
                 if pikepdf.Name.Link == element.S and parent.get("/S") != pikepdf.Name.TOCI]
        assert len(links) == len(words)
        owners: Counter[tuple[int, int]] = Counter()
        for link, text in zip(links, words, strict=True):
            kids = link.K if isinstance(link.K, pikepdf.Array) else [link.K]
            annotations = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)
                           and kid.get("/Type") == "/OBJR"]
            assert annotations, f"the link {text!r} has no annotation"
            owners.update(a.Obj.objgen for a in annotations)
            # Read in order, the areas spell the link's words (a link broken over lines
            # or pages has an area on each), once, or once on each page a table's
            # header row holding it is drawn.
            spelled, whole = "", _unbroken(text)
            for annotation in annotations:
                spelled += _unbroken(_text_under(pdf_path, *page_of[annotation.Pg.objgen],
                                                 annotation.Obj.Rect))
                assert whole.startswith(spelled), (text, spelled)
                spelled = "" if spelled == whole else spelled
            assert not spelled, (text, spelled)
        assert all(count == 1 for count in owners.values()), "an annotation in two Links"


def _text_under(pdf: Path, page: int, height: float, rect: pikepdf.Array) -> str:
    """What poppler reads in an annotation's area: the characters whose middle is in it
    (the area rounded inwards, so that a neighbour's half is not)."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    left, top = math.ceil(x0), math.ceil(height - y1)
    crop = ["-x", str(left), "-y", str(top), "-W", str(math.floor(x1) - left),
            "-H", str(math.floor(height - y0) - top)]
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", "-f", str(page),
                           "-l", str(page), *crop, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _unbroken(text: str) -> str:
    """Words as one string, wherever lines broke them: no spaces, no hyphens."""
    return "".join(text.replace("\u00ad", "").replace("-", "").split())


@pytest.mark.parametrize("case", ["report", "guide", "apparatus"])
def test_xmp_metadata_agrees_with_the_document_information(case: str,
                                                           built: dict[str, Built]) -> None:
    meta = built[case].report.metadata
    with pikepdf.open(built[case].pdf) as pdf:
        xmp = pdf.open_metadata()
        assert xmp["dc:title"] == meta.title == str(pdf.docinfo.Title)
        assert xmp["dc:creator"] == list(meta.authors)
        assert str(pdf.docinfo.Author) == ", ".join(meta.authors)
        assert xmp.get("dc:rights") == meta.rights
        assert list(xmp["dc:language"]) == [meta.language]
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["pdf:Producer"] == str(pdf.docinfo.Producer)
        created = str(pdf.docinfo.CreationDate)  # D:YYYYMMDDHHmmSS+00'00'
        assert xmp["xmp:CreateDate"].replace("-", "").replace(":", "").replace("T", "")[:14] \
            == created[2:16]


def _flat(items: list[Any]) -> list[Any]:
    return [mark for item in items
            for mark in (_flat(item) if isinstance(item, list) else [item])]


def _number_tree(node: pikepdf.Dictionary):  # type: ignore[no-untyped-def]
    if "/Nums" in node:
        nums = node.Nums
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _marked_content(page: pikepdf.Page) -> list[int]:
    """The MCIDs of a page's content stream, checking that nothing is painted unmarked."""
    depth, mcids = 0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            depth += 1
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                    and "/MCID" in operands[1]:
                assert depth == 1, "marked content with an MCID nested in other marked content"
                mcids.append(int(operands[1].MCID))
        elif op == "EMC":
            depth -= 1
            assert depth >= 0
        elif op in PAINTING:
            assert depth > 0, f"{op} paints outside marked content (neither tagged nor artifact)"
    assert depth == 0
    assert mcids == list(range(len(mcids))), "MCIDs number a page's content in order from 0"
    return mcids


def _holds(element: pikepdf.Dictionary, mcid: int, page: pikepdf.Dictionary) -> bool:
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    for kid in kids:
        if isinstance(kid, int) and kid == mcid and element.Pg.objgen == page.objgen:
            return True
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" \
                and int(kid.MCID) == mcid and kid.Pg.objgen == page.objgen:
            return True
    return False


def _elements(kid: object):  # type: ignore[no-untyped-def]
    if isinstance(kid, pikepdf.Array):
        for item in kid:
            yield from _elements(item)
    elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        yield kid
        yield from _elements(kid.get("/K"))


def _elements_with_parents(kid: object, parent: pikepdf.Dictionary | None = None):  # type: ignore[no-untyped-def]
    """The structure elements under `kid` in reading order, each with its parent."""
    if isinstance(kid, pikepdf.Array):
        for item in kid:
            yield from _elements_with_parents(item, parent)
    elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        yield kid, parent if parent is not None else pikepdf.Dictionary()
        yield from _elements_with_parents(kid.get("/K"), kid)
