"""The theme as CSS, for the EPUB's pages and the web page alike.

The translation is a table (`RULES`): one row per style role, each a selector
and its declarations, whose values name what they take from the theme
(`{accent}`, `{small}`, `{paragraph_after}`…): the counterpart of the PDF's
paragraph styles and the DOCX's Word styles. Sizes and spaces are in em,
relative to the body's size, so that a reader's own setting scales them all.
Colours are the theme's own, or CSS variables the web page sets per colour scheme.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from PIL import ImageColor

from reportexport.source.problems import ExportError
from reportexport.theme import Colours, FontFamily, Theme

#: Every face the stylesheet can select, as (role, style): emphasis may
#: fall in a table's header cells or a caption, set in the heading family.
FACES = tuple((role, style) for role in ("body", "heading")
              for style in ("regular", "italic", "bold", "bold_italic"))

COLOURS = ("text", "accent", "muted", "rule", "quote")

Rule = tuple[str, Mapping[str, str]]

#: One row per style role: its selector and declarations (see the module's doc).
RULES: tuple[Rule, ...] = (
    ("html", {"font-size": "100%"}),
    ("body", {"font-family": "{body_font}", "line-height": "{line_height}",
              "color": "{text}", "margin": "0 4%"}),
    ("p", {"margin": "0 0 {paragraph_after}"}),
    ("p, li, td, figcaption", {"-epub-hyphens": "auto", "hyphens": "auto"}),
    ("h1, h2, h3, h4, h5, h6", {"font-family": "{heading_font}", "font-weight": "bold",
                                "line-height": "1.2", "page-break-after": "avoid",
                                "break-after": "avoid"}),
    *((f"h{n}", {"font-size": f"{{heading_{n}}}",
                 "margin": f"{{heading_{n}_before}} 0 {{heading_after}}",
                 "color": "{accent}" if n < 3 else "{text}"}) for n in range(1, 7)),
    ("blockquote", {"margin": "{paragraph_after} {half_quote_indent} {paragraph_after} 0",
                    "padding-left": "{quote_padding}", "border-left": "2px solid {accent}",
                    "color": "{quote}", "font-style": "italic"}),
    ("blockquote .attribution", {"font-style": "normal", "font-size": "{small}",
                                 "color": "{muted}"}),
    ("ul, ol", {"margin": "0 0 {paragraph_after}", "padding-left": "{list_indent}"}),
    ("li", {"margin-bottom": "{half_paragraph_after}"}),
    ("li::marker", {"color": "{accent}"}),
    (".titlepage", {"padding-top": "3em"}),
    (".titlepage .publisher, .masthead .publisher", {
        "font-family": "{heading_font}", "text-transform": "uppercase",
        "letter-spacing": "0.06em", "color": "{muted}", "font-size": "{small}"}),
    (".titlepage .title", {"font-size": "{title_page_title}", "margin-top": "1em"}),
    (".titlepage .subtitle, .masthead .subtitle", {
        "font-family": "{heading_font}", "font-size": "{subtitle}", "color": "{muted}"}),
    (".titlepage .lead, main > .lead", {
        "font-size": "{lead}", "color": "{quote}", "border-top": "2px solid {accent}",
        "border-bottom": "1px solid {rule}", "padding": "0.6em 0", "margin": "1.5em 0"}),
    (".facts dt", {"font-family": "{heading_font}", "font-weight": "bold",
                   "text-transform": "uppercase", "font-size": "{small}", "color": "{muted}",
                   "margin-top": "0.6em"}),
    (".facts dd", {"margin": "0"}),
    (".cover", {"text-align": "center", "margin": "0", "padding": "0"}),
    (".cover img", {"max-width": "100%", "max-height": "100vh"}),
    ("nav ol", {"list-style": "none", "padding-left": "1.2em"}),
    ("nav > ol", {"padding-left": "0"}),
    ("nav li", {"margin": "0.3em 0"}),
    ("nav a", {"color": "{text}", "text-decoration": "none"}),
    ("a", {"color": "{accent}"}),
    ("table", {"border-collapse": "collapse", "width": "100%", "margin": "{paragraph_after} 0",
               "font-size": "{small}"}),
    ("caption", {"caption-side": "top", "text-align": "left", "font-family": "{heading_font}",
                 "font-weight": "bold", "margin-bottom": "0.4em"}),
    ("th, td", {"padding": "0.25em 0.5em", "vertical-align": "top"}),
    ("th", {"font-family": "{heading_font}", "border-bottom": "2px solid {accent}"}),
    ("td", {"border-bottom": "1px solid {rule}"}),
    *((f".align-{side}", {"text-align": side}) for side in ("left", "center", "right")),
    ("figure", {"margin": "{paragraph_after} 0", "page-break-inside": "avoid",
                "break-inside": "avoid"}),
    ("figure img", {"max-width": "100%", "height": "auto"}),
    ("figcaption", {"font-size": "{small}", "margin-top": "0.4em"}),
    ("sup", {"line-height": "0"}),
    (".notes", {"margin-top": "2em", "border-top": "1px solid {rule}", "font-size": "{small}"}),
    (".notes aside p", {"margin": "0.4em 0"}),
)

#: Rules for the kinds of block a report may not use (model.block_features): written
#: only when it uses them, so that a report without them keeps its stylesheet.
FEATURE_RULES: Mapping[str, tuple[Rule, ...]] = {
    # A URL or an identifier breaks anywhere in its cell (its min-content width too)
    # rather than push a phone's page sideways: a reading system has no scrolling region.
    "long-cell-words": ((".long-words", {"overflow-wrap": "anywhere"}),),
    "table-note": (
        (".with-note table", {"margin-bottom": "0"}),
        (".table-note", {"font-size": "{small}", "margin": "0.3em 0 {paragraph_after}"}),
    ),
    # Numbers by depth as the PDF and Word draw them: 1. a. i. Bullets are the browser's
    # own shapes (disc, circle, square), drawn with no glyph of the page's fonts (a dash
    # would need one the font subset may lack). Only the sections' lists: the contents'
    # nested lists (in nav, outside any section) keep their own unmarked style.
    "nested-list": (
        ("section li > ol", {"list-style-type": "lower-alpha"}),
        ("section li li > ol", {"list-style-type": "lower-roman"}),
        ("section li > ul", {"list-style-type": "circle"}),
        ("section li li > ul", {"list-style-type": "square"}),
    ),
    "callout": (
        (".callout", {"margin": "{paragraph_after} 0", "padding": "0.5em 1em",
                      "border": "1px solid {rule}", "border-left": "4px solid {accent}",
                      "break-inside": "avoid", "page-break-inside": "avoid"}),
        (".callout-title", {"font-family": "{heading_font}", "font-weight": "bold",
                            "color": "{accent}", "margin": "0.2em 0 0.4em"}),
    ),
    "definitions": (
        (".definitions", {"margin": "{paragraph_after} 0"}),
        (".definitions dt", {"font-weight": "bold", "break-after": "avoid",
                             "page-break-after": "avoid"}),
        (".definitions dd", {"margin": "0 0 {half_paragraph_after} {list_indent}"}),
    ),
}


def feature_rules(features: Collection[str]) -> tuple[Rule, ...]:
    """The rules of the `features` a report uses, in FEATURE_RULES' order."""
    return tuple(rule for name, rules in FEATURE_RULES.items() if name in features
                 for rule in rules)


def font_faces(theme: Theme, fallbacks: Collection[FontFamily] = (),
               used: Collection[tuple[str, str]] = FACES) -> list[tuple[str, str, str, Path]]:
    """(family, CSS weight, CSS style, file) of each face the stylesheet uses (of those
    `used`, as (role, style)), once each, the `fallbacks` the edition needs included."""
    families = {"body": theme.body_font, "heading": theme.heading_font}
    faces = {}
    for role, style in (face for face in FACES if face in used):
        for family in (families[role], *families[role].fallbacks):
            if family is not families[role] and family not in fallbacks:
                continue
            weight = "bold" if "bold" in style else "normal"
            slant = "italic" if "italic" in style else "normal"
            faces[(family.family, weight, slant)] = getattr(family, style)
    return [(family, weight, slant, path) for (family, weight, slant), path in faces.items()]


def css_string(text: str) -> str:
    """`text` as a CSS string: the theme's schema allows only plain family names, and
    this keeps any other text a string all the same (CSS 2.1, 4.1.3 escapes)."""
    return '"' + "".join(
        char if char.isprintable() and char not in '"\\<>' else f"\\{ord(char):x} "
        for char in text) + '"'


def font_face_rules(theme: Theme, urls: Mapping[Path, str],
                    fallbacks: Collection[FontFamily],
                    used: Collection[tuple[str, str]] = FACES) -> str:
    """An @font-face rule for each face `used`, its file at `urls[path]`."""
    return "\n".join(
        f"@font-face {{ font-family: {css_string(family)}; font-weight: {weight}; "
        f"font-style: {slant}; src: url({css_string(urls[path])}); }}"
        for family, weight, slant, path in font_faces(theme, fallbacks, used)
    )


def _stack(family: FontFamily, fallbacks: Collection[FontFamily], generic: str) -> str:
    names = [family.family, *(f.family for f in family.fallbacks if f in fallbacks)]
    return ", ".join([*(css_string(name) for name in names), generic])


def theme_values(theme: Theme, fallbacks: Collection[FontFamily],
                 colour: Callable[[str], str]) -> dict[str, str]:
    """What RULES' values name, from the theme: `colour(name)` writes a colour."""
    s, sp = theme.sizes, theme.spacing

    def rel(points: float) -> str:
        return f"{points / s.body:.3f}em"

    values = {
        "body_font": _stack(theme.body_font, fallbacks, "serif"),
        "heading_font": _stack(theme.heading_font, fallbacks, "sans-serif"),
        "line_height": str(theme.line_height), "small": rel(s.small), "lead": rel(s.lead),
        "subtitle": rel(s.subtitle), "title_page_title": f"{s.title / s.body * 0.8:.3f}em",
        "paragraph_after": rel(sp.paragraph_after),
        "half_paragraph_after": rel(sp.paragraph_after / 2),
        "heading_after": rel(sp.heading_after), "list_indent": rel(sp.list_indent),
        "half_quote_indent": rel(sp.quote_indent / 2), "quote_padding": rel(sp.quote_indent - 4),
        **{name: colour(name) for name in COLOURS},
    }
    for n in range(1, 7):
        values[f"heading_{n}"] = rel(s.heading(n))
        values[f"heading_{n}_before"] = rel(sp.before_heading(n))
    return values


def render(rules: tuple[Rule, ...], values: Mapping[str, str]) -> str:
    """The rules as CSS, one to a line, their values filled in."""
    return "\n".join(
        f"{selector} {{ " + " ".join(f"{prop}: {value.format_map(values)};"
                                     for prop, value in declarations.items()) + " }"
        for selector, declarations in rules)


_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def css_colour(colours: Colours, name: str) -> str:
    """The theme's colour `name` as CSS, parsed as the web page's contrast checks parse
    it: #RRGGBB as written (the theme file's form), another colour a theme made in
    Python gives as #rrggbb; anything else (which could end a CSS rule) is refused."""
    value = getattr(colours, name)
    if isinstance(value, str) and _HEX_COLOUR.fullmatch(value):
        return value
    try:
        red, green, blue = ImageColor.getrgb(str(value))[:3]
    except ValueError:
        raise ExportError(f"theme colour {name} is {value!r}: expected a colour "
                          "written #RRGGBB") from None
    return f"#{red:02x}{green:02x}{blue:02x}"


def theme_colour(colours: Colours) -> Callable[[str], str]:
    """The theme's colours, each parsed by css_colour."""
    return lambda name: css_colour(colours, name)


def stylesheet(theme: Theme, font_urls: Mapping[Path, str],
               fallbacks: Collection[FontFamily] = (), features: Collection[str] = ()) -> str:
    """The e-book's CSS: the shared rules (and those of the `features` the report uses)
    in the theme's own colours, fonts at `font_urls`."""
    values = theme_values(theme, fallbacks, theme_colour(theme.colours))
    rules = RULES + feature_rules(features)
    return f"{font_face_rules(theme, font_urls, fallbacks)}\n{render(rules, values)}\n"
