"""The few flowables the brief needs beyond reportlab's own."""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText


class CachedParagraph(Paragraph):
    """A paragraph that breaks its lines once per width.

    reportlab wraps a paragraph kept with a heading twice (once to test the
    group, once to place it); breaking lines is the costliest step of layout.
    """

    @classmethod
    def plain(cls, text: str, style: Any) -> CachedParagraph:
        """A paragraph of plain text, which cannot carry markup.

        Built from a text fragment rather than parsed: reportlab's markup
        parser is skipped (a tenth of the layout time of a long report), and
        `<`, `&` and `>` cannot be read as markup because nothing is parsed.
        """
        template = style.__dict__.get("_plain_fragment")
        if template is None:
            template = Paragraph("x", style).frags[0]
            style.__dict__["_plain_fragment"] = template
        fragment = template.clone(text=cleanBlockQuotedText(text, joiner=" "))
        return cls(None, style, frags=[fragment])

    _wrapped: tuple[float, float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped
        # split() may discard the broken lines (blPara); then they must be made again.
        if cached is not None and cached[0] == availWidth and "blPara" in self.__dict__:
            self.width = availWidth
            return cached[2]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, availHeight, size)
        return size


class Heading(CachedParagraph):
    """A section heading that bookmarks itself and records its page when drawn.

    Drawing happens once, in the only layout pass, so what it records is final.
    """

    key: str | None = None
    level: int = 1
    title: str = ""

    def draw(self) -> None:
        canvas = self.canv
        pages: dict[str, int] = canvas.heading_pages  # type: ignore[attr-defined]
        # A heading split over two frames has the key on its first part only.
        if self.key is not None and self.key not in pages:
            pages[self.key] = canvas.getPageNumber()
            canvas.bookmarkHorizontal(self.key, 0, self.height)
            canvas.addOutlineEntry(self.title, self.key, self.level - 1, closed=False)
        super().draw()


def heading(title: str, style: Any, key: str, level: int) -> Heading:
    flowable = Heading.plain(title, style)
    assert isinstance(flowable, Heading)
    flowable.key, flowable.level, flowable.title = key, level, title
    return flowable


class RuledParagraph(CachedParagraph):
    """A paragraph with a rule down its left side: quotations. Splits like any paragraph."""

    rule_colour: Color | None = None
    rule_offset: float = 10.0

    def draw(self) -> None:
        if self.rule_colour is not None:
            canvas = self.canv
            canvas.saveState()
            canvas.setStrokeColor(self.rule_colour)
            canvas.setLineWidth(2)
            x = self.style.leftIndent - self.rule_offset
            canvas.line(x, 0, x, self.height)
            canvas.restoreState()
        super().draw()


class TocEntry(Flowable):
    """One contents line: the title (wrapped, indented by level), dot leaders, page number.

    The page numbers of a contents page are one PDF form, defined after the
    body is laid out; the whole line links to the heading's destination. One
    layout pass suffices.
    """

    def __init__(self, text: str, style: Any, key: str, level: int, indent: float,
                 number_width: float, leader_colour: Color) -> None:
        super().__init__()
        self.key = key
        self.level = level
        self.indent = indent
        self.number_width = number_width
        self.leader_colour = leader_colour
        self.para = CachedParagraph.plain(text, style)
        self.style = style

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail_width = avail_width
        _, h = self.para.wrap(avail_width - self.indent - self.number_width - 12, avail_height)
        self.height = h
        return avail_width, h

    def draw(self) -> None:
        canvas = self.canv
        self.para.drawOn(canvas, self.indent, 0)
        # Leaders run from the end of the title's last line to the number column.
        last = self.para.blPara.lines[-1]
        spare = last[0] if isinstance(last, tuple) else getattr(last, "extraSpace", 0)
        text_width = self.para.width - spare
        x0 = self.indent + text_width + 6
        x1 = self.avail_width - self.number_width - 4
        baseline = self.style.fontSize * 0.2
        if x1 > x0:
            canvas.saveState()
            canvas.setFillColor(self.leader_colour)
            canvas.setFont(self.style.fontName, self.style.fontSize)
            dot = canvas.stringWidth(". ", self.style.fontName, self.style.fontSize)
            count = int((x1 - x0) / dot)
            canvas.drawRightString(x1, baseline, ". " * count)
            canvas.restoreState()
        # The number is drawn later, with the others of this page, in one form.
        x, y = canvas.absolutePosition(self.avail_width, baseline)
        numbers: dict[int, list[tuple[str, float, float]]] = canvas.contents_numbers  # type: ignore[attr-defined]
        numbers.setdefault(canvas.getPageNumber(), []).append((self.key, x, y))
        canvas.linkRect("", self.key, (self.indent, -2, self.avail_width, self.height),
                        relative=1, thickness=0)
