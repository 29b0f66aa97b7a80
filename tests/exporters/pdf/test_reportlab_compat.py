"""Each hook of exporters/pdf/reportlab_compat.py, against the reportlab installed.

The PDF exporter reaches past reportlab's public API only through that module.
Each test here checks one hook does what the exporter relies on, and fails
naming the reportlab attribute or behaviour when a release changes it.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import LinkAnnotation
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError
from reportlab.platypus.paragraph import cleanBlockQuotedText

import reportexport
from conftest import DATA, ROOT
from reportexport.exporters.pdf import reportlab_compat as compat
from reportexport.exporters.pdf.fonts import register_family
from reportexport.exporters.pdf.footnotes import NotesFrame
from reportexport.theme import Theme, load_theme


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme()


@pytest.fixture(scope="module")
def body_font(theme: Theme) -> str:
    return register_family("compat", theme.body_font).regular


@pytest.fixture(scope="module")
def khmer_font(theme: Theme) -> str:
    return register_family("compat", theme.body_font.fallbacks[0], shaped=True).regular


def test_check_reportlab_finds_everything_and_names_what_is_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compat.check_reportlab()
    monkeypatch.delattr(Frame, "_reset")
    with pytest.raises(RuntimeError, match=r"Frame\._reset"):
        compat.check_reportlab()


# --- fonts -----------------------------------------------------------------------------


def test_unshaped_font_is_left_unshaped_by_reportlab(body_font: str, khmer_font: str) -> None:
    from reportlab.pdfbase.ttfonts import shapeStr

    with pytest.raises(AttributeError):
        pdfmetrics.getFont(body_font).hbFont(10)
    # shapeFragWord treats the AttributeError as "no HarfBuzz font": the word stays plain.
    assert compat.shape_data(shapeStr("office", body_font, 10)) is None, (
        "ttfonts.shapeFragWord shaped a word whose font's hbFont raises AttributeError")
    assert compat.shape_data(shapeStr("ជាតិ", khmer_font, 10)) is not None


def test_blank_glyph_is_drawn_for_ignorables(theme: Theme) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("compat-ignorables", str(theme.body_font.regular))
    face = font.face
    assert 0x200D not in face.charToGlyph, "the probe font (Caladea) has gained a joiner"
    compat.give_blank_glyph(font, [0x200D])
    blank = face.charToGlyph[0x20]
    assert face.charToGlyph[0x200D] == blank, "TTFontFace.charToGlyph is no longer the map used"
    assert face.glyphPos[blank + 1] == face.glyphPos[blank], "TTFontFace.glyphPos changed"
    assert font.stringWidth("a\u200db", 10) == font.stringWidth("ab", 10), (
        "TTFontFace.charWidths no longer gives a character's width")


def test_font_file_name_bytes_and_coverage(theme: Theme, body_font: str) -> None:
    path = theme.body_font.regular
    assert compat.font_file_name(body_font) == str(path), "TTFontFace.filename changed"
    assert compat.font_file_bytes(body_font) == path.read_bytes(), (
        "TTFontFace._ttf_data no longer holds the font file")
    assert compat.font_has_character(body_font, ord("a")), "TTFontFace.charToGlyph changed"
    assert not compat.font_has_character(body_font, 0x1780)  # no Khmer in Caladea


# --- shaped text ------------------------------------------------------------------------


def test_shaped_run_gives_glyph_clusters_and_advance(khmer_font: str) -> None:
    shaped, advance = compat.shaped_run("ជាតិ", khmer_font, 10)
    data = compat.shape_data(shaped)
    assert data, "ttfonts.shapeStr no longer attaches __shapeData__ to a shaped string"
    assert all(hasattr(glyph, "cluster") and hasattr(glyph, "x_advance") for glyph in data)
    assert advance is not None and 0 < advance < pdfmetrics.stringWidth("ជាតិ", khmer_font, 10) * 2


def test_current_font_reads_the_canvas_font(body_font: str) -> None:
    canvas = Canvas(io.BytesIO())
    canvas.setFont(body_font, 13)
    assert compat.current_font(canvas) == (body_font, 13), (
        "Canvas._fontname/_fontsize no longer hold the current font")


def test_reportlab_still_forgets_a_rise_and_the_hooked_text_object_keeps_it() -> None:
    canvas = Canvas(io.BytesIO())
    for kind, kept in ((PDFTextObject, -1.0), (compat.HookedTextObject, -2.0)):
        text = kind(canvas)
        text.setRise(-1.0)
        text.setRise(-2.0)  # reportlab folds the two and forgets the second
        assert text._rise == kept, (
            f"{kind.__name__}.setRise: reportlab's rise handling changed (the fix may go)")


def test_hooked_text_object_passes_each_string_through_formatted() -> None:
    class Wrapping(compat.HookedTextObject):
        def formatted(self, text: str, code: str) -> str:
            return f"[{code}]"

    canvas = Canvas(io.BytesIO())
    canvas.setFont("Helvetica", 10)
    text = Wrapping(canvas)
    text.add_operators("% here")
    text.textLine("word")
    code = text.getCode()
    assert "% here" in code, "PDFTextObject._code is no longer the operator list"
    assert "[" in code and "(word) Tj" in code.split("[", 1)[1], (
        "PDFTextObject._formatText is no longer how a string's operators are made")
    assert text.owner is canvas and text.font_name == "Helvetica"


# --- the canvas and the document it writes ----------------------------------------------


class _Recording(compat.AnnotationHookCanvas):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[tuple[str, Any]] = []

    def annotating(self, annotation: Any) -> None:
        self.seen.append(("before", annotation))
        compat.set_annotation_entries(annotation, 7, "to the start")

    def annotated(self, reference: Any) -> None:
        self.seen.append(("after", reference))


def test_annotation_hooks_and_entries(tmp_path: Path) -> None:
    path = tmp_path / "links.pdf"
    canvas = _Recording(str(path))
    assert canvas.file_name == str(path), "Canvas._filename changed"
    assert not canvas.page_has_content()
    canvas.bookmarkPage("start")
    canvas.drawString(10, 10, "x")
    assert canvas.page_has_content(), "Canvas._code no longer holds the page's operators"
    canvas.linkRect("", "start", (0, 0, 10, 10))
    assert [kind for kind, _ in canvas.seen] == ["before", "after"], (
        "Canvas._addAnnotation is no longer where a page's annotations pass")
    assert isinstance(canvas.seen[0][1], LinkAnnotation)
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path) as pdf:
        [annotation] = pdf.pages[0].Annots
        assert annotation.StructParent == 7, "LinkAnnotation.permitted/otherkw changed"
        assert str(annotation.Contents) == "to the start"
        expected = compat.pdf_object_reference(canvas.document, canvas.seen[1][1])
        assert expected == b"%d 0 R" % annotation.objgen[0], (
            "Canvas._annotationrefs no longer ends with the page's last annotation")


def test_page_entries_compression_and_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "pages.pdf"
    canvas = compat.AnnotationHookCanvas(str(path), invariant=1)
    for number in range(2):
        canvas.drawString(10, 10, f"page {number}")
        canvas.showPage()
        compat.compress_last_page(canvas.document)
    compat.set_page_entries(canvas.document, lambda index: {
        "StructParents": 5 + index, "Tabs": compat.page_name("S")})
    canvas.save()
    written = compat.WrittenDocument.of(canvas.document)
    assert compat.producer_of(canvas.document).startswith("ReportLab")
    assert compat.pdf_string(canvas.document, "a(b") == b"(a\\(b)"
    with open(path, "rb") as pdf:
        trailer = compat.written_trailer(pdf)
    with pikepdf.open(path) as pdf:
        assert [int(page.obj.StructParents) for page in pdf.pages] == [5, 6], (
            "PDFPage.__NoDefault__ no longer lets a page write added entries")
        assert [page.obj.Tabs for page in pdf.pages] == [pikepdf.Name.S] * 2
        assert [b"page %d" % n in page.obj.Contents.read_bytes()
                for n, page in enumerate(pdf.pages)] == [True, True], (
            "PDFPage.stream/Contents: a page's compressed operators are not what it shows")
        assert written.page_references == [b"%d 0 R" % page.obj.objgen[0]
                                           for page in pdf.pages]
        assert written.catalog_number == pdf.Root.objgen[0]
        assert written.info_number == pdf.trailer.Info.objgen[0]
        assert b"/Type /Catalog" in written.catalog
        assert trailer.size == int(pdf.trailer.Size), "reportlab's trailer changed"
        assert bytes(pdf.trailer.ID[0]).hex().encode() in trailer.id.lower()


# --- platypus: frames, groups, tables, paragraphs -----------------------------------------


class _Box(Flowable):
    def __init__(self, height: float, space_before: float = 0.0) -> None:
        super().__init__()
        self.height, self.space_before = height, space_before
        self.frames: list[Any] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return aW, self.height

    def getSpaceBefore(self) -> float:
        return self.space_before

    def draw(self) -> None:
        self.frames.append(compat.space_above_in_frame(self))


def test_footed_frame_foot_room_and_space_before() -> None:
    class Counting(compat.FootedFrame):
        begun = 0

        def page_begun(self) -> None:
            self.begun += 1

    frame = Counting(0, 0, 200, 300, leftPadding=5, bottomPadding=7, topPadding=0,
                     rightPadding=0)
    assert frame.begun == 1, "Frame._reset is no longer called when a frame starts"
    assert frame.base() == 7 and frame.foot() == 7 and frame.room() == (195, 293)
    assert frame.content_left() == 5 and frame.at_top() and frame.cursor() == 300
    canvas = Canvas(io.BytesIO())
    assert frame.add(_Box(100), canvas)
    assert not frame.at_top() and frame.cursor() == 200
    frame.set_foot(150)
    assert not frame.add(_Box(60), canvas), "Frame._y1p is no longer the foot Frame.add checks"
    assert frame.space_before(_Box(10, space_before=12)) == 12
    assert frame.available_width() == 195
    frame._reset()
    assert frame.begun == 2


def test_space_above_in_frame_is_what_the_frame_left() -> None:
    frame = Frame(0, 0, 200, 300, 0, 0, 0, 0)
    canvas = Canvas(io.BytesIO())
    first, second = _Box(10), _Box(10, space_before=9)
    frame.add(first, canvas)
    frame.add(second, canvas)
    assert first.frames == [0.0] and second.frames == [9], (
        "Frame.add no longer sets _frame, _atTop, _oASpace, _prevASpace as relied on")


def _build(story: list[Flowable], tmp_path: Path, **kwargs: Any) -> BaseDocTemplate:
    doc = BaseDocTemplate(str(tmp_path / "story.pdf"), pagesize=(200, 200), **kwargs)
    doc.addPageTemplates([PageTemplate("page", frames=[Frame(0, 0, 200, 200, 0, 0, 0, 0)])])
    doc.build(story)
    return doc


def test_a_postponed_flowable_is_marked_and_a_copy_can_forget_it(tmp_path: Path) -> None:
    moved = _Box(150)
    _build([_Box(100), moved], tmp_path)
    assert getattr(moved, "_postponed", None) == 1, (
        "the doc template no longer marks a flowable it moved to the next page _postponed")
    twin = copy.copy(moved)
    compat.forget_postponed(twin)
    assert not hasattr(twin, "_postponed")


def test_a_page_counted_as_filled_is_not_taken_for_empty(tmp_path: Path) -> None:
    class Pages(ActionFlowable):
        def __init__(self, count: bool) -> None:
            super().__init__()
            self.count = count

        def apply(self, doc: Any) -> None:
            for _ in range(12):
                if self.count:
                    compat.count_page_as_filled(doc)
                doc.handle_pageBreak()
                doc.clean_hanging()

    with pytest.raises(LayoutError, match="without content"):
        _build([_Box(10), Pages(False)], tmp_path)
    _build([_Box(10), Pages(True)], tmp_path)  # _curPageFlowableCount counted them


def test_row_heights_of_a_wrapped_table() -> None:
    table = Table([["a"], ["b"], ["c"]], rowHeights=[10, 20, 30])
    _, height = table.wrap(100, 1000)
    assert compat.row_heights(table) == [10, 20, 30] and height == 60, (
        "Table._rowHeights no longer holds the wrapped row heights")


def test_lenient_group_asks_less_room_and_is_the_doc_templates_group(tmp_path: Path) -> None:
    class Lenient(compat.LenientKeepTogether):
        def slack(self) -> float:
            return 50.0

    canvas = Canvas(io.BytesIO())
    parts = {}
    for kind in (KeepTogether, Lenient):
        group = kind([Spacer(10, 100), Spacer(10, 100)])
        group.canv = canvas
        parts[kind] = group.split(100, 160)
    assert "FrameBreak" in type(parts[KeepTogether][0]).__name__
    assert type(parts[Lenient][0]).__name__ == "Spacer", (
        "KeepTogether.split no longer compares the room with _H")
    assert Lenient([Spacer(1, 1)]).kept()[0].height == 1, "KeepTogether._content changed"
    seen: list[float] = []

    class Measured(compat.LenientKeepTogether):
        def slack(self) -> float:
            seen.append(self.whole_height())
            return 0.0

    measured = Measured([Spacer(10, 100), Spacer(10, 30)])
    measured.canv = canvas
    measured.wrap(100, 160)
    assert seen == [130], "KeepTogether.wrap no longer keeps the content's height in _H"

    made: list[Any] = []

    class Recorded(KeepTogether):
        def __init__(self, flowables: Any, maxHeight: Any = None) -> None:
            made.append(flowables)
            super().__init__(flowables, maxHeight)

    doc = BaseDocTemplate(str(tmp_path / "kept.pdf"), pagesize=(200, 200))
    compat.use_keep_together_class(doc, Recorded)
    doc.addPageTemplates([PageTemplate("page", frames=[Frame(0, 0, 200, 200)])])
    heading = Paragraph("Heading", ParagraphStyle("h", keepWithNext=1))
    doc.build([heading, Paragraph("Text", ParagraphStyle("p"))])
    assert made and made[0][0] is heading, (
        "BaseDocTemplate.keepTogetherClass no longer groups flowables kept with the next")


def test_a_group_inside_a_lenient_group_counts_at_its_contents_height() -> None:
    canvas = Canvas(io.BytesIO())
    inner = KeepTogether([Spacer(10, 40)])
    inner.canv = canvas
    assert inner.wrap(100, 1000)[1] == compat.GROUP_WRAP_HEIGHT, (
        "KeepTogether.wrap no longer answers with its split-me height")
    assert compat.group_content_height(inner) == 40, "KeepTogether._H changed"
    seen: list[float] = []

    class Measured(compat.LenientKeepTogether):
        def slack(self) -> float:
            seen.append(self.whole_height())
            return 0.0

    outer = Measured([Spacer(10, 30), KeepTogether([Spacer(10, 40)])])
    outer.canv = canvas
    outer.wrap(100, 1000)
    assert seen == [70]
    assert type(outer.split(100, 100)[0]).__name__ == "Spacer", "kept where it fits"


def test_contained_flowables_of_tables_and_groups() -> None:
    cell = Paragraph("x", ParagraphStyle("p"))
    assert list(compat.contained_flowables(Table([[[cell]]]))) == [[cell]], (
        "Table._cellvalues no longer holds the cells")
    assert list(compat.contained_flowables(KeepTogether([cell]))) == [[cell]], (
        "KeepTogether._content no longer holds the group")


def test_paragraph_fragments_and_laid_out_lines(body_font: str) -> None:
    style = ParagraphStyle("p", fontName=body_font, fontSize=10, leading=12)
    paragraph = Paragraph("one <b>two</b> three " * 8, style)
    fragments = compat.paragraph_fragments(paragraph)
    assert "".join(f.text for f in fragments).strip() == ("one two three " * 8).strip() and all(
        f.fontName for f in fragments), "Paragraph.frags no longer holds the parsed runs"
    paragraph.wrap(100, 1000)
    lines = compat.laid_out_lines(paragraph)
    assert len(lines) > 1 and all(hasattr(line, "words") for line in lines), (
        "Paragraph.blPara.lines: a styled paragraph's lines no longer hold words")
    plain = Paragraph("one two three " * 8, style)
    plain.wrap(100, 1000)
    lines = compat.laid_out_lines(plain)
    assert all(isinstance(line, tuple) and isinstance(line[1], list) for line in lines), (
        "Paragraph.blPara.lines: a plain paragraph's lines are no longer (space, words)")
    lines[0] = (lines[0][0], ["changed"])
    canvas = Canvas(io.BytesIO(), pageCompression=0)
    plain.drawOn(canvas, 0, 0)
    canvas.showPage()
    assert b"(changed)" in canvas.getpdfdata(), "a replaced line is no longer what is drawn"
    _head, tail = Paragraph("one <b>two</b> three " * 8, style).split(100, 30)
    for fragment in compat.paragraph_fragments(tail):
        assert ((isinstance(fragment, list) and isinstance(fragment[0], float | int)
                and all(isinstance(piece[1], str) for piece in fragment[1:]))
                or hasattr(fragment, "text") or hasattr(fragment, "words")), fragment


def test_widest_advance_bounds_every_string_width(body_font: str) -> None:
    widest = compat.widest_advance(body_font)
    face = pdfmetrics.getFont(body_font).face
    assert widest >= face.defaultWidth and widest == max(
        max(face.charWidths.values()), face.defaultWidth), (
        "TTFontFace.charWidths/defaultWidth no longer hold the advances")
    for text in ("WWWW", "mmmm", "\u2014\u2014", "\U0001f600"):  # a missing glyph too
        assert pdfmetrics.stringWidth(text, body_font, 10) <= len(text) * widest * 10 / 1000, (
            "stringWidth gives a character more than charWidths or defaultWidth says")


def _plain_and_unshaped(theme: Theme) -> tuple[TTFont, compat.UnshapedTTFont]:
    path = str(theme.body_font.regular)
    return TTFont("compat-plain", path), compat.UnshapedTTFont("compat-unshaped", path)


def test_unshaped_font_keeps_reportlabs_widths(theme: Theme,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    plain, unshaped = _plain_and_unshaped(theme)
    texts = ["office", "Résumé", "\U0001f600", "office", "a\u00a0b", "", "office"]
    for text in texts:
        for size in (10, 10.5):
            assert unshaped.stringWidth(text, size) == plain.stringWidth(text, size)
    measured = []
    monkeypatch.setattr(TTFont, "stringWidth",
                        lambda font, text, size, encoding="utf8": measured.append(text) or 0.0)
    unshaped.stringWidth("office", 10)
    assert measured == [], "a word measured before was measured again"
    unshaped.stringWidth("offices", 10)
    assert measured == ["offices"]
    unshaped.stringWidth("office", 11)
    assert measured == ["offices", "office"], "a width was kept for another size"


def test_unshaped_font_keeps_at_most_so_many_widths(theme: Theme,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _, unshaped = _plain_and_unshaped(theme)
    monkeypatch.setattr(compat, "_MOST_WIDTHS_KEPT", 3)
    measured = []
    monkeypatch.setattr(TTFont, "stringWidth",
                        lambda font, text, size, encoding="utf8": measured.append(text) or 0.0)
    for text, size in (("a", 10), ("b", 10), ("c", 11), ("d", 10), ("a", 10), ("d", 10)):
        unshaped.stringWidth(text, size)
    # The fourth width made room by forgetting the three before it.
    assert measured == ["a", "b", "c", "d", "a"]


def test_unshaped_font_splits_strings_as_reportlab_does(
        theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    plain, unshaped = _plain_and_unshaped(theme)
    document = Canvas(io.BytesIO())._doc
    face = plain.face
    # Enough characters for a second subset, a no-break space, one the font lacks.
    many = "".join(chr(code) for code in sorted(face.charToGlyph) if code > 32)[:400]
    texts = ["office", "office hours", "a\u00a0b", "\U0001f600 x", many[:200], "office",
             many, many[300:], many[:100] + many[300:], "\u00a0", "office",
             "tab\tand\x7f", "~{|}` \"quoted\" & 'so'!"]
    for text in texts:
        assert unshaped.splitString(text, document) == plain.splitString(text, document), text
    asked = []
    original = TTFont.splitString
    monkeypatch.setattr(TTFont, "splitString",
                        lambda font, text, doc, encoding="utf-8":
                        asked.append(text) or original(font, text, doc, encoding))
    unshaped.splitString("office\u00a0hours", document)
    assert asked == [], "a string of known first-subset characters went to reportlab"
    unshaped.splitString(many[300:], document)
    assert asked == [many[300:]], "a string in a later subset did not go to reportlab"


def test_unshaped_font_without_every_ascii_character_splits_as_reportlab_does(
        theme: Theme) -> None:
    """reportlab gives printable ASCII its own codes only for the characters the font
    has: a string of a font without one is not taken for its own codes."""
    plain, unshaped = _plain_and_unshaped(theme)
    for font in (plain, unshaped):
        del font.face.charToGlyph[ord("q")]
    document = Canvas(io.BytesIO())._doc
    for text in ("office", "quiet", "office", "quite"):
        assert unshaped.splitString(text, document) == plain.splitString(text, document), text


def test_the_streamed_save_writes_what_reportlab_writes(tmp_path: Path, body_font: str) -> None:
    files = []
    for kind in (Canvas, compat.AnnotationHookCanvas):
        path = tmp_path / f"{kind.__name__}.pdf"
        canvas = kind(str(path), invariant=1, pageCompression=1)
        for number in range(3):
            canvas.setFont(body_font, 11)
            canvas.drawString(20, 20, f"Page {number} ąčę")
            canvas.bookmarkPage(f"p{number}")
            canvas.addOutlineEntry(f"Page {number}", f"p{number}")
            canvas.linkRect("", "p0", (0, 0, 10, 10))
            canvas.showPage()
        canvas.save()
        files.append(path.read_bytes())
    assert files[0] == files[1], (
        "PDFDocument.GetPDFData/format changed: the streamed save no longer writes its bytes")


@pytest.mark.parametrize("source", [ROOT / "examples" / "guide" / "guide.yaml",
                                    *(DATA / "valid" / f"{name}.yaml"
                                      for name in ("figures", "svg-figure", "khmer"))],
                         ids=lambda path: path.stem)
def test_the_object_formatter_writes_what_reportlab_writes(
        source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every object of a whole report's PDF (pages, forms, streams, links, outline,
    destinations, resources), formatted by reportlab itself and by the object formatter."""
    report, theme = reportexport.load(source)
    [fast] = reportexport.build(report, theme, ["pdf"], tmp_path / "fast")
    monkeypatch.setattr(compat, "_ObjectFormatter", None)  # any use of it now fails
    monkeypatch.setattr(compat, "_indirect_object_formatter", lambda document: (
        lambda oid, content: compat.PDFIndirectObject(oid, content).format(document)))
    [slow] = reportexport.build(report, theme, ["pdf"], tmp_path / "reportlab")
    assert fast.read_bytes() == slow.read_bytes(), (
        "reportlab's object formatting changed: reportlab_compat._ObjectFormatter no longer "
        "writes its bytes")


def test_the_object_formatter_leaves_other_objects_to_reportlab(tmp_path: Path) -> None:
    canvas = compat.AnnotationHookCanvas(str(tmp_path / "x.pdf"), invariant=1)
    document = canvas.document
    formatter = compat._ObjectFormatter(document)
    assert formatter(True) == b"True"  # not a number: reportlab writes str()
    assert formatter(None) == b"None"  # as reportlab writes what it does not know
    assert formatter(compat.PDFString("ą")) == compat.PDFString("ą").format(document)
    entries = compat.PDFDictionary({"B": 2, "A": compat.PDFArray(list(range(12)))})
    assert formatter(entries) == entries.format(document)


def test_a_written_document_forgets_its_objects(tmp_path: Path, body_font: str) -> None:
    path = tmp_path / "x.pdf"
    canvas = compat.AnnotationHookCanvas(str(path), invariant=1)
    canvas.setFont(body_font, 11)
    canvas.drawString(20, 20, "Page")
    canvas.bookmarkPage("p0")
    canvas.addOutlineEntry("Page", "p0")
    canvas.linkRect("", "p0", (0, 0, 10, 10))
    canvas.save()
    document = canvas.document
    assert document.idToObject and canvas._destinations  # what there was to forget
    canvas.forget_written()
    assert not (document.idToObject or document.numberToId or document.idToOffset
                or document.idToObjectNumberAndVersion or canvas._destinations
                or document.Pages.pages or document.Outlines)
    with pikepdf.open(path) as pdf:  # written whole before
        assert len(pdf.pages) == 1 and pdf.open_outline().root[0].title == "Page"


def test_a_split_tables_rows_and_given_heights(body_font: str) -> None:
    style = ParagraphStyle("p", fontName=body_font, fontSize=10, leading=12)
    long = Paragraph("word " * 200, style)
    table = Table([["head"], [[long]], ["short"]], colWidths=[100], repeatRows=1,
                  splitInRow=24)
    table.wrap(100, 10000)
    whole = compat.row_heights(table)[1]
    kept, rest = table.split(100, 200)  # the long row splits between its lines
    rows, heights = compat.table_rows(rest), compat.given_row_heights(rest)
    assert rows[0] == ["head"] and len(rows) == 3 == len(heights), (
        "Table._cellvalues of a split part no longer holds the repeated header and the rest")
    assert isinstance(rows[1][0], list | tuple) and rows[1][0], (
        "a row split between its lines no longer leaves its remaining cells to the next part")
    assert heights[1] is not None and 0 < heights[1] < whole, (
        "Table._argH of a split part no longer holds the rows' heights")
    assert len(compat.table_rows(kept)) == 2


def test_a_consumed_story_is_made_as_layout_takes_it(tmp_path: Path) -> None:
    made: list[int] = []
    made_when_drawn: list[int] = []
    drawn: list[int] = []

    class Counted(Flowable):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number
            self.keepWithNext = number % 10 == 0  # a heading kept with what follows

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return available_width, 30.0

        def draw(self) -> None:
            made_when_drawn.append(len(made))
            drawn.append(self.number)

    def story() -> Any:
        for number in range(600):
            made.append(number)
            yield Counted(number)

    doc = BaseDocTemplate(str(tmp_path / "story.pdf"), invariant=1)
    doc.addPageTemplates([PageTemplate("body", frames=[Frame(50, 50, 400, 600)])])
    doc.build(compat.ConsumedStory(story(), ahead=16))
    assert drawn == list(range(600)), "the story was not drawn whole and in order"
    assert made_when_drawn[0] <= 32, (
        "BaseDocTemplate.build no longer consumes its list from the front: the whole "
        "story was made before the first flowable was drawn")


def test_plain_text_fragments_are_what_reportlabs_parser_makes(body_font: str) -> None:
    styles = [ParagraphStyle("a", fontName=body_font, fontSize=10, leading=12),
              ParagraphStyle("b", fontName="Helvetica-Bold", fontSize=8.5, leading=10,
                             textColor=colors.HexColor("#336699")),
              ParagraphStyle("c", fontName="Times-Italic", fontSize=14, leading=17)]
    texts = ["one", "  a heading\n  over two lines ", "Résumé \u00a0 no-break",
             "x > y, 'quoted' \"text\"", "\u1780\u17d2\u1798\u17c2\u179a",
             "\u200bzero-width at the ends\u200b", "em\u2003space", "two  spaces", "ends "]
    for style in styles:
        for text in texts:
            plain = compat.plain_text_fragments(text, style)
            assert plain is not None, text
            parsed = Paragraph(text, style)
            made = Paragraph(plain[0], style, frags=plain[1])
            assert made.text == parsed.text, "cleanBlockQuotedText no longer cleans as parsing"
            assert [vars(f) for f in made.frags] == [vars(f) for f in parsed.frags], (
                "reportlab's parser makes another fragment of plain text")
            assert made.frags[0] is not parsed.frags[0]
            assert made.frags[0].link is not compat.plain_text_fragments(text, style)[1][0].link
            made.wrap(80, 1000)
            parsed.wrap(80, 1000)
            assert compat.laid_out_lines(made) == compat.laid_out_lines(parsed)


def test_a_text_taken_for_clean_is_what_reportlab_cleans_it_to() -> None:
    """A text `plain_text_fragments` does not clean is one reportlab's cleaning leaves as
    it is, whatever space, control or format character it holds, and wherever."""
    odd = [chr(c) for c in range(0x3100) if chr(c).isspace() or not chr(c).isprintable()]
    for character in [*odd, "\u3000", "\ufeff", "\U000e0020"]:
        for text in (f"a{character}b", f"a {character} b", f"{character}a", f"a{character}",
                     f"a{character}{character}b", "a  b", " a", "a "):
            if compat._is_clean(text):
                assert cleanBlockQuotedText(text) == text, repr(text)


def test_plain_text_fragments_leave_markup_to_the_parser(body_font: str) -> None:
    style = ParagraphStyle("a", fontName=body_font, fontSize=10, leading=12)
    for text in ("<b>bold</b>", "a &amp; b", "a &lt; b", "", "   \n  "):
        assert compat.plain_text_fragments(text, style) is None, text
    upper = ParagraphStyle("u", parent=style, textTransform="uppercase")
    assert compat.plain_text_fragments("words", upper) is None


def test_a_notes_frames_measuring_copy_is_copy_copys_with_its_own_lists() -> None:
    frame = NotesFrame(10, 20, 300, 500, notes={}, mark_font="Helvetica", rule_colour=None)
    frame._placed.add(3)
    frame._waiting.append("a note")
    measured = copy.deepcopy(frame)
    generic = copy.copy(frame)
    assert type(measured) is NotesFrame
    assert measured.__dict__ == generic.__dict__, "a Frame's state is no longer its __dict__"
    for name in ("_placed", "_drawn", "_waiting", "_carried"):
        assert getattr(measured, name) is not getattr(frame, name), name
    measured._waiting.append("another")
    measured.x1 = 50  # Frame.__setattr__ lays the copy's geometry out anew, not the frame's
    assert frame._waiting == ["a note"] and frame._x1 == 10 and measured._x1 == 50


def test_drawimage_names_a_content_named_file_by_its_key(tmp_path: Path) -> None:
    """Canvas.drawImage names an image given by file name after `'%s%s' % (name, mask)`:
    a ContentNamedFile's key, while the file is opened by its path. Two paths with one
    key are one image; the name does not hold the path."""
    from reportlab.pdfgen.canvas import _digester

    picture = DATA / "valid" / "images" / "gradient.jpg"
    copies = [tmp_path / "a.jpg", tmp_path / "b" / "c.jpg"]
    for path in copies:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(picture.read_bytes())
    canvas = Canvas(io.BytesIO())
    for path in copies:
        canvas.drawImage(compat.ContentNamedFile(str(path), "the-key"), 0, 0, 10, 10)
    names = [name for name in canvas._doc.idToObject if name.startswith("FormXob")]
    assert len(names) == 1, names
    assert names == [f"FormXob.{_digester(b'the-keyNone')}"]
