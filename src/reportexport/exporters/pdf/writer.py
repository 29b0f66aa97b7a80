"""Laying out the PDF edition: cover, contents, lead, body, bookmarks and metadata, in one pass."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBG,
    HRFlowable,
    Indenter,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageBreakIfNotEmpty,
    PageTemplate,
    Spacer,
)

from reportexport import __version__
from reportexport.exporters.logoplate import PLATE, needs_plate
from reportexport.exporters.pdf.figures import figure_flowables
from reportexport.exporters.pdf.flowables import (
    Ink,
    KeptAnchor,
    Leader,
    ListItem,
    PageAnchor,
    RuledParagraph,
    TaggedParagraph,
    TocEntry,
    destination,
    heading,
    listed_destination,
    markup,
    plain_paragraph,
    tagged,
)
from reportexport.exporters.pdf.fonts import (
    FontNames,
    register_alias,
    register_family,
)
from reportexport.exporters.pdf.footnotes import CarriedNotes, NotesFrame
from reportexport.exporters.pdf.reportlab_compat import (
    ConsumedStory,
    LenientKeepTogether,
    check_reportlab,
    group_content_height,
    kept_runs_folded,
    use_keep_together_class,
)
from reportexport.exporters.pdf.scripts import draw_string
from reportexport.exporters.pdf.styles import INDENT_SHARE, paragraph_styles
from reportexport.exporters.pdf.svgdrawing import SvgDrawings, SvgFontMap
from reportexport.exporters.pdf.tables import KeepWithTableStart, table_flowables
from reportexport.exporters.pdf.tagging import DocumentFacts, Element, TaggingCanvas
from reportexport.frontend import Anchor, BlockList, Document
from reportexport.labels import ENGLISH, page_of
from reportexport.model import (
    Block,
    BulletList,
    Callout,
    CrossReference,
    DefinitionList,
    Emphasis,
    Figure,
    Inlines,
    Link,
    Logo,
    Note,
    NumberedList,
    Quote,
    Report,
    SubList,
    Table,
    Text,
    notes,
    report_blocks,
)
from reportexport.model import Paragraph as ParagraphBlock
from reportexport.model import (
    plain as plain_text,
)
from reportexport.source.images import edition_image
from reportexport.source.problems import ExportError
from reportexport.support.timestamps import build_time
from reportexport.theme import Theme, tint
from reportexport.typography.fontruns import needed_fallbacks
from reportexport.typography.tablefit import callout_padding, plan, text_measure

NUMBER_WIDTH = 28.0
#: The space between the cover's title and subtitle, and the step by which a title too
#: long for the cover's band is set smaller.
TITLE_GAP = 6 * mm
#: The space between the foot of the cover's band and its last title line.
TITLE_FOOT = 18 * mm
#: Where the cover's band ends, as a share of the page's height from its foot.
BAND_FOOT = 0.42
#: The cover's facts: below the band by, their labels' column, the space between them.
FACTS_TOP = 16 * mm
FACT_LABEL_WIDTH = 42 * mm
FACT_GAP = 3.5 * mm
TITLE_STEP = 0.9
HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")  # one string each, not one per heading
#: How often a long layout says how far it has got.
PROGRESS_SECONDS = 1.0
LOGO_WIDTH, LOGO_HEIGHT, LOGO_GAP = 40 * mm, 14 * mm, 6 * mm  # the cover's logo: its box
LOGO_PLATE_PAD = 2 * mm  # the light plate's margin around a logo the band would hide
BODY_TEMPLATE, LANDSCAPE_TEMPLATE = "body", "landscape"  # the body pages' templates
FOOTER_DROP = 12 * mm  # the footer's baseline below the text frame's foot


class _Styles:
    """The paragraph style of each role (styles.STYLE_ROWS), and the colours and fonts
    drawn outside paragraphs."""

    def __init__(self, theme: Theme, body: FontNames, head: FontNames, mark_font: str,
                 language: str) -> None:
        c = theme.colours
        self.accent, self.rule = HexColor(c.accent), HexColor(c.rule)
        # Links in the theme's accent, as in the other editions.
        self.ink = Ink(c.accent, mark_font)
        role = paragraph_styles(theme, body, head, language)
        self.body, self.item, self.label, self.lead = (
            role["body"], role["item"], role["label"], role["lead"])
        self.quote, self.quote_attributed, self.attribution = (
            role["quote"], role["quote-attributed"], role["attribution"])
        self.headings = [role[f"h{level}"] for level in range(1, 7)]
        self.contents_title = role["contents"]
        self.toc = [role[f"toc{level}"] for level in range(1, 7)]
        self.cover_title, self.cover_subtitle = role["cover-title"], role["cover-subtitle"]
        self.cover_label, self.cover_value = role["cover-label"], role["cover-value"]
        self.cell, self.caption, self.note = role["cell"], role["caption"], role["note"]
        self.table_note = role["table-note"]
        self.term, self.definition = role["term"], role["definition"]
        self.callout_title = role["callout-title"]
        self.callout_fill = HexColor(tint(c.accent, CALLOUT_TINT))
        self.header = (head.regular, theme.sizes.small, HexColor(c.muted))
        self.cell_header_font = head.bold
        self.cover_background = HexColor(c.cover_background)
        self.cover_text = HexColor(c.cover_text)
        # The report's SVG figures, drawn for this build.
        self.svg = SvgDrawings(SvgFontMap({theme.body_font.family: body,
                                           theme.heading_font.family: head}, body))


class _Cover(Flowable):
    """The cover page, drawn in page coordinates over the whole sheet.

    Its text is tagged as the start of the document: the publisher, the
    subtitle and the title as paragraphs, the facts as a table with a header
    cell per row. The band is not content.

    Everything is set at the theme's sizes when it fits; otherwise the title,
    subtitle and facts are set smaller a step at a time (never below the small
    size), and titles still too long for the band lower its foot: no word is
    left off the page.
    """

    def __init__(self, document: Document, theme: Theme, styles: _Styles,
                 parent: Element) -> None:
        super().__init__()
        self.report, self.theme, self.styles = document.report, theme, styles
        meta, st = document.report.metadata, styles
        # The logo first: it heads the cover, beside the publisher's line.
        self.logo = parent.add("Figure", alt=meta.publisher) if meta.logo else None
        self.publisher = parent.add("P")
        # Texts with their styles and elements: their paragraphs are made in draw,
        # at the size that fits.
        self.title_texts = [(meta.title, st.cover_title, parent.add("P"))]
        if meta.subtitle:
            self.title_texts.append((meta.subtitle, st.cover_subtitle, parent.add("P")))
        table = parent.add("Table")
        body = table.add("TBody")
        self.fact_texts = []
        for label, value in document.cover_facts:
            row = body.add("TR")
            self.fact_texts.append(((label.upper(), st.cover_label, row.add("TH", scope="Row")),
                                    (value, st.cover_value, row.add("TD"))))

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
        font, size, _ = st.header
        # The publisher's line at the top margin: one line, set smaller if the measure is
        # too narrow for it (it is content, not cut), left of the logo, which it gives way to.
        publisher = meta.publisher.upper()
        baseline = height - theme.page.margins_mm.top * mm
        logo = self._logo_size(meta.logo) if meta.logo and self.logo else None
        line_measure = measure - (logo[0] + 2 * logo[2] + LOGO_GAP if logo else 0.0)
        natural = pdfmetrics.stringWidth(publisher, font, size + 1.5)
        publisher_size = min(size + 1.5, (size + 1.5) * line_measure / natural)
        # The titles stand on the band's foot, below the publisher's line (and the logo).
        top = baseline - 2 * (size + 1.5)
        if logo:
            # The logo's middle on the middle of the line's capitals (it is set in capitals):
            # the two read as one line, however tall the logo.
            middle = baseline + cap_height(font, publisher_size) / 2
            top = min(top, middle - logo[1] / 2 - logo[2] - (size + 1.5))
        # A narrow measure sets each fact's label above its value, not beside it.
        beside = measure - FACT_LABEL_WIDTH >= 60 * mm
        titles, facts, band_bottom = self._fitted(measure, top, height, beside)
        canvas.setFillColor(st.cover_background)
        canvas.rect(0, band_bottom, width, height - band_bottom, stroke=0, fill=1)
        canvas.setFillColor(st.accent)
        canvas.rect(0, band_bottom - 4, width, 4, stroke=0, fill=1)
        canvas.setFillColor(st.cover_text)
        if meta.logo and logo:
            self._draw_logo(meta.logo, logo, width - margin, middle)
        canvas.setFont(font, publisher_size)
        with canvas.marked(self.publisher):
            draw_string(canvas, margin, baseline, publisher)
        y = band_bottom + TITLE_FOOT
        positions = []
        for block in reversed(titles):  # laid upward from the band's foot
            positions.append((block, y))
            y += block.height + TITLE_GAP
        for block, block_y in reversed(positions):  # drawn in reading order
            block.drawOn(canvas, margin, block_y)
        y = band_bottom - FACTS_TOP
        for label_para, value_para in facts:
            if beside:
                # Align the small label's first baseline with the value's.
                offset = value_para.style.leading - label_para.style.leading
                label_para.drawOn(canvas, margin, y - label_para.height - offset)
                value_para.drawOn(canvas, margin + FACT_LABEL_WIDTH, y - value_para.height)
                y -= max(label_para.height, value_para.height) + FACT_GAP
            else:
                label_para.drawOn(canvas, margin, y - label_para.height)
                value_para.drawOn(canvas, margin, y - label_para.height - value_para.height)
                y -= label_para.height + value_para.height + FACT_GAP
        canvas.restoreState()

    def _logo_size(self, logo: Logo) -> tuple[float, float, float]:
        """The logo's width and height in a LOGO_WIDTH by LOGO_HEIGHT box, and the margin
        of the light plate (an artifact) it stands on when the band would hide it
        (logoplate), or 0."""
        scale: float = min(LOGO_WIDTH / logo.width_px, LOGO_HEIGHT / logo.height_px)
        plated = needs_plate(logo, self.theme.colours.cover_background)
        return (logo.width_px * scale, logo.height_px * scale,
                LOGO_PLATE_PAD if plated else 0.0)

    def _draw_logo(self, logo: Logo, size: tuple[float, float, float], right: float,
                   middle: float) -> None:
        """The logo (of `size`, as `_logo_size` gives it), its middle at the height
        `middle` and its right edge (its plate's, if any) at `right`."""
        width, height, pad = size
        bottom = middle - height / 2
        canvas = self.canv
        canvas.saveState()
        if pad:
            canvas.setFillColor(HexColor(PLATE))
            canvas.roundRect(right - width - 2 * pad, bottom - pad, width + 2 * pad,
                             height + 2 * pad, pad / 2, stroke=0, fill=1)
        canvas.translate(right - width - pad, bottom)
        assert self.logo is not None
        canvas.note_bounds(self.logo, width, height)
        with canvas.marked(self.logo):
            canvas.drawImage(ImageReader(io.BytesIO(edition_image(logo.image))), 0, 0,
                             width, height, mask="auto")
        canvas.restoreState()

    def _fitted(self, measure: float, top: float, height: float, beside: bool
                ) -> tuple[list[TaggedParagraph], list[tuple[TaggedParagraph, TaggedParagraph]],
                           float]:
        """The titles and facts as large as the cover holds them, and the band's foot
        (each fact's label `beside` its value, or above it)."""
        bottom = self.theme.page.margins_mm.bottom * mm
        scale, least = 1.0, self.theme.sizes.small
        while True:
            titles = [plain_paragraph(text, _scaled(style, scale, least), element)
                      for text, style, element in self.title_texts]
            needed = sum(block.wrap(measure, height)[1] for block in titles)
            needed += TITLE_GAP * (len(titles) - 1)
            words_fit = all(block._longest_word() <= measure for block in titles)
            facts, facts_needed = [], 0.0
            for (label, label_style, th), (value, value_style, td) in self.fact_texts:
                label_para = plain_paragraph(label, _scaled(label_style, scale, least * 0.8), th)
                value_para = plain_paragraph(value, _scaled(value_style, scale, least), td)
                if beside:
                    _, lh = label_para.wrap(FACT_LABEL_WIDTH - 4 * mm, height)
                    _, vh = value_para.wrap(measure - FACT_LABEL_WIDTH, height)
                    facts_needed += max(lh, vh) + FACT_GAP
                else:
                    _, lh = label_para.wrap(measure, height)
                    _, vh = value_para.wrap(measure, height)
                    facts_needed += lh + vh + FACT_GAP
                facts.append((label_para, value_para))
            # The band's foot stays where the theme's page puts it if it can; it moves
            # up for facts, down for titles, when they need the room.
            lowest = bottom + FACTS_TOP + facts_needed - FACT_GAP
            highest = top - needed - TITLE_FOOT
            band_bottom = min(max(height * BAND_FOOT, lowest), highest)
            fits = lowest <= highest and words_fit
            smallest = all(p.style.fontSize <= least for p in titles) and all(
                v.style.fontSize <= least for _, v in facts)
            if fits:
                return titles, facts, band_bottom
            if smallest:  # what would not fit would be drawn off the page, and lost
                raise ExportError(
                    "the PDF's cover cannot hold the title, subtitle, authors and facts "
                    f"even at {least:g} pt on this theme's page: shorten them, give fewer "
                    "facts, or use a theme with a wider page")
            scale *= TITLE_STEP

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self._frame_x, self._frame_y = x, y
        super().drawOn(canvas, x, y, _sW)


def cap_height(font: str, size: float) -> float:
    """How high the capitals of `font` stand above the baseline at `size` (the font's
    cap height, which reportlab's font face reads from the font file)."""
    height: float = pdfmetrics.getFont(font).face.capHeight * size / 1000
    return height


def _scaled(style: ParagraphStyle, scale: float, least: float) -> ParagraphStyle:
    """`style` at `scale` times its size, but no smaller than `least` points."""
    if scale == 1.0 or style.fontSize <= least:
        return style
    size = max(style.fontSize * scale, least)
    return ParagraphStyle(style.name, parent=style, fontSize=size,
                          leading=style.leading * size / style.fontSize)


def fitted_line(text: str, font: str, size: float, width: float) -> str:
    """`text`, or as many of its first words as fit in `width` followed by an ellipsis:
    a running head is one line (it is pagination, not content: the title is whole on
    the cover and in the document's metadata)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    words = text.split()
    while words and pdfmetrics.stringWidth(" ".join(words) + " …", font, size) > width:
        words.pop()
    if not words:  # one word longer than the line: cut inside it
        cut = text
        while cut and pdfmetrics.stringWidth(cut + "…", font, size) > width:
            cut = cut[:-1]
        return cut + "…"
    return " ".join(words) + " …"


class _BriefCanvas(TaggingCanvas):
    """A canvas that fills in page numbers after the single layout pass.

    Contents numbers and "page X of Y" are PDF forms referenced while laying
    out and defined here, once every heading's page is known.
    """

    def __init__(self, *args: Any, when: dt.datetime, footer: tuple[str, float, Any],
                 contents: tuple[str, float, Any], page_words: str = ENGLISH["page_of"],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_words = page_of(page_words)  # "Page ", " of ", ""
        self.heading_pages: dict[str, int] = {}
        self.numbered_pages: list[int] = []
        self.contents_numbers: dict[int, list[tuple[str, float, float]]] = {}
        self._leaders: list[tuple[Leader, tuple[float, float], tuple[float, float]]] = []
        #: The form of each page size's furniture, by name (`_PageFurniture.draw`).
        self.furniture_forms: dict[str, _PageFurniture] = {}
        self._footer_style = footer
        self._contents_style = contents
        # The one build time (source date or SOURCE_DATE_EPOCH), not the clock
        # and not reportlab's fixed invariant date.
        stamp = when.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_: stamp)

    def contents_number(self, key: str, x: float, y: float) -> None:
        """Show the page of heading `key` here (page coordinates), once it is known."""
        self.contents_numbers.setdefault(self.getPageNumber(), []).append((key, x, y))

    def contents_leader(self, leader: Leader, start: tuple[float, float],
                        end: tuple[float, float]) -> None:
        """Draw `leader` from `start` to `end` (page coordinates) at the page's end, where
        the page's leaders share their graphics state, rather than each setting it."""
        self._leaders.append((leader, start, end))

    def showPage(self) -> None:
        self._draw_contents_leaders()
        super().showPage()

    def _draw_contents_leaders(self) -> None:
        """At the end of a page: its contents' leaders, a layout artifact."""
        if not self._leaders:
            return
        self.begin_page()
        self.saveState()
        drawn: Leader | None = None
        for leader, (x0, y0), (x1, y1) in self._leaders:
            if leader != drawn:
                leader.set_on(self)
                drawn = leader
            self.line(x0, y0, x1, y1)
        self.restoreState()
        self._leaders.clear()

    def place_contents_numbers(self) -> None:
        """At the end of a page: refer to the form that will hold its contents numbers.

        They are pagination, as the page numbers in the footer are: the entry's
        link, in the structure tree, is what leads to the section.
        """
        if self.getPageNumber() in self.contents_numbers:
            with self.pagination():
                self.doForm(f"contents-{self.getPageNumber()}")

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
        for name, furniture in self.furniture_forms.items():
            self.beginForm(name, 0, 0, furniture.width, furniture.height)
            furniture.furniture(self)
            self.endForm()
        font, size, colour = self._footer_style
        for number in self.numbered_pages:
            self._define_number_form(
                f"page-{number}", str(number).join(self.page_words[:2]) + str(total)
                + self.page_words[2], font, size, colour
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


class _ParagraphMaker:
    """Makes the PDF edition's paragraphs from inline content, as the content of their elements.

    The element learns what its links say (for their annotations' descriptions)
    and gets a Note element for each footnote whose mark stands in its text;
    the note's own paragraph, drawn at the foot of the page, is that Note's content.
    """

    def __init__(self, ink: Ink, note_style: ParagraphStyle) -> None:
        self.ink, self.note_style = ink, note_style
        self.notes: dict[int, TaggedParagraph] = {}

    def __call__(self, source: str, content: Inlines, style: ParagraphStyle,
                 element: Element, kind: type[TaggedParagraph] = TaggedParagraph,
                 **options: Any) -> TaggedParagraph:
        links: dict[str, str] = {}
        _describe_links(content, links)
        if links:
            element.links = links
        marked = list(notes(content))
        for note in marked:
            self.notes[note.number] = self(
                f"<super>{note.number}</super> {markup(note.content, self.ink)}",
                note.content, self.note_style, element.add_note())
        paragraph = tagged(source, style, element, kind, **options)
        paragraph.may_mark_notes = bool(marked)
        return paragraph

    def inline(self, content: Inlines, style: ParagraphStyle, element: Element
               ) -> TaggedParagraph:
        return self(markup(content, self.ink), content, style, element)


def _describe_links(content: Inlines, out: dict[str, str]) -> None:
    for node in content:
        if isinstance(node, Text | Note):
            continue
        if isinstance(node, Link):
            out.setdefault(node.url, plain_text(node.content) or node.url)
        elif isinstance(node, CrossReference):
            out.setdefault(destination(node.target_id), plain_text(node.content))
        _describe_links(node.content, out)


def _block_flowables(block: Block, st: _Styles, theme: Theme, text: _ParagraphMaker,
                     parent: Element, listed: tuple[str, ...] = ()) -> list[Flowable]:
    """One block's flowables: every kind of the model's, or a refusal (assert_never);
    `listed` as `_blocks_flowables`'s."""
    match block:
        case ParagraphBlock():
            return [text.inline(block.content, st.body, parent.add("P"))]
        case Quote():
            return _quote_flowables(block, st, theme, text, parent)
        case BulletList() | NumberedList():
            return [*_list_flowables(block, st, theme, text, parent),
                    Spacer(1, theme.spacing.paragraph_after)]
        case DefinitionList():
            return [*_definition_flowables(block, st, text, parent),
                    Spacer(1, theme.spacing.paragraph_after)]
        case Callout():
            return _callout_flowables(block, st, theme, text, parent, listed)
        case Table():
            return [*_anchors(block, listed), *_table_flowables(block, st, theme, text, parent)]
        case Figure():
            figure = parent.add("Figure", alt=block.alt)
            # The anchors go inside the figure's kept group: reportlab keeps nothing with
            # a group that follows it (a keepWithNext flowable stays behind).
            return figure_flowables(block, st.caption, st.ink, text_measure(theme),
                                    _text_height(theme), figure, parent.add("Caption"), text,
                                    st.svg, _anchors(block, listed))
        case _:
            assert_never(block)


def _table_flowables(block: Table, st: _Styles, theme: Theme, text: _ParagraphMaker,
                     parent: Element) -> list[Flowable]:
    """The table, and its note (a P after the Table element) kept with its last rows."""
    # The measure the source's check planned it for (tablefit's): where the check ran in
    # this process (`reportexport pdf`), the plan is not made again.
    out = table_flowables(block, plan(block, theme, text_measure(theme)), st.cell,
                          st.cell_header_font, st.caption, st.ink, st.accent, st.rule,
                          _text_height(theme), parent.add("Table"), text)
    if block.note is not None:
        grid = out[1]
        grid.keepWithNext = True  # the caption, the table's start and the note: one group
        out.insert(2, text.inline(block.note, st.table_note, parent.add("P")))
    return out


#: How much of the accent colour a callout's fill keeps (the rest is white).
CALLOUT_TINT = 0.08
#: Lines of a callout taller than a page that must fit below its title where it stands.
CALLOUT_START_LINES = 3


def _callout_flowables(callout: Callout, st: _Styles, theme: Theme, text: _ParagraphMaker,
                       parent: Element, listed: tuple[str, ...]) -> list[Flowable]:
    """A shaded box, kept on one page when it fits one, else breaking between its lines.
    Tagged Div (PDF/UA-1 knows no Aside, a PDF 2.0 type) holding its title, a P, and
    its blocks; the fill, drawn outside marked content, is an artifact."""
    box = parent.add("Div")
    pad = callout_padding(theme)  # as tablefit measures the box's tables
    inner: list[Flowable] = []
    if callout.title is not None:
        inner.append(text.inline(callout.title, st.callout_title, box.add("P")))
    inner += _blocks_flowables(callout.blocks, st, _inset(theme, pad), text, box, listed)
    # Its title goes with a figure opening the box, as a heading with one in a section.
    inner = list(kept_runs_folded(inner))
    start = st.callout_title.leading + st.body.leading * CALLOUT_START_LINES + pad
    opening = inner[0] if inner and isinstance(inner[0], KeepTogether) else None
    return [KeptBox([FrameBG(color=st.callout_fill), Spacer(1, pad),
                     Indenter(left=pad, right=pad), *inner,
                     Indenter(left=-pad, right=-pad), FrameBG(start=False)],
                    page_height=_text_height(theme), start=start,
                    opening=(pad, opening) if opening is not None else None),
            Spacer(1, theme.spacing.paragraph_after)]


class KeptBox(LenientKeepTogether):
    """A box kept on one page when it fits one; a box taller than a page starts where it
    stands when its `start` (its title and first lines) fits there, or, when a group
    opens it (its title with a figure), that group below the box's top `opening[0]`."""

    def __init__(self, flowables: list[Flowable], page_height: float, start: float,
                 opening: tuple[float, KeepTogether] | None = None) -> None:
        super().__init__(flowables)
        self.page_height, self.start, self.opening = page_height, start, opening

    def slack(self) -> float:
        whole = self.whole_height()
        start = self.start
        if self.opening is not None:
            top, group = self.opening
            start = max(start, top + group_content_height(group))
        start += self.folded_height() if self.folded else 0.0  # a heading's
        return whole - start if whole > self.page_height else 0.0


def _inset(theme: Theme, points: float) -> Theme:
    """`theme` with its text `points` narrower at each side: what a box's content measures
    (a table's columns are planned for the measure it is given)."""
    margins, inset = theme.page.margins_mm, points / mm
    return dataclasses.replace(theme, page=dataclasses.replace(
        theme.page, margins_mm=dataclasses.replace(
            margins, left=margins.left + inset, right=margins.right + inset)))


def _definition_flowables(block: DefinitionList, st: _Styles, text: _ParagraphMaker,
                          parent: Element) -> list[Flowable]:
    """Each term in bold, kept with its definition, indented below it: tagged as a list,
    L > LI > Lbl (the term), LBody (the definition), as PDF/UA lists terms."""
    tagged_list = parent.add("L")
    out: list[Flowable] = []
    for entry in block.items:
        item = tagged_list.add("LI")
        out += [text.inline(entry.term, st.term, item.add("Lbl")),
                text.inline(entry.definition, st.definition, item.add("LBody"))]
    return out




def _text_height(theme: Theme) -> float:
    page, margins = theme.page, theme.page.margins_mm
    height: float = (page.height_mm - margins.top - margins.bottom) * mm
    return height


def _quote_flowables(block: Quote, st: _Styles, theme: Theme, text: _ParagraphMaker,
                     parent: Element) -> list[Flowable]:
    quote = parent.add("BlockQuote")
    # An attribution is kept with the quotation's last lines.
    style = st.quote_attributed if block.attribution else st.quote
    out: list[Flowable] = [text(markup(block.text, st.ink), block.text, style,
                                quote.add("P"), RuledParagraph, rule_colour=st.accent)]
    if block.attribution:
        out.append(text("— " + markup(block.attribution, st.ink), block.attribution,
                        st.attribution, quote.add("P"), RuledParagraph,
                        rule_colour=st.accent, joins_above=True))
    out.append(Spacer(1, theme.spacing.paragraph_after))
    return out


#: An item's label at each level of nesting: bullets, and numbers (1. a. i.).
BULLETS = ("•", "–", "•")


def _label(number: int, numbered: bool, level: int) -> str:
    if not numbered:
        return BULLETS[level]
    if level == 1:
        return f"{'abcdefghijklmnopqrstuvwxyz'[(number - 1) % 26]}."
    return f"{_roman(number)}." if level == 2 else f"{number}."


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def _list_flowables(block: SubList, st: _Styles, theme: Theme, text: _ParagraphMaker,
                    parent: Element, level: int = 0) -> list[Flowable]:
    """A list, tagged L > LI > Lbl, LBody; an item's own list is indented under it, an L
    in its LBody (after the item's text, a P there)."""
    indent = min(theme.spacing.list_indent, text_measure(theme) * INDENT_SHARE)
    numbered = isinstance(block, NumberedList)
    tagged_list = parent.add("L")
    out: list[Flowable] = []
    for number, content in enumerate(block.items, start=1):
        item = tagged_list.add("LI")
        label = plain_paragraph(_label(number, numbered, level), st.label, item.add("Lbl"))
        sublist = block.sublist(number - 1)
        body = item.add("LBody")
        out.append(ListItem(label, text.inline(content, st.item,
                                               body if sublist is None else body.add("P")),
                            indent=indent, label_width=indent * 0.75))
        if sublist is not None:
            out += [Indenter(left=indent),
                    *_list_flowables(sublist, st, theme, text, body, level + 1),
                    Indenter(left=-indent)]
    return out


def _story(front_end: Document, theme: Theme, st: _Styles, text: _ParagraphMaker,
           document: Element) -> Iterator[Flowable]:
    report = front_end.report
    meta = report.metadata
    yield NextPageTemplate(BODY_TEMPLATE)
    yield _Cover(front_end, theme, st, document.add("Div"))
    yield PageBreak()
    if front_end.notices:  # the title page's verso
        yield from _imprint(front_end, st, document.add("Div"))
        yield PageBreak()
    if front_end.front_matter:
        yield from _sections(front_end.front_matter, st, theme, text, document,
                             meta.lists)
        yield PageBreak()
    if theme.contents != "none":
        yield plain_paragraph(front_end.words["contents"], st.contents_title,
                              document.add("P"))
        contents = document.add("TOC")
        for anchor in front_end.outline:
            level, section = anchor.level, anchor.section
            yield TocEntry(
                anchor.heading, st.toc[level - 1], destination(section.id), level,
                indent=(level - 1) * 14, number_width=NUMBER_WIDTH, leader_colour=st.rule,
                tag=contents.add("TOCI"),
            )
    # Spaced from what comes before them: the contents, or another list.
    yield from _lists(front_end, st, document, theme.spacing.before_heading(1),
                      spaced=theme.contents != "none")
    if theme.contents == "page":
        yield PageBreak()
    elif theme.contents != "none" or front_end.lists:
        yield Spacer(1, theme.spacing.before_heading(1))
    if report.lead:
        lead = document.add("Sect")
        yield HRFlowable(width="100%", thickness=1.2, color=st.accent, spaceAfter=10)
        for paragraph in report.lead:
            yield text.inline(paragraph.content, st.lead, lead.add("P"))
        yield HRFlowable(width="100%", thickness=0.6, color=st.rule, spaceBefore=4,
                         spaceAfter=6)
    yield from _sections(front_end.main_matter, st, theme, text, document, meta.lists)


def _lists(front_end: Document, st: _Styles, document: Element, gap: float, *,
           spaced: bool) -> Iterator[Flowable]:
    """The lists of tables and figures: each entry the caption with its label, its page
    number filled in after layout as the contents' are, linked to the caption."""
    for index, block_list in enumerate(front_end.lists):
        if index or spaced:
            yield Spacer(1, gap)
        yield plain_paragraph(block_list.title, st.contents_title, document.add("P"))
        entries = document.add("TOC")
        for block, _ in block_list.entries:
            yield TocEntry(BlockList.entry_text(block), st.toc[-1], listed_destination(block),
                           1, indent=0, number_width=NUMBER_WIDTH, leader_colour=st.rule,
                           tag=entries.add("TOCI"))


def _imprint(front_end: Document, st: _Styles, parent: Element) -> Iterator[Flowable]:
    """The imprint's notices (ISBN, rights, disclaimer), each under its label."""
    for label, value in front_end.notices:
        yield plain_paragraph(label.upper(), st.cover_label, parent.add("P"))
        yield plain_paragraph(value, st.cover_value, parent.add("P"))
        yield Spacer(1, FACT_GAP)


def _sections(anchors: tuple[Anchor, ...], st: _Styles, theme: Theme, text: _ParagraphMaker,
              document: Element, listed: tuple[str, ...] = ()) -> Iterator[Flowable]:
    """The sections of `anchors`, in order, each a Sect under its parent's; a front
    matter's section and an annex start a page (the story's page break, or their own),
    and so does a section that turns the page (landscape) or turns it back."""
    sections: list[Element] = [document]  # the open Sect of each level, under the document
    landscape = False  # the pages' orientation, which a top-level section sets
    turned = theme.turned()  # a landscape section's page: its measure and text height
    for index, anchor in enumerate(anchors):
        level, section = anchor.level, anchor.section
        del sections[level:]
        sect = sections[-1].add("Sect")
        sections.append(sect)
        style = st.headings[level - 1]
        opens_page = level == 1 and index and (anchor.opens_annex or anchor.part == "front")
        if level == 1 and section.landscape != landscape:
            landscape = section.landscape
            template = LANDSCAPE_TEMPLATE if landscape else BODY_TEMPLATE
            yield PageBreak(template) if opens_page else PageBreakIfNotEmpty(template)
        elif opens_page:
            yield PageBreak()
        elif section.new_page:  # no blank page when the section already starts one
            yield PageBreakIfNotEmpty()
        elif level == 1:
            # A top-level heading needs room for itself and a few lines after it.
            yield CondPageBreak(style.leading * 2 + st.body.leading * 4)
        yield heading(anchor.heading, style, destination(section.id), level,
                      sect.add(HEADINGS[level - 1]))
        yield from _blocks_flowables(section.blocks, st, turned if landscape else theme, text,
                                     sect, listed)
    if landscape:  # what follows these sections is upright
        yield NextPageTemplate(BODY_TEMPLATE)


def _blocks_flowables(blocks: tuple[Block, ...], st: _Styles, theme: Theme,
                      text: _ParagraphMaker, parent: Element,
                      listed: tuple[str, ...] = ()) -> Iterator[Flowable]:
    """`blocks` in order; `listed`: the kinds of block the lists of tables and figures
    name (inside a callout as well: see `_anchors`)."""
    for block in blocks:
        yield from _block_flowables(block, st, theme, text, parent, listed)


def _anchors(block: Table | Figure, listed: tuple[str, ...]) -> list[Flowable]:
    """The destinations before a table or a figure, kept with it: the one references to
    it lead to (if it has an id), and, if a list names it, the one its entry's page
    number is read from."""
    anchors: list[Flowable] = []
    if block.id:
        anchors.append(KeptAnchor(destination(block.id)))
    if (isinstance(block, Table) and "tables" in listed) or (
            isinstance(block, Figure) and "figures" in listed):
        anchors.append(PageAnchor(listed_destination(block)))
    return anchors


def _italic_in_table_headers(report: Report) -> tuple[str, ...]:
    def emphasised(content: Inlines) -> bool:
        return any(isinstance(node, Emphasis) or (not isinstance(node, Text | Note)
                                                  and emphasised(node.content))
                   for node in content)

    for block in report_blocks(report):
        if isinstance(block, Table) and any(emphasised(c) for c in block.columns):
            return ("italic", "bold_italic")
    return ()


def write_pdf(report: Report, theme: Theme, destination: Path,
              say: Callable[[str], None] | None = None) -> None:
    """Lay the report out and write it; `say` hears the pages laid out, about once a second."""
    check_reportlab()
    body, head, mark_font = _register_fonts(report, theme)
    st = _Styles(theme, body, head, mark_font, report.metadata.language)
    text = _ParagraphMaker(st.ink, st.note)
    document = Element("Document")
    # The story is made as layout consumes it: a flowable, and the paragraphs of the
    # notes its text marks, are made before reportlab sees it, not all at once.
    story = ConsumedStory(kept_runs_folded(itertools.chain(
        _story(Document.of(report), theme, st, text, document), [CarriedNotes()])))
    meta = report.metadata
    when = build_time(report)
    page = _PageFurniture(report, theme, st, say, f"furniture-{BODY_TEMPLATE}")
    margins = theme.page.margins_mm
    cover_frame = Frame(0, 0, page.width, page.height, id="cover", leftPadding=0,
                        rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(
        str(destination), pagesize=(page.width, page.height),
        leftMargin=margins.left * mm, rightMargin=margins.right * mm,
        topMargin=margins.top * mm, bottomMargin=margins.bottom * mm,
        title=meta.title, author=", ".join(meta.authors),
        subject=meta.subject or meta.description or meta.title,
        keywords=", ".join(meta.keywords), creator=f"reportexport {__version__}",
        lang=meta.language, invariant=1, pageCompression=1, initialFontName=body.regular,
    )
    # A group kept with a table needs only the table's start to fit (tables.py).
    use_keep_together_class(doc, KeepWithTableStart)
    notes = _NotesHandOver()
    doc.addPageTemplates([
        PageTemplate("cover", frames=[cover_frame],
                     onPage=lambda canvas, doc: canvas.begin_page()),
        _body_template(BODY_TEMPLATE, page, notes, text, mark_font, st),
        _body_template(LANDSCAPE_TEMPLATE, _PageFurniture(report, theme.turned(), st, say,
                                                          f"furniture-{LANDSCAPE_TEMPLATE}"),
                       notes, text, mark_font, st),
    ])
    contents = (head.regular, st.toc[0].fontSize, st.body.textColor)
    facts = _document_facts(report, when)

    def make_canvas(*args: Any, **kwargs: Any) -> _BriefCanvas:
        canvas = _BriefCanvas(*args, when=when, footer=st.header, contents=contents,
                              page_words=report.metadata.words["page_of"], facts=facts,
                              structure=document, **kwargs)
        canvas.showOutline()  # open the bookmarks panel with the document
        return canvas

    doc.build(story, canvasmaker=make_canvas)


class _NotesHandOver:
    """The body's frame in use: a page of the other template (portrait or landscape)
    takes over the notes the last one placed and those still waiting for a foot."""

    def __init__(self) -> None:
        self.frame: NotesFrame | None = None

    def begin(self, frame: NotesFrame) -> None:
        if self.frame is not None and self.frame is not frame:
            frame.take_over(self.frame)
        self.frame = frame


def _body_template(name: str, page: _PageFurniture, notes: _NotesHandOver,
                   text: _ParagraphMaker, mark_font: str, st: _Styles) -> PageTemplate:
    """A body page of `page`'s size: its frame (with its notes) and its furniture."""
    frame = NotesFrame(page.left, page.bottom, page.width - page.left - page.right,
                       page.height - page.top - page.bottom, id=name,
                       leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                       notes=text.notes, mark_font=mark_font, rule_colour=st.rule)

    def begin(canvas: Any, doc: Any) -> None:
        notes.begin(frame)  # before the frame is reset for the page, which shares notes out
        page.draw(canvas, doc)

    def end(canvas: Any, doc: Any) -> None:
        frame.draw_notes(canvas)
        canvas.place_contents_numbers()

    return PageTemplate(name, frames=[frame], onPage=begin, onPageEnd=end,
                        pagesize=(page.width, page.height))


def _register_fonts(report: Report, theme: Theme) -> tuple[FontNames, FontNames, str]:
    """The body's and the headings' faces, and the note marks' font, registered."""
    needed = needed_fallbacks(report.characters, (theme.body_font, theme.heading_font))
    body = register_family("body", theme.body_font, needed=needed)
    # The heading family sets no italic but in a table's header cell.
    head = register_family("heading", theme.heading_font, needed=needed,
                           styles=("regular", "bold", *_italic_in_table_headers(report)))
    return body, head, register_alias("note-mark", theme.body_font.regular)


def _document_facts(report: Report, when: dt.datetime) -> DocumentFacts:
    meta = report.metadata
    return DocumentFacts(
        title=meta.title, authors=meta.authors, subject=meta.subject or meta.description
        or meta.title, keywords=meta.keywords, language=meta.language,
        creator=f"reportexport {__version__}",
        date=when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), rights=meta.rights,
        isbn=meta.isbn, isbn_urn=meta.isbn_urn)


class _PageFurniture:
    """The page's size and margins, and what each body page shows outside its frame:
    the running head and its rule, the footer's rule, publisher and page number."""

    def __init__(self, report: Report, theme: Theme, st: _Styles,
                 say: Callable[[str], None] | None, form: str) -> None:
        margins = theme.page.margins_mm
        self.form = form  # the name of the form of its running head, rules and publisher
        self.width, self.height = theme.page.width_mm * mm, theme.page.height_mm * mm
        self.left, self.right = margins.left * mm, margins.right * mm
        self.top, self.bottom = margins.top * mm, margins.bottom * mm
        self.font, self.size, self.colour = st.header
        self.rule = st.rule
        measure = self.width - self.left - self.right
        meta = report.metadata
        self.running_head = fitted_line(meta.running_title, self.font, self.size, measure)
        # Beside the page number, which takes up to "Page 9999 of 9999".
        before, between, after = page_of(meta.words["page_of"])
        number_width = pdfmetrics.stringWidth(f"{before}9999{between}9999{after}  ", self.font,
                                              self.size)
        self.publisher = fitted_line(meta.publisher, self.font, self.size,
                                     measure - number_width)
        self.say, self.said = say, time.monotonic()

    def draw(self, canvas: Any, doc: Any) -> None:
        """The onPage of the body's pages; says how far layout has got, now and then.

        The running head, the rules and the publisher are the same on every page of
        this size: one form, drawn once when the document is saved (`furniture`),
        which each page shows, as it shows its own number's form."""
        if self.say is not None and time.monotonic() - self.said >= PROGRESS_SECONDS:
            self.said = time.monotonic()
            self.say(f"{canvas.getPageNumber()} pages laid out")
        canvas.begin_page()
        canvas.saveState()
        with canvas.pagination():
            canvas.furniture_forms.setdefault(self.form, self)
            canvas.doForm(self.form)
            number = canvas.getPageNumber()
            canvas.numbered_pages.append(number)
            canvas.translate(self.width - self.right, self.bottom - FOOTER_DROP)
            canvas.doForm(f"page-{number}")
        canvas.restoreState()

    def furniture(self, canvas: Any) -> None:
        """What every body page of this size shows outside its frame but its number."""
        canvas.setFont(self.font, self.size)
        canvas.setFillColor(self.colour)
        y = self.height - self.top + 10 * mm
        draw_string(canvas, self.left, y, self.running_head)
        canvas.setStrokeColor(self.rule)
        canvas.setLineWidth(0.5)
        canvas.line(self.left, y - 2.5 * mm, self.width - self.right, y - 2.5 * mm)
        y = self.bottom - FOOTER_DROP
        canvas.line(self.left, y + 4.5 * mm, self.width - self.right, y + 4.5 * mm)
        draw_string(canvas, self.left, y, self.publisher)
