"""How the theme dresses Word's styles: one row per style role, as data.

Each row names one of Word's styles and says which of the theme's fonts, sizes,
colours and spacings it takes; styles.py applies the rows in this order (a style a
document lacks is added in it, based on Normal). Sizes and colours name fields of
the theme's `sizes` and `colours`; "heading" and "heading_before" are the heading
sizes and spacings of the row's `level`. The PDF's and the EPUB's style tables
translate the same theme, role by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Heading levels the exporter styles; deeper source levels do not exist (see source/reading.py).
LEVELS = range(1, 7)
TOC_LEVELS = range(1, 4)


@dataclass(frozen=True)
class Length:
    """Points: `times` the theme's spacing `spacing` (none: 0), plus `points`."""

    spacing: str = ""
    times: float = 1.0
    points: float = 0.0


@dataclass(frozen=True)
class ParagraphRole:
    """One of Word's paragraph styles, dressed from the theme (None: left as it is)."""

    name: str  # Word's style name: "Normal", "Heading 2", "toc 1"
    based_on: str | None = None  # a style other than Normal it is based on
    font: Literal["body", "heading"] | None = None  # the theme's font family
    size: str | None = None  # a field of theme.sizes, or "heading" (of `level`)
    colour: str | None = None  # a field of theme.colours
    bold: bool | None = None
    italic: bool | None = None
    level: int = 1  # the heading level "heading" and "heading_before" mean
    space_before: Length | None = None
    space_after: Length | None = None
    #: A multiple of Word's single line, or "theme": the theme's line height (Word's
    #: single line is about 1.16 of the size, so the theme's 1.3 is Word's 1.12).
    line_spacing: float | Literal["theme"] | None = None
    left_indent: Length | None = None
    right_indent: Length | None = None
    keep_with_next: bool | None = None
    widow_control: bool | None = None
    hyphenated: bool = True  # False: Word does not hyphenate it (as the PDF does not)
    borderless: bool = False  # drop the borders Word's built-in style draws
    contents_tab: bool = False  # a right tab at the text's width, with a dotted leader
    #: The model.block_features name of the kind of block it styles: the style is added
    #: only to a document that uses that kind ("": always).
    feature: str = ""


_HALF_AFTER = Length("paragraph_after", 0.5)
_HEADINGS = tuple(
    ParagraphRole(f"Heading {level}", font="heading", size="heading", level=level,
                  colour="accent" if level < 3 else "text", bold=True, italic=False,
                  space_before=Length("heading_before"), space_after=Length("heading_after"),
                  keep_with_next=True, hyphenated=False)
    for level in LEVELS)
_CONTENTS_ENTRIES = tuple(
    ParagraphRole(f"toc {level}", font="heading", size="body", colour="text", bold=level == 1,
                  left_indent=Length(points=14 * (level - 1)),
                  space_before=Length("paragraph_after") if level == 1 else Length(points=1),
                  space_after=Length(points=1), hyphenated=False, contents_tab=True)
    for level in TOC_LEVELS)

PARAGRAPH_STYLES: tuple[ParagraphRole, ...] = (
    ParagraphRole("Normal", font="body", size="body", colour="text",
                  space_after=Length("paragraph_after"), line_spacing="theme",
                  widow_control=True),
    ParagraphRole("Title", font="heading", size="title", colour="accent", bold=True,
                  space_after=Length("heading_after", 2), hyphenated=False, borderless=True),
    ParagraphRole("Subtitle", font="heading", size="subtitle", colour="muted", italic=False,
                  space_after=Length("heading_after", 4), hyphenated=False),
    ParagraphRole("Quote", font="body", size="body", colour="quote", italic=True,
                  left_indent=Length("quote_indent"), right_indent=Length("quote_indent", 0.5)),
    ParagraphRole("List Bullet", space_after=_HALF_AFTER),
    ParagraphRole("List Number", space_after=_HALF_AFTER),
    ParagraphRole("TOC Heading", based_on="Heading 1", font="heading", size="heading",
                  colour="accent", bold=True, space_before=Length(), hyphenated=False),
    ParagraphRole("Header", font="heading", size="small", colour="muted", hyphenated=False),
    ParagraphRole("Footer", font="heading", size="small", colour="muted", hyphenated=False),
    ParagraphRole("Lead", font="body", size="lead", colour="quote",
                  space_after=Length("paragraph_after", 1.5)),
    ParagraphRole("Cover Fact", font="body", size="body", colour="text",
                  space_after=Length(points=2), hyphenated=False),
    ParagraphRole("Caption", font="heading", size="small", colour="text", bold=True,
                  italic=False, space_before=Length("paragraph_after"), space_after=_HALF_AFTER,
                  keep_with_next=True),
    ParagraphRole("Table Text", font="body", size="small", colour="text",
                  space_before=Length(points=2), space_after=Length(points=2), line_spacing=1.0),
    ParagraphRole("Table Note", font="body", size="small", colour="text",
                  space_before=Length(points=3), space_after=Length("paragraph_after"),
                  feature="table-note"),
    ParagraphRole("Callout Title", font="heading", size="body", colour="accent", bold=True,
                  space_before=Length(points=2), space_after=_HALF_AFTER,
                  keep_with_next=True, hyphenated=False, feature="callout"),
    ParagraphRole("Definition Term", font="body", size="body", colour="text", bold=True,
                  space_after=Length(points=1), keep_with_next=True, feature="definitions"),
    ParagraphRole("Definition", font="body", size="body", colour="text",
                  left_indent=Length("list_indent"), space_after=_HALF_AFTER,
                  feature="definitions"),
    ParagraphRole("footnote text", font="body", size="small", colour="text",
                  space_after=Length(points=2), line_spacing=1.0),
    *_HEADINGS,
    *_CONTENTS_ENTRIES,
)


@dataclass(frozen=True)
class CharacterRole:
    """One of Word's character styles (a template's own, when it has one, is kept)."""

    name: str
    italic: bool = False
    bold: bool = False
    colour: str | None = None  # a field of theme.colours
    underline: bool = False
    superscript: bool = False


CHARACTER_STYLES: tuple[CharacterRole, ...] = (
    CharacterRole("Emphasis", italic=True),
    CharacterRole("Strong", bold=True),
    CharacterRole("Hyperlink", colour="accent", underline=True),
    CharacterRole("footnote reference", superscript=True),
)
