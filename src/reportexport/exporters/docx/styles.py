"""Dressing Word's built-in styles with the theme (never direct formatting on runs)."""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reportexport.exporters.docx import pythondocx_compat as compat
from reportexport.exporters.docx.ordering import insert_in_order
from reportexport.exporters.docx.styletable import (
    CHARACTER_STYLES,
    PARAGRAPH_STYLES,
    CharacterRole,
    Length,
    ParagraphRole,
)
from reportexport.exporters.docx.wml import element
from reportexport.theme import Theme, tint


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _set_font(style: Any, family: str, size: float | None, colour: str | None,
              bold: bool | None = None, italic: bool | None = None) -> None:
    font = style.font
    font.name = family
    rpr = compat.run_properties(style)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        # Theme-font attributes win over explicit names in Word: drop them.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        fonts.set(qn("w:eastAsia"), family)
        fonts.set(qn("w:cs"), family)
    if size is not None:
        font.size = Pt(size)
        _complex_script_twin(rpr, "w:sz", "w:szCs")
    if colour is not None:
        font.color.rgb = _rgb(colour)
        colour_el = rpr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour_el.attrib.pop(qn(attr), None)
    if bold is not None:
        font.bold = bold
        _complex_script_twin(rpr, "w:b", "w:bCs")
    if italic is not None:
        font.italic = italic
        _complex_script_twin(rpr, "w:i", "w:iCs")


def _complex_script_twin(rpr: Any, tag: str, twin: str) -> None:
    """Word sets Khmer, Thai and other complex scripts by the `…Cs` properties: each
    follows its Latin property, right after it (the schema's order)."""
    latin = rpr.find(qn(tag))
    old = rpr.find(qn(twin))
    if old is not None:
        rpr.remove(old)
    if latin is not None:
        copy = OxmlElement(twin)
        for name, value in latin.attrib.items():
            copy.set(name, value)
        latin.addnext(copy)


#: pPr children the schema puts before suppressAutoHyphens (CT_PPrBase's order).
_BEFORE_SUPPRESS_HYPHENS = frozenset({
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs"})


def _unhyphenated(style: Any) -> None:
    """Word hyphenates the document (settings' autoHyphenation), but not this style:
    headings, titles and running heads, as in the PDF."""
    ppr = compat.paragraph_properties(style)
    if ppr.find(qn("w:suppressAutoHyphens")) is None:
        insert_in_order(ppr, OxmlElement("w:suppressAutoHyphens"),
                        preceding=_BEFORE_SUPPRESS_HYPHENS)


def _paragraph_style(document: Any, by_name: dict[str, Any], name: str) -> Any:
    """The paragraph style called `name`, added (based on Normal) if the document lacks it."""
    if name not in by_name:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = by_name["Normal"]
        style.quick_style = True
        by_name[name] = style
    return by_name[name]


def ensure_styles(document: Any, theme: Theme, text_width_twips: int,
                  keep: set[str], features: Collection[str] = ()) -> dict[str, str]:
    """Style the paragraph styles the edition uses (styletable.PARAGRAPH_STYLES), its table
    and character styles; return their style ids by name.

    Styles named in `keep` come from a template and are left exactly as they are; a
    style of a kind of block the report does not use (not in `features`) is not added.
    """
    ids = {}
    # One pass over the styles: python-docx looks a name up with a query over all of them.
    by_name: dict[str, Any] = {}
    for style in document.styles:
        by_name.setdefault(style.name, style)  # the first of a name wins, as in python-docx
    for role in PARAGRAPH_STYLES:
        if role.feature and role.feature not in features:
            continue
        fresh = role.name not in keep
        style = _paragraph_style(document, by_name, role.name)
        _set_word_id(style, role.name, fresh)
        ids[role.name] = style.style_id
        if fresh:
            _dress(style, role, theme, text_width_twips, by_name)
    ids["Report Table"] = _table_style(document, by_name, theme)
    if "callout" in features:
        ids["Callout Box"] = _callout_style(document, by_name, theme)
    for character in CHARACTER_STYLES:
        ids[character.name] = _character_style(document, by_name, character, theme).style_id
    return ids


#: What ensure_styles made of python-docx's own document's w:styles, by what it depends
#: on: a watcher's build process would dress the same styles at every rebuild, a good
#: part of a short Word edition's work. A copy of the dressed w:styles, and the ids.
_DRESSED: dict[tuple[Theme, int, frozenset[str]], tuple[Any, dict[str, str]]] = {}


def dressed_styles(document: Any, theme: Theme, text_width_twips: int,
                   features: Collection[str] = ()) -> dict[str, str]:
    """ensure_styles for a document opened from python-docx's own package (no template):
    its w:styles dressed once for each theme, text width and kinds of block, and copied
    into the document after that."""
    key = (theme, text_width_twips, frozenset(features))
    if key in _DRESSED:
        dressed, ids = _DRESSED[key]
        compat.replace_styles_element(document, copy.deepcopy(dressed))
        return dict(ids)
    ids = ensure_styles(document, theme, text_width_twips, set(), features)
    if len(_DRESSED) >= 4:  # a watcher's theme edited many times: keep the recent
        _DRESSED.pop(next(iter(_DRESSED)))
    _DRESSED[key] = (copy.deepcopy(compat.styles_element(document)), dict(ids))
    return ids


def _set_word_id(style: Any, name: str, fresh: bool) -> None:
    """Word's own ids for the contents entries (a template's too: Word finds them by id)
    and for the notes' text."""
    if name.startswith("toc "):
        compat.style_element(style).set(qn("w:styleId"), f"TOC{name[-1]}")
    elif name == "footnote text" and fresh:
        compat.style_element(style).set(qn("w:styleId"), "FootnoteText")


def _points(length: Length, theme: Theme, level: int) -> Pt:
    if length.spacing == "heading_before":
        spacing = theme.spacing.before_heading(level)
    else:
        spacing = getattr(theme.spacing, length.spacing) if length.spacing else 0.0
    return Pt(spacing * length.times + length.points)


def _dress(style: Any, role: ParagraphRole, theme: Theme, text_width_twips: int,
           by_name: dict[str, Any]) -> None:
    """Dress `style` as its row in the style table says."""
    if role.based_on is not None:
        style.base_style = by_name[role.based_on]
    if role.font is not None and role.size is not None and role.colour is not None:
        family = (theme.body_font if role.font == "body" else theme.heading_font).family
        size = (theme.sizes.heading(role.level) if role.size == "heading"
                else getattr(theme.sizes, role.size))
        _set_font(style, family, size, getattr(theme.colours, role.colour), role.bold,
                  role.italic)
    _paragraph_format(style.paragraph_format, role, theme, text_width_twips)
    if role.borderless:
        _drop_borders(style)
    if not role.hyphenated:
        _unhyphenated(style)


def _paragraph_format(fmt: Any, role: ParagraphRole, theme: Theme,
                      text_width_twips: int) -> None:
    """The row's spacing, indents and keeping, set in this order: Word's w:spacing and
    w:ind keep their attributes in the order they were set."""
    level = role.level
    if role.space_before is not None:
        fmt.space_before = _points(role.space_before, theme, level)
    if role.space_after is not None:
        fmt.space_after = _points(role.space_after, theme, level)
    if role.line_spacing is not None:
        fmt.line_spacing = (theme.line_height * 0.86 if role.line_spacing == "theme"
                            else role.line_spacing)
    if role.left_indent is not None:
        fmt.left_indent = _points(role.left_indent, theme, level)
    if role.right_indent is not None:
        fmt.right_indent = _points(role.right_indent, theme, level)
    if role.keep_with_next is not None:
        fmt.keep_with_next = role.keep_with_next
    if role.widow_control is not None:
        fmt.widow_control = role.widow_control
    if role.contents_tab:
        fmt.tab_stops.add_tab_stop(Pt(text_width_twips / 20), WD_TAB_ALIGNMENT.RIGHT,
                                   WD_TAB_LEADER.DOTS)


def _table_style(document: Any, by_name: dict[str, Any], theme: Theme) -> str:
    """A table style dressed from the theme: rules above, below and between rows, and a
    bold header row with a heavier rule (a template's own "Report Table" wins)."""
    if "Report Table" in by_name:
        return str(by_name["Report Table"].style_id)
    c, size = theme.colours, round(theme.sizes.small * 2)
    accent, rule = c.accent.lstrip("#").upper(), c.rule.lstrip("#").upper()
    head = theme.heading_font.family
    based = ([element("w:basedOn", {"w:val": "TableNormal"})]
             if compat.style_by_id(document, "TableNormal") is not None else [])

    def border(edge: str, eighths: int, colour: str) -> Any:
        return element(f"w:{edge}", {"w:val": "single", "w:sz": str(eighths), "w:space": "0",
                                     "w:color": colour})

    def margin(side: str) -> Any:
        return element(f"w:{side}", {"w:w": "80", "w:type": "dxa"})

    compat.styles_element(document).append(element(
        "w:style", {"w:type": "table", "w:customStyle": "1", "w:styleId": "ReportTable"},
        element("w:name", {"w:val": "Report Table"}), *based,
        element("w:uiPriority", {"w:val": "59"}), element("w:qFormat"),
        element("w:pPr", None, element("w:spacing", {"w:before": "40", "w:after": "40"})),
        element("w:rPr", None, element("w:sz", {"w:val": str(size)}),
                element("w:szCs", {"w:val": str(size)})),
        element("w:tblPr", None,
                element("w:tblBorders", None, border("top", 8, accent),
                        border("bottom", 8, accent), border("insideH", 4, rule)),
                element("w:tblCellMar", None, margin("left"), margin("right"))),
        element("w:tblStylePr", {"w:type": "firstRow"},
                element("w:rPr", None,
                        element("w:rFonts", {"w:ascii": head, "w:hAnsi": head, "w:cs": head}),
                        element("w:b"), element("w:bCs")),
                element("w:tcPr", None,
                        element("w:tcBorders", None, border("bottom", 12, accent))))))
    return "ReportTable"


#: How much of the accent colour a callout's shading keeps (as the PDF's fill).
CALLOUT_TINT = 0.08


def _callout_style(document: Any, by_name: dict[str, Any], theme: Theme) -> str:
    """The table style of a callout's one-cell box: ruled all round, a heavier rule in
    the accent at its left, shaded with a tint of the accent (a template's own wins)."""
    if "Callout Box" in by_name:
        return str(by_name["Callout Box"].style_id)
    accent, rule = theme.colours.accent.lstrip("#").upper(), theme.colours.rule.lstrip("#")
    fill = tint(theme.colours.accent, CALLOUT_TINT).lstrip("#").upper()

    def border(edge: str, eighths: int, colour: str) -> Any:
        return element(f"w:{edge}", {"w:val": "single", "w:sz": str(eighths), "w:space": "0",
                                     "w:color": colour.upper()})

    def margin(side: str, twips: int) -> Any:
        return element(f"w:{side}", {"w:w": str(twips), "w:type": "dxa"})

    compat.styles_element(document).append(element(
        "w:style", {"w:type": "table", "w:customStyle": "1", "w:styleId": "CalloutBox"},
        element("w:name", {"w:val": "Callout Box"}), element("w:uiPriority", {"w:val": "59"}),
        element("w:tblPr", None,
                element("w:tblBorders", None, border("top", 4, rule), border("left", 24, accent),
                        border("bottom", 4, rule), border("right", 4, rule)),
                element("w:tblCellMar", None, margin("top", 100), margin("left", 180),
                        margin("bottom", 60), margin("right", 180))),
        element("w:tcPr", None, element("w:shd", {"w:val": "clear", "w:color": "auto",
                                                  "w:fill": fill}))))
    return "CalloutBox"


def _character_style(document: Any, by_name: dict[str, Any], role: CharacterRole,
                     theme: Theme) -> Any:
    """Word's own character style `role.name` (a template's, if it has one; else made here)."""
    name = role.name
    if name in by_name:
        return by_name[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    if "Default Paragraph Font" in by_name:
        style.base_style = by_name["Default Paragraph Font"]
    style.font.italic = role.italic or None
    style.font.bold = role.bold or None
    style.font.underline = role.underline or None
    style.font.superscript = role.superscript or None
    if role.superscript:  # Word's own id for its built-in "footnote reference"
        compat.style_element(style).set(qn("w:styleId"), name.title().replace(" ", ""))
    if role.colour is not None:
        style.font.color.rgb = _rgb(getattr(theme.colours, role.colour))
    by_name[name] = style
    return style


def _drop_borders(style: Any) -> None:
    ppr = compat.paragraph_properties(style)
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def set_language(document: Any, language: str) -> None:
    """The document language, in the style defaults where Word's proofing looks."""
    styles = compat.styles_element(document)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def space_before(document: Any, style_id: str) -> int:
    """The space (twips) Word puts before a paragraph in style `style_id`: the first
    space before set up its chain of base styles, else the document defaults'."""
    by_id = {style.style_id: style for style in document.styles
             if style.type == WD_STYLE_TYPE.PARAGRAPH}
    style, seen = by_id.get(style_id), set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        before = style.paragraph_format.space_before
        if before is not None:
            return int(before.twips)
        style = style.base_style
    defaults = compat.styles_element(document).find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    default = None if defaults is None else defaults.get(qn("w:before"))
    return int(default) if default is not None and default.isdigit() else 0
