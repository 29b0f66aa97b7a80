"""Dressing Word's built-in styles with the theme (never direct formatting on runs)."""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

from reportexport.exporters.docx.ordering import insert_in_order
from reportexport.theme import Theme

#: Heading levels the exporter styles; deeper source levels do not exist (see source/reading.py).
LEVELS = range(1, 7)
TOC_LEVELS = range(1, 4)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _set_font(style: Any, family: str, size: float | None, colour: str | None,
              bold: bool | None = None, italic: bool | None = None) -> None:
    font = style.font
    font.name = family
    rpr = style.element.get_or_add_rPr()
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


#: Styles Word does not hyphenate (besides headings and contents entries), as in the PDF.
_UNHYPHENATED = frozenset({"Title", "Subtitle", "TOC Heading", "Header", "Footer", "Cover Fact"})


def _unhyphenated(style: Any) -> None:
    """Word hyphenates the document (settings' autoHyphenation), but not this style:
    headings, titles and running heads, as in the PDF."""
    ppr = style.element.get_or_add_pPr()
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
                  keep: set[str]) -> dict[str, str]:
    """Style the paragraph styles the edition uses; return their style ids by name.

    Styles named in `keep` come from a template and are left exactly as they are.
    """
    s, c, sp = theme.sizes, theme.colours, theme.spacing
    body, head = theme.body_font.family, theme.heading_font.family
    names = ["Normal", "Title", "Subtitle", "Quote", "List Bullet", "List Number",
             "TOC Heading", "Header", "Footer", "Lead", "Cover Fact", "Caption",
             "Table Text", "footnote text",
             *(f"Heading {n}" for n in LEVELS), *(f"toc {n}" for n in TOC_LEVELS)]
    ids = {}
    # One pass over the styles: python-docx looks a name up with a query over all of them.
    by_name: dict[str, Any] = {}
    for style in document.styles:
        by_name.setdefault(style.name, style)  # the first of a name wins, as in python-docx
    for name in names:
        fresh = name not in keep
        style = _paragraph_style(document, by_name, name)
        if name.startswith("toc "):
            style.element.set(qn("w:styleId"), f"TOC{name[-1]}")
        elif name == "footnote text" and fresh:
            style.element.set(qn("w:styleId"), "FootnoteText")  # Word's own id for it
        ids[name] = style.style_id
        if not fresh:
            continue
        fmt = style.paragraph_format
        if name == "Normal":
            _set_font(style, body, s.body, c.text)
            fmt.space_after = Pt(sp.paragraph_after)
            fmt.line_spacing = theme.line_height * 0.86  # Word's single is ~1.16 of size
            fmt.widow_control = True
        elif name == "Title":
            _set_font(style, head, s.title, c.accent, bold=True)
            fmt.space_after = Pt(sp.heading_after * 2)
            _drop_borders(style)
        elif name == "Subtitle":
            _set_font(style, head, s.subtitle, c.muted, italic=False)
            fmt.space_after = Pt(sp.heading_after * 4)
        elif name == "Lead":
            _set_font(style, body, s.lead, c.quote)
            fmt.space_after = Pt(sp.paragraph_after * 1.5)
        elif name == "Cover Fact":
            _set_font(style, body, s.body, c.text)
            fmt.space_after = Pt(2)
        elif name == "Quote":
            _set_font(style, body, s.body, c.quote, italic=True)
            fmt.left_indent = Pt(sp.quote_indent)
            fmt.right_indent = Pt(sp.quote_indent / 2)
        elif name in ("List Bullet", "List Number"):
            fmt.space_after = Pt(sp.paragraph_after / 2)
        elif name.startswith("Heading"):
            level = int(name.split()[-1])
            _set_font(style, head, s.heading(level), c.accent if level < 3 else c.text,
                      bold=True, italic=False)
            fmt.space_before = Pt(sp.before_heading(level))
            fmt.space_after = Pt(sp.heading_after)
            fmt.keep_with_next = True
        elif name == "TOC Heading":
            style.base_style = by_name["Heading 1"]
            _set_font(style, head, s.heading(1), c.accent, bold=True)
            fmt.space_before = Pt(0)
        elif name.startswith("toc "):
            level = int(name[-1])
            _set_font(style, head, s.body, c.text, bold=level == 1)
            fmt.left_indent = Pt(14 * (level - 1))
            fmt.space_before = Pt(sp.paragraph_after if level == 1 else 1)
            fmt.space_after = Pt(1)
            fmt.tab_stops.add_tab_stop(
                Pt(text_width_twips / 20), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        elif name in ("Header", "Footer"):
            _set_font(style, head, s.small, c.muted)
        elif name == "footnote text":
            _set_font(style, body, s.small, c.text)
            fmt.space_after = Pt(2)
            fmt.line_spacing = 1.0
        elif name == "Table Text":
            _set_font(style, body, s.small, c.text)
            fmt.space_before = Pt(2)
            fmt.space_after = Pt(2)
            fmt.line_spacing = 1.0
        elif name == "Caption":
            _set_font(style, head, s.small, c.text, bold=True, italic=False)
            fmt.space_before = Pt(sp.paragraph_after)
            fmt.space_after = Pt(sp.paragraph_after / 2)
            fmt.keep_with_next = True
        if name in _UNHYPHENATED or name.startswith(("Heading", "toc ")):
            _unhyphenated(style)
    ids["Report Table"] = _table_style(document, by_name, theme)
    for name, looks in (("Emphasis", {"italic": True}), ("Strong", {"bold": True}),
                        ("Hyperlink", {"colour": c.accent, "underline": True}),
                        ("footnote reference", {"superscript": True})):
        ids[name] = _character_style(document, by_name, name, **looks).style_id
    return ids


def _table_style(document: Any, by_name: dict[str, Any], theme: Theme) -> str:
    """A table style dressed from the theme: rules above, below and between rows, and a
    bold header row with a heavier rule (a template's own "Report Table" wins)."""
    if "Report Table" in by_name:
        return str(by_name["Report Table"].style_id)
    c, size = theme.colours, round(theme.sizes.small * 2)
    accent, rule = c.accent.lstrip("#").upper(), c.rule.lstrip("#").upper()
    head = theme.heading_font.family
    based = ('<w:basedOn w:val="TableNormal"/>'
             if document.styles.element.get_by_id("TableNormal") is not None else "")
    element = parse_xml(
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="ReportTable">'
        f'<w:name w:val="Report Table"/>{based}<w:uiPriority w:val="59"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>'
        f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        "<w:tblPr><w:tblBorders>"
        f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>'
        f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>'
        f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="{rule}"/>'
        "</w:tblBorders><w:tblCellMar>"
        '<w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        '<w:tblStylePr w:type="firstRow">'
        f'<w:rPr><w:rFonts w:ascii="{head}" w:hAnsi="{head}" w:cs="{head}"/><w:b/>'
        "<w:bCs/></w:rPr><w:tcPr><w:tcBorders>"
        f'<w:bottom w:val="single" w:sz="12" w:space="0" w:color="{accent}"/>'
        "</w:tcBorders></w:tcPr></w:tblStylePr></w:style>"
    )
    document.styles.element.append(element)
    return "ReportTable"


def _character_style(document: Any, by_name: dict[str, Any], name: str, *,
                     italic: bool = False, bold: bool = False, colour: str | None = None,
                     underline: bool = False, superscript: bool = False) -> Any:
    """Word's own character style `name` (a template's, if it has one; else made here)."""
    if name in by_name:
        return by_name[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    if "Default Paragraph Font" in by_name:
        style.base_style = by_name["Default Paragraph Font"]
    style.font.italic = italic or None
    style.font.bold = bold or None
    style.font.underline = underline or None
    style.font.superscript = superscript or None
    if superscript:  # Word's own id for its built-in "footnote reference"
        style.element.set(qn("w:styleId"), name.title().replace(" ", ""))
    if colour is not None:
        style.font.color.rgb = _rgb(colour)
    by_name[name] = style
    return style


def _drop_borders(style: Any) -> None:
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def set_language(document: Any, language: str) -> None:
    """The document language, in the style defaults where Word's proofing looks."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), language)
