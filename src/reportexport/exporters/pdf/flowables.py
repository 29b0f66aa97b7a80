"""The few flowables the PDF edition needs beyond reportlab's own."""

from __future__ import annotations

import copy
import functools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from itertools import accumulate
from typing import Any, assert_never

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import AnchorFlowable, Flowable, Paragraph

from reportexport.exporters.pdf.hyphenation import SOFT_HYPHEN
from reportexport.exporters.pdf.reportlab_compat import (
    font_has_character,
    forget_postponed,
    laid_out_lines,
    paragraph_fragments,
    plain_text_fragments,
    space_above_in_frame,
    widest_advance,
)
from reportexport.exporters.pdf.scripts import with_fallbacks
from reportexport.exporters.pdf.tagging import Element
from reportexport.frontend import Document
from reportexport.model import (
    CrossReference,
    Emphasis,
    Figure,
    Inline,
    Inlines,
    Link,
    Note,
    Strong,
    Table,
    Text,
)


class TaggedParagraph(Paragraph):
    """A paragraph drawn as the content of its structure element (`tag`).

    Both parts of a split paragraph draw into the same element. A paragraph
    drawn a second time (a table's header row, repeated on the next page) is
    drawn as an artifact: its content is in the tree once.
    """

    style: Any  # a ParagraphStyle (reportlab has no type information)
    tag: Element | None = None
    drawn: bool = False
    #: Whether its text may hold note marks: footnotes.note_numbers searches it only then.
    #: Its maker says False when it knows; a part reportlab splits off is searched.
    may_mark_notes: bool = True
    _longest: float | None = None  # the width of its longest word, once asked
    _letters: int | None = None  # the letters of its longest word, once asked
    # (width, style, size) of the lines laid out last, until they are drawn:
    _wrapped: tuple[float, Any, tuple[float, float]] | None = None

    def __init__(self, text: str, style: Any, *args: Any, **kwargs: Any) -> None:
        text, style, said = with_fallbacks(text, style)
        if style.hyphenationLang and not _has_soft_hyphen(style.fontName):
            style = copy.copy(style)  # a heading font without the glyph: no hyphenation
            style.hyphenationLang = ""
        plain = (plain_text_fragments(text, style)
                 if not args and "frags" not in kwargs else None)
        if plain is not None:  # plain text needs no markup parser
            text, kwargs = plain[0], {**kwargs, "frags": plain[1]}
        super().__init__(text, style, *args, **kwargs)
        # Words in shaped fallback fonts, in order: the canvas says each as it draws it.
        self.fallback_words = deque(said) if style.shaping else None
        # The text as parsed, before layout turns the fragments into words (plain text's
        # one fragment holds it whole). Soft hyphens are not counted: layout drops those
        # where it does not break.
        parsed = text if plain is not None else "".join(
            getattr(f, "text", "") for f in paragraph_fragments(self))
        self.source_text = parsed.replace(SOFT_HYPHEN, "")

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if self.tag is None:
            raise RuntimeError(
                f"a paragraph of the PDF edition has no structure element: {self.text!r}")
        if self.drawn:  # its text is in the tree once; a link it holds gets a second area
            with canvas.link_of(self.tag):
                super().drawOn(canvas, x, y, _sW)
            return
        self.drawn = True
        # Shaped glyphs do not read back as the text: the marked content says it,
        # when the paragraph's text is one piece (no link or note inside).
        canvas.begin_text(self.tag, self.fallback_words)
        try:
            super().drawOn(canvas, x, y, _sW)
        finally:
            canvas.end_text()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if (self.style.hyphenationLang and self._may_outrun(availWidth)
                and self._longest_word() > availWidth):
            # reportlab, hyphenating, leaves a word longer than the line unbroken (it
            # runs off the page): such a paragraph is set without hyphenation.
            self.style = copy.copy(self.style)
            self.style.hyphenationLang = ""
        # A paragraph kept with a heading is measured in its group and then again when
        # the frame adds it: its lines depend only on the width and the style.
        if self._wrapped is not None and self._wrapped[:2] == (availWidth, self.style):
            return self._wrapped[2]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.style, size)
        return size

    def _may_outrun(self, width: float) -> bool:
        """Whether a word may be wider than `width`: not if its letters, each as wide as the
        font's widest, are not (most paragraphs; then no word need be measured)."""
        if self._letters is None:
            self._letters = max(map(len, self.source_text.split()), default=0)
        bound = self._letters * widest_advance(self.style.fontName) * self.style.fontSize
        return bool(bound / 1000 > width)

    def _longest_word(self) -> float:
        if self._longest is None:
            # The widest word, not the one of most letters ("Résumé" outruns "Society").
            self._longest = max((pdfmetrics.stringWidth(word, self.style.fontName,
                                                        self.style.fontSize)
                                 for word in set(self.source_text.split())), default=0.0)
        return self._longest

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts: list[Any] = super().split(availWidth, availHeight)
        # reportlab lays the kept part's lines out again on its own, and shaped text
        # (Khmer) may then take a line more than it did in the whole paragraph: the
        # frame would refuse the part it asked for. Such a part is split off shorter.
        room = availHeight
        for _ in range(3):
            if len(parts) != 2 or parts[0].wrap(availWidth, availHeight)[1] <= availHeight:
                break
            room -= self.style.leading
            parts = super().split(availWidth, room)
        self._wrapped = None  # reportlab drops the lines of a paragraph it cannot split
        for part in parts:
            part.tag = self.tag
            part.fallback_words = self.fallback_words  # one queue: the parts draw in order
        if len(parts) == 2:  # each part keeps its share of the text, for _space_line_ends
            parts[0].source_text = self.source_text
            parts[1].source_text = _after(self.source_text,
                                          _characters(paragraph_fragments(parts[0])))
        return parts

    def draw(self) -> None:
        self._wrapped = None  # drawing changes the lines (below): a later wrap lays out anew
        if self.style.alignment != TA_JUSTIFY:
            _space_line_ends(self)
        super().draw()


@functools.cache
def _has_soft_hyphen(font: str) -> bool:
    return font_has_character(font, ord(SOFT_HYPHEN))


def _characters(frags: list[Any]) -> int:
    """How many characters other than spaces a split part's fragments hold."""
    count = 0
    for fragment in frags:
        if isinstance(fragment, list):  # a laid-out word: [width, (fragment, text), ...]
            text = "".join(piece[1] for piece in fragment[1:])
        else:
            found = getattr(fragment, "text", None)
            # A plain part has no text of its own: it holds its words.
            text = found if found is not None else "".join(getattr(fragment, "words", ()))
        count += len("".join(text.replace(SOFT_HYPHEN, "").split()))
    return count


def _after(text: str, characters: int) -> str:
    """`text` after its first `characters` characters other than spaces."""
    for i, character in enumerate(text):
        if characters == 0:
            return text[i:]
        if not character.isspace():
            characters -= 1
    return ""


def _space_line_ends(paragraph: TaggedParagraph) -> None:
    """End every line that broke at a space with that space, and say a hyphen that
    layout added as a soft one.

    reportlab drops the space where a line breaks, so text taken from the
    marked content (a screen reader, copy and paste) would run the last word
    of one line into the first of the next. The space is drawn after the
    line's last glyph, where it shows nothing. A line that broke inside a word
    gets none; if layout hyphenated the word there, its hyphen becomes a soft
    hyphen (U+00AD, drawn as a hyphen), which is not part of the word's text.
    Justified lines are left alone: their word spacing counts the spaces.
    """
    lines = laid_out_lines(paragraph)
    if len(lines) < 2:
        return
    # Soft hyphens written in the source are left out of the count: a line keeps the one
    # it breaks at and drops the others, so counting them would misplace later breaks.
    words = paragraph.source_text.replace(SOFT_HYPHEN, "").split()
    # After how many characters other than spaces the text has a space; and those characters.
    breaks = set(accumulate(map(len, words)))
    characters = "".join(words)
    seen = 0
    for i, line in enumerate(lines[:-1]):
        if isinstance(line, tuple):  # plain text: (extra space, words)
            extra, pieces = line
            joined = "".join(pieces)  # its characters less its soft hyphens
            seen += len(joined) - joined.count(SOFT_HYPHEN)
            if pieces and pieces[-1].endswith("-") and characters[seen - 1:seen] != "-":
                seen -= 1
                pieces = [*pieces[:-1], pieces[-1][:-1] + SOFT_HYPHEN]
            if pieces and seen in breaks and not pieces[-1].endswith(" "):
                pieces = [*pieces[:-1], pieces[-1] + " "]
            lines[i] = (extra, pieces)
            continue
        seen += sum(len("".join(getattr(w, "text", "").replace(SOFT_HYPHEN, "").split()))
                    for w in line.words)
        # The line's last piece of text (a link's end or a note mark's is a callback).
        for j in range(len(line.words) - 1, -1, -1):
            last = line.words[j]
            if (hasattr(last, "cbDefn") or not isinstance(getattr(last, "text", None), str)
                    or not last.text):
                continue
            text = last.text
            if text.endswith("-") and characters[seen - 1:seen] != "-":
                seen -= 1
                text = text[:-1] + SOFT_HYPHEN
            elif seen in breaks and not text.endswith(" "):
                text += " "
            if text != last.text:
                last = line.words[j] = copy.copy(last)
                last.text = text
            break


#: Makes a paragraph from reportlab markup and the inline nodes it was made from,
#: as the content of the element given (which learns the text's links and notes).
TextMaker = Callable[[str, Inlines, Any, Element], TaggedParagraph]


def tagged(text: str, style: Any, tag: Element,
           kind: type[TaggedParagraph] = TaggedParagraph, **options: Any) -> TaggedParagraph:
    """A paragraph of reportlab markup, drawn as `tag`'s content."""
    paragraph = kind(text, style, **options)
    paragraph.tag = tag
    return paragraph


def plain_paragraph(text: str, style: Any, tag: Element) -> TaggedParagraph:
    """A paragraph of plain text: `<`, `&` and `>` print as themselves, never as markup."""
    paragraph = tagged(escape(text, quote=False), style, tag)
    paragraph.may_mark_notes = False
    return paragraph


@dataclass(frozen=True)
class Ink:
    """How inline markup looks: the links' colour, and the font note marks are set in
    (the body face under a name of its own, by which footnotes.note_numbers finds them)."""

    link_colour: str
    mark_font: str


# Callbacks that give a link and a footnote mark marked content of their own
# (tagging.TaggingCanvas.tag_inline), drawn where their text is.
_OPEN_REFERENCE = '<onDraw name="tag_inline" label="Reference"/>'
_CLOSE = '<onDraw name="tag_inline" label="/"/>'


def destination(section_id: str) -> str:
    """The named destination of a section's heading, which its bookmark, its contents
    entry and cross-references to it go to: one name, made in one place. Sections'
    are the only destinations the PDF edition has, so no generated name can meet one."""
    return f"sec-{section_id}"


def markup(content: Inlines, ink: Ink) -> str:
    """Inline nodes as reportlab paragraph markup; text is escaped, so it is never markup.

    Italic and bold select the family's real faces (registered with the family).
    A cross-reference links to its heading's destination, named `sec-<id>`; a
    note leaves its number as a superscript mark.
    """
    return "".join([inline_markup(node, ink) for node in content])


def inline_markup(node: Inline, ink: Ink) -> str:
    """One inline node as reportlab markup: every kind of the model's, or a refusal
    (assert_never)."""
    match node:
        case Text():
            return escape(node.text, quote=False)
        case Emphasis():
            return f"<i>{markup(node.content, ink)}</i>"
        case Strong():
            return f"<b>{markup(node.content, ink)}</b>"
        case Link():
            return _link(node.url, node.content, ink)
        case CrossReference():
            return _link(f"#{destination(node.target_id)}", node.content, ink)
        case Note():
            return (f'{_OPEN_REFERENCE}<super><font face="{ink.mark_font}">{node.number}'
                    f"</font></super>{_CLOSE}")
        case _:
            assert_never(node)


def _link(target: str, content: Inlines, ink: Ink) -> str:
    # The annotation names an internal target without its '#'.
    opened = f'<onDraw name="tag_inline" label="Link {escape(target.lstrip("#"))}"/>'
    return (f'{opened}<a href="{escape(target)}" color="{ink.link_colour}">'
            f"{markup(content, ink)}</a>{_CLOSE}")


def caption_markup(block: Table | Figure, ink: Ink) -> str:
    """"<b>Table 3.</b> The caption", or "<b>Table 3</b>" alone."""
    caption = Document.caption(block)
    if caption.content is None:
        return f"<b>{caption.label}</b>"
    return f"<b>{caption.label}.</b> {markup(caption.content, ink)}"


class Heading(TaggedParagraph):
    """A section heading that bookmarks itself and records its page when drawn.

    Drawing happens once, in the only layout pass, so what it records is final.
    """

    key: str | None = None
    level: int = 1
    title: str = ""

    def draw(self) -> None:
        canvas = self.canv
        pages: dict[str, int] = canvas.heading_pages
        # A heading split over two frames has the key on its first part only.
        if self.key is not None and self.key not in pages:
            pages[self.key] = canvas.getPageNumber()
            canvas.bookmarkHorizontal(self.key, 0, self.height)
            canvas.addOutlineEntry(self.title, self.key, self.level - 1, closed=False)
        super().draw()

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if parts:  # the first part, drawn first, carries the bookmark
            parts[0].key, parts[0].level, parts[0].title = self.key, self.level, self.title
        return parts


def heading(title: str, style: Any, key: str, level: int, tag: Element) -> Heading:
    flowable = Heading(escape(title, quote=False), style)
    flowable.key, flowable.level, flowable.title, flowable.tag = key, level, title, tag
    return flowable


class RuledParagraph(TaggedParagraph):
    """A paragraph with a rule down its left side: quotations. Splits like any paragraph.

    A quotation's attribution `joins_above`: its rule runs up through the space
    between it and the quoted words, so that the quotation has one rule on each
    page it is on (the space is not drawn over at the top of a page).
    """

    rule_offset: float = 10.0

    def __init__(self, text: str, style: Any, *args: Any,
                 rule_colour: Color | None = None, joins_above: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.rule_colour, self.joins_above = rule_colour, joins_above

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):  # both halves of a split quotation keep the rule
            part.rule_colour = self.rule_colour
            part.joins_above = self.joins_above and i == 0
        return parts

    def draw(self) -> None:
        if self.rule_colour is not None:
            canvas = self.canv
            canvas.saveState()
            canvas.setStrokeColor(self.rule_colour)
            canvas.setLineWidth(2)
            x = self.style.leftIndent - self.rule_offset
            top = self.height + (space_above_in_frame(self) if self.joins_above else 0.0)
            canvas.line(x, 0, x, top)
            canvas.restoreState()
        super().draw()


def listed_destination(block: Table | Figure) -> str:
    """The named destination a list of tables or figures leads to: the block's caption
    (as `destination`'s names, a prefix no other destination has)."""
    return f"{'table' if isinstance(block, Table) else 'figure'}-{block.number}"


class KeptAnchor(AnchorFlowable):
    """A destination before a table or figure, which references to it lead to: kept with
    what follows, so that it moves to the next page with the caption it stands for
    rather than stay at the foot of the page before."""

    keepWithNext = 1


class PageAnchor(KeptAnchor):
    """A destination before a listed table or figure, which records its page for the
    list's page numbers (as a Heading does for the contents'), kept as KeptAnchor."""

    def draw(self) -> None:
        self.canv.heading_pages.setdefault(self._name, self.canv.getPageNumber())
        super().draw()


class TocEntry(Flowable):
    """One contents line: the title (wrapped, indented by level), dot leaders, page number.

    The page numbers of a contents page are one PDF form, defined after the
    body is laid out; the whole line links to the heading's destination. One
    layout pass suffices. The title is the content of the entry's Link
    element; the leaders and the number are not content.
    """

    def __init__(self, text: str, style: Any, key: str, level: int, indent: float,
                 number_width: float, leader_colour: Color, tag: Element) -> None:
        super().__init__()
        self.key = key
        self.link = tag.add("Link", alt=text)
        self.level = level
        self.indent = indent
        self.number_width = number_width
        self.leader_colour = leader_colour
        self.para = plain_paragraph(text, style, self.link)
        self.style = style

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail_width = avail_width
        room = avail_width - self.number_width - 12
        # A deep entry on a narrow page keeps half the room for its title.
        self.shown_indent = min(self.indent, room / 2)
        _, h = self.para.wrap(room - self.shown_indent, avail_height)
        self.height = h
        return avail_width, h

    numbered: bool = True  # False on the first part of an entry split over two pages

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """An entry taller than the page (a long heading on a narrow page): its title's
        lines are split, and the number goes with the last of them."""
        self.wrap(avail_width, avail_height)
        parts = self.para.split(self.para.width, avail_height)
        if len(parts) != 2:
            return []
        first, rest = copy.copy(self), copy.copy(self)
        first.para, first.numbered, rest.para = parts[0], False, parts[1]
        for part in (first, rest):  # new flowables: not yet moved to a later page
            forget_postponed(part)
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        self.para.drawOn(canvas, self.shown_indent, 0)
        if self.numbered:
            self._draw_leaders_and_number(canvas)
        with canvas.link_of(self.link):
            canvas.linkRect(self.link.alt, self.key,
                            (self.shown_indent, -2, self.avail_width, self.height),
                            relative=1, thickness=0)

    def _draw_leaders_and_number(self, canvas: Any) -> None:
        # Leaders run from the end of the title's last line to the number column.
        x0 = self.shown_indent + self.para.getActualLineWidths0()[-1] + 6
        x1 = self.avail_width - self.number_width - 4
        baseline = self.style.fontSize * 0.2
        if x1 > x0:
            # Dots as a dashed rule with round caps: not text, so neither a screen
            # reader nor a copy of the page reads them; spaced as ". " would be.
            size = self.style.fontSize
            gap = _leader_gap(self.style.fontName, size)
            count = int((x1 - x0) / gap)
            y = baseline + size * 0.06
            # Drawn at the page's end with its other leaders, in one graphics state. The
            # rule runs a little past its last dot, which rounding would otherwise drop.
            canvas.contents_leader(
                Leader(self.leader_colour, size * 0.12, gap),
                canvas.absolutePosition(x1 - (count - 1) * gap - size * 0.1, y),
                canvas.absolutePosition(x1 - size * 0.1 + gap / 4, y))
        # The number is drawn later, with the others of this page, in one form.
        canvas.contents_number(self.key, *canvas.absolutePosition(self.avail_width, baseline))


@dataclass(frozen=True)
class Leader:
    """How a contents entry's dot leaders are drawn: a dashed rule of round dots."""

    colour: Color
    width: float
    gap: float  # from one dot to the next

    def set_on(self, canvas: Any) -> None:
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(self.width)
        canvas.setLineCap(1)
        canvas.setDash([0, self.gap])


@functools.cache
def _leader_gap(font: str, size: float) -> float:
    gap: float = pdfmetrics.stringWidth(". ", font, size)
    return gap


class ListItem(Flowable):
    """A list item: its label ("•" or "3.") in the indent, its text beside it.

    Label and text are paragraphs of their own, so each is drawn as its own
    element (Lbl, LBody). The text splits like any paragraph; the part carried
    to the next page has no label.
    """

    def __init__(self, label: TaggedParagraph | None, body: TaggedParagraph, indent: float,
                 label_width: float) -> None:
        super().__init__()
        self.label, self._flowable = label, body  # footnotes.note_numbers looks in _flowable
        self.indent, self.label_width = indent, label_width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self.height = self._flowable.wrap(avail_width - self.indent, avail_height)
        if self.label is not None:
            self.label.wrap(self.label_width, avail_height)
        self.width = avail_width
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = self._flowable.split(avail_width - self.indent, avail_height)
        return [ListItem(self.label if i == 0 else None, part, self.indent, self.label_width)
                for i, part in enumerate(parts)]

    def getSpaceBefore(self) -> float:
        space: float = self._flowable.getSpaceBefore()
        return space

    def getSpaceAfter(self) -> float:
        space: float = self._flowable.getSpaceAfter()
        return space

    def draw(self) -> None:
        if self.label is not None:  # top-aligned: same style, same first baseline
            self.label.drawOn(self.canv, self.indent - self.label_width,
                              self.height - self.label.height)
        self._flowable.drawOn(self.canv, self.indent, 0)
