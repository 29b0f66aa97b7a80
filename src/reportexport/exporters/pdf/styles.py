"""The theme as the PDF's paragraph styles: one row per style role, read by one loop.

Each row says, for a role, what of the theme it takes: a font (family and
face), a size and the leading as a multiple of a size, a colour, spaces before
and after, indents, alignment, and whether it is hyphenated, kept with what
follows, or may leave a line alone at a page's foot. A row names a parent role
whose values it takes unless it gives its own (reportlab's style inheritance).
Names in a row are the theme's own: sizes (`body`, `small`, `h1`...), colours
(`text`, `accent`...) and spacings (`paragraph_after`, `before_h1`...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from reportexport.exporters.pdf.fonts import FontNames
from reportexport.exporters.pdf.hyphenation import SHORTEST, hyphenator
from reportexport.theme import Theme
from reportexport.typography.tablefit import cell_size

#: The largest share of the measure a list's or a quotation's indent takes: the theme's
#: indents (up to 144 pt) would leave a narrow page's text no room.
INDENT_SHARE = 0.25

#: A space or indent: points, or (the theme's spacing named, times a factor).
Space = float | tuple[str, float]
LINE_HEIGHT = "line_height"  # a leading of the theme's line height times the size


@dataclass(frozen=True, slots=True)
class StyleRow:
    """One style role and what of the theme it takes (None: the parent's, or reportlab's
    default)."""

    role: str
    parent: str | None = None
    font: tuple[Literal["body", "heading"], str] | None = None  # (family, face)
    size: str | None = None  # a theme size
    size_step: float = 0.0  # points added to the size
    leading: float | str = LINE_HEIGHT  # times the size (or `leading_of`), with a size
    leading_of: str | None = None  # the theme size the leading is measured from
    colour: str | None = None
    space_before: Space | None = None
    space_after: Space | None = None
    left_indent: Space | None = None
    right_indent: Space | None = None
    first_line_indent: Space | None = None
    alignment: Literal["left", "center", "right"] | None = None
    hyphenated: bool | None = None
    keep_with_next: bool | None = None
    lone_lines: bool | None = None  # a split may leave one line alone (widow, orphan)


def _heading(level: int) -> StyleRow:
    return StyleRow(f"h{level}", font=("heading", "bold"), size=f"h{level}", leading=1.2,
                    colour="accent" if level < 3 else "text",
                    space_before=(f"before_h{level}", 1.0), space_after=("heading_after", 1.0),
                    keep_with_next=True, lone_lines=False)


def _contents_entry(level: int) -> StyleRow:
    return StyleRow(f"toc{level}", font=("heading", "bold" if level == 1 else "regular"),
                    size="body", size_step=0.0 if level == 1 else -0.5, leading=1.3,
                    leading_of="body", colour="text",
                    space_before=("paragraph_after", 1.0) if level == 1 else 1.0)


#: Every paragraph style of the PDF, parents before the roles that take from them.
STYLE_ROWS: tuple[StyleRow, ...] = (
    StyleRow("body", font=("body", "regular"), size="body", colour="text",
             space_after=("paragraph_after", 1.0), alignment="left", hyphenated=True,
             lone_lines=False),
    StyleRow("item", parent="body", space_after=("paragraph_after", 0.5)),
    StyleRow("label", parent="item", colour="accent", space_after=0.0),
    StyleRow("callout-title", parent="body", font=("heading", "bold"), colour="accent",
             space_after=("paragraph_after", 0.5), keep_with_next=True, hyphenated=False),
    StyleRow("term", parent="body", font=("body", "bold"), space_after=1.0,
             keep_with_next=True),
    StyleRow("definition", parent="body", left_indent=("list_indent", 1.0),
             space_after=("paragraph_after", 0.5)),
    StyleRow("lead", parent="body", size="lead", colour="quote",
             space_after=("paragraph_after", 1.0)),
    StyleRow("quote", parent="body", font=("body", "italic"), colour="quote",
             left_indent=("quote_indent", 1.0), right_indent=("quote_indent", 0.5),
             space_before=("paragraph_after", 0.5)),
    StyleRow("quote-attributed", parent="quote", keep_with_next=True),
    StyleRow("attribution", parent="quote", font=("body", "regular"), size="small",
             colour="muted"),
    *(_heading(level) for level in range(1, 7)),
    StyleRow("contents", parent="h1", space_before=0.0, space_after=("heading_after", 3.0)),
    *(_contents_entry(level) for level in range(1, 7)),
    StyleRow("cover-title", font=("heading", "bold"), size="title", leading=1.15,
             colour="cover_text"),
    StyleRow("cover-subtitle", font=("heading", "regular"), size="subtitle", leading=1.3,
             colour="cover_text"),
    StyleRow("cover-label", font=("heading", "bold"), size="small", leading=1.4,
             colour="muted"),
    StyleRow("cover-value", font=("body", "regular"), size="body", leading=1.3, colour="text"),
    StyleRow("cell", parent="body", size="cell"),
    StyleRow("caption", parent="body", font=("body", "regular"), size="small", size_step=0.5,
             leading=1.3, space_before=("paragraph_after", 0.5), space_after=4.0,
             keep_with_next=True),
    # A table's note ("Source: …") sits close under the table's last rule.
    StyleRow("table-note", parent="body", size="small", leading=1.3, space_before=3.0,
             space_after=0.0),
    StyleRow("note", parent="body", size="small", leading=1.3, space_after=2.0,
             left_indent=10.0, first_line_indent=-10.0),
)

_ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


@dataclass(frozen=True)
class _ThemeValues:
    """What a row's names stand for in one theme."""

    theme: Theme
    fonts: dict[str, FontNames]
    sizes: dict[str, float]
    spacing: dict[str, float]
    hyphenation: object  # hyphenation.hyphenator's function, or "" (none)

    @classmethod
    def of(cls, theme: Theme, body: FontNames, head: FontNames, language: str
           ) -> _ThemeValues:
        sizes, spacing, page = theme.sizes, theme.spacing, theme.page
        measure = page.width_mm - page.margins_mm.left - page.margins_mm.right
        return cls(theme, {"body": body, "heading": head},
                   {"body": sizes.body, "small": sizes.small, "lead": sizes.lead,
                    "title": sizes.title, "subtitle": sizes.subtitle, "cell": cell_size(theme),
                    **{f"h{level}": sizes.heading(level) for level in range(1, 7)}},
                   {"paragraph_after": spacing.paragraph_after,
                    "heading_after": spacing.heading_after,
                    # Indents take at most a quarter of a narrow measure (INDENT_SHARE).
                    "quote_indent": min(spacing.quote_indent, measure * mm * INDENT_SHARE),
                    "list_indent": min(spacing.list_indent, measure * mm * INDENT_SHARE),
                    **{f"before_h{level}": spacing.before_heading(level)
                       for level in range(1, 7)}},
                   hyphenator(language) or "")

    def space(self, value: Space) -> float:
        if isinstance(value, tuple):
            name, factor = value
            return self.spacing[name] * factor
        return value

    def style_values(self, row: StyleRow) -> dict[str, object]:
        """The ParagraphStyle attributes `row` gives."""
        values: dict[str, object] = {}
        if row.font is not None:
            family, face = row.font
            values["fontName"] = getattr(self.fonts[family], face)
        if row.size is not None:
            values["fontSize"] = size = self.sizes[row.size] + row.size_step
            factor = (self.theme.line_height if isinstance(row.leading, str)
                      else row.leading)
            values["leading"] = (self.sizes[row.leading_of] if row.leading_of else size) * factor
        if row.colour is not None:
            values["textColor"] = HexColor(getattr(self.theme.colours, row.colour))
        for key, value in (("spaceBefore", row.space_before), ("spaceAfter", row.space_after),
                           ("leftIndent", row.left_indent), ("rightIndent", row.right_indent),
                           ("firstLineIndent", row.first_line_indent)):
            if value is not None:
                values[key] = self.space(value)
        if row.alignment is not None:
            values["alignment"] = _ALIGNMENTS[row.alignment]
        if row.hyphenated:
            values["hyphenationLang"] = self.hyphenation
            values["hyphenationMinWordLength"] = SHORTEST
        if row.keep_with_next is not None:
            values["keepWithNext"] = int(row.keep_with_next)
        if row.lone_lines is not None:
            values["allowWidows"] = values["allowOrphans"] = int(row.lone_lines)
        return values


def paragraph_styles(theme: Theme, body: FontNames, head: FontNames, language: str,
                     rows: tuple[StyleRow, ...] = STYLE_ROWS) -> dict[str, ParagraphStyle]:
    """The paragraph style of each role in `rows`, by role."""
    values = _ThemeValues.of(theme, body, head, language)
    styles: dict[str, ParagraphStyle] = {}
    for row in rows:
        styles[row.role] = ParagraphStyle(row.role, parent=styles.get(row.parent or ""),
                                          **values.style_values(row))
    return styles
