"""Tables in the PDF: a caption kept with its table, a header row repeated on every page.

The size and column widths come from tablefit.plan (which `validate` uses
too): header words never break inside; body words break, hyphenated, only
when the table cannot hold them even at the smallest size. A table starts
where it stands when its caption, its header row and its first rows fit
there (KeepWithTableStart), and a row taller than the room left splits
between its lines (reportlab's splitInRow), so no row is too tall for a page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as GridTable

from reportexport.exporters.pdf.flowables import Ink, TextMaker, caption_markup, markup
from reportexport.exporters.pdf.footnotes import holds_no_marks
from reportexport.exporters.pdf.hyphenation import SOFT_HYPHEN
from reportexport.exporters.pdf.reportlab_compat import (
    LenientKeepTogether,
    given_row_heights,
    row_heights,
    table_rows,
)
from reportexport.exporters.pdf.tagging import Element
from reportexport.model import Emphasis, Inline, Inlines, Link, Strong, Table, Text
from reportexport.typography.tablefit import TablePlan

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


@dataclass(frozen=True)
class _Grid:
    """What every part of one table shares: its rows of cells, widths and look."""

    header: list[list[Flowable]]
    body: list[list[list[Flowable]]]
    widths: list[float]
    padding: tuple[float, float, float]  # left and right, top, bottom
    accent: Any
    rule: Any
    repeat_header: bool
    split_in_row: float
    text_height: float  # the page's, the most a part is measured against
    start_cap: float  # a row counts at most this much towards the start
    #: Each row's height once a part measured it, the header's first: a row is
    #: measured once, not again in each part it is offered to.
    heights: list[float | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.heights.extend([None] * (1 + len(self.body)))

    @functools.cached_property
    def marks_notes(self) -> bool:
        """Whether some cell's text may mark a note (its paragraph's maker says so)."""
        return any(getattr(paragraph, "may_mark_notes", True)
                   for row in (self.header, *self.body) for cell in row for paragraph in cell)

    def measured(self, start: int, end: int) -> list[float]:
        """The heights of rows `start` to `end` (0 the header, 1 the first body row), each
        measured once, by reportlab, in a table of the rows not yet measured: a part made
        with its rows' heights is not measured again each time it is asked."""
        unknown = [index for index in range(start, end) if self.heights[index] is None]
        if unknown:
            rows = [self.header if index == 0 else self.body[index - 1] for index in unknown]
            probe = GridTable(rows, colWidths=self.widths, style=self.style(False, False))
            probe.wrap(sum(self.widths), self.text_height)
            for index, height in zip(unknown, row_heights(probe), strict=True):
                self.heights[index] = height
        return [height or 0.0 for height in self.heights[start:end]]

    def style(self, header: bool, final: bool) -> list[tuple[Any, ...]]:
        """The grid's commands for a part with (or without) the header row, holding (or not)
        the table's last row: rules below the header and below every row but the last,
        which has the accent's rule, as the whole table has them."""
        side, top, bottom = self.padding
        first = 1 if header else 0
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), side),
            ("RIGHTPADDING", (0, 0), (-1, -1), side),
            ("TOPPADDING", (0, 0), (-1, -1), top),
            ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
        ]
        if header:
            commands += [("LINEABOVE", (0, 0), (-1, 0), 0.8, self.accent),
                         ("LINEBELOW", (0, 0), (-1, 0), 1.2, self.accent)]
        if final:
            commands += [("LINEBELOW", (0, first), (-1, -2), 0.4, self.rule),
                         ("LINEBELOW", (0, -1), (-1, -1), 0.8, self.accent)]
        else:
            commands.append(("LINEBELOW", (0, first), (-1, -1), 0.4, self.rule))
        return commands


class _Part(GridTable):
    """A part of a long table, which lets go of the rows it drew."""

    grid: _Grid | None = None
    done: tuple[int, int] = (0, 0)  # the table's body rows it holds whole

    def draw(self) -> None:
        super().draw()
        if self.grid is not None:
            # Drawn once: no part asks for these rows again (a retried split starts after).
            start, end = self.done
            self.grid.body[start:end] = [[] for _ in range(end - start)]


class LongTable(Flowable):
    """A table of any length, laid out page by page in time linear in its rows.

    reportlab's table measures every row it holds each time it is asked (and each
    measure is quadratic in its rows), and each split makes a new table of all
    the rows left: a long table cost time quadratic in its rows. This flowable
    hands reportlab, for each page, a part of the table: its header row, the rows
    the page may hold, and a few more, with the commands the whole table gives
    those rows. reportlab splits that part as it would split the whole table (a
    row between its lines too); what it leaves is the part's rest and the rows
    after it, carried as an index into the rows, not as a new table.

    Each part draws the same cells: the header row's paragraphs are drawn as
    content once and as artifacts where repeated (flowables.TaggedParagraph).
    """

    def __init__(self, grid: _Grid, start: int = 0,
                 carried: tuple[list[Any], float] | None = None, first: bool = True,
                 rows: int = 2 * START_ROWS + 2) -> None:
        super().__init__()
        self.grid, self.start, self.first = grid, start, first
        self.carried = carried  # the cells and height of a row split on the page before
        self.start_height = self.whole_height = 0.0
        self._part: GridTable | None = None
        self._part_rows = 0
        # Rows of the body the part holds after the carried one: at least those the
        # start asks for (KeepWithTableStart), and as many as the part before held.
        self._rows = max(rows, 2 * START_ROWS + 2)
        if not grid.marks_notes:
            holds_no_marks(self)

    @property
    def _header(self) -> bool:
        return self.first or self.grid.repeat_header

    def _make_part(self, rows: int) -> GridTable:
        grid = self.grid
        cells = ([grid.header] if self._header else []) + (
            [self.carried[0]] if self.carried else []) + grid.body[self.start:self.start + rows]
        heights = (grid.measured(0, 1) if self._header else []) + (
            [self.carried[1]] if self.carried else []) + grid.measured(
            1 + self.start, 1 + self.start + rows)
        final = self.start + rows >= len(grid.body)
        return _Part(cells, colWidths=grid.widths, rowHeights=heights,
                         repeatRows=1 if grid.repeat_header else 0,
                         splitInRow=grid.split_in_row, hAlign="LEFT",
                         style=grid.style(self._header, final))

    def _part_for(self, width: float, height: float) -> tuple[GridTable, tuple[float, float]]:
        """A part holding what a page of `height` may (rows past the room, or all that are
        left), wrapped, and its size."""
        room = min(height, self.grid.text_height) + 2 * self.grid.split_in_row
        left = len(self.grid.body) - self.start
        while True:
            rows = min(self._rows, left)
            if self._part is None or self._part_rows != rows:
                self._part, self._part_rows = self._make_part(rows), rows
            self._part.canv = getattr(self, "canv", None)
            size: tuple[float, float] = self._part.wrap(width, height)
            if rows == left or size[1] > room:
                return self._part, size
            self._rows *= 2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        part, size = self._part_for(availWidth, availHeight)
        self.whole_height = size[1]
        heights = row_heights(part)
        # A short table is kept whole (but for a row taller than the cap), a long one
        # needs its first rows (the part holds them: see _part_for).
        rows = heights[1:] if len(heights) <= 1 + 2 * START_ROWS else heights[1:1 + START_ROWS]
        if self.grid.start_cap:
            rows = [min(height, self.grid.start_cap) for height in rows]
        self.start_height = heights[0] + sum(rows)
        self.width, self.height = size
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        part, _ = self._part_for(availWidth, availHeight)
        parts: list[Flowable] = part.split(availWidth, availHeight)
        if len(parts) != 2:
            return parts  # no split (moved whole to the next page), or all of it fits
        kept, rest = parts
        headers = 1 if self._header else 0
        repeated = 1 if self.grid.repeat_header else 0
        held = len(table_rows(part)) - headers  # the carried row and the rows after it
        kept_rows = len(table_rows(kept)) - headers
        left_rows = len(table_rows(rest)) - repeated
        carried = 1 if self.carried else 0
        if kept_rows + left_rows == held + 1:  # a row split between its lines
            row = kept_rows - 1
            following: tuple[list[Any], float] | None = (
                table_rows(rest)[repeated], float(given_row_heights(rest)[repeated] or 0.0))
        else:
            row, following = kept_rows, None
        kept.grid, kept.done = self.grid, (self.start, self.start + row - carried)
        return [kept, LongTable(self.grid, self.start + row - carried
                                + (1 if following else 0), following, first=False,
                                rows=self._part_rows)]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        # Laid out whole on this page (else the frame splits it): the part holds it all.
        if self._part is None:
            raise RuntimeError("a table drawn before it was laid out")
        self._part.drawOn(canvas, x, y, _sW)

    @property
    def _flowable(self) -> GridTable:
        """The part of the table this page may hold (footnotes.note_numbers looks in
        `_flowable` for the note marks a flowable holds)."""
        if self._part is None:
            return self._part_for(sum(self.grid.widths), self.grid.text_height)[0]
        return self._part


class KeepWithTableStart(LenientKeepTogether):
    """reportlab's group of flowables kept with the next one (keepWithNext), asking of a
    table only that its start fit: the group moves to the next page only when the
    caption (and a heading before it), the header row and the first rows do not fit.

    reportlab's own group moves when the whole table does not fit, which pushed
    a long table to the next page and left the rest of this one blank.
    """

    def slack(self) -> float:
        # The table ends the group, or is followed by its note (which goes with the table).
        for last in self.kept()[-2:][::-1]:
            if isinstance(last, LongTable):
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
    grid = _Grid(data[0], data[1:], list(plan.widths), (plan.padding, top, bottom), accent,
                 rule, repeat_header=header_height <= text_height * TALLEST_HEADER,
                 split_in_row=2 * cell_style.leading + top + bottom, text_height=text_height,
                 start_cap=START_LINES * cell_style.leading + top + bottom)
    flowable = LongTable(grid)
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
