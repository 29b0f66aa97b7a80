"""The web page's stylesheet: the rules it shares with the e-book (htmlcore.styles),
then what only a screen of any width, a dark scheme and a printer need."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from PIL import ImageColor

from reportexport.exporters.htmlcore.styles import (
    COLOURS,
    RULES,
    Rule,
    css_colour,
    feature_rules,
    font_face_rules,
    render,
    theme_values,
)
from reportexport.exporters.logoplate import PLATE
from reportexport.theme import FontFamily, Theme

LIGHT_BACKGROUND, DARK_BACKGROUND = "#ffffff", "#15181c"
DARK_TEXT = "#e3e6ea"
#: The contrast each colour keeps against the page's background (WCAG 2.2: 4.5 for
#: text, 3 for what shows a control's or a region's edge).
CONTRAST = {"text": 7.0, "accent": 5.0, "muted": 5.0, "quote": 7.0, "rule": 1.3}
#: Rules in the dark scheme: dim lines, not the light scheme's pale ones.
DARK_RULE = "#3d444d"
#: The measure, in em of the body text: about 65 characters a line.
MEASURE = "31em"
#: WCAG 2.2's least target size (2.5.8).
TARGET = "24px"

#: Screen layout: the contents beside the text on a wide screen, above it on a phone.
WEB_RULES: tuple[Rule, ...] = (
    ("html", {"background": "var(--background)", "color": "{text}",
              "-webkit-text-size-adjust": "100%", "text-size-adjust": "100%"}),
    ("body", {"margin": "0", "overflow-wrap": "break-word"}),
    (".skip", {"position": "absolute", "left": "-100vw", "top": "0.5rem", "padding": "0.5rem 1rem",
               "background": "var(--background)"}),
    (".skip:focus", {"left": "0.5rem"}),
    (".visually-hidden", {"position": "absolute", "width": "1px", "height": "1px",
                          "overflow": "hidden", "clip-path": "inset(50%)",
                          "white-space": "nowrap"}),
    ("a:focus-visible, .table-region:focus-visible", {"outline": "2px solid {accent}",
                                                      "outline-offset": "2px"}),
    (".masthead, .layout, footer", {"max-width": "60rem", "margin": "0 auto",
                                    "padding": "0 1.25rem", "box-sizing": "border-box"}),
    (".masthead", {"padding-top": "2.5rem", "padding-bottom": "1rem"}),
    # Smaller on a phone: five lines of title would fill its first screen.
    (".masthead h1", {"font-size": "clamp(1.6em, 1.1em + 2.4vw, {title_page_title})",
                      "margin": "0.4em 0 0.2em", "max-width": "20em"}),
    (".masthead .authors", {"font-family": "{heading_font}", "color": "{muted}"}),
    (".facts", {"display": "flex", "flex-wrap": "wrap", "gap": "0 1.25rem",
                "margin": "1.5rem 0 0"}),
    (".facts div", {"flex": "0 1 auto", "min-width": "9rem"}),
    ("main", {"max-width": MEASURE, "min-width": "0"}),
    ("main > .lead:first-child", {"margin-top": "0"}),
    # A top-level section's heading is the page's h2 (the title is its h1): each level
    # is set as the other editions set it.
    *((f"main h{n + 1}", {"font-size": f"{{heading_{n}}}",
                          "margin": f"{{heading_{n}_before}} 0 {{heading_after}}",
                          "color": "{accent}" if n < 3 else "{text}"}) for n in range(1, 6)),
    ("main p[role='heading']", {"font-family": "{heading_font}", "font-weight": "bold",
                                "line-height": "1.2", "break-after": "avoid",
                                "font-size": "{heading_6}",
                                "margin": "{heading_6_before} 0 {heading_after}"}),
    ("nav.contents", {"border-top": "1px solid {rule}", "border-bottom": "1px solid {rule}",
                      "margin-bottom": "2rem", "font-family": "{heading_font}"}),
    ("nav.contents h2", {"font-size": "{small}", "text-transform": "uppercase",
                         "letter-spacing": "0.06em", "color": "{muted}",
                         "margin": "1rem 0 0.5rem"}),
    ("nav.contents a", {"display": "inline-block", "min-height": TARGET, "padding": "0.1rem 0"}),
    ("nav.contents a:hover", {"color": "{accent}", "text-decoration": "underline"}),
    # Padding, not inline blocks: targets of WCAG 2.2's size that the line may not
    # break before (an inline block may stand alone on the next line). Margins as
    # negative as the padding: the mark stands against the word before it, as in the
    # other editions, and only the touch target reaches over its neighbours.
    ("a[role=doc-noteref]", {"padding": "7px 10px", "margin": "0 -10px",
                             "text-decoration": "none"}),
    ("a[role=doc-backlink]", {"padding": "5px 10px", "text-decoration": "none"}),
    # At the notes' small size a serif arrow reads as a thin stroke.
    ("a[role=doc-backlink] [aria-hidden]", {"font-size": "1.3em", "line-height": "1"}),
    (".notes li", {"margin-bottom": "0.5em"}),
    ("sup", {"vertical-align": "super", "font-size": "0.75em"}),
    (":target", {"scroll-margin-top": "1rem"}),
    (".notes li:target", {"background": "var(--highlight)"}),
    (".notes h2", {"font-size": "{heading_3}", "color": "{text}"}),
    (".table-region", {"overflow-x": "auto", "margin": "{paragraph_after} 0"}),
    (".table-region table", {"margin": "0"}),
    ("footer", {"border-top": "1px solid {rule}", "margin-top": "3rem", "padding-top": "1rem",
                "padding-bottom": "2rem", "color": "{muted}", "font-size": "{small}"}),
    ("footer .publisher", {"font-size": "1em"}),
    # The e-book's small size is too small on a phone: 12 px at the least.
    ("table, figcaption, footer, .notes", {"font-size": "0.875em"}),
    (".facts dt, nav.contents h2, .masthead .publisher, blockquote .attribution",
     {"font-size": "0.8em"}),
)

WIDE_RULES: tuple[Rule, ...] = (
    ("body", {"font-size": "1.125rem"}),
    (".layout", {"display": "grid", "grid-template-columns": "minmax(12rem, 16rem) minmax(0, 31em)",
                 "gap": "3.5rem", "justify-content": "start"}),
    ("nav.contents", {"position": "sticky", "top": "0", "align-self": "start",
                      "max-height": "100vh", "overflow-y": "auto", "border": "0",
                      "margin": "0", "font-size": "0.9em"}),
)

#: What print sets around each link's address after the link; the page's font subset
#: carries these characters (html/writer.py), or a printer draws them in a system font.
ADDRESS_OPENS, ADDRESS_CLOSES = " <", ">"

PRINT_RULES: tuple[Rule, ...] = (
    ("nav.contents, .skip", {"display": "none"}),
    (".layout", {"display": "block"}),
    ("main", {"max-width": "none"}),
    ("main > section", {"break-before": "page"}),
    ("a[href^='http']::after, a[href^='mailto']::after", {
        "content": f"'{ADDRESS_OPENS}' attr(href) '{ADDRESS_CLOSES}'", "font-size": "0.85em",
        "overflow-wrap": "anywhere"}),
    (".table-region", {"overflow": "visible"}),
)
#: In print, for a report with sections that ask for a new page (`new_page`).
NEW_PAGE_RULES: tuple[Rule, ...] = (("section.new-page", {"break-before": "page"}),)


def _luminance(colour: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours."""
    a, b = (_luminance(ImageColor.getrgb(c)[:3]) for c in (first, second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable(colour: str, background: str, least: float) -> str:
    """`colour`, or the nearest mix of it towards white or black (away from
    `background`) that keeps `least` contrast with `background`."""
    rgb = ImageColor.getrgb(colour)[:3]
    toward = 255 if _luminance(ImageColor.getrgb(background)[:3]) < 0.5 else 0
    for step in range(0, 101, 2):
        mixed = "#" + "".join(f"{round(c + (toward - c) * step / 100):02x}" for c in rgb)
        if contrast(mixed, background) >= least:
            return mixed
    return "#ffffff" if toward else "#000000"


def palette(theme: Theme, dark: bool) -> dict[str, str]:
    """The page's colours for one scheme: the theme's, kept readable on its background;
    in the dark scheme the text is light and every other colour made light enough."""
    background = DARK_BACKGROUND if dark else LIGHT_BACKGROUND
    colours = {name: css_colour(theme.colours, name) for name in COLOURS}
    if dark:
        colours["text"], colours["rule"] = DARK_TEXT, DARK_RULE
    found = {name: readable(colours[name], background, CONTRAST[name]) for name in COLOURS}
    found["background"] = background
    found["highlight"] = "#2c3440" if dark else "#fff4c2"
    return found


def _variables(colours: Mapping[str, str]) -> str:
    return ":root { " + " ".join(f"--{name}: {value};" for name, value in colours.items()) + " }"


def web_stylesheet(theme: Theme, font_urls: Mapping[Path, str],
                   fallbacks: Collection[FontFamily], used: Collection[tuple[str, str]],
                   features: Collection[str] = (), *, page_breaks: bool = False,
                   plate_logo: bool = False) -> str:
    """The web page's stylesheet: the rules of the optional blocks in `features` (what
    the report uses), with `page_breaks` the print rule for `new_page`, and with
    `plate_logo` a light plate behind the logo in the dark scheme (a logo that the
    dark background would hide: logoplate)."""
    print_rules = PRINT_RULES + (NEW_PAGE_RULES if page_breaks else ())
    values = theme_values(theme, fallbacks, lambda name: f"var(--{name})")
    light, dark = palette(theme, dark=False), palette(theme, dark=True)
    return "\n".join([
        font_face_rules(theme, font_urls, fallbacks, used),
        ":root { color-scheme: light dark; }",
        _variables(light),
        f"@media (prefers-color-scheme: dark) {{\n{_variables(dark)}\n}}",
        *([f"@media (prefers-color-scheme: dark) {{\n.logo {{ background: {PLATE}; "
           "padding: 0.25rem; border-radius: 0.25rem; }\n}"] if plate_logo else []),
        render(RULES + feature_rules(features), values),
        render(WEB_RULES, values),
        f"@media (min-width: 62em) {{\n{render(WIDE_RULES, values)}\n}}",
        f"@media print {{\n{_variables(light)}\n{render(print_rules, values)}\n}}",
    ]) + "\n"
