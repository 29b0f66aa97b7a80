"""Laying out the PDF brief: cover, contents, lead, body, bookmarks and metadata, in one pass."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from reportexport import __version__
from reportexport.dates import human_date
from reportexport.exporters.pdf.figures import figure_flowables
from reportexport.exporters.pdf.flowables import (
    Ink,
    RuledParagraph,
    TocEntry,
    heading,
    markup,
    plain,
)
from reportexport.exporters.pdf.fonts import (
    FontNames,
    check_coverage,
    register_alias,
    register_family,
)
from reportexport.exporters.pdf.footnotes import CarriedNotes, NotesFrame
from reportexport.exporters.pdf.tables import table_flowables
from reportexport.model import (
    Block,
    BulletList,
    Figure,
    NumberedList,
    Quote,
    Report,
    Table,
)
from reportexport.model import Paragraph as ParagraphBlock
from reportexport.theme import Theme
from reportexport.timestamps import build_time

NUMBER_WIDTH = 28.0
#: How often a long layout says how far it has got.
PROGRESS_SECONDS = 1.0


class _Styles:
    def __init__(self, theme: Theme, body: FontNames, head: FontNames, mark_font: str) -> None:
        s, c, sp = theme.sizes, theme.colours, theme.spacing
        text, accent, muted = HexColor(c.text), HexColor(c.accent), HexColor(c.muted)
        self.accent, self.rule = accent, HexColor(c.rule)
        # Links in the theme's accent, as in the other editions.
        self.ink = Ink(c.accent, mark_font)
        base = dict(
            fontName=body.regular, fontSize=s.body, leading=s.body * theme.line_height,
            textColor=text, alignment=TA_LEFT, allowWidows=0, allowOrphans=0,
        )
        self.body = ParagraphStyle("body", spaceAfter=sp.paragraph_after, **base)
        self.item = ParagraphStyle("item", spaceAfter=sp.paragraph_after / 2, **base)
        self.lead = ParagraphStyle(
            "lead", parent=self.body, fontSize=s.lead, leading=s.lead * theme.line_height,
            textColor=HexColor(c.quote), spaceAfter=sp.paragraph_after,
        )
        self.quote = ParagraphStyle(
            "quote", parent=self.body, fontName=body.italic, textColor=HexColor(c.quote),
            leftIndent=sp.quote_indent, rightIndent=sp.quote_indent / 2,
            spaceBefore=sp.paragraph_after / 2,
        )
        self.attribution = ParagraphStyle(
            "attribution", parent=self.quote, fontName=body.regular, fontSize=s.small,
            leading=s.small * theme.line_height, textColor=muted,
        )
        self.headings = [
            ParagraphStyle(
                f"h{level}", fontName=head.bold, fontSize=theme.sizes.heading(level),
                leading=theme.sizes.heading(level) * 1.2, textColor=accent if level < 3 else text,
                spaceBefore=sp.before_heading(level), spaceAfter=sp.heading_after,
                keepWithNext=1, allowWidows=0, allowOrphans=0,
            )
            for level in range(1, 7)
        ]
        self.contents_title = ParagraphStyle(
            "contents", parent=self.headings[0], spaceBefore=0, spaceAfter=sp.heading_after * 3,
        )
        self.toc = [
            ParagraphStyle(
                f"toc{level}", fontName=head.bold if level == 1 else head.regular,
                fontSize=s.body if level == 1 else s.body - 0.5,
                leading=s.body * 1.3, textColor=text,
                spaceBefore=sp.paragraph_after if level == 1 else 1,
            )
            for level in range(1, 7)
        ]
        self.header = (head.regular, s.small, muted)
        self.cover_title = ParagraphStyle(
            "cover-title", fontName=head.bold, fontSize=s.title, leading=s.title * 1.15,
            textColor=HexColor(c.cover_text),
        )
        self.cover_subtitle = ParagraphStyle(
            "cover-subtitle", fontName=head.regular, fontSize=s.subtitle,
            leading=s.subtitle * 1.3, textColor=HexColor(c.cover_text),
        )
        self.cover_label = ParagraphStyle(
            "cover-label", fontName=head.bold, fontSize=s.small, leading=s.small * 1.4,
            textColor=muted,
        )
        self.cover_value = ParagraphStyle(
            "cover-value", fontName=body.regular, fontSize=s.body, leading=s.body * 1.3,
            textColor=text,
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.body, fontSize=s.small + 0.5,
            leading=(s.small + 0.5) * theme.line_height,
        )
        self.cell_header_font = head.bold
        self.caption = ParagraphStyle(
            "caption", parent=self.body, fontName=body.regular, fontSize=s.small + 0.5,
            leading=(s.small + 0.5) * 1.3, spaceBefore=sp.paragraph_after / 2, spaceAfter=4,
            keepWithNext=1,
        )
        self.cover_background = HexColor(c.cover_background)
        self.cover_text = HexColor(c.cover_text)


class _Cover(Flowable):
    """The cover page, drawn in page coordinates over the whole sheet."""

    def __init__(self, report: Report, theme: Theme, styles: _Styles) -> None:
        super().__init__()
        self.report, self.theme, self.styles = report, theme, styles

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, avail_height

    def draw(self) -> None:
        canvas, theme, st, meta = self.canv, self.theme, self.styles, self.report.metadata
        width, height = theme.page.width_mm * mm, theme.page.height_mm * mm
        margin = theme.page.margins_mm.left * mm
        measure = width - 2 * margin
        canvas.saveState()
        # Undo the frame's offset: the cover is designed on the whole sheet.
        canvas.translate(-self._frame_x, -self._frame_y)
        band_bottom = height * 0.42
        canvas.setFillColor(st.cover_background)
        canvas.rect(0, band_bottom, width, height - band_bottom, stroke=0, fill=1)
        canvas.setFillColor(st.accent)
        canvas.rect(0, band_bottom - 4, width, 4, stroke=0, fill=1)
        canvas.setFillColor(st.cover_text)
        font, size, _ = st.header
        canvas.setFont(font, size + 1.5)
        canvas.drawString(margin, height - theme.page.margins_mm.top * mm, meta.publisher.upper())
        y = band_bottom + 18 * mm
        blocks: list[Paragraph] = []
        if meta.subtitle:
            blocks.append(plain(meta.subtitle, st.cover_subtitle))
        blocks.append(plain(meta.title, st.cover_title))
        for block in blocks:  # laid upward from the bottom of the band
            _, h = block.wrap(measure, height)
            block.drawOn(canvas, margin, y)
            y += h + 6 * mm
        y = band_bottom - 16 * mm
        facts = [(f.label, f.value) for f in meta.facts]
        facts.append(("Published", human_date(meta.date, meta.language)))
        label_width = 42 * mm
        for label, value in facts:
            label_para = plain(label.upper(), st.cover_label)
            value_para = plain(value, st.cover_value)
            _, lh = label_para.wrap(label_width - 4 * mm, height)
            _, vh = value_para.wrap(measure - label_width, height)
            row = max(lh, vh)
            # Align the small label's first baseline with the value's.
            offset = st.cover_value.leading - st.cover_label.leading
            label_para.drawOn(canvas, margin, y - lh - offset)
            value_para.drawOn(canvas, margin + label_width, y - vh)
            y -= row + 3.5 * mm
        canvas.restoreState()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self._frame_x, self._frame_y = x, y
        super().drawOn(canvas, x, y, _sW)


class _BriefCanvas(Canvas):
    """A canvas that fills in page numbers after the single layout pass.

    Contents numbers and "page X of Y" are PDF forms referenced while laying
    out and defined here, once every heading's page is known.
    """

    def __init__(self, *args: Any, when: dt.datetime, footer: tuple[str, float, Any],
                 contents: tuple[str, float, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heading_pages: dict[str, int] = {}
        self.numbered_pages: list[int] = []
        self.contents_numbers: dict[int, list[tuple[str, float, float]]] = {}
        self._footer_style = footer
        self._contents_style = contents
        # The one build time (source date or SOURCE_DATE_EPOCH), not the clock
        # and not reportlab's fixed invariant date.
        stamp = when.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_: stamp)

    def _define_number_form(
        self, name: str, text: str, font: str, size: float, colour: Any
    ) -> None:
        self.beginForm(name, lowerx=-400, lowery=-size, upperx=1, uppery=size * 2)
        self.setFont(font, size)
        self.setFillColor(colour)
        self.drawRightString(0, 0, text)
        self.endForm()

    def save(self) -> None:
        # doc.build ends every page with showPage: the counter is one past the last page.
        total = self.getPageNumber() - 1
        font, size, colour = self._footer_style
        for number in self.numbered_pages:
            self._define_number_form(
                f"page-{number}", f"Page {number} of {total}", font, size, colour
            )
        toc_font, toc_size, toc_colour = self._contents_style
        for page, numbers in self.contents_numbers.items():
            self.beginForm(f"contents-{page}")
            self.setFont(toc_font, toc_size)
            self.setFillColor(toc_colour)
            for key, x, y in numbers:
                self.drawRightString(x, y, str(self.heading_pages[key]))
            self.endForm()
        super().save()

    def place_contents_numbers(self) -> None:
        """At the end of a page: refer to the form that will hold its contents numbers."""
        if self.getPageNumber() in self.contents_numbers:
            self.doForm(f"contents-{self.getPageNumber()}")


def _block_flowables(block: Block, st: _Styles, theme: Theme) -> list[Flowable]:
    if isinstance(block, ParagraphBlock):
        return [Paragraph(markup(block.content, st.ink), st.body)]
    page, margins = theme.page, theme.page.margins_mm
    measure = (page.width_mm - margins.left - margins.right) * mm
    if isinstance(block, Table):
        return table_flowables(block, st.cell, st.cell_header_font, st.caption, st.ink,
                               st.accent, st.rule, measure)
    if isinstance(block, Figure):
        text_height = (page.height_mm - margins.top - margins.bottom) * mm
        return figure_flowables(block, st.caption, st.ink, measure, text_height)
    if isinstance(block, Quote):
        quote = RuledParagraph(markup(block.text, st.ink), st.quote, rule_colour=st.accent)
        out: list[Flowable] = [quote]
        if block.attribution:
            attribution = RuledParagraph("— " + markup(block.attribution, st.ink),
                                         st.attribution, rule_colour=st.accent)
            out.append(attribution)
        out.append(Spacer(1, theme.spacing.paragraph_after))
        return out
    numbered = isinstance(block, NumberedList)
    assert isinstance(block, BulletList | NumberedList)
    items = [ListItem(Paragraph(markup(item, st.ink), st.item)) for item in block.items]
    return [
        ListFlowable(
            items,
            bulletType="1" if numbered else "bullet",
            bulletFormat="%s." if numbered else None,  # "1." as in the Word and EPUB editions
            start=None if numbered else "•",
            bulletFontName=st.body.fontName,
            bulletFontSize=st.body.fontSize,
            bulletColor=st.accent,
            leftIndent=theme.spacing.list_indent,
            bulletDedent=theme.spacing.list_indent * 0.75,
            spaceAfter=theme.spacing.paragraph_after / 2,
        ),
        Spacer(1, theme.spacing.paragraph_after / 2),
    ]


def _story(report: Report, theme: Theme, st: _Styles) -> Iterator[Flowable]:
    yield NextPageTemplate("body")
    yield _Cover(report, theme, st)
    yield PageBreak()
    yield Paragraph("Contents", st.contents_title)
    for level, section in report.walk():
        yield TocEntry(
            section.title, st.toc[level - 1], f"sec-{section.id}", level,
            indent=(level - 1) * 14, number_width=NUMBER_WIDTH, leader_colour=st.rule,
        )
    yield PageBreak()
    if report.lead:
        yield HRFlowable(width="100%", thickness=1.2, color=st.accent, spaceAfter=10)
        for paragraph in report.lead:
            yield Paragraph(markup(paragraph.content, st.ink), st.lead)
        yield HRFlowable(width="100%", thickness=0.6, color=st.rule, spaceBefore=4,
                         spaceAfter=6)
    for level, section in report.walk():
        style = st.headings[level - 1]
        if level == 1:
            # A top-level heading needs room for itself and a few lines after it.
            yield CondPageBreak(style.leading * 2 + st.body.leading * 4)
        yield heading(section.title, style, f"sec-{section.id}", level)
        for block in section.blocks:
            yield from _block_flowables(block, st, theme)


def write_pdf(report: Report, theme: Theme, destination: Path,
              say: Callable[[str], None] | None = None) -> None:
    """Lay the report out and write it; `say` hears the pages laid out, about once a second."""
    body = register_family("body", theme.body_font)
    head = register_family("heading", theme.heading_font)
    check_coverage(report, theme, body, head)
    mark_font = register_alias("note-mark", theme.body_font.regular)
    st = _Styles(theme, body, head, mark_font)
    note_style = ParagraphStyle("note", parent=st.body, fontSize=theme.sizes.small,
                                leading=theme.sizes.small * 1.3, spaceAfter=2, leftIndent=10,
                                firstLineIndent=-10)
    notes = {note.number: Paragraph(f"<super>{note.number}</super> {markup(note.content, st.ink)}",
                                    note_style)
             for note in report.footnotes()}
    meta = report.metadata
    when = build_time(report)
    page_w, page_h = theme.page.width_mm * mm, theme.page.height_mm * mm
    margins = theme.page.margins_mm
    left, right = margins.left * mm, margins.right * mm
    top, bottom = margins.top * mm, margins.bottom * mm
    header_font, header_size, header_colour = st.header

    said = [time.monotonic()]

    def body_page(canvas: Any, doc: Any) -> None:
        if say is not None and time.monotonic() - said[0] >= PROGRESS_SECONDS:
            said[0] = time.monotonic()
            say(f"{canvas.getPageNumber()} pages laid out")
        canvas.saveState()
        canvas.setFont(header_font, header_size)
        canvas.setFillColor(header_colour)
        y = page_h - top + 10 * mm
        canvas.drawString(left, y, meta.running_title)
        canvas.setStrokeColor(st.rule)
        canvas.setLineWidth(0.5)
        canvas.line(left, y - 2.5 * mm, page_w - right, y - 2.5 * mm)
        y = bottom - 12 * mm
        canvas.line(left, y + 4.5 * mm, page_w - right, y + 4.5 * mm)
        canvas.drawString(left, y, meta.publisher)
        number = canvas.getPageNumber()
        canvas.numbered_pages.append(number)
        canvas.translate(page_w - right, y)
        canvas.doForm(f"page-{number}")
        canvas.restoreState()

    frame = NotesFrame(left, bottom, page_w - left - right, page_h - top - bottom, id="body",
                       leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                       notes=notes, mark_font=mark_font, rule_colour=st.rule)
    cover_frame = Frame(0, 0, page_w, page_h, id="cover", leftPadding=0, rightPadding=0,
                        topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(
        str(destination),
        pagesize=(page_w, page_h),
        leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=meta.title,
        author=", ".join(meta.authors),
        subject=meta.subject or meta.description or meta.title,
        keywords=", ".join(meta.keywords),
        creator=f"reportexport {__version__}",
        lang=meta.language,
        invariant=1,
        pageCompression=1,
        initialFontName=body.regular,
    )
    doc.addPageTemplates([
        PageTemplate("cover", frames=[cover_frame]),
        PageTemplate("body", frames=[frame], onPage=body_page,
                     onPageEnd=lambda canvas, doc: (frame.draw_notes(canvas),
                                                    canvas.place_contents_numbers())),
    ])
    contents = (head.regular, st.toc[0].fontSize, st.body.textColor)

    def make_canvas(*args: Any, **kwargs: Any) -> _BriefCanvas:
        canvas = _BriefCanvas(*args, when=when, footer=st.header, contents=contents, **kwargs)
        canvas.showOutline()  # open the bookmarks panel with the document
        return canvas

    doc.build([*_story(report, theme, st), CarriedNotes(frame)], canvasmaker=make_canvas)
