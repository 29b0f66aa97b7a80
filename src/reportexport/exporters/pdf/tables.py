"""Tables in the PDF: a caption kept with its table, a header row repeated on every page.

The size and column widths come from tablefit.plan (which `validate` uses
too): header words never break inside; body words break, hyphenated, only
when the table cannot hold them even at the smallest size. A table starts
where it stands when its caption, its header row and its first rows fit
there (KeepWithTableStart), and a row taller than the room left splits
between its lines (reportlab's splitInRow), so no row is too tall for a page.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as GridTable

from reportexport.exporters.pdf.flowables import Ink, TextMaker, caption_markup, markup
from reportexport.exporters.pdf.hyphenation import SOFT_HYPHEN
from reportexport.exporters.pdf.reportlab_compat import LenientKeepTogether, row_heights
from reportexport.exporters.pdf.tagging import Element
from reportexport.model import Emphasis, Inline, Inlines, Link, Strong, Table, Text
from reportexport.tablefit import TablePlan

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
#: Body rows that must fit below the caption and the header row for a table to start
#: on the page it stands on; else it starts on the next. A table of no more than
#: twice as many rows starts only where it fits whole.
START_ROWS = 3
#: Of a row taller than this many lines, only that many count towards the start:
#: such a row splits between its lines.
START_LINES = 3
#: A header row taller than this share of the page's text is not repeated on each
#: page (it would leave too little room for the rows).
TALLEST_HEADER = 1 / 3
#: Top and bottom padding of a cell at the theme's size (points); they shrink with the text.
TOP_PADDING, BOTTOM_PADDING = 2.5, 3.5


class ReportTable(GridTable):
    """reportlab's table, which says how much of it must fit where it starts."""

    start_cap: float = 0.0  # a row counts at most this much towards the start (0: no cap)
    start_height: float = 0.0
    whole_height: float = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self.whole_height = size[1]
        heights = row_heights(self)
        # A short table is kept whole (but for a row taller than the cap), a long one
        # needs its first rows.
        rows = heights[1:] if len(heights) <= 1 + 2 * START_ROWS else heights[1:1 + START_ROWS]
        if self.start_cap:
            rows = [min(height, self.start_cap) for height in rows]
        self.start_height = heights[0] + sum(rows)
        return size


class KeepWithTableStart(LenientKeepTogether):
    """reportlab's group of flowables kept with the next one (keepWithNext), asking of a
    table only that its start fit: the group moves to the next page only when the
    caption (and a heading before it), the header row and the first rows do not fit.

    reportlab's own group moves when the whole table does not fit, which pushed
    a long table to the next page and left the rest of this one blank.
    """

    def slack(self) -> float:
        last = self.kept()[-1]
        if isinstance(last, ReportTable):
            return last.whole_height - last.start_height
        return 0.0


def _breakable(content: Inlines, too_long: Any) -> Inlines:
    """`content` with soft hyphens between the letters of each word `too_long` for its
    column, keeping two letters at each end: reportlab breaks such a word, hyphenated,
    where the line is full."""

    def node(item: Inline) -> Inline:
        if isinstance(item, Text):
            return Text(" ".join(
                word[:2] + SOFT_HYPHEN.join(word[2:-2]) + word[-2:]
                if len(word) > 5 and too_long(word) else word
                for word in item.text.split(" ")))
        if isinstance(item, Emphasis | Strong):
            return type(item)(_breakable(item.content, too_long))
        if isinstance(item, Link):
            return Link(item.url, _breakable(item.content, too_long))
        return item  # a cross-reference's words and a note's mark stay whole

    return tuple(node(item) for item in content)


def table_flowables(table: Table, plan: TablePlan, body: ParagraphStyle, header_font: str,
                    caption: ParagraphStyle, ink: Ink, accent: Any, rule: Any,
                    text_height: float, element: Element, text: TextMaker) -> list[Flowable]:
    """The caption and the grid, tagged Table > Caption, THead > TR > TH, TBody > TR > TD."""
    scale = plan.size / body.fontSize
    cell_style = ParagraphStyle("cell", parent=body, spaceBefore=0, spaceAfter=0,
                                fontSize=plan.size, leading=body.leading * scale)
    if plan.break_words:
        cell_style.embeddedHyphenation = 1
    top, bottom = TOP_PADDING * scale, BOTTOM_PADDING * scale
    caption_paragraph = text(caption_markup(table, ink), table.caption or (), caption,
                             element.add("Caption"))
    data = _cells(table, plan, cell_style, header_font, ink, element, text)
    header_height = max(cell[0].wrap(width - 2 * plan.padding, text_height)[1]
                        for cell, width in zip(data[0], plan.widths, strict=True)) + top + bottom
    flowable = ReportTable(data, colWidths=list(plan.widths),
                           repeatRows=1 if header_height <= text_height * TALLEST_HEADER else 0,
                           splitInRow=2 * cell_style.leading + top + bottom,
                           hAlign="LEFT", style=[
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), plan.padding),
                               ("RIGHTPADDING", (0, 0), (-1, -1), plan.padding),
                               ("TOPPADDING", (0, 0), (-1, -1), top),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
                               ("LINEABOVE", (0, 0), (-1, 0), 0.8, accent),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.2, accent),
                               ("LINEBELOW", (0, 1), (-1, -2), 0.4, rule),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.8, accent),
                           ])
    flowable.start_cap = START_LINES * cell_style.leading + top + bottom
    return [caption_paragraph, flowable, Spacer(1, body.spaceAfter)]


def _cells(table: Table, plan: TablePlan, cell_style: ParagraphStyle, header_font: str,
           ink: Ink, element: Element, text: TextMaker) -> list[list[list[Flowable]]]:
    """Each row's cells, the header row first, each cell a paragraph in a list (reportlab
    splits only such a cell between its lines when its row does not fit a page)."""
    styles = {
        (align, header): ParagraphStyle(f"cell-{align}-{header}", parent=cell_style,
                                        alignment=_ALIGN[align],
                                        fontName=header_font if header else cell_style.fontName)
        for align in _ALIGN for header in (False, True)
    }
    head, body_rows = element.add("THead"), element.add("TBody")
    data = []
    for r, row in enumerate([table.columns, *table.rows]):
        tr = (head if r == 0 else body_rows).add("TR")
        cells: list[list[Flowable]] = []
        for content, align, width in zip(row, table.align, plan.widths, strict=True):
            room = width - 2 * plan.padding
            if r and plan.break_words:
                content = _breakable(content, lambda word, room=room: stringWidth(
                    word, cell_style.fontName, plan.size) > room)
            paragraph = text(markup(content, ink), content, styles[(align, r == 0)],
                             tr.add("TH", scope="Column") if r == 0 else tr.add("TD"))
            cells.append([paragraph])
        data.append(cells)
    return data
