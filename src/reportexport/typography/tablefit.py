"""How a table fits the page's measure: its cells' font size and its columns' widths.

One plan for the paged editions and for `validate`: a table whose header
words cannot fit the measure even at MIN_SIZE is refused, with its location,
before any edition is written; any other table builds. The PDF sets the
table at the planned size and widths. Text is measured with the theme's own
fonts (their advance widths, through HarfBuzz, as reportlab measures them),
so `validate` and the PDF agree without importing reportlab here.

The rules, in order:
- every column is at least as wide as its longest header word (a header word
  never breaks inside) and, when the table allows it, its longest body word;
- when the words do not fit at the theme's size, the table's text (and its cells'
  padding) shrinks, in half points, down to MIN_SIZE (and MIN_PADDING);
- when even then some body word does not fit, body words may break inside,
  hyphenated (a column keeps room for BREAK_EMS of a broken word);
- narrow columns get their whole text's width before wide text columns wrap
  (layout.column_widths).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportexport.model import (
    SECTION_PARTS,
    Block,
    Callout,
    Emphasis,
    Inlines,
    Note,
    Report,
    Strong,
    Table,
    Text,
    walk_sections,
)
from reportexport.source.problems import ExportError, Problem
from reportexport.theme import FontFamily, Theme
from reportexport.typography.fontruns import chain, first_language, font_runs
from reportexport.typography.sizing import column_widths

if TYPE_CHECKING:  # the build's workers never read a source: YAML is not imported there
    from reportexport.source.yamlload import LocatedData

#: The smallest size a table's text is set in (points): smaller is not read comfortably.
MIN_SIZE = 6.0
#: Padding on each side of a cell's text at the theme's size (points); it shrinks
#: with the text.
PADDING = 4.0
#: The least padding on each side of a cell's text, at MIN_SIZE (points).
MIN_PADDING = 1.5
#: Room a column keeps for a body word broken inside, in ems (about four letters).
BREAK_EMS = 2.0
#: Points added to each column's least width: what rounding of metrics may take.
SLACK = 0.5
#: Points Word's callout box (a one-cell table) takes from the width of what it holds:
#: its cell's margins, both sides together (the DOCX writer's CALLOUT_MARGINS).
CALLOUT_CELL_MARGINS = 18.0


def cell_size(theme: Theme) -> float:
    """The size of a table's text at the theme's scale (points)."""
    return theme.sizes.small + 0.5


def text_measure(theme: Theme) -> float:
    """The width of the page's text (points)."""
    page, margins = theme.page, theme.page.margins_mm
    return (page.width_mm - margins.left - margins.right) * 72 / 25.4


def callout_padding(theme: Theme) -> float:
    """The padding of the PDF's callout box at each side of what it holds (points)."""
    return theme.spacing.paragraph_after


def callout_measure(theme: Theme) -> float:
    """The width of the text inside a callout's box (points), in the edition whose box
    takes the more: the PDF's, padded at each side, or Word's, with its cell margins. A
    table that fits it fits the box in both."""
    return text_measure(theme) - max(2 * callout_padding(theme), CALLOUT_CELL_MARGINS)


@dataclass(frozen=True)
class TablePlan:
    base: float  # the cells' font size at the theme's scale (points)
    size: float  # the cells' font size (points): base, or smaller to fit
    padding: float  # on each side of a cell's text (points)
    widths: tuple[float, ...]  # each column's, padding included (points); they fill the measure
    break_words: bool  # some body word is wider than its column: it breaks inside, hyphenated


class TableTooWide(ValueError):
    """Even at MIN_SIZE, the header words need more than the measure."""

    def __init__(self, columns: int, measure: float, needed: float,
                 whose: str = "the page's") -> None:
        self.columns, self.measure, self.needed = columns, measure, needed
        super().__init__(
            f"{columns} column{'s' * (columns != 1)} do{'es' * (columns == 1)} not fit "
            f"{whose} {measure:.0f} pt text width even at {MIN_SIZE:g} pt (they need at least "
            f"{needed:.0f} pt); split the table, shorten its headings, or choose "
            "a theme with a wider page or narrower margins")


@functools.cache
def _font(path: Path) -> tuple[object, int]:
    import uharfbuzz as hb

    from reportexport.source.inputfiles import read_bounded

    face = hb.Face(read_bounded(path, what="a font file"))  # as fontsubset reads fonts
    return hb.Font(face), face.upem


class _Advances(dict[str, float]):
    """The advances at 1 pt of the characters of one font file (0 for one it lacks),
    each read from the font the first time it is asked for: every character of every
    table cell is measured, and a dict lookup by character costs less than a cached
    call keyed by the file's path."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def __missing__(self, char: str) -> float:
        font, upem = _font(self.path)
        glyph = font.get_nominal_glyph(ord(char))  # type: ignore[attr-defined]
        advance: float = (0.0 if glyph is None
                          else font.get_glyph_h_advance(glyph) / upem)  # type: ignore[attr-defined]
        self[char] = advance
        return advance


@functools.cache
def _advances(path: Path) -> _Advances:
    return _Advances(path)


def _style(bold: bool, italic: bool) -> str:
    return {(False, False): "regular", (True, False): "bold", (False, True): "italic",
            (True, True): "bold_italic"}[(bold, italic)]


def _pieces(content: Inlines, bold: bool, italic: bool) -> Iterator[tuple[str, bool, bool]]:
    """The text of `content` with its faces; a note's mark counts as digits."""
    for node in content:
        if isinstance(node, Text):
            yield node.text, bold, italic
        elif isinstance(node, Note):
            yield str(node.number), False, False
        elif isinstance(node, Emphasis):
            yield from _pieces(node.content, bold, True)
        elif isinstance(node, Strong):
            yield from _pieces(node.content, True, italic)
        else:  # a link or a cross-reference
            yield from _pieces(node.content, bold, italic)


@functools.lru_cache(maxsize=4096)
def _unspaced_words(text: str, language: str) -> tuple[str, ...]:
    """Text in a script written without spaces, as the words a line may break between."""
    from icu4py.breakers import LineBreaker
    from icu4py.locale import Locale

    return tuple(text[start:end] for start, end in LineBreaker(text, Locale(language)).segments())


def _words(text: str) -> list[str]:
    words = []
    for word in text.split():
        language = first_language(word)
        words += [word] if language is None else list(_unspaced_words(word, language))
    return words


@dataclass(frozen=True)
class _Extent:
    """A cell's text at 1 pt: its longest word and its whole width unwrapped."""

    longest: float
    natural: float


def _extent(content: Inlines, family: FontFamily, header: bool) -> _Extent:
    # Each character's width in its face: one word may be part bold.
    text = ""
    advances: list[float] = []
    for piece, bold, italic in _pieces(content, False, False):
        fonts, style = chain(family), _style(bold or header, italic)
        for run in font_runs(piece, family):
            face = fonts[run.font].files()[style]
            advances += map(_advances(face).__getitem__, run.text)
        text += piece
    longest, position = 0.0, 0
    for word in _words(text):
        position = text.index(word, position)
        longest = max(longest, sum(advances[position:position + len(word)]))
        position += len(word)
    return _Extent(longest, sum(advances) if text.strip() else 0.0)


def _columns(table: Table, theme: Theme, header_families: tuple[FontFamily, ...]
             ) -> tuple[list[float], list[float], list[float]]:
    """Per column at 1 pt: the longest header word, the longest body word, the widest text
    (a header in the widest of `header_families`)."""
    headers = [_Extent(*(max(values) for values in zip(
        *((e.longest, e.natural) for e in (_extent(cell, family, True)
                                           for family in header_families)), strict=True)))
               for cell in table.columns]
    body = [[_extent(cell, theme.body_font, False) for cell in row] for row in table.rows]
    count = len(table.columns)
    header_words = [headers[i].longest for i in range(count)]
    body_words = [max((row[i].longest for row in body), default=0.0) for i in range(count)]
    natural = [max([headers[i].natural, *(row[i].natural for row in body)])
               for i in range(count)]
    return header_words, body_words, natural


def _largest_size(ems: list[float], base: float, padding: float, measure: float
                  ) -> float | None:
    """The largest size, in half points from `base` down to MIN_SIZE, at which columns
    `ems` wide (at 1 pt) fill no more than `measure`, each with SLACK and `padding`
    (points on each side at `base`, shrinking with the text)."""
    per_point = sum(ems) + len(ems) * 2 * padding / base
    room = measure - len(ems) * SLACK
    if per_point <= 0 or room >= per_point * base:
        return base
    size = math.floor(room / per_point * 2) / 2
    return size if size >= MIN_SIZE else None


def _fits(ems: list[float], base: float, measure: float) -> tuple[float, float] | None:
    """The size and padding for columns `ems` wide: the padding shrinks with the text,
    and at MIN_SIZE, if that is not enough, to MIN_PADDING."""
    size = _largest_size(ems, base, PADDING, measure)
    if size is not None:
        return size, PADDING * size / base
    tight = MIN_PADDING * base / MIN_SIZE  # MIN_PADDING once shrunk to MIN_SIZE
    if _largest_size(ems, base, tight, measure) is not None:
        return MIN_SIZE, MIN_PADDING
    return None


@functools.lru_cache(maxsize=4096)
def plan(table: Table, theme: Theme, measure: float,
         header_families: tuple[FontFamily, ...] | None = None) -> TablePlan:
    """The size and column widths that fit `table` in `measure` points; TableTooWide
    when its header words cannot fit even at MIN_SIZE. The header row is set in the
    heading family's bold, or measured in the widest of `header_families` (an edition
    whose readers may set it in another family).

    Kept: the source's check plans every table, and the PDF edition plans it again for
    the same measure; that pays where both run in one process (`reportexport pdf`, the
    library's `build` without workers), not in a worker started apart (benchmarks/README.md
    has the figure)."""
    base = cell_size(theme)
    header_words, body_words, natural = _columns(
        table, theme, header_families or (theme.heading_font,))
    least = [max(h, b) for h, b in zip(header_words, body_words, strict=True)]
    fit = _fits(least, base, measure)
    if fit is None:  # body words break; the table is only as small as its headers need
        least = [max(h, min(b, BREAK_EMS)) for h, b in zip(header_words, body_words,
                                                             strict=True)]
        fit = _fits(least, base, measure)
        if fit is None:
            needed = sum(least) * MIN_SIZE + len(least) * (2 * MIN_PADDING + SLACK)
            raise TableTooWide(len(least), measure, needed)
    size, padding = fit

    def points(ems: float) -> float:
        return ems * size + 2 * padding + SLACK

    widths = column_widths([points(n) for n in natural], [points(w) for w in least], measure)
    break_words = any(points(b) > width for b, width in zip(body_words, widths, strict=True))
    return TablePlan(base, size, padding, tuple(widths), break_words)


def _refusal(table: Table, theme: Theme, boxed: bool = False) -> str | None:
    """Why `table` cannot fit the theme's measure (a callout box's, when `boxed`), or
    None."""
    try:
        plan(table, theme, callout_measure(theme) if boxed else text_measure(theme))
    except TableTooWide as exc:
        if boxed:
            exc = TableTooWide(exc.columns, exc.measure, exc.needed, "a callout box's")
        return f"{table.label}: {exc}"
    return None


def _tables(report: Report, theme: Theme) -> list[tuple[Table, Theme, bool]]:
    """Every table in `report.walk`'s order (those in callouts too), with the theme of its
    pages (turned in a landscape section, whose measure is wider) and whether it stands
    in a callout's box."""
    turned = theme.turned()

    def tables(blocks: tuple[Block, ...], boxed: bool) -> Iterator[tuple[Table, bool]]:
        for block in blocks:
            if isinstance(block, Table):
                yield block, boxed
            elif isinstance(block, Callout):
                yield from tables(block.blocks, True)

    return [(table, turned if top.landscape else theme, boxed)
            for part in report.parts for top in part
            for _, section in walk_sections((top,))
            for table, boxed in tables(section.blocks, False)]


def table_problems(located: LocatedData, report: Report, theme: Theme) -> list[Problem]:
    """A located problem for each table of `report` (read from `located`) that cannot fit
    the theme's measure."""
    # In Report.walk's order: front matter, the body, the appendices.
    paths = [path for part in SECTION_PARTS
             for path in _table_paths(located.data.get(part) or [], (part,))]
    return [located.problem(path, refusal)
            for (table, its_theme, boxed), path in zip(_tables(report, theme), paths,
                                                       strict=True)
            if (refusal := _refusal(table, its_theme, boxed)) is not None]


def check_tables(report: Report, theme: Theme) -> None:
    """Refuse a report with a table that cannot fit the theme's measure (a build given a
    report and a theme that `validate` did not see together)."""
    refusals = [refusal for table, its_theme, boxed in _tables(report, theme)
                if (refusal := _refusal(table, its_theme, boxed)) is not None]
    if refusals:
        raise ExportError(f"{refusals[0]}; `reportexport validate --style` says where"
                          + (f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""))


def _table_paths(sections: list[Any], path: tuple[str | int, ...]
                 ) -> Iterator[tuple[str | int, ...]]:
    """The source path of every table, in the order Report.walk meets them."""
    for i, section in enumerate(sections):
        here = (*path, i)
        yield from _block_table_paths(section.get("blocks", []), (*here, "blocks"))
        yield from _table_paths(section.get("sections", []), (*here, "sections"))


def _block_table_paths(blocks: list[Any], path: tuple[str | int, ...]
                       ) -> Iterator[tuple[str | int, ...]]:
    """The source path of every table among `blocks`, those in callouts too."""
    for j, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        if "table" in block:
            yield (*path, j, "table")
        elif isinstance(block.get("callout"), dict):
            yield from _block_table_paths(block["callout"].get("blocks", []),
                                          (*path, j, "callout", "blocks"))
